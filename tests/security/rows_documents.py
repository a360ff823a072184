"""Access-matrix rows for the documents pages of the volunteers app.

access_matrix.py imports ROWS from here at its end, so the helpers it defines (by_role,
everyone, logged_in, staff_page, Row, RedirectTo, LOGIN, ...) can be imported from it.

Every page here works on the logged-in account only (there is no URL for someone else's
certificate, export or deletion), so every account gets its own and anonymous visitors go to
the login. What "its own" means is tested in tests/volunteers_docs/.
"""

from .access_matrix import Row, but, logged_in

ROWS: list[Row] = [
    Row(
        "volunteers:ehrenamtsnachweis",
        {
            "GET": but(logged_in(409), volunteer_a=200),
            "POST": logged_in(405),
        },
        note="the PDF of the logged-in account; only volunteer A has confirmed hours, every "
        "other account is told why there is none (409); no id in the URL",
    ),
    Row("volunteers:my_data", {"GET": logged_in(200), "POST": logged_in(405)}),
    Row(
        "volunteers:my_data_export",
        {"GET": logged_in(200), "POST": logged_in(405)},
        note="the JSON export of the logged-in account; no id in the URL",
    ),
    Row(
        "volunteers:account_delete",
        {"GET": logged_in(200), "POST": logged_in(200)},
        data=lambda w: {"password": "nicht-das-passwort"},
        note="the POST carries a wrong password: the page again with an error, nothing "
        "deleted (the world's accounts must survive the matrix)",
    ),
]
