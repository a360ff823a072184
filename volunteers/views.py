"""HTML pages of the volunteers app: parse input, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from backend.errors import DomainError
from backend.forms import domain_error_to_form, domain_error_to_message

from .forms import HelpRequestFilterForm, HoursForm
from .matching import suggest_requests
from .models import Assignment
from .permissions import (
    assignment_get_for_view,
    help_request_get_for_view,
    is_member_of,
)
from .selectors import assignment_contact, help_request_list_public, volunteer_dashboard
from .services.assignments import (
    MAX_REASON_LENGTH,
    assignment_accept,
    assignment_answer_by_link,
    assignment_decline,
    assignment_from_token,
    assignment_offer,
    assignment_offer_withdraw,
    assignment_withdraw,
)
from .services.hours import ehrenamtskarte_status, hours_confirmed_per_year, hours_log


@require_safe
def help_request_list(request):
    form = HelpRequestFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = help_request_list_public(**{k: v for k, v in filters.items() if v})
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return render(request, "volunteers/help_request_list.html", {"form": form, "page": page})


@require_safe
def help_request_detail(request, pk: int):
    help_request = help_request_get_for_view(user=request.user, request_id=pk)
    mine = None
    if request.user.is_authenticated:
        mine = (
            help_request.assignments.filter(volunteer=request.user)
            .select_related("invited_by")
            .order_by("-id")
            .first()
        )
    is_coordinator = is_member_of(request.user, help_request.organisation)
    show_address = is_coordinator or (
        mine is not None and mine.status == Assignment.Status.CONFIRMED
    )
    helpers = []
    if is_coordinator:
        helpers = help_request.assignments.select_related("volunteer").order_by("status", "id")
    return render(
        request,
        "volunteers/help_request_detail.html",
        {
            "help_request": help_request,
            "languages": help_request.languages.all(),
            "mine": mine,
            "contact": assignment_contact(mine) if mine is not None else None,
            "max_reason_length": MAX_REASON_LENGTH,
            "show_address": show_address,
            "is_coordinator": is_coordinator,
            "helpers": helpers,
            "can_offer": (
                request.user.is_authenticated
                and hasattr(request.user, "volunteer_profile")
                and help_request.status == help_request.Status.OPEN
                and (
                    mine is None
                    or mine.status in (Assignment.Status.DECLINED, Assignment.Status.WITHDRAWN)
                )
            ),
        },
    )


@require_POST
@login_required
def help_request_offer(request, pk: int):
    help_request = help_request_get_for_view(user=request.user, request_id=pk)
    try:
        assignment_offer(
            help_request=help_request,
            volunteer=request.user,
            message=request.POST.get("message", "")[:500],
        )
    except DomainError as exc:
        domain_error_to_message(request, exc)
    else:
        messages.success(request, _("Danke! Die Initiative wurde über Ihr Angebot informiert."))
    return redirect("volunteers:help_request_detail", pk=pk)


ANSWER_ACTIONS = {
    "accept": (assignment_accept, gettext_lazy("Zusage gespeichert. Vielen Dank!")),
    "decline": (assignment_decline, gettext_lazy("Absage gespeichert.")),
    "withdraw": (assignment_withdraw, gettext_lazy("Der Einsatz wurde beendet.")),
    "withdraw_offer": (
        assignment_offer_withdraw,
        gettext_lazy("Ihr Angebot ist zurückgezogen. Die Initiative sieht das auf der Plattform."),
    ),
}


@require_POST
@login_required
def assignment_action(request, pk: int, action: str):
    assignment = assignment_get_for_view(user=request.user, assignment_id=pk)
    service, success = ANSWER_ACTIONS[action]
    extra = {"reason": request.POST.get("reason", "")} if action == "decline" else {}
    try:
        service(assignment=assignment, actor=request.user, **extra)
    except DomainError as exc:
        domain_error_to_message(request, exc)
    else:
        messages.success(request, success)
    target = request.POST.get("next", "")
    if target == "request":
        return redirect("volunteers:help_request_detail", pk=assignment.help_request_id)
    return redirect("volunteers:dashboard")


def assignment_answer_link(request, token: str):
    """The link from the invitation email. GET only shows the question (mail programs open
    links to preview them); the answer is the POST of the button, no login needed."""
    try:
        assignment, answer = assignment_from_token(token)
    except DomainError as exc:
        return render(request, "volunteers/answer_link.html", {"error": exc.message}, status=400)
    context = {"assignment": assignment, "answer": answer, "help_request": assignment.help_request}
    context["max_reason_length"] = MAX_REASON_LENGTH
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        try:
            assignment_answer_by_link(token=token, reason=reason)
        except DomainError as exc:
            if exc.field == "reason":
                # The question again, with what was typed and the problem at the field.
                context.update(reason=reason, reason_error=exc.message)
                return render(request, "volunteers/answer_link.html", context, status=400)
            context["error"] = exc.message
            return render(request, "volunteers/answer_link.html", context, status=409)
        context["done"] = True
    elif assignment.status != Assignment.Status.INVITED:
        context["error"] = _("Diese Anfrage wurde bereits beantwortet.")
    return render(request, "volunteers/answer_link.html", context)


RECOMMENDATIONS = 5  # recommended requests on the dashboard


def _render_dashboard(request, *, refused: HoursForm | None = None, refused_for: int = 0):
    """The dashboard; with `refused`, the hours form of assignment `refused_for` as it was
    sent, with its errors at the fields (status 400), every other form empty."""
    data = volunteer_dashboard(user=request.user)
    for assignment in data["confirmed"]:
        assignment.hours_form = (
            refused if assignment.pk == refused_for else HoursForm(assignment_id=assignment.pk)
        )
    return render(
        request,
        "volunteers/dashboard.html",
        {
            **data,
            "max_reason_length": MAX_REASON_LENGTH,
            "per_year": hours_confirmed_per_year(volunteer=request.user),
            "ehrenamtskarte": ehrenamtskarte_status(volunteer=request.user),
            "has_profile": hasattr(request.user, "volunteer_profile"),
            "recommendations": suggest_requests(request.user, limit=RECOMMENDATIONS),
        },
        status=400 if refused is not None else 200,
    )


@login_required
@require_safe
def dashboard(request):
    return _render_dashboard(request)


@require_POST
@login_required
def hours_create(request, pk: int):
    """Log hours from the dashboard. A refused entry shows the dashboard again with
    everything typed kept and every problem at its field."""
    assignment = get_object_or_404(Assignment, pk=pk, volunteer=request.user)
    form = HoursForm(request.POST, assignment_id=assignment.pk)
    if form.is_valid():
        try:
            hours_log(assignment=assignment, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            domain_error_to_form(form, exc)
        else:
            messages.success(request, _("Stunden eingetragen. Die Initiative bestätigt sie."))
            return redirect("volunteers:dashboard")
    return _render_dashboard(request, refused=form, refused_for=assignment.pk)
