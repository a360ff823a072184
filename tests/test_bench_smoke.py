"""The benchmark harness (tests/bench) works end to end: a tiny run at scale 50, 1 s per endpoint.

It proves the harness, not the speed: data generation (and that the funding data obeys the
rules the services keep), gunicorn with production settings, the login helper (with the TOTP
step for staff), wrk and the JSON report. Skipped locally without PostgreSQL, Redis or wrk; in CI
(CI=true) they are required. Uses its own database and JSON path, so `make bench` results stay.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from funding.models import Application
from tests.bench.scenarios import SCENARIOS, TRIVIAL
from tests.bench.server import POSTGRES_ADMIN_URL

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# One database per run: two runs on one machine must not drop each other's data.
DATABASE = f"komman_bench_smoke_{os.getpid()}"
FUNDED = "('approved', 'proof_submitted', 'closed')"
# The generated funding data is what the services would have written: each query finds the
# rows that break one rule, so each must find none.
FUNDING_RULES = {
    "block pots hold what their cases bind, pay and give back": f"""
        SELECT b.code FROM funding_buildingblock b LEFT JOIN (
            SELECT block_id, SUM(approved_amount) AS committed, SUM(paid_amount) AS paid,
                COALESCE(SUM(approved_amount - paid_amount + repaid_amount)
                    FILTER (WHERE status = 'closed'), 0) AS returned
            FROM funding_application WHERE status IN {FUNDED} GROUP BY block_id
        ) c ON c.block_id = b.id
        WHERE (b.committed, b.paid, b.returned)
            <> (COALESCE(c.committed, 0), COALESCE(c.paid, 0), COALESCE(c.returned, 0))""",
    "a year's figures are its blocks' sums, its pot covers theirs": """
        SELECT y.id FROM funding_programmeyear y JOIN (
            SELECT programme_year_id, SUM(pot) AS pot, SUM(committed) AS committed,
                SUM(paid) AS paid, SUM(returned) AS returned
            FROM funding_buildingblock GROUP BY programme_year_id
        ) b ON b.programme_year_id = y.id
        WHERE (y.committed, y.paid, y.returned) <> (b.committed, b.paid, b.returned)
            OR y.pot < b.pot""",
    "paid_amount is the sum of paid payments, open requests fit the rest": """
        SELECT a.id FROM funding_application a LEFT JOIN funding_payment p
            ON p.application_id = a.id
        GROUP BY a.id
        HAVING a.paid_amount <> COALESCE(SUM(p.amount) FILTER (WHERE p.status = 'paid'), 0)
            OR a.paid_amount + COALESCE(SUM(p.amount) FILTER (WHERE p.status = 'requested'), 0)
                > COALESCE(a.approved_amount, 0)""",
    "1-5 cost lines adding up to requested amount plus own contribution": """
        SELECT a.id FROM funding_application a LEFT JOIN funding_costline l
            ON l.application_id = a.id
        GROUP BY a.id
        HAVING COUNT(l.id) NOT BETWEEN 1 AND 5
            OR COALESCE(SUM(l.amount), 0) <> a.requested_amount + a.own_contribution""",
    "exactly the signed cases have a signature and a letter": """
        SELECT a.id FROM funding_application a
        LEFT JOIN funding_decisionletter l ON l.application_id = a.id
        WHERE (a.status IN ('approved', 'rejected', 'proof_submitted', 'closed'))
            <> (a.signed_by_id IS NOT NULL AND l.id IS NOT NULL)""",
    "the last history row of a sent case names its status": """
        SELECT a.id FROM funding_application a
        WHERE a.status <> 'draft' AND a.status IS DISTINCT FROM (
            SELECT s.to_status FROM backend_statuschange s
            JOIN django_content_type t ON t.id = s.content_type_id
            WHERE t.app_label = 'funding' AND t.model = 'application' AND s.object_id = a.id
            ORDER BY s.at DESC, s.id DESC LIMIT 1)""",
}

pytestmark = pytest.mark.services


def _require(available: bool, message: str) -> None:
    if not available:
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def test_bench_harness_runs_every_scenario_and_writes_the_report(tmp_path):
    _require(_listening(5432), "PostgreSQL is not reachable at 127.0.0.1:5432")
    _require(_listening(6379), "Redis is not reachable at 127.0.0.1:6379")
    _require(shutil.which("wrk") is not None, "wrk is not installed (apt-get install wrk)")
    report = tmp_path / "bench.json"
    command = [sys.executable, "-m", "tests.bench.run", "--scale", "50", "--duration", "1"]
    command += ["--database", DATABASE, "--json", str(report)]
    broken, statuses = {}, set()
    try:
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
        )
        if done.returncode == 0:
            with psycopg.connect(POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{DATABASE}") as conn:
                for rule, query in FUNDING_RULES.items():
                    rows = conn.execute(query).fetchall()
                    if rows:
                        broken[rule] = rows[:5]
                query = "SELECT DISTINCT status FROM funding_application"
                statuses = {status for (status,) in conn.execute(query)}
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")

    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(report.read_text())
    assert data["scale"] == 50
    assert data["counts"]["volunteers"] == 50
    assert data["counts"]["grant_applications"] == 50  # the floor that shows every status
    assert broken == {}
    assert statuses == set(Application.Status.values)
    rows = {row["name"]: row for row in data["results"]}
    assert set(rows) == {TRIVIAL.name, *(s.name for s in SCENARIOS)}
    for row in rows.values():
        assert row["rps"] > 0, row
        assert isinstance(row["queries"], int), row
        assert row["rss_mb"] > 0, row
        assert row["p95_ms"] >= row["p50_ms"] > 0, row
        assert row["limit_rps"] == rows[TRIVIAL.name]["rps"]
    assert rows[TRIVIAL.name]["queries"] == 0
    assert "trivial (upper bound)" in done.stdout
    matching = {row["name"]: row for row in data["matching"]}
    assert len(matching) == 2, data["matching"]
    for row in matching.values():
        assert row["calls"] > 0 and row["p95_ms"] >= row["median_ms"] > 0, row


def test_certificate_benchmark_runs_and_issues_one_certificate_per_attendee():
    """The certificate benchmark builds its own training on a throwaway SQLite file; a tiny run
    proves it still issues a certificate to every attendee (it broke once when certificates
    began to need a name) and reports. The ratio is `make bench`'s business, not checked."""
    run = subprocess.run(
        [sys.executable, "-m", "tests.bench.certificates", "--attendees", "6"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,  # hang guard: the run takes a few seconds
        env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
    )
    assert "Teilnahmebescheinigungen for 6 attendees" in run.stdout, run.stdout + run.stderr
    assert "certificates for 6 attendees" not in run.stdout + run.stderr
    assert "pages per PDF (PDFium, sample): 1" in run.stdout
