"""Query budgets: a list must not make more queries when it has more rows.

    assert_constant_queries(client, url, make_rows)

creates rows with make_rows(n) up to 5 and then up to 50, requests the URL each time, and fails
when the second request needs more SQL queries than the first (an N+1 shows up as +45).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url: str, **extra) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(captured.captured_queries), captured


def assert_constant_queries(
    client,
    url: str,
    make_rows: Callable[[int], object],
    *,
    small: int = 5,
    large: int = 50,
    **extra,
) -> int:
    """Returns the query count, so a test can also pin an absolute budget."""
    make_rows(small)
    at_small, _ = count_queries(client, url, **extra)
    make_rows(large - small)
    at_large, captured = count_queries(client, url, **extra)
    assert at_large <= at_small, (
        f"{url}: {at_small} queries with {small} rows but {at_large} with {large} rows "
        "(N+1?). Queries at the larger size:\n"
        + "\n".join(q["sql"][:200] for q in captured.captured_queries)
    )
    return at_large
