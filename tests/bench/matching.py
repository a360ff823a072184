"""Matching benchmark without HTTP: `python -m tests.bench.matching [--scale N] [--keep-db]`.

Times suggest_volunteers for 20 open requests and suggest_requests for 20 volunteers on the
benchmark database (the same `komman_bench` that tests.bench.run builds, reused with --keep-db
when it was made at this scale), prints median and p95 milliseconds and the PostgreSQL plan
(EXPLAIN ANALYZE) of both ranking queries. `make bench` runs `measure()` after the HTTP
scenarios, on the database it generated.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable

from .server import bench_env

SAMPLE = 20


def _milliseconds(func: Callable[[], object]) -> float:
    started = time.perf_counter()
    func()
    return (time.perf_counter() - started) * 1000


def _summary(name: str, timings: list[float]) -> dict:
    ordered = sorted(timings)
    return {
        "name": name,
        "calls": len(ordered),
        "median_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, round(0.95 * len(ordered)) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
    }


def measure(*, explain: bool = True) -> dict:
    """Time both directions on the current database; returns the figures and the plans.
    Needs django.setup() with the benchmark environment."""
    from django.utils import timezone

    from volunteers.matching import engine, suggest_requests, suggest_volunteers
    from volunteers.models import HelpRequest, VolunteerProfile

    rng = random.Random(5)
    request_ids = list(
        HelpRequest.objects.filter(status=HelpRequest.Status.OPEN).values_list("pk", flat=True)
    )
    profile_ids = list(VolunteerProfile.objects.values_list("pk", flat=True))
    if not request_ids or not profile_ids:
        return {"results": [], "plans": {}}
    sample = rng.sample(request_ids, min(SAMPLE, len(request_ids)))
    requests = list(HelpRequest.objects.filter(pk__in=sample))
    volunteers = [
        profile.user
        for profile in VolunteerProfile.objects.filter(
            pk__in=rng.sample(profile_ids, min(SAMPLE, len(profile_ids)))
        ).select_related("user")
    ]
    suggest_volunteers(requests[0])  # warm caches and connections
    suggest_requests(volunteers[0])
    results = [
        _summary(
            "suggest_volunteers (limit 20)",
            [_milliseconds(lambda r=r: suggest_volunteers(r)) for r in requests],
        ),
        _summary(
            "suggest_requests (limit 10)",
            [_milliseconds(lambda v=v: suggest_requests(v)) for v in volunteers],
        ),
    ]
    plans = {}
    if explain:
        # The request with the most candidates: one that needs no language.
        plain = next((r for r in requests if not r.languages.exists()), requests[0])
        plain = HelpRequest.objects.prefetch_related("languages").get(pk=plain.pk)
        ranking = engine.volunteer_ranking(plain, limit=20, now=timezone.now())
        plans["suggest_volunteers"] = ranking.explain(analyze=True, buffers=True)
        profile = engine._profile_for_ranking(volunteers[0])
        if profile is not None:
            ranking = engine.request_ranking(profile, limit=10, today=timezone.localdate())
            plans["suggest_requests"] = ranking.explain(analyze=True, buffers=True)
    return {"results": results, "plans": plans}


def table(results: list[dict]) -> str:
    header = f"{'name':<34} {'calls':>5} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}"
    lines = [header, "-" * len(header)]
    for r in results:
        lines.append(
            f"{r['name']:<34} {r['calls']:>5} {r['median_ms']:>10.1f} {r['p95_ms']:>8.1f} "
            f"{r['max_ms']:>8.1f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.matching", description=__doc__)
    parser.add_argument("--scale", type=int, default=100_000, help="volunteers (default 100000)")
    parser.add_argument("--keep-db", action="store_true", help="reuse the database if possible")
    parser.add_argument("--database", default="komman_bench", help="dropped and recreated")
    args = parser.parse_args(argv)
    os.environ.update(bench_env(args.database))
    import django

    django.setup()
    from . import data

    if args.keep_db and data.reusable(args.database, args.scale):
        print(f"Reusing database {args.database} (scale {args.scale:,}).", flush=True)
    else:
        print(f"Generating database {args.database} at scale {args.scale:,} ...", flush=True)
        data.generate(args.database, args.scale)
    report = measure()
    print(f"\nMatching at scale {args.scale:,} volunteers:")
    print(table(report["results"]))
    for name, plan in report["plans"].items():
        print(f"\nEXPLAIN ANALYZE, ranking query of {name}:\n{plan}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
