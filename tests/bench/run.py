"""The benchmark: `python -m tests.bench.run [--scale N] ...` (what `make bench` runs).

Builds the PostgreSQL database `komman_bench` with synthetic data at the chosen scale, serves
the app with gunicorn and production settings on 127.0.0.1, drives every scenario with wrk and
prints requests/s, p50/p95 latency, SQL queries per request and peak worker memory beside the
trivial view served by the same server, the practical upper bound; then times matching in
process (tests/bench/matching.py). Writes the numbers to var/bench/latest.json. Exits non-zero
when an endpoint answers with errors.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from .load import LoadError, run_wrk
from .matching import measure as measure_matching
from .matching import table as matching_table
from .scenarios import SCENARIOS, TRIVIAL, Credentials, Scenario
from .server import ROOT, PeakRss, Server, bench_env, request


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.run", description=__doc__)
    parser.add_argument("--scale", type=int, default=100_000, help="volunteers (default 100000)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers (CPU count)"
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="reuse the database if made at this scale"
    )
    parser.add_argument("--database", default="komman_bench", help="dropped and recreated")
    parser.add_argument("--json", type=Path, default=ROOT / "var" / "bench" / "latest.json")
    parser.add_argument(
        "--only", nargs="+", metavar="NAME", help='scenario names, e.g. "login page"'
    )
    args = parser.parse_args(argv)
    if args.scale < 1:
        parser.error("--scale must be at least 1")
    return args


def selected(only: list[str] | None) -> list[Scenario]:
    if not only:
        return SCENARIOS
    names = {name.lower() for name in only}
    unknown = names - {s.name.lower() for s in SCENARIOS}
    if unknown:
        raise SystemExit(f"--only: unknown {sorted(unknown)}; known: {[s.name for s in SCENARIOS]}")
    return [s for s in SCENARIOS if s.name.lower() in names]


def collect_static() -> None:
    """collectstatic with the production storage, unless the manifest is newer than every source
    file. Pages 500 on a file missing from the manifest; compressing costs about a minute."""
    from django.apps import apps
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists():
        built = manifest.stat().st_mtime
        known = json.loads(manifest.read_text())["paths"]
        ignore = apps.get_app_config("staticfiles").ignore_patterns
        sources = [
            ("/".join(filter(None, [getattr(storage, "prefix", None), path])), storage.path(path))
            for finder in get_finders()
            for path, storage in finder.list(ignore)
        ]
        if all(name in known and Path(file).stat().st_mtime <= built for name, file in sources):
            return
    print("Collecting static files (compression takes about a minute) ...", flush=True)
    call_command("collectstatic", interactive=False, verbosity=0)


def prepare(
    args: argparse.Namespace,
) -> tuple[dict[str, str], float | None, str, dict[str, object]]:
    """Database and static files; returns (API tokens by email, generation seconds or None,
    the bench request's coordinator's email, the scenarios' placeholders)."""
    import django

    django.setup()
    from . import data

    seconds = None
    if args.keep_db and data.reusable(args.database, args.scale):
        print(f"Reusing database {args.database} (scale {args.scale:,}).", flush=True)
    else:
        print(f"Generating database {args.database} at scale {args.scale:,} ...", flush=True)
        started = time.monotonic()
        data.generate(args.database, args.scale)
        seconds = time.monotonic() - started
        print(f"Data generation took {seconds:.1f} s.", flush=True)
    collect_static()
    data.create_bench_credentials()  # idempotent; a reused database gets new accounts' tokens
    tokens = data.tokens()
    request_id, coordinator_email = data.bench_request()
    placeholders = {"request": request_id, "year": data.bench_programme_year()}
    from django.db import connections

    connections.close_all()
    return tokens, seconds, coordinator_email, placeholders


def measure(
    server: Server, scenario: Scenario, headers: dict, args: argparse.Namespace, path: str
) -> dict:
    """Warm up, count the queries of one request, then the measured wrk run."""
    url = f"http://127.0.0.1:{server.port}{path}"
    load = {"connections": args.connections, "threads": args.threads}
    run_wrk(url, headers=headers, duration=max(1, args.duration // 5), **load)  # warm-up
    status, response_headers, body = request(server.port, path, headers=headers)
    if status != 200:
        raise LoadError(f"{scenario.name}: GET {path} answered {status}: {body[:300]!r}")
    queries = response_headers.get("X-Query-Count")
    if queries is None:
        raise LoadError("no X-Query-Count header: is QUERY_COUNT_HEADER on?")
    with PeakRss(server) as rss:
        result = run_wrk(url, headers=headers, duration=args.duration, **load)
    return {
        "name": scenario.name,
        "rps": round(result.rps, 1),
        "p50_ms": round(result.p50_ms, 2),
        "p95_ms": round(result.p95_ms, 2),
        "queries": int(queries),
        "rss_mb": round(rss.peak_mb, 1),
    }


def table(results: list[dict]) -> str:
    header = f"{'name':<44} {'rps':>8} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7} "
    header += f"{'rss MB':>7} {'% of limit':>10}"
    lines = [header, "-" * len(header)]
    for r in results:
        share = 100 * r["rps"] / r["limit_rps"] if r["limit_rps"] else 0
        lines.append(
            f"{r['name']:<44} {r['rps']:>8.1f} {r['p50_ms']:>8.2f} {r['p95_ms']:>8.2f} "
            f"{r['queries']:>7} {r['rss_mb']:>7.1f} {share:>9.0f}%"
        )
    return "\n".join(lines)


def machine(load_at_start: tuple[float, ...]) -> dict:
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return {
        "cpus": os.cpu_count(),
        # 1/5/15-minute load averages: other work on the box skews the numbers.
        "load_average_at_start": [round(x, 2) for x in load_at_start],
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "wrk": (wrk.stdout or wrk.stderr).split("\n", 1)[0],
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    scenarios = selected(args.only)
    started, load_at_start = time.monotonic(), os.getloadavg()
    env = bench_env(args.database)
    os.environ.update(env)  # this process generates the data under the same settings
    tokens, generation_s, coordinator_email, placeholders = prepare(args)
    from . import data

    results = []
    log = ROOT / "var" / "bench" / "gunicorn.log"
    try:
        with Server(env, workers=args.workers, log=log) as server:
            credentials = Credentials(
                server.port,
                tokens,
                {
                    "volunteer": data.VOLUNTEER_EMAIL,
                    "staff": data.STAFF_EMAIL,
                    "coordinator": coordinator_email,
                },
                data.BENCH_PASSWORD,
                data.BENCH_TOTP_SECRET,
            )
            for scenario in [TRIVIAL, *scenarios]:
                print(f"  {scenario.name} ...", end=" ", flush=True)
                headers = credentials.headers(scenario.auth)
                row = measure(server, scenario, headers, args, scenario.url_path(placeholders))
                print(f"{row['rps']:.1f} req/s", flush=True)
                results.append(row)
    except (LoadError, RuntimeError) as exc:
        print(f"\nBENCHMARK FAILED: {exc}\n(server log: {log})", file=sys.stderr)
        return 1
    print("  matching (in process, no HTTP) ...", flush=True)
    matching = measure_matching()
    limit = results[0]["rps"]
    for row in results:
        row["limit_rps"] = limit
    generated, planned = data.split_counts(args.scale)
    report = {
        "scale": args.scale,
        "results": results,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "duration_s": round(time.monotonic() - started, 1),
        "data_generation_s": round(generation_s, 1) if generation_s is not None else None,
        "matching": matching["results"],
        "matching_plans": matching["plans"],  # EXPLAIN ANALYZE of the ranking queries
        "counts": generated,
        "planned_counts": planned,  # models that do not exist yet
        "load": {
            "tool": "wrk",
            "connections": args.connections,
            "threads": args.threads,
            "duration_s_per_endpoint": args.duration,
        },
        "server": {"gunicorn_workers": args.workers, "worker_class": "sync"},
        "machine": machine(load_at_start),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print()
    print(
        f"Scale {args.scale:,} volunteers; {args.connections} connections, {args.duration} s "
        f"per endpoint, {args.workers} gunicorn workers."
    )
    print(table(results))
    print(f"\nMatching (suggestions, no HTTP):\n{matching_table(matching['results'])}")
    print(f"\nWrote {args.json} (with the matching query plans)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
