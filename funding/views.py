"""Applicant pages (placeholder until the pages are built)."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):  # pragma: no cover - replaced by the real pages
    return HttpResponse(status=501)


application_list = application_create = application_detail = application_edit = _todo
application_submit = application_withdraw = attachment_upload = attachment_download = _todo
attachment_delete = letter_download = payment_request = proof_submit = _todo
