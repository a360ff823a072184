"""Applicant pages: an organisation's applications, drafting, editing and submitting one,
withdrawing it, attachments, the decision letter, payment requests (Mittelabruf) and the proof
of use (Verwendungsnachweis).

Access goes through funding.permissions: whoever may not see a case gets a 404, whoever may
see it but not act on it (KI staff) a 403. Every change goes through one funding service; a
DomainError is shown at the field (or the cost plan row) it names. Internal notes and the
review checklist never reach these pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from backend.errors import DomainError, ValidationFailed
from backend.forms import domain_error_to_form, domain_error_to_message
from volunteers.models import Organisation

from .forms import (
    ApplicationCreateForm,
    ApplicationForm,
    AttachmentForm,
    BaseCostLineFormSet,
    PaymentRequestForm,
    ProofForm,
    WithdrawForm,
    cost_line_formset,
)
from .models import Application, Attachment, DecisionLetter, Pauschale, Payment
from .models.programmes import ZERO
from .permissions import (
    application_get_for_edit,
    application_get_for_view,
    attachment_get_for_download,
    is_applicant,
)
from .selectors import (
    application_history,
    application_with_plan,
    applications_for_user,
    open_programme_years,
)
from .services import applications as application_services
from .services import attachments as attachment_services
from .services import payments as payment_services
from .services import proof as proof_services
from .services.access import file_download_log
from .services.budget import format_euro
from .services.letters import letter_filename, letter_pdf

GET_POST = ["GET", "HEAD", "POST"]
Status = Application.Status


def _detail_url(application: Application, anchor: str = "") -> str:
    url = reverse("funding:application_detail", args=[application.pk])
    return f"{url}#{anchor}" if anchor else url


def _edit_url(application: Application, anchor: str = "") -> str:
    url = reverse("funding:application_edit", args=[application.pk])
    return f"{url}#{anchor}" if anchor else url


def _status_label(value: str) -> str:
    try:
        return str(Status(value).label)
    except ValueError:
        return value


# --- The list -------------------------------------------------------------------------------


def _my_organisations(user) -> list[Organisation]:
    """The organisations the user coordinates (verified or not), by name."""
    return list(Organisation.objects.filter(memberships__user=user).order_by("name"))


def _calls(today) -> list[dict[str, Any]]:
    """Open calls with their blocks and Pauschalen (no query per row)."""
    calls = []
    for year in open_programme_years(today):
        blocks = sorted(year.blocks.all(), key=lambda b: b.code)
        codes = {block.pk: block.code for block in blocks}
        pauschalen = [
            {"pauschale": p, "block_code": codes.get(p.block_id, "")}
            for p in sorted(year.pauschalen.all(), key=lambda p: p.title)
        ]
        calls.append({"year": year, "blocks": blocks, "pauschalen": pauschalen})
    return calls


@require_safe
@never_cache
@login_required
def application_list(request):
    """The applications of the user's organisations and the calls open today."""
    organisations = _my_organisations(request.user)
    return render(
        request,
        "funding/applicant/list.html",
        {
            "applications": list(applications_for_user(request.user)),
            "calls": _calls(timezone.localdate()),
            "organisations": organisations,
            "can_apply": any(o.is_verified for o in organisations),
            "pending_check": any(o.is_pending for o in organisations),
        },
    )


# --- Creating a draft -----------------------------------------------------------------------


def _chosen_year(request, years: list) -> Any:
    """The call the draft is for: the one posted with the form, the one whose button was used
    (?year=), or the only open one. None: the person chooses first."""
    raw = request.POST.get("programme_year", "") if request.method == "POST" else ""
    raw = raw or request.GET.get("year", "")
    if raw.isdigit():
        return next((year for year in years if year.pk == int(raw)), None)
    return years[0] if len(years) == 1 else None


def _attached(count: int, names: list[str]) -> str:
    if not count:
        return ""
    return ngettext(
        "Die Anlage „%(names)s“ ist gespeichert.",
        "Die %(count)s Anlagen „%(names)s“ sind gespeichert.",
        count,
    ) % {"count": count, "names": "“, „".join(names)}


@require_http_methods(GET_POST)
@never_cache
@login_required
def application_create(request):
    """A new draft for one call: from a call's button (?year=) the call is chosen and only its
    building blocks are offered; with several open calls and none chosen, the page asks which.
    Annexes can be added right away; a refused form keeps what was typed."""
    organisations = _my_organisations(request.user)
    verified = [o for o in organisations if o.is_verified]
    years = list(open_programme_years(timezone.localdate()))
    context: dict[str, Any] = {
        "organisations": organisations,
        "verified": verified,
        "years": years,
        "pending_check": any(o.is_pending for o in organisations),
    }
    template = "funding/applicant/create.html"
    if not verified or not years:
        # The service refuses too; the page says why instead of offering a form.
        status = 200
        if request.method == "POST":
            status = 403 if not verified else 409
        return render(request, template, context, status=status)
    year = _chosen_year(request, years)
    context["year"] = year
    if year is None:
        # Several calls are open (or the one posted has closed meanwhile): choose one first.
        context["calls"] = _calls(timezone.localdate())
        if request.method == "POST":
            context["call_closed"] = True
            return render(request, template, context, status=400)
        return render(request, template, context)
    initial: dict[str, Any] = {}
    if len(verified) == 1:
        initial["organisation"] = verified[0].pk
    blocks = list(year.blocks.all())
    if len(blocks) == 1:
        initial["block"] = blocks[0].pk
    posted = request.method == "POST"
    form = ApplicationCreateForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        organisations=verified,
        year=year,
        initial=initial,
    )
    if posted and form.is_valid():
        try:
            application = application_services.application_create(
                organisation=form.cleaned_data["organisation"],
                programme_year=year,
                data=form.service_data(),
                attachments=form.uploads(),
                actor=request.user,
            )
        except DomainError as exc:
            domain_error_to_form(form, exc)
        else:
            names = list(application.attachments.values_list("filename", flat=True))
            messages.success(
                request,
                " ".join(
                    part
                    for part in (
                        _(
                            "Der Entwurf %(reference)s ist angelegt. Ergänzen Sie jetzt "
                            "Beschreibung, Zeitraum und Kostenplan; eingereicht ist er erst, "
                            "wenn Sie „Einreichen“ wählen."
                        )
                        % {"reference": application.reference},
                        _attached(len(names), names),
                    )
                    if part
                ),
            )
            return redirect(_edit_url(application))
    context["form"] = form
    context["files_not_kept"] = posted and bool(request.FILES) and bool(form.errors)
    context["blocks"] = blocks
    return render(request, template, context, status=400 if form.errors else 200)


# --- Editing and submitting -----------------------------------------------------------------


def _pauschalen(application: Application) -> list[Pauschale]:
    """The Pauschalen of the application's year (those of any block: the service checks that
    a claimed one fits the chosen block)."""
    return list(
        Pauschale.objects.filter(programme_year_id=application.programme_year_id)
        .select_related("block")
        .order_by("title")
    )


def _as_data(*forms_: forms.Form) -> dict[str, str]:
    """The POST data that would reproduce these unbound forms (to show errors on the saved
    state after a bare "submit")."""
    data: dict[str, str] = {}
    for form in forms_:
        for bound in form:
            value = bound.value()
            if isinstance(bound.field, forms.BooleanField):
                if value:
                    data[bound.html_name] = "on"
            else:
                data[bound.html_name] = "" if value is None else str(value)
    return data


def _saved_forms(application: Application, pauschalen: list[Pauschale]):
    """Form and cost plan bound to what is saved, validated (so errors can be added)."""
    form = ApplicationForm(application=application)
    formset = cost_line_formset(application, pauschalen)
    data = _as_data(form, formset.management_form, *formset.forms)
    form = ApplicationForm(data, application=application)
    formset = cost_line_formset(application, pauschalen, data)
    form.is_valid()
    formset.is_valid()
    return form, formset


def _show_error(
    form: ApplicationForm,
    formset: BaseCostLineFormSet,
    exc: DomainError,
    rows: list[int],
    cost_plan_errors: list[str],
) -> None:
    """A service's errors at the right place: "cost_lines.<n>" at the row that became the
    n-th line, "cost_lines" at the cost plan, everything else at the form's fields or top."""
    rest: dict[str, list[str]] = {}
    for name, texts in exc.errors.items():
        if name.startswith("cost_lines."):
            index = name.split(".", 1)[1]
            row = rows[int(index)] if index.isdigit() and int(index) < len(rows) else None
            for text in texts:
                if row is not None:
                    formset.forms[row].add_error(None, text)
                else:
                    cost_plan_errors.append(text)
        elif name == "cost_lines":
            cost_plan_errors.extend(texts)
        else:
            rest[name] = texts
    if rest or not exc.errors:
        domain_error_to_form(form, ValidationFailed(exc.message, field=exc.field, errors=rest))


def _totals(application: Application) -> dict[str, Any]:
    total = application.total_costs
    financed = application.requested_amount + application.own_contribution
    return {
        "total": total,
        "financed": financed,
        "difference": abs(total - financed),
        "financed_short": financed < total,
        "adds_up": total == financed and total > 0,
    }


def _edit_page(request, application: Application, form, formset, *, status=200, **extra):
    cost_plan_errors = extra.pop("cost_plan_errors", [])
    has_errors = bool(
        form.errors or cost_plan_errors or any(f.errors for f in formset.forms)
    ) or bool(formset.non_form_errors())
    context = {
        "application": application,
        "form": form,
        "formset": formset,
        "attachments": [
            a for a in application.attachments.all() if a.purpose == Attachment.Purpose.APPLICATION
        ],
        "cost_plan_errors": cost_plan_errors,
        "has_errors": has_errors,
        "totals": _totals(application),
        "open_points": []
        if has_errors
        else [
            text
            for texts in application_services.submit_problems(
                application, today=timezone.localdate()
            ).values()
            for text in texts
        ],
        **extra,
    }
    return render(request, "funding/applicant/edit.html", context, status=status)


@dataclass
class _Saving:
    form: ApplicationForm
    formset: BaseCostLineFormSet
    cost_plan_errors: list[str] = field(default_factory=list)
    parsed: bool = False  # the input could be read (the service was asked)
    saved: bool = False
    refusal: DomainError | None = None  # what the service refused, if it was asked
    files_sent: bool = False
    attached: list[str] = field(default_factory=list)  # names of the annexes stored


def _save(request, application: Application, pauschalen: list[Pauschale]) -> _Saving:
    """Parse the edit form (with the annexes sent along) and save it through the service."""
    result = _Saving(
        form=ApplicationForm(request.POST, request.FILES, application=application),
        formset=cost_line_formset(application, pauschalen, request.POST),
        files_sent=bool(request.FILES.getlist("attachments")),
    )
    # Both are validated, so every problem of the input shows at once.
    form_ok = result.form.is_valid()
    formset_ok = result.formset.is_valid()
    if not (form_ok and formset_ok):
        return result
    result.parsed = True
    lines, rows = result.formset.service_data()
    uploads = result.form.uploads()
    try:
        application_services.application_update(
            application=application,
            data=result.form.service_data(lines),
            attachments=uploads,
            actor=request.user,
        )
    except DomainError as exc:
        result.refusal = exc
        _show_error(result.form, result.formset, exc, rows, result.cost_plan_errors)
        return result
    result.saved = True
    result.attached = [upload.filename for upload in uploads]
    return result


# The fields of the edit form that submit_problems reads.
CHECKED_FIELDS = (
    "title",
    "block",
    "town",
    "description",
    "goals",
    "target_group",
    "starts_on",
    "ends_on",
    "own_contribution",
    "requested_amount",
)


def _unsaved_problems(application: Application, result: _Saving) -> tuple[dict, list[int]]:
    """What would still keep the application from being submitted if the input that could be
    read were saved: so a refused "submit" names the submission's problems together with the
    input's, not one after the other. Fields whose input was refused are left out (their
    problem is shown already). Returns the problems and, for each checked cost line, its
    row."""
    form, formset = result.form, result.formset
    draft = Application(
        **{f.attname: getattr(application, f.attname) for f in Application._meta.concrete_fields}
    )
    draft.organisation = application.organisation
    draft.programme_year = application.programme_year
    draft.block = application.block
    refused = set(result.refusal.errors) if result.refusal else set()
    if result.refusal and result.refusal.field:
        refused.add(result.refusal.field)
    skip = {name for name in form.errors if name != "__all__"} | refused
    cleaned = getattr(form, "cleaned_data", {})
    for name in CHECKED_FIELDS:
        if name in cleaned and name not in skip:
            setattr(draft, name, cleaned[name])
    lines, rows = [], []
    plan_known = not formset.non_form_errors() and not any(
        name == "cost_lines" or name.startswith("cost_lines.") for name in refused
    )
    for index, row in enumerate(formset.forms):
        if index >= formset.initial_form_count() and not row.has_changed():
            continue
        if row.errors:
            plan_known = False
            continue
        if row.cleaned_data.get("DELETE"):
            continue
        lines.append(row.service_data())
        rows.append(index)
    if not plan_known:
        skip.add("cost_lines")
    problems = application_services.submit_problems(
        draft, today=timezone.localdate(), lines=lines, skip=skip
    )
    return problems, rows


def _with_one_more_row(request, application: Application, pauschalen: list[Pauschale]):
    """The posted page again with one more empty cost plan row (when it could not be saved)."""
    data = request.POST.copy()
    total = data.get("cost-TOTAL_FORMS", "0")
    data["cost-TOTAL_FORMS"] = str(int(total) + 1 if total.isdigit() else 1)
    return cost_line_formset(application, pauschalen, data)


def _editable_or_redirect(request, application: Application):
    if application.is_editable:
        return None
    messages.info(
        request,
        _(
            "Dieser Antrag hat den Status „%(status)s“ und kann nicht bearbeitet werden. Ein "
            "eingereichter Antrag lässt sich nur ändern, wenn das KI um Änderungen bittet."
        )
        % {"status": application.get_status_display()},
    )
    return redirect(_detail_url(application))


@require_http_methods(GET_POST)
@never_cache
@login_required
def application_edit(request, pk: int):
    """The whole application with its cost plan. "Entwurf speichern" saves; "weitere
    Kostenposition" saves and offers another empty row (without JavaScript)."""
    application = application_get_for_edit(user=request.user, application_id=pk)
    refused = _editable_or_redirect(request, application)
    if refused:
        return refused
    application = application_with_plan(application.pk)
    pauschalen = _pauschalen(application)
    if request.method != "POST":
        form = ApplicationForm(application=application)
        formset = cost_line_formset(application, pauschalen)
        return _edit_page(request, application, form, formset)
    result = _save(request, application, pauschalen)
    add_row = request.POST.get("action") == "add_row"
    if result.saved:
        attached = _attached(len(result.attached), result.attached)
        if add_row:
            messages.success(
                request,
                " ".join(
                    filter(
                        None,
                        [
                            _(
                                "Der Entwurf ist gespeichert. Unten im Kostenplan ist eine "
                                "neue leere Zeile."
                            ),
                            attached,
                        ],
                    )
                ),
            )
            return redirect(_edit_url(application, "neue-kostenposition"))
        messages.success(
            request, " ".join(filter(None, [_("Der Entwurf ist gespeichert."), attached]))
        )
        return redirect(_edit_url(application))
    formset = result.formset
    if add_row and not result.parsed:
        # Nothing was saved; the same input again (same errors) with one more row.
        formset = _with_one_more_row(request, application, pauschalen)
    return _edit_page(
        request,
        application,
        result.form,
        formset,
        status=400,
        cost_plan_errors=result.cost_plan_errors,
        files_not_kept=result.files_sent,
    )


@require_POST
@never_cache
@login_required
def application_submit(request, pk: int):
    """Save what the edit page sent (if it sent the form) and submit. Every problem that keeps
    the application from being submitted is shown on the edit page at once."""
    application = application_get_for_edit(user=request.user, application_id=pk)
    refused = _editable_or_redirect(request, application)
    if refused:
        return refused
    application = application_with_plan(application.pk)
    pauschalen = _pauschalen(application)
    posted = "title" in request.POST
    if posted:
        result = _save(request, application, pauschalen)
        if not result.saved:
            # Nothing is saved; name the input's problems and the submission's at once.
            problems, rows = _unsaved_problems(application, result)
            if problems:
                _show_error(
                    result.form,
                    result.formset,
                    ValidationFailed(next(iter(problems.values()))[0], errors=problems),
                    rows,
                    result.cost_plan_errors,
                )
            return _edit_page(
                request,
                application,
                result.form,
                result.formset,
                status=400,
                cost_plan_errors=result.cost_plan_errors,
                submit_refused=True,
                files_not_kept=result.files_sent,
            )
        application = application_with_plan(application.pk)
    try:
        application_services.application_submit(application=application, actor=request.user)
    except ValidationFailed as exc:
        form, formset = _saved_forms(application, pauschalen)
        cost_plan_errors: list[str] = []
        _show_error(form, formset, exc, [], cost_plan_errors)
        return _edit_page(
            request,
            application,
            form,
            formset,
            status=422,
            cost_plan_errors=cost_plan_errors,
            submit_refused=True,
            draft_saved=posted,
        )
    except DomainError as exc:
        domain_error_to_message(request, exc)
        return redirect(_detail_url(application))
    messages.success(
        request,
        _(
            "Der Antrag %(reference)s ist eingereicht. Das KI prüft ihn; Sie bekommen eine "
            "Bestätigung per E-Mail."
        )
        % {"reference": application.reference},
    )
    return redirect(_detail_url(application))


@require_http_methods(GET_POST)
@never_cache
@login_required
def application_withdraw(request, pk: int):
    """GET asks for confirmation, POST (with the box ticked) withdraws."""
    application = application_get_for_edit(user=request.user, application_id=pk)
    if Status.WITHDRAWN not in Application.TRANSITIONS.get(application.status, set()):
        messages.info(
            request,
            _(
                "Im Status „%(status)s“ kann der Antrag nicht zurückgezogen werden: Über ihn "
                "wird gerade entschieden, oder die Entscheidung ist gefallen."
            )
            % {"status": application.get_status_display()},
        )
        return redirect(_detail_url(application))
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            application_services.application_withdraw(
                application=application, actor=request.user, note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            domain_error_to_message(request, exc)
        else:
            messages.success(
                request,
                _("Der Antrag %(reference)s ist zurückgezogen.")
                % {"reference": application.reference},
            )
        return redirect(_detail_url(application))
    return render(
        request,
        "funding/applicant/withdraw.html",
        {"application": application, "form": form},
        status=400 if form.errors else 200,
    )


# --- The case page --------------------------------------------------------------------------


def _history(application: Application) -> list[dict[str, Any]]:
    return [
        {
            "at": step.at,
            "from_label": _status_label(step.from_status),
            "to_label": _status_label(step.to_status),
            "from_status": step.from_status,
            "to_status": step.to_status,
            "note": step.note,
        }
        for step in application_history(application, for_applicant=True)
    ]


def _upload_purpose(application: Application) -> str | None:
    if application.is_editable:
        return Attachment.Purpose.APPLICATION
    if application.status == Status.APPROVED:
        return Attachment.Purpose.RECEIPT
    return None


def _may_delete(attachment: Attachment, application: Application) -> bool:
    if attachment.purpose == Attachment.Purpose.APPLICATION:
        return application.is_editable
    return application.status == Status.APPROVED


def _detail_context(
    request,
    application_id: int,
    *,
    upload_form: AttachmentForm | None = None,
    payment_form: PaymentRequestForm | None = None,
    proof_form: ProofForm | None = None,
) -> dict[str, Any]:
    application = application_with_plan(application_id)
    if application is None:  # pragma: no cover - checked by the access function before
        raise Http404
    applicant = is_applicant(request.user, application)
    lines = list(application.cost_lines.all())
    payments = list(application.payments.all())
    history = _history(application)
    letter = DecisionLetter.objects.filter(application=application).defer("pdf").first()
    today = timezone.localdate()
    max_bytes = settings.FUNDING_ATTACHMENT_MAX_BYTES
    purpose = _upload_purpose(application) if applicant else None
    if purpose and upload_form is None:
        upload_form = AttachmentForm(max_bytes=max_bytes, purpose=purpose)
    approved = application.status == Status.APPROVED
    requested_open = sum((p.amount for p in payments if p.status == Payment.Status.REQUESTED), ZERO)
    left = (application.approved_amount or ZERO) - application.paid_amount - requested_open
    proof_open = applicant and approved
    proof_from = application.ends_on
    proof_possible = proof_open and (proof_from is None or today >= proof_from)
    returned = None
    if approved and history and history[-1]["from_status"] == Status.PROOF_SUBMITTED:
        returned = history[-1]["note"]
    attachments = [
        {
            "attachment": attachment,
            "deletable": applicant and _may_delete(attachment, application),
        }
        for attachment in application.attachments.all()
    ]
    decided = application.status in {
        Status.APPROVED,
        Status.REJECTED,
        Status.PROOF_SUBMITTED,
        Status.CLOSED,
    }
    return {
        "application": application,
        "is_applicant": applicant,
        "lines": lines,
        "totals": _totals(application),
        "has_actuals": any(line.actual_amount is not None for line in lines),
        "actual_total": sum((line.actual_amount or ZERO for line in lines), ZERO),
        "attachments": attachments,
        "payments": payments,
        "history": history,
        "letter": letter,
        "decided": decided,
        "can_edit": applicant and application.is_editable,
        "can_withdraw": applicant
        and Status.WITHDRAWN in Application.TRANSITIONS.get(application.status, set()),
        "upload_form": upload_form if purpose else None,
        "upload_purpose": purpose,
        "max_mb": f"{max_bytes / (1024 * 1024):.0f}",
        "show_payments": (decided and application.status != Status.REJECTED) or bool(payments),
        "payment_form": (payment_form or PaymentRequestForm())
        if applicant and approved and (left > 0 or payment_form is not None)
        else None,
        "payment_left": max(left, ZERO),
        "payment_requested_open": requested_open,
        "proof_open": proof_open,
        "proof_possible": proof_possible,
        # A form sent back with errors is shown even where a fresh one would not be.
        "proof_form": (proof_form or ProofForm(lines=lines))
        if proof_open and (proof_possible or proof_form is not None)
        else None,
        "proof_returned_message": returned,
    }


# Where on the case page a form sent back with errors sits (the page is long; a notice at the
# top links there).
FORM_ANCHORS = {
    "upload_form": "hochladen",
    "payment_form": "mittel-abrufen",
    "proof_form": "nachweis",
}


def _detail_page(request, application: Application, *, status: int = 200, **forms_):
    context = _detail_context(request, application.pk, **forms_)
    context["error_anchor"] = next(
        (FORM_ANCHORS[name] for name, form in forms_.items() if form is not None and form.errors),
        "",
    )
    return render(request, "funding/applicant/detail.html", context, status=status)


@require_safe
@never_cache
@login_required
def application_detail(request, pk: int):
    """Status and what happens next, the KI's request for changes, the data and cost plan,
    the history, the letter, attachments, payments and the proof of use."""
    application = application_get_for_view(user=request.user, application_id=pk)
    return _detail_page(request, application)


# --- Attachments and the letter -------------------------------------------------------------


def _shown_at_form(form: forms.Form, exc: DomainError) -> bool:
    """Put an error that names a field (or several) on the form. An error about the state of
    the case (it changed meanwhile) names none: the caller says it on the case page."""
    if not (exc.field or exc.errors):
        return False
    domain_error_to_form(form, exc)
    return True


def _download(response: HttpResponse) -> HttpResponse:
    """A download no browser renders as a page and no cache keeps."""
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, no_store=True, private=True, max_age=0)
    return response


@require_POST
@never_cache
@login_required
def attachment_upload(request, pk: int):
    application = application_get_for_edit(user=request.user, application_id=pk)
    purpose = _upload_purpose(application)
    if purpose is None:
        messages.error(
            request, _("Zu diesem Antrag können im Moment keine Dateien hochgeladen werden.")
        )
        return redirect(_detail_url(application, "anlagen"))
    form = AttachmentForm(
        request.POST,
        request.FILES,
        max_bytes=settings.FUNDING_ATTACHMENT_MAX_BYTES,
        purpose=purpose,
    )
    status = 400
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            attachment = attachment_services.attachment_add(
                application=application,
                file=upload,
                filename=upload.name,
                purpose=form.cleaned_data["purpose"],
                actor=request.user,
            )
        except DomainError as exc:
            if not _shown_at_form(form, exc):
                domain_error_to_message(request, exc)
                return redirect(_detail_url(application, "anlagen"))
            status = exc.status_code
        else:
            messages.success(
                request,
                _("„%(name)s“ ist hochgeladen.") % {"name": attachment.filename},
            )
            return redirect(_detail_url(application, "anlagen"))
    return _detail_page(request, application, status=status, upload_form=form)


@require_safe
@never_cache
@login_required
def attachment_download(request, pk: int):
    attachment = attachment_get_for_download(user=request.user, attachment_id=pk)
    response = FileResponse(
        attachment_services.attachment_open(attachment),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    file_download_log(
        file=attachment,
        filename=attachment.filename,
        actor=request.user,
        purpose="funding:attachment_download",
    )
    return _download(response)


@require_POST
@never_cache
@login_required
def attachment_delete(request, pk: int):
    attachment = attachment_get_for_download(user=request.user, attachment_id=pk)
    application = application_get_for_edit(
        user=request.user, application_id=attachment.application_id
    )
    try:
        attachment_services.attachment_delete(attachment=attachment, actor=request.user)
    except DomainError as exc:
        domain_error_to_message(request, exc)
    else:
        messages.success(request, _("„%(name)s“ ist gelöscht.") % {"name": attachment.filename})
    return redirect(_detail_url(application, "anlagen"))


@require_safe
@never_cache
@login_required
def letter_download(request, pk: int):
    application = application_get_for_view(user=request.user, application_id=pk)
    letter = DecisionLetter.objects.filter(application=application).first()
    if letter is None:
        raise Http404
    letter.application = application
    response = HttpResponse(letter_pdf(letter=letter), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter_filename(letter)}"'
    file_download_log(
        file=letter,
        filename=letter_filename(letter),
        actor=request.user,
        purpose="funding:letter_download",
    )
    return _download(response)


# --- Money and proof of use -----------------------------------------------------------------


@require_POST
@never_cache
@login_required
def payment_request(request, pk: int):
    application = application_get_for_edit(user=request.user, application_id=pk)
    form = PaymentRequestForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            payment = payment_services.payment_request(
                application=application,
                amount=form.cleaned_data["amount"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except DomainError as exc:
            if not _shown_at_form(form, exc):
                domain_error_to_message(request, exc)
                return redirect(_detail_url(application, "mittelabruf"))
            status = exc.status_code
        else:
            messages.success(
                request,
                _(
                    "Der Mittelabruf über %(amount)s ist beim KI eingegangen. Sie bekommen eine "
                    "E-Mail, wenn das Geld angewiesen ist."
                )
                % {"amount": format_euro(payment.amount)},
            )
            return redirect(_detail_url(application, "mittelabruf"))
    if application.status != Status.APPROVED:
        messages.error(request, _("Mittel können nur für bewilligte Anträge abgerufen werden."))
        return redirect(_detail_url(application))
    return _detail_page(request, application, status=status, payment_form=form)


@require_POST
@never_cache
@login_required
def payment_cancel(request, pk: int):
    """The applicant takes back a payment request that is not paid yet."""
    payment = Payment.objects.filter(pk=pk).only("pk", "application_id").first()
    if payment is None:
        raise Http404
    application = application_get_for_edit(user=request.user, application_id=payment.application_id)
    payment = Payment.objects.get(pk=pk)
    try:
        payment_services.payment_cancel(payment=payment, actor=request.user)
    except DomainError as exc:
        domain_error_to_message(request, exc)
    else:
        messages.success(request, _("Der Mittelabruf ist storniert."))
    return redirect(_detail_url(application, "mittelabruf"))


@require_POST
@never_cache
@login_required
def proof_submit(request, pk: int):
    application = application_get_for_edit(user=request.user, application_id=pk)
    lines = list(application.cost_lines.all())
    form = ProofForm(request.POST, lines=lines)
    status = 400
    if form.is_valid():
        try:
            proof_services.proof_submit(
                application=application,
                report=form.cleaned_data["report"],
                actual_amounts=form.actual_amounts(),
                actor=request.user,
            )
        except DomainError as exc:
            if not _shown_at_form(form, exc):
                domain_error_to_message(request, exc)
                return redirect(_detail_url(application))
            status = exc.status_code
        else:
            messages.success(
                request,
                _("Der Verwendungsnachweis ist eingereicht. Das KI prüft ihn und meldet sich."),
            )
            return redirect(_detail_url(application))
    if application.status != Status.APPROVED:
        messages.error(
            request, _("Ein Verwendungsnachweis ist nur für bewilligte Anträge möglich.")
        )
        return redirect(_detail_url(application))
    return _detail_page(request, application, status=status, proof_form=form)
