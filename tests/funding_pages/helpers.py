"""What the applicant pages send: the edit form with its cost plan as a browser posts it."""

from __future__ import annotations

from django.urls import reverse

from funding.models import Application


def url(name: str, application_or_pk=None) -> str:
    if application_or_pk is None:
        return reverse(f"funding:{name}")
    pk = getattr(application_or_pk, "pk", application_or_pk)
    return reverse(f"funding:{name}", args=[pk])


def edit_data(
    application: Application,
    *,
    lines: list[dict] | None = None,
    keep_saved: bool = False,
    new_rows: int = 3,
    **overrides,
) -> dict[str, str]:
    """The edit page's POST: the application's saved values (overridable) and a cost plan of
    `lines` (each {"category", "description", "amount", ...}) typed into new rows, with the
    saved lines marked for deletion unless `keep_saved`."""
    saved = list(application.cost_lines.all())
    data = {
        "title": application.title,
        "block": str(application.block_id),
        "town": str(application.town_id),
        "description": application.description,
        "goals": application.goals,
        "target_group": application.target_group,
        "starts_on": application.starts_on.isoformat() if application.starts_on else "",
        "ends_on": application.ends_on.isoformat() if application.ends_on else "",
        "own_contribution": str(application.own_contribution),
        "requested_amount": str(application.requested_amount),
    }
    if application.publication_consent:
        data["publication_consent"] = "on"
    lines = lines or []
    rows = max(new_rows, len(lines))
    data.update(
        {
            "cost-TOTAL_FORMS": str(len(saved) + rows),
            "cost-INITIAL_FORMS": str(len(saved)),
            "cost-MIN_NUM_FORMS": "0",
            "cost-MAX_NUM_FORMS": "60",
        }
    )
    for i, line in enumerate(saved):
        data.update(
            {
                f"cost-{i}-category": line.category,
                f"cost-{i}-description": line.description,
                f"cost-{i}-amount": str(line.amount),
            }
        )
        if not keep_saved:
            data[f"cost-{i}-DELETE"] = "on"
    for j in range(rows):
        i = len(saved) + j
        line = lines[j] if j < len(lines) else {}
        for name in ("category", "description", "amount", "pauschale", "units"):
            data[f"cost-{i}-{name}"] = str(line.get(name, ""))
    data.update({k: str(v) for k, v in overrides.items()})
    return data


def text(response) -> str:
    return response.content.decode()
