"""Certificate rendering benchmark: `python -m tests.bench.certificates [--attendees 500]`.

Builds a training with N attendees on a throwaway SQLite database (a temporary file, test
settings, migrated from scratch; nothing else is touched), creates their certificate rows,
then times side by side in the same process:

- baseline: one WeasyPrint render per person (backend.documents.render_pdf), on a sample of
  20 people, extrapolated to a rate;
- batch: volunteers.services.training_certificates.certificates_render for all N (one layout
  per batch of 50, split into one standalone PDF per person).

Prints certificates per second for both, the ratio, and the median and largest PDF size of
the batch; checks a sample of the batch PDFs with PDFium (one page each). Exit status 1 when
the target (10x the baseline, every PDF under 150 KB) is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tests.pdf import pdf_pages

BASELINE_SAMPLE = 20
TARGET_RATIO = 10.0
MAX_BYTES = 150 * 1024


def _setup(database: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "backend.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("CELERY_BROKER_URL", "memory://")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def _build(attendees: int):
    """A training with one 6-hour session and `attendees` people present at it."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from backend.accounts.models import User
    from volunteers.models import Attendance, Registration, Training, TrainingSession
    from volunteers.services.training_certificates import _certificates_create_missing

    first = ["Amira", "Jürgen", "Олена", "Mohammed", "Zoë", "Hanna", "Yusuf", "Małgorzata"]
    last = ["Haddad", "Özdemir-Müller", "Коваленко", "Al-Sayed", "Ångström", "Schmidt"]
    start = timezone.make_aware(dt.datetime(2026, 3, 7, 10, 0))
    now = timezone.now()
    training = Training.objects.create(
        title="Interkulturelle Kompetenz im Ehrenamt",
        description="Benchmark",
        place="Kreishaus Warendorf",
        capacity=min(attendees, 32000),
        registration_opens_at=now - dt.timedelta(days=30),
        registration_closes_at=now - dt.timedelta(days=1),
        cancellation_deadline=now - dt.timedelta(days=1),
        hours_credited=Decimal(6),
        status=Training.Status.PUBLISHED,
        first_starts_at=start,
    )
    session = TrainingSession.objects.create(
        training=training, starts_at=start, ends_at=start + dt.timedelta(hours=6)
    )
    users = User.objects.bulk_create(
        User(
            email=f"bench{n}@example.org",
            first_name=first[n % len(first)],
            last_name=f"{last[n % len(last)]} {n}",
            language="de",
        )
        for n in range(attendees)
    )
    registrations = Registration.objects.bulk_create(
        Registration(training=training, volunteer=user, status=Registration.Status.CONFIRMED)
        for user in users
    )
    Attendance.objects.bulk_create(
        Attendance(session=session, registration=registration, present=True)
        for registration in registrations
    )
    _certificates_create_missing(training=training, issued_by=None)
    return training


def measure(attendees: int) -> dict:
    """Time the baseline on a sample and the batch on everyone (needs _setup first)."""
    from backend.documents import render_pdf
    from volunteers.models import TrainingCertificate
    from volunteers.services.training_certificates import (
        TEMPLATE,
        certificate_render_context,
        certificates_render,
    )

    training = _build(attendees)
    certificates = list(
        TrainingCertificate.objects.filter(registration__training=training)
        .select_related("registration__volunteer", "registration__training")
        .order_by("pk")
    )
    if len(certificates) != attendees:
        raise SystemExit(f"{len(certificates)} certificates for {attendees} attendees")
    sample = certificates[:BASELINE_SAMPLE]
    render_pdf(TEMPLATE, certificate_render_context(sample[0]))  # warm-up: imports, caches

    started = time.perf_counter()
    for certificate in sample:
        render_pdf(TEMPLATE, certificate_render_context(certificate))
    baseline_seconds = time.perf_counter() - started

    started = time.perf_counter()
    rendered = certificates_render(certificates)
    batch_seconds = time.perf_counter() - started

    sizes = sorted(len(pdf) for pdf in rendered.values())
    step = max(1, len(certificates) // BASELINE_SAMPLE)
    pages = {str(pdf_pages(rendered[c.pk])) for c in certificates[::step]}
    baseline_rate = len(sample) / baseline_seconds
    batch_rate = len(rendered) / batch_seconds
    return {
        "attendees": attendees,
        "baseline_sample": len(sample),
        "baseline_seconds": baseline_seconds,
        "baseline_rate": baseline_rate,
        "batch_count": len(rendered),
        "batch_seconds": batch_seconds,
        "batch_rate": batch_rate,
        "ratio": batch_rate / baseline_rate,
        "median_bytes": statistics.median(sizes),
        "max_bytes": sizes[-1],
        "pages_seen": sorted(pages),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attendees", type=int, default=500)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="komman-bench-certs-") as folder:
        _setup(Path(folder) / "bench.sqlite3")
        result = measure(args.attendees)
    from volunteers.services.training_certificates import RENDER_BATCH

    print(f"Teilnahmebescheinigungen for {result['attendees']} attendees")
    print(
        f"  baseline (one render per person, {result['baseline_sample']} people): "
        f"{result['baseline_rate']:6.1f} certificates/s  "
        f"({result['baseline_seconds']:.2f} s)"
    )
    print(
        f"  batch (one layout per {RENDER_BATCH}, split per person, all {result['batch_count']}):"
        f" {result['batch_rate']:6.1f} certificates/s  ({result['batch_seconds']:.2f} s)"
    )
    print(f"  ratio: {result['ratio']:.1f}x (target >= {TARGET_RATIO:.0f}x)")
    print(
        f"  PDF size: median {result['median_bytes'] / 1024:.1f} KB, "
        f"max {result['max_bytes'] / 1024:.1f} KB (limit {MAX_BYTES // 1024} KB); "
        f"pages per PDF (PDFium, sample): {', '.join(result['pages_seen'])}"
    )
    ok = (
        result["ratio"] >= TARGET_RATIO
        and result["max_bytes"] < MAX_BYTES
        and result["pages_seen"] == ["1"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
