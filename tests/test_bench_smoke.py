"""The benchmark harness (tests/bench) works end to end: a tiny run at scale 50, 1 s per endpoint.

It proves the harness, not the speed: data generation, gunicorn with production settings, the
login helper, wrk and the JSON report. Skipped locally without PostgreSQL, Redis or wrk; in CI
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

from tests.bench.scenarios import SCENARIOS, TRIVIAL
from tests.bench.server import POSTGRES_ADMIN_URL

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# One database per run: two runs on one machine must not drop each other's data.
DATABASE = f"komman_bench_smoke_{os.getpid()}"

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
    try:
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
        )
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")

    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(report.read_text())
    assert data["scale"] == 50
    assert data["counts"]["volunteers"] == 50
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
