"""Training pages: the public list and detail (with the seats left), registering, leaving,
answering a seat offer (from the email link, no login needed); and the KI staff pages for
creating trainings, the registrations and waiting list, and attendance."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from backend.accounts.decorators import staff_required
from backend.errors import DomainError
from backend.forms import domain_error_to_form, domain_error_to_message

from .forms_trainings import AttendanceForm, CancelTrainingForm, MoveUpForm, TrainingForm
from .models import Attendance, Registration, Training, TrainingSession
from .services import trainings as services

# --- Public ---------------------------------------------------------------------------------


def _public_trainings():
    return (
        Training.objects.filter(status=Training.Status.PUBLISHED)
        .select_related("qualification")
        .prefetch_related("sessions")
    )


@require_safe
def training_list(request):
    """Published trainings that have not started yet, the next first, with the seats left."""
    trainings = _public_trainings().filter(first_starts_at__gte=timezone.now())
    return render(request, "volunteers/trainings/list.html", {"trainings": trainings})


@require_safe
def training_detail(request, pk: int):
    training = get_object_or_404(_public_trainings(), pk=pk)
    registration = None
    if request.user.is_authenticated:
        registration = (
            Registration.objects.filter(
                training=training,
                volunteer=request.user,
                status__in=services.ACTIVE,
            )
            .order_by("-pk")
            .first()
        )
    now = timezone.now()
    return render(
        request,
        "volunteers/trainings/detail.html",
        {
            "training": training,
            "registration": registration,
            "position": services.waitlist_position(registration) if registration else None,
            "registration_open": training.registration_opens_at
            <= now
            < training.registration_closes_at,
            "can_cancel_seat": now <= training.cancellation_deadline,
        },
    )


@require_POST
@login_required
def training_register(request, pk: int):
    training = get_object_or_404(_public_trainings(), pk=pk)
    try:
        registration = services.registration_create(training=training, volunteer=request.user)
    except DomainError as exc:
        domain_error_to_message(request, exc)
    else:
        if registration.status == Registration.Status.CONFIRMED:
            messages.success(request, _("Sie sind angemeldet. Eine Bestätigung kommt per E-Mail."))
        else:
            messages.success(
                request,
                _(
                    "Die Schulung ist ausgebucht. Sie stehen auf der Warteliste an Platz "
                    "%(position)d; wird ein Platz frei, bekommen Sie ihn per E-Mail angeboten."
                )
                % {"position": services.waitlist_position(registration)},
            )
    return redirect("volunteers:training_detail", pk=pk)


@require_POST
@login_required
def registration_cancel(request, pk: int):
    registration = get_object_or_404(Registration, pk=pk, volunteer=request.user)
    try:
        services.registration_cancel(registration=registration, actor=request.user)
    except DomainError as exc:
        domain_error_to_message(request, exc)
    else:
        messages.success(request, _("Sie sind abgemeldet."))
    return redirect("volunteers:training_detail", pk=registration.training_id)


@require_http_methods(["GET", "HEAD", "POST"])
def training_offer_link(request, token: str):
    """A seat offer from the email: GET shows the offer and two buttons (no state change on
    GET: mail scanners follow links), POST answers it."""
    try:
        registration, answer = services.registration_from_offer_token(token)
    except DomainError as exc:
        return render(
            request, "volunteers/trainings/offer.html", {"error": exc.message}, status=400
        )
    if request.user.is_authenticated and request.user.pk != registration.volunteer_id:
        return render(
            request,
            "volunteers/trainings/offer.html",
            {"error": _("Dieses Angebot gilt für ein anderes Konto.")},
            status=403,
        )
    context = {"registration": registration, "training": registration.training, "answer": answer}
    if request.method == "POST":
        try:
            services.offer_answer(registration=registration, answer=answer)
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, "volunteers/trainings/offer.html", context, status=409)
        context["done"] = True
    elif registration.status != Registration.Status.OFFERED:
        context["error"] = _("Dieses Angebot ist nicht mehr offen.")
    return render(request, "volunteers/trainings/offer.html", context)


# --- Staff ----------------------------------------------------------------------------------


@require_safe
@never_cache
@staff_required
def staff_training_list(request):
    trainings = Training.objects.annotate(
        waiting=Count("registrations", filter=Q(registrations__status="waitlisted"))
    ).order_by("-first_starts_at", "-pk")
    return render(request, "volunteers/trainings/staff_list.html", {"trainings": trainings})


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@staff_required
def staff_training_create(request):
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training = services.training_create(
                actor=request.user, data=form.service_data(), sessions=form.sessions()
            )
        except DomainError as exc:
            domain_error_to_form(form, exc)
        else:
            messages.success(request, _("Die Schulung ist als Entwurf gespeichert."))
            return redirect("volunteers:staff_training_detail", pk=training.pk)
    return render(
        request,
        "volunteers/trainings/staff_form.html",
        {"form": form, "training": None},
        status=400 if form.errors else 200,
    )


def _staff_detail_context(training: Training) -> dict:
    registrations = list(
        training.registrations.select_related("volunteer").order_by("queued_at", "pk")
    )
    return {
        "training": training,
        "confirmed": [r for r in registrations if r.status == "confirmed"],
        "offered": [r for r in registrations if r.status == "offered"],
        "waiting": [r for r in registrations if r.status == "waitlisted"],
        "ended": [r for r in registrations if r.status not in services.ACTIVE],
        "sessions": list(training.sessions.all()),
        "cancel_form": CancelTrainingForm(),
        "move_up_form": MoveUpForm(),
    }


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@staff_required
def staff_training_detail(request, pk: int):
    """The training's data (editable until it is cancelled), its registrations in queue
    order, the waiting list with "move up", and links to the attendance lists."""
    training = get_object_or_404(Training, pk=pk)
    form = TrainingForm(request.POST or None, training=training)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_update(
                training=training,
                actor=request.user,
                data=form.service_data(),
                sessions=form.sessions(),
            )
        except DomainError as exc:
            domain_error_to_form(form, exc)
        else:
            messages.success(request, _("Die Änderungen sind gespeichert."))
            return redirect("volunteers:staff_training_detail", pk=pk)
    return render(
        request,
        "volunteers/trainings/staff_detail.html",
        {**_staff_detail_context(training), "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@staff_required
def staff_training_publish(request, pk: int):
    training = get_object_or_404(Training, pk=pk)
    try:
        services.training_publish(training=training, actor=request.user)
    except DomainError as exc:
        domain_error_to_message(request, exc)
    else:
        messages.success(request, _("Die Schulung ist veröffentlicht."))
    return redirect("volunteers:staff_training_detail", pk=pk)


@require_POST
@staff_required
def staff_training_cancel(request, pk: int):
    training = get_object_or_404(Training, pk=pk)
    form = CancelTrainingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte einen Grund für die Absage angeben."))
        return redirect("volunteers:staff_training_detail", pk=pk)
    try:
        services.training_cancel(
            training=training, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        domain_error_to_message(request, exc)
    else:
        messages.success(
            request, _("Die Schulung ist abgesagt. Alle Angemeldeten wurden informiert.")
        )
    return redirect("volunteers:staff_training_detail", pk=pk)


@require_POST
@staff_required
def staff_registration_move_up(request, pk: int):
    registration = get_object_or_404(Registration, pk=pk)
    form = MoveUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte begründen Sie das Vorziehen (mindestens 10 Zeichen)."))
    else:
        try:
            services.registration_move_up(
                registration=registration, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            domain_error_to_message(request, exc)
        else:
            messages.success(request, _("Die Person steht jetzt an erster Stelle der Warteliste."))
    return redirect("volunteers:staff_training_detail", pk=registration.training_id)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@staff_required
def staff_attendance(request, pk: int):
    """One session's attendance list: one row per confirmed participant with two large
    radio buttons (present / absent), saved together — made for a tablet at the door."""
    session = get_object_or_404(TrainingSession.objects.select_related("training"), pk=pk)
    registrations = list(
        session.training.registrations.filter(status=Registration.Status.CONFIRMED)
        .select_related("volunteer")
        .prefetch_related(
            Prefetch("attendances", queryset=Attendance.objects.filter(session=session))
        )
        .order_by("volunteer__full_name", "pk")
    )
    form = AttendanceForm(
        request.POST if request.method == "POST" else None, registrations=registrations
    )
    if request.method == "POST" and form.is_valid():
        marks = form.marks()
        for registration, present in marks:
            services.attendance_mark(
                session=session, registration=registration, present=present, actor=request.user
            )
        if marks:
            messages.success(
                request,
                ngettext(
                    "Die Anwesenheit von einer Person ist gespeichert.",
                    "Die Anwesenheit von %(count)s Personen ist gespeichert.",
                    len(marks),
                )
                % {"count": len(marks)},
            )
        else:
            messages.info(request, _("Es war niemand markiert; es wurde nichts gespeichert."))
        return redirect("volunteers:staff_attendance", pk=pk)
    return render(
        request,
        "volunteers/trainings/staff_attendance.html",
        {"session": session, "training": session.training, "form": form},
        status=400 if form.errors else 200,
    )
