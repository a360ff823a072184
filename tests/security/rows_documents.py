"""Access-matrix rows for the documents pages of the volunteers app.

access_matrix.py imports ROWS from here at its end, so the helpers it defines (by_role,
everyone, logged_in, staff_page, Row, RedirectTo, LOGIN, ...) can be imported from it."""

from .access_matrix import Row  # noqa: F401

ROWS: list[Row] = []
