"""The load tool: wrk at a fixed concurrency, summarised by report.lua."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .server import PROXY_HEADERS

SCRIPT = Path(__file__).with_name("report.lua")


class LoadError(RuntimeError):
    """The endpoint answered with errors; its numbers would describe an error page."""


@dataclass(frozen=True)
class LoadResult:
    requests: int
    rps: float
    p50_ms: float
    p95_ms: float


def run_wrk(
    url: str, *, headers: dict[str, str], duration: int, connections: int, threads: int
) -> LoadResult:
    """Drive `url` for `duration` seconds; raises LoadError on any non-2xx/3xx response,
    socket error or timeout."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s"]
    for name, value in {**PROXY_HEADERS, **headers}.items():
        command += ["-H", f"{name}: {value}"]
    command += ["-s", str(SCRIPT), url]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH_RESULT ")]
    if done.returncode != 0 or not lines:
        raise LoadError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    data = json.loads(lines[-1].removeprefix("BENCH_RESULT "))
    errors = {k: v for k, v in data.items() if k.endswith(("_errors", "timeouts")) and v}
    if errors or not data["requests"]:
        raise LoadError(f"{url}: {data['requests']} requests with errors {errors or 'none'}")
    return LoadResult(
        requests=data["requests"],
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
    )
