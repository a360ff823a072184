"""Staff pages (placeholder until the pages are built)."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):  # pragma: no cover - replaced by the real pages
    return HttpResponse(status=501)


staff_queue = staff_application_detail = staff_application_action = staff_payment_action = _todo
staff_budget = staff_export = staff_programmes = staff_year_create = staff_year_edit = _todo
