"""Rules for the test suite itself.

No test asserts how fast something was: speed and memory targets are measured by `make bench`
(tests/bench/), which reports; a test that fails when the machine is busy tests the machine.
Where a test needs a time limit so that it cannot hang, the limit is generous (ten times the
normal time) and the assert says so with a `# hang guard` comment.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
CLOCKS = {"monotonic", "perf_counter", "time", "process_time"}


def _is_clock_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in CLOCKS
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "time"
    )


def _elapsed(node: ast.AST, timed: set[str]) -> bool:
    """Whether `node` contains a clock difference (time.monotonic() - started), or a name
    that holds one."""
    for inner in ast.walk(node):
        if (
            isinstance(inner, ast.BinOp)
            and isinstance(inner.op, ast.Sub)
            and (_is_clock_call(inner.left) or _is_clock_call(inner.right))
        ):
            return True
        if isinstance(inner, ast.Name) and inner.id in timed:
            return True
    return False


def timing_asserts(source: str) -> list[int]:
    """Lines of asserts that compare an elapsed wall-clock time, without `# hang guard`."""
    tree = ast.parse(source)
    lines = source.splitlines()
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        timed: set[str] = set()
        for node in ast.walk(function):  # names that hold an elapsed time
            if isinstance(node, ast.Assign | ast.AugAssign) and _elapsed(node.value, timed):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                timed |= {t.id for t in targets if isinstance(t, ast.Name)}
        for node in ast.walk(function):
            if not isinstance(node, ast.Assert):
                continue
            compares = [c for c in ast.walk(node.test) if isinstance(c, ast.Compare)]
            marked = "# hang guard" in lines[node.lineno - 1]
            if any(_elapsed(c, timed) for c in compares) and not marked:
                found.append(node.lineno)
    return found


def test_no_test_asserts_how_fast_something_was():
    offenders = {
        str(path.relative_to(TESTS)): lines
        for path in sorted(TESTS.rglob("*.py"))
        if "bench" not in path.relative_to(TESTS).parts
        and (lines := timing_asserts(path.read_text(encoding="utf-8")))
    }
    assert not offenders, (
        "asserts on elapsed time (move the measurement to tests/bench/, or make the limit "
        f"ten times the normal time and mark it '# hang guard'): {offenders}"
    )


def test_the_rule_finds_a_timed_assert_and_accepts_a_marked_guard():
    timed = (
        "import time\n"
        "def test_x():\n"
        "    started = time.monotonic()\n"
        "    work()\n"
        "    took = time.monotonic() - started\n"
        "    assert took < 5\n"
    )
    assert timing_asserts(timed) == [6]
    assert timing_asserts(timed.replace("< 5\n", "< 50  # hang guard\n")) == []
    direct = "import time\ndef test_y(t0):\n    assert time.perf_counter() - t0 < 1\n"
    assert timing_asserts(direct) == [3]
    assert timing_asserts("def test_z():\n    assert 1 < 2\n") == []
