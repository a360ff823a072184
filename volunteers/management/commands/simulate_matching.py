"""`manage.py simulate_matching`: a month of synthetic requests against synthetic volunteers,
with the fairness term on and off. See volunteers.matching.simulation for the world, the
response model and why nothing is kept (each run is rolled back)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from volunteers.matching.simulation import (
    SimulationConfig,
    SimulationRefused,
    report_table,
    simulate,
)

DEFAULTS = SimulationConfig()


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Simulate a month of matching on synthetic data (rolled back, nothing is kept) and "
        "compare the fairness term at its configured weight with fairness 0."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--volunteers", type=_positive, default=DEFAULTS.volunteers)
        parser.add_argument(
            "--requests-per-day", type=float, default=DEFAULTS.requests_per_day, metavar="N"
        )
        parser.add_argument("--days", type=_positive, default=DEFAULTS.days)
        parser.add_argument("--seed", type=int, default=DEFAULTS.seed)
        parser.add_argument(
            "--batch",
            type=_positive,
            default=DEFAULTS.batch,
            metavar="N",
            help="volunteers the coordinator invites at a time (default %(default)s)",
        )
        parser.add_argument(
            "--after-days",
            type=_positive,
            default=DEFAULTS.after_days,
            metavar="K",
            help="days until the next batch while a request is not filled (default %(default)s)",
        )
        parser.add_argument(
            "--open-days",
            type=_positive,
            default=DEFAULTS.open_days,
            metavar="D",
            help="days a request takes invitations at most (default %(default)s)",
        )
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, **options) -> None:
        if options["requests_per_day"] <= 0:
            raise CommandError("--requests-per-day must be positive.")
        config = SimulationConfig(
            volunteers=options["volunteers"],
            requests_per_day=options["requests_per_day"],
            days=options["days"],
            seed=options["seed"],
            batch=options["batch"],
            after_days=options["after_days"],
            open_days=options["open_days"],
        )
        try:
            report = simulate(config)
        except SimulationRefused as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
        else:
            self.stdout.write(report_table(report))
