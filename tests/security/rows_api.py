"""Access-matrix rows for the volunteers REST API (/api/v1/...).

access_matrix.py imports ROWS from here at its end, so the helpers it defines (by_role,
everyone, logged_in, staff_api, read_only_api, Row, ...) can be imported from it."""

from .access_matrix import Row  # noqa: F401

ROWS: list[Row] = []
