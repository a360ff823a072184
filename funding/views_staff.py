"""HTML pages of the KI staff for funding (/verwaltung/foerderung/...): the work queue, a case
with its review, decision, payments and proof of use, the budget overview with its chart, the
exports for the Bezirksregierung, and the programme data (programmes, funding years, blocks,
Pauschalen).

Every page needs KI staff with two-factor authentication (staff_required). Each POST calls one
service; a DomainError becomes a form error (or a message for one-button forms), a
PermissionDenied from a service becomes 403 (e.g. signing without the lead role).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from backend.accounts.decorators import staff_required
from backend.accounts.roles import is_ki_lead
from backend.errors import DomainError
from backend.forms import domain_error_to_form, domain_error_to_message

from . import exports
from .charts import budget_chart
from .forms_staff import (
    BudgetYearForm,
    ChecklistForm,
    CloseForm,
    NoteForm,
    PaymentCancelForm,
    ProgrammeForm,
    ProposeForm,
    QueueFilterForm,
    RequestChangesForm,
    ReturnProofForm,
    SendBackForm,
    SignForm,
    YearCopyForm,
    YearCreateForm,
    YearEdit,
)
from .models import Application, Attachment, DecisionLetter, Payment, Programme, ProgrammeYear
from .models.programmes import ZERO
from .permissions import application_get_for_review, can_sign_application, payment_get_for_staff
from .selectors import (
    application_history,
    application_with_plan,
    applications_for_staff,
    budget_overview,
)
from .services import payments, programmes, proof, review
from .services.budget import format_euro

PAGE_SIZE = 50
STATUS_LABELS = dict(Application.Status.choices)


def _query_without(request, *names: str) -> str:
    """The current query string without the given parameters (for pagination and links)."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _log_addition(actor, obj, message: str) -> None:
    LogEntry.objects.log_actions(
        user_id=actor.pk, queryset=[obj], action_flag=ADDITION, change_message=message
    )


# --- Work queue ------------------------------------------------------------------------------


@require_safe
@never_cache
@staff_required
def staff_queue(request):
    """Every submitted case, the oldest submission first, with filters and a count per status
    (the counts follow the other filters, so they say what the status filter would find)."""
    form = QueueFilterForm(request.GET or None)
    filters = form.selector_filters()
    page = Paginator(applications_for_staff(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    counted = dict(
        applications_for_staff(**{**filters, "status": None})
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    base = _query_without(request, "page", "status")
    status_counts = [
        {
            "value": value,
            "label": label,
            "count": counted[value],
            "query": f"{base}&status={value}" if base else f"status={value}",
        }
        for value, label in Application.Status.choices
        if counted.get(value)
    ]
    return render(
        request,
        "funding/staff/queue.html",
        {
            "form": form,
            "page": page,
            "status_counts": status_counts,
            "query": _query_without(request, "page"),
        },
    )


# --- One case --------------------------------------------------------------------------------

FORM_PREFIXES = {
    "checklist_form": "checklist",
    "note_form": "note",
    "changes_form": "changes",
    "propose_form": "propose",
    "sign_form": "sign",
    "sendback_form": "sendback",
    "close_form": "close",
    "proofreturn_form": "proofreturn",
}


# The statuses in which a form is on the case page (the note form always is).
FORM_STATUSES = {
    "checklist_form": Application.IN_REVIEW,
    "changes_form": {Application.Status.SUBMITTED},
    "propose_form": {Application.Status.SUBMITTED},
    "sign_form": {Application.Status.PROPOSED},
    "sendback_form": {Application.Status.PROPOSED},
    "close_form": {Application.Status.PROOF_SUBMITTED},
    "proofreturn_form": {Application.Status.PROOF_SUBMITTED},
}


def _sign_hint(user, application: Application) -> str:
    """Why the signing button is not there (four eyes, role, vorbehaltlich)."""
    if application.status != Application.Status.PROPOSED:
        return ""
    if not is_ki_lead(user):
        return _("Zeichnen kann nur die KI-Leitung. Bitte geben Sie den Vorschlag an sie weiter.")
    if application.proposed_by_id == user.pk:
        return _(
            "Vier-Augen-Prinzip: Sie haben diese Entscheidung vorgeschlagen. Zeichnen muss "
            "eine andere Person der KI-Leitung."
        )
    return ""


@dataclass(frozen=True)
class ProofLine:
    category: str
    description: str
    planned: object
    actual: object

    @property
    def difference(self):
        return None if self.actual is None else self.actual - self.planned


def _detail_context(request, application: Application, bound: dict) -> dict:
    user = request.user
    lines = list(application.cost_lines.all())
    attachments = list(application.attachments.all())
    payment_rows = list(application.payments.all())
    for payment in payment_rows:
        payment.cancel_form = bound.get(f"cancel-{payment.pk}") or PaymentCancelForm(
            prefix=f"cancel-{payment.pk}"
        )
    history = list(application_history(application))
    for row in history:
        row.from_label = STATUS_LABELS.get(row.from_status, row.from_status)
        row.to_label = STATUS_LABELS.get(row.to_status, row.to_status)
    checked = [key for key, value in (application.checklist or {}).items() if value]
    checklist = [(key, label, key in checked) for key, label in review.CHECKLIST.items()]
    unbound = {
        "checklist_form": (ChecklistForm, {"checked": checked}),
        "note_form": (NoteForm, {}),
        "changes_form": (RequestChangesForm, {}),
        # No decision is preselected: the person chooses (the amount is the requested one).
        "propose_form": (ProposeForm, {"decision_amount": application.requested_amount}),
        "sendback_form": (SendBackForm, {}),
        "close_form": (CloseForm, {}),
        "proofreturn_form": (ReturnProofForm, {}),
    }
    forms = {
        name: bound.get(name) or form_class(initial=initial, prefix=FORM_PREFIXES[name])
        for name, (form_class, initial) in unbound.items()
    }
    forms["sign_form"] = bound.get("sign_form") or SignForm(
        application=application,
        prefix=FORM_PREFIXES["sign_form"],
        initial={"proposal": review.proposal_stamp(application)},
    )
    letter = (
        DecisionLetter.objects.filter(application=application)
        .only("pk", "kind", "created_at", "sha256")
        .first()
    )
    proof_lines = [
        ProofLine(
            category=line.get_category_display(),
            description=line.description,
            planned=line.amount,
            actual=line.actual_amount,
        )
        for line in lines
    ]
    actual_total = (
        sum((line.actual_amount or ZERO for line in lines), ZERO)
        if any(line.actual_amount is not None for line in lines)
        else None
    )
    status = Application.Status
    year, block = application.programme_year, application.block
    return {
        "application": application,
        "lines": lines,
        "total_costs": sum((line.amount for line in lines), ZERO),
        "documents": [a for a in attachments if a.purpose == Attachment.Purpose.APPLICATION],
        "receipts": [a for a in attachments if a.purpose == Attachment.Purpose.RECEIPT],
        "payments": payment_rows,
        "payments_open": any(p.status == Payment.Status.REQUESTED for p in payment_rows),
        "notes": list(application.internal_notes.select_related("author")),
        "history": history,
        "checklist": checklist,
        "letter": letter,
        "proof_lines": proof_lines,
        "actual_total": actual_total,
        "in_review": application.status in Application.IN_REVIEW,
        "is_submitted": application.status == status.SUBMITTED,
        "is_proposed": application.status == status.PROPOSED,
        "is_approved": application.status == status.APPROVED,
        "proof_open": application.status == status.PROOF_SUBMITTED,
        "show_proof": bool(application.proof_submitted_at or application.proof_report),
        "can_sign": can_sign_application(user, application),
        "sign_hint": _sign_hint(user, application),
        "year_available": year.available,
        "block_available": block.available,
        **forms,
    }


def _render_detail(request, pk: int, bound: dict | None = None, *, status: int = 200):
    application = application_get_for_review(user=request.user, application_id=pk)
    application = application_with_plan(application.pk)
    return render(
        request,
        "funding/staff/detail.html",
        _detail_context(request, application, bound or {}),
        status=status,
    )


@require_safe
@never_cache
@staff_required
def staff_application_detail(request, pk: int):
    return _render_detail(request, pk)


def _detail_url(pk: int, anchor: str = "") -> str:
    url = reverse("funding:staff_application_detail", args=[pk])
    return f"{url}#{anchor}" if anchor else url


def _form_action(
    request,
    application: Application,
    *,
    name: str,
    form_class,
    call: Callable[[dict], object],
    success: str,
    anchor: str,
):
    """Parse one form, call its service; on a refusal show the page again with the errors at
    the form (the person's input stays)."""
    form = form_class(request.POST, prefix=FORM_PREFIXES[name])
    refusal = None
    if form.is_valid():
        try:
            result = call(form.cleaned_data)
        except DomainError as exc:
            refusal = exc
            domain_error_to_form(form, exc)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(_detail_url(application.pk, anchor))
    return _refused(request, application, name=name, form=form, refusal=refusal)


def _refused(request, application: Application, *, name: str, form, refusal):
    """A form that could not be carried out: the page again with the errors at the form, or,
    when the form is no longer on the page (the case moved on), a message."""
    shown_in = FORM_STATUSES.get(name)
    if shown_in is not None and application.status not in shown_in:
        # The case moved on (someone else acted first): the form is no longer on the page, so
        # the refusal becomes a message above the current state of the case.
        if refusal is not None:
            domain_error_to_message(request, refusal)
        else:
            messages.error(
                request,
                _(
                    "Diese Aktion passt nicht zum Stand des Antrags (%(status)s). Es wurde "
                    "nichts gespeichert."
                )
                % {"status": application.get_status_display()},
            )
        return redirect(_detail_url(application.pk))
    return _render_detail(request, application.pk, {name: form}, status=400)


def _checklist(request, application):
    return _form_action(
        request,
        application,
        name="checklist_form",
        form_class=ChecklistForm,
        call=lambda data: review.checklist_update(
            application=application, checked=set(data["checked"]), actor=request.user
        ),
        success=_("Die Prüfliste ist gespeichert."),
        anchor="pruefliste",
    )


def _note(request, application):
    return _form_action(
        request,
        application,
        name="note_form",
        form_class=NoteForm,
        call=lambda data: review.note_add(
            application=application, text=data["text"], actor=request.user
        ),
        success=_("Die interne Notiz ist gespeichert."),
        anchor="notizen",
    )


def _request_changes(request, application):
    return _form_action(
        request,
        application,
        name="changes_form",
        form_class=RequestChangesForm,
        call=lambda data: review.application_request_changes(
            application=application, message=data["message"], actor=request.user
        ),
        success=lambda told: " ".join(
            [_("Der Antrag ist zur Überarbeitung zurückgegeben."), _coordinators_emailed(told)]
        ),
        anchor="",
    )


def _coordinators_emailed(told: int) -> str:
    """What the coordinators were sent, as it is: a count, or that nobody could be told."""
    if not told:
        return _(
            "Die Organisation hat keine aktive Koordination: Es wurde keine E-Mail verschickt."
        )
    return ngettext(
        "Eine E-Mail an die Koordination der Organisation liegt im Postausgang.",
        "E-Mails an %(count)s Personen der Koordination liegen im Postausgang.",
        told,
    ) % {"count": told}


def _leads_told(told: int) -> str:
    if not told:
        return _("Es gibt keine andere aktive Person der KI-Leitung: Niemand wurde benachrichtigt.")
    return ngettext(
        "Die KI-Leitung wurde benachrichtigt (in der Plattform und per E-Mail).",
        "%(count)s Personen der KI-Leitung wurden benachrichtigt (in der Plattform und per "
        "E-Mail).",
        told,
    ) % {"count": told}


def _confirm_page(request, application: Application, *, action: str, form, preview):
    """The confirmation step: what is decided, the amount and the pots before and after, and
    the form again as hidden fields with a button that commits and one that goes back."""
    return render(
        request,
        "funding/staff/decision_confirm.html",
        {
            "application": application,
            "action": action,
            "form": form,
            "preview": preview,
            "decision_label": Application.Decision(preview.decision).label,
        },
    )


def _propose(request, application):
    """Two steps: the proposal form shows what it would do (amount, pots), and only the
    confirmation ("step=confirm") saves it. "step=edit" goes back to the form as typed."""
    name = "propose_form"
    form = ProposeForm(request.POST, prefix=FORM_PREFIXES[name])
    step = request.POST.get("step", "")
    if step == "edit":
        return _render_detail(request, application.pk, {name: form})
    refusal = None
    if form.is_valid():
        data = form.cleaned_data
        values = {
            "application": application,
            "decision": data["decision"],
            "amount": data["decision_amount"],
            "conditions": data["decision_conditions"],
            "reasons": data["decision_reasons"],
            "actor": request.user,
        }
        try:
            if step != "confirm":
                preview = review.decision_propose_check(**values)
                return _confirm_page(
                    request, application, action="propose", form=form, preview=preview
                )
            told = review.decision_propose(**values)
        except DomainError as exc:
            refusal = exc
            domain_error_to_form(form, exc)
        else:
            messages.success(
                request,
                " ".join(
                    [
                        _(
                            "Die Entscheidung ist vorgeschlagen. Eine andere Person der "
                            "KI-Leitung muss sie zeichnen."
                        ),
                        _leads_told(told),
                    ]
                ),
            )
            return redirect(_detail_url(application.pk, "entscheidung"))
    return _refused(request, application, name=name, form=form, refusal=refusal)


def _send_back(request, application):
    return _form_action(
        request,
        application,
        name="sendback_form",
        form_class=SendBackForm,
        call=lambda data: review.decision_send_back(
            application=application, note=data["note"], actor=request.user
        ),
        success=_("Der Vorschlag ist zur Prüfung zurückgegeben."),
        anchor="entscheidung",
    )


def _sign(request, application):
    """The lead chooses: give the proposal back (done at once), or sign it — after a
    confirmation step that shows the amount and the pots. Whoever may not sign gets 403; a
    proposal that cannot be signed now (four eyes, vorbehaltlich, the pot is short) is
    explained in a message above the case."""
    name = "sign_form"
    form = SignForm(request.POST, prefix=FORM_PREFIXES[name], application=application)
    valid = form.is_valid()
    if valid and form.cleaned_data["choice"] == SignForm.SEND_BACK:
        return _form_action(
            request,
            application,
            name=name,
            form_class=lambda data, prefix: SignForm(data, prefix=prefix, application=application),
            call=lambda data: review.decision_send_back(
                application=application, note=data["note"], actor=request.user
            ),
            success=_("Der Vorschlag ist zur Prüfung zurückgegeben."),
            anchor="entscheidung",
        )
    proposal = form.cleaned_data.get("proposal", "") if valid else ""
    try:
        preview = review.decision_sign_check(
            application=application, actor=request.user, proposal=proposal
        )
    except PermissionDenied:
        raise
    except DomainError as exc:
        domain_error_to_message(request, exc)
        return redirect(_detail_url(application.pk, "entscheidung"))
    step = request.POST.get("step", "")
    if not valid or step == "edit":
        status = 200 if step == "edit" else 400
        return _render_detail(request, application.pk, {name: form}, status=status)
    if step != "confirm":
        if not form.cleaned_data["proposal"]:
            form.data = form.data.copy()
            form.data[form.add_prefix("proposal")] = preview.proposal_stamp
        return _confirm_page(request, application, action="sign", form=form, preview=preview)
    try:
        told = review.decision_sign(application=application, actor=request.user, proposal=proposal)
    except DomainError as exc:
        domain_error_to_message(request, exc)
    else:
        messages.success(
            request,
            " ".join(
                [
                    _("Die Entscheidung ist gezeichnet und der Bescheid erstellt."),
                    _coordinators_emailed(told),
                ]
            ),
        )
    return redirect(_detail_url(application.pk, "entscheidung"))


def _close(request, application):
    return _form_action(
        request,
        application,
        name="close_form",
        form_class=CloseForm,
        call=lambda data: proof.application_close(
            application=application,
            repayment=data["repayment"],
            note=data["note"],
            actor=request.user,
        ),
        success=_("Der Fall ist abgeschlossen."),
        anchor="verwendungsnachweis",
    )


def _return_proof(request, application):
    return _form_action(
        request,
        application,
        name="proofreturn_form",
        form_class=ReturnProofForm,
        call=lambda data: proof.proof_return(
            application=application, message=data["message"], actor=request.user
        ),
        success=lambda told: " ".join(
            [
                _("Der Verwendungsnachweis ist zur Überarbeitung zurückgegeben."),
                _coordinators_emailed(told),
            ]
        ),
        anchor="verwendungsnachweis",
    )


APPLICATION_ACTIONS = {
    "checklist": _checklist,
    "note": _note,
    "request-changes": _request_changes,
    "propose": _propose,
    "send-back": _send_back,
    "sign": _sign,
    "close": _close,
    "return-proof": _return_proof,
}


@require_POST
@never_cache
@staff_required
def staff_application_action(request, pk: int, action: str):
    handler = APPLICATION_ACTIONS.get(action)
    if handler is None:
        raise Http404
    application = application_get_for_review(user=request.user, application_id=pk)
    return handler(request, application)


PAYMENT_ACTIONS = {"mark-paid", "cancel"}


@require_POST
@never_cache
@staff_required
def staff_payment_action(request, pk: int, action: str):
    if action not in PAYMENT_ACTIONS:
        raise Http404
    payment = payment_get_for_staff(user=request.user, payment_id=pk)
    back = _detail_url(payment.application_id, "mittelabrufe")
    try:
        if action == "mark-paid":
            payments.payment_mark_paid(payment=payment, actor=request.user)
            messages.success(
                request,
                _("%(amount)s sind als ausgezahlt erfasst.")
                % {"amount": format_euro(payment.amount)},
            )
        else:
            form = PaymentCancelForm(request.POST, prefix=f"cancel-{payment.pk}")
            if not form.is_valid():
                messages.error(request, _("Der Grund ist zu lang (höchstens 2000 Zeichen)."))
                return redirect(back)
            payments.payment_cancel(
                payment=payment, note=form.cleaned_data["note"], actor=request.user
            )
            messages.success(
                request,
                _("Der Mittelabruf über %(amount)s ist storniert.")
                % {"amount": format_euro(payment.amount)},
            )
    except DomainError as exc:
        domain_error_to_message(request, exc)
    return redirect(back)


# --- Budget and exports ----------------------------------------------------------------------


def _default_year(years: list[ProgrammeYear]) -> ProgrammeYear:
    """This calendar year's newest funding year; without one, the latest year."""
    this_year = timezone.localdate().year
    current = [year for year in years if year.year == this_year]
    if current:
        return max(current, key=lambda year: year.pk)
    return years[0]


@require_safe
@never_cache
@staff_required
def staff_budget(request):
    years = list(
        ProgrammeYear.objects.select_related("programme").order_by(
            "-year", "programme__short_name", "-pk"
        )
    )
    if not years:
        return render(request, "funding/staff/budget.html", {"overview": None})
    by_pk = {year.pk: year for year in years}
    form = BudgetYearForm(request.GET or None, years=years)
    if form.is_bound and form.is_valid():
        selected = by_pk[form.cleaned_data["year"]]
    else:
        selected = _default_year(years)
        form = BudgetYearForm(initial={"year": selected.pk}, years=years)
    overview = budget_overview(selected)
    return render(
        request,
        "funding/staff/budget.html",
        {
            "form": form,
            "overview": overview,
            "chart": budget_chart(overview),
        },
    )


@require_safe
@never_cache
@staff_required
def staff_export(request, year_pk: int, fmt: str):
    """fmt "xlsx": cases and both summaries as sheets. fmt "csv": the cases, or with
    ?summary=town / ?summary=block that summary (one table per CSV file)."""
    programme_year = get_object_or_404(
        ProgrammeYear.objects.select_related("programme"), pk=year_pk
    )
    if fmt == "csv":
        summary = request.GET.get("summary") or None
        if summary is not None and summary not in exports.SUMMARIES:
            raise Http404
        content = exports.export_csv(programme_year, summary)
        content_type = "text/csv; charset=utf-8"
        name = exports.filename(programme_year, "csv", summary)
    elif fmt == "xlsx":
        content = exports.export_xlsx(programme_year)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        name = exports.filename(programme_year, "xlsx")
    else:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Programme data --------------------------------------------------------------------------


@require_safe
@never_cache
@staff_required
def staff_programmes(request):
    programme_list = Programme.objects.prefetch_related(
        Prefetch("years", queryset=ProgrammeYear.objects.order_by("-year"))
    ).order_by("name")
    return render(request, "funding/staff/programmes.html", {"programmes": programme_list})


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@staff_required
def staff_programme_create(request):
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = form.save()
        except IntegrityError:
            form.add_error(None, _("Ein Programm mit diesem Namen oder Kürzel gibt es schon."))
        else:
            _log_addition(request.user, programme, _("Förderprogramm angelegt"))
            messages.success(
                request,
                _("Das Förderprogramm „%(name)s“ ist angelegt. Legen Sie jetzt ein Förderjahr an.")
                % {"name": programme.name},
            )
            return redirect(f"{reverse('funding:staff_year_create')}?programme={programme.pk}")
    return render(
        request,
        "funding/staff/programme_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@staff_required
def staff_year_create(request):
    """Two ways to a new funding year: fill in the figures, or copy an earlier year."""
    which = request.POST.get("form") if request.method == "POST" else None
    initial = {}
    programme_id = request.GET.get("programme", "")
    if programme_id.isdigit():
        initial["programme"] = int(programme_id)
    create_form = YearCreateForm(
        request.POST if which == "create" else None, prefix="create", initial=initial
    )
    copy_form = YearCopyForm(request.POST if which == "copy" else None, prefix="copy")
    form = {"create": create_form, "copy": copy_form}.get(which)
    if form is not None and form.is_valid():
        try:
            if which == "create":
                year = programmes.programme_year_create(**form.service_kwargs(), actor=request.user)
            else:
                data = form.cleaned_data
                year = programmes.programme_year_copy(
                    source=data["source"],
                    year=data["year"],
                    call_opens_on=data["call_opens_on"],
                    call_closes_on=data["call_closes_on"],
                    actor=request.user,
                )
        except DomainError as exc:
            domain_error_to_form(form, exc)
        except IntegrityError:
            form.add_error(None, _("Dieses Förderjahr gibt es schon."))
        else:
            _log_addition(request.user, year, _("Förderjahr angelegt"))
            messages.success(
                request,
                _("Das Förderjahr %(year)s ist angelegt.") % {"year": year.year},
            )
            return redirect("funding:staff_year_edit", pk=year.pk)
    return render(
        request,
        "funding/staff/year_create.html",
        {"create_form": create_form, "copy_form": copy_form},
        status=400 if form is not None and form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@staff_required
def staff_year_edit(request, pk: int):
    """A year's rules, its blocks and its Pauschalen on one page, saved together."""
    programme_year = get_object_or_404(ProgrammeYear.objects.select_related("programme"), pk=pk)
    # The forms write the input onto their instance; the page shows the stored figures.
    edit = YearEdit(copy.copy(programme_year), request.POST if request.method == "POST" else None)
    if request.method == "POST" and edit.is_valid() and edit.save(actor=request.user):
        messages.success(request, _("Die Änderungen am Förderjahr sind gespeichert."))
        return redirect("funding:staff_year_edit", pk=pk)
    return render(
        request,
        "funding/staff/year_edit.html",
        {
            "programme_year": programme_year,
            "blocks": list(programme_year.blocks.order_by("code")),
            "edit": edit,
            "year_form": edit.year_form,
            "block_formset": edit.blocks,
            "pauschale_formset": edit.pauschalen,
        },
        status=400 if edit.errors else 200,
    )
