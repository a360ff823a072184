"""Funding over the API: the open calls, an organisation's applications from the draft to the
proof of use (attachments, the decision letter, payments, the history), and the KI's review
(checklist, internal notes, asking for changes, decisions with four eyes, payments, closing)
with the budget of each programme year.

Same rules as the pages. Every read of a case goes through the access functions of
funding/permissions.py: 404 for a case the caller may not see (another organisation's, or any
case for volunteers), 403 for one they see but may not act on (staff on the applicant's
actions, applicants on the review). Every write is one service, which checks again. KI accounts
act as KI staff only with two-factor authentication (403 on the KI's endpoints otherwise, as
on the staff API); without it they are accounts like any other and see no case."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from typing import IO

from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from backend.accounts.roles import has_mfa, is_ki_staff
from backend.api.permissions import IsKIStaff
from backend.api.schema import ErrorSerializer
from backend.errors import DomainError, ValidationFailed
from funding.models import (
    Application,
    Attachment,
    BuildingBlock,
    DecisionLetter,
    Pauschale,
    Payment,
    ProgrammeYear,
)
from funding.permissions import (
    application_get_for_edit,
    application_get_for_review,
    application_get_for_view,
    attachment_get_for_download,
    can_apply_for,
    is_funding_staff,
    payment_get_for_staff,
)
from funding.selectors import (
    application_history,
    application_with_plan,
    applications_for_staff,
    applications_for_user,
    budget_overview,
    open_programme_years,
)
from funding.services.access import file_download_log
from funding.services.applications import (
    ApplicationData,
    CostLineData,
    application_create,
    application_submit,
    application_update,
    application_withdraw,
)
from funding.services.attachments import attachment_add, attachment_delete, attachment_open
from funding.services.letters import letter_filename, letter_pdf
from funding.services.payments import payment_cancel, payment_mark_paid, payment_request
from funding.services.proof import application_close, proof_return, proof_submit
from funding.services.review import (
    CHECKLIST,
    application_request_changes,
    checklist_update,
    decision_propose,
    decision_propose_check,
    decision_send_back,
    decision_sign,
    decision_sign_check,
    note_add,
)
from volunteers.api.ids import MAX_ID, object_id, query_text
from volunteers.models import Organisation, Town

from .serializers import (
    ApplicationCreateSerializer,
    ApplicationDetailSerializer,
    ApplicationListSerializer,
    ApplicationWriteSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    BudgetSerializer,
    ChecklistInputSerializer,
    ChecklistItemSerializer,
    CloseSerializer,
    DecisionPreviewSerializer,
    HistorySerializer,
    InternalNoteSerializer,
    MessageSerializer,
    NoteInputSerializer,
    NoteSerializer,
    PaymentRequestSerializer,
    PaymentSerializer,
    ProgrammeYearSerializer,
    ProofSerializer,
    ProposeSerializer,
    SignSerializer,
)

BINARY_FILE = {
    (200, content_type): OpenApiTypes.BINARY
    for content_type in ("application/pdf", "image/png", "image/jpeg")
}
PDF = {(200, "application/pdf"): OpenApiTypes.BINARY}
MAX_COST_LINES = 100
APPLICATION_FIELDS = (
    "block",
    "title",
    "town",
    "description",
    "goals",
    "target_group",
    "starts_on",
    "ends_on",
    "own_contribution",
    "requested_amount",
    "publication_consent",
)


class TwoFactorForKIStaff(IsAuthenticated):
    """The KI's actions on a case: any account may ask (the access function then answers 404
    or 403), but a KI account only once two-factor authentication is set up (the staff pages
    send it to set it up)."""

    message = IsKIStaff.message

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        user = request.user
        return not is_ki_staff(user) or has_mfa(user)


REVIEW = [TwoFactorForKIStaff]


# --- Helpers --------------------------------------------------------------------------------


def _download(file: IO[bytes], *, filename: str, content_type: str) -> FileResponse:
    """A download, never shown inline, that no browser or proxy keeps a copy of."""
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, no_store=True, private=True, max_age=0)
    return response


def _town(value: str) -> Town | None:
    """A town by its slug, or by its id."""
    town = Town.objects.filter(slug=value).first()
    if town is None and value.isascii() and value.isdigit() and int(value) < MAX_ID:
        town = Town.objects.filter(pk=int(value)).first()
    return town


def _resolve(values: dict, *, user) -> dict:
    """The validated body with its ids and slugs replaced by the objects they name. Raises
    ValidationFailed naming every reference that does not exist (or may not be used)."""
    values = dict(values)
    errors: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if "organisation" in values:
        organisation = Organisation.objects.filter(
            pk=values["organisation"], memberships__user=user
        ).first()
        if organisation is None:
            refuse(
                "organisation",
                _("Diese Organisation gibt es nicht, oder Sie koordinieren sie nicht."),
            )
        elif not can_apply_for(user, organisation):
            refuse(
                "organisation",
                _(
                    "Die Organisation wird noch vom Kommunalen Integrationszentrum geprüft. "
                    "Danach können Sie Förderanträge stellen."
                ),
            )
        values["organisation"] = organisation
    if "programme_year" in values:
        values["programme_year"] = (
            ProgrammeYear.objects.select_related("programme")
            .filter(pk=values["programme_year"])
            .first()
        )
        if values["programme_year"] is None:
            refuse("programme_year", _("Dieses Förderjahr gibt es nicht."))
    if "block" in values:
        values["block"] = BuildingBlock.objects.filter(pk=values["block"]).first()
        if values["block"] is None:
            refuse("block", _("Diesen Baustein gibt es nicht."))
    if "town" in values:
        values["town"] = _town(values["town"])
        if values["town"] is None:
            refuse("town", _("Diesen Ort gibt es nicht."))
    if len(values.get("cost_lines") or ()) > MAX_COST_LINES:
        refuse(
            "cost_lines",
            _("Ein Kostenplan hat höchstens %(n)s Positionen.") % {"n": MAX_COST_LINES},
        )
    elif values.get("cost_lines") is not None:
        wanted = {line["pauschale"] for line in values["cost_lines"] if line.get("pauschale")}
        pauschalen = Pauschale.objects.in_bulk(wanted)
        lines = []
        for index, line in enumerate(values["cost_lines"]):
            line = dict(line)
            if line.get("pauschale"):
                line["pauschale"] = pauschalen.get(line["pauschale"])
                if line["pauschale"] is None:
                    refuse(f"cost_lines.{index}", _("Diese Pauschale gibt es nicht."))
            lines.append(CostLineData(**line))
        values["cost_lines"] = lines
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors=errors)
    return values


def _application_data(values: dict, *, current: Application | None = None) -> ApplicationData:
    """ApplicationData from resolved values; fields left out keep the current case's value."""
    fields = {}
    if current is not None:
        fields = {name: getattr(current, name) for name in APPLICATION_FIELDS}
    fields.update({name: values[name] for name in APPLICATION_FIELDS if name in values})
    return ApplicationData(**fields, cost_lines=values.get("cost_lines"))


@contextmanager
def _fields_named(names: dict[str, str]) -> Iterator[None]:
    """Refusals of a service name the model's fields; the request may name them otherwise."""
    try:
        yield
    except DomainError as exc:
        if exc.field:
            exc.field = names.get(exc.field, exc.field)
        exc.errors = {names.get(key, key): messages for key, messages in exc.errors.items()}
        raise


def _checklist(application: Application) -> list[dict]:
    return [
        {"key": key, "label": str(label), "checked": bool(application.checklist.get(key))}
        for key, label in CHECKLIST.items()
    ]


def _case(request, application_id: int, *, status_code: int = status.HTTP_200_OK) -> Response:
    """One case as the caller may see it (the caller's access was checked already)."""
    application = application_with_plan(application_id)
    staff = is_funding_staff(request.user)
    if staff:
        application.checklist_items = _checklist(application)
        application.notes_for_staff = list(application.internal_notes.select_related("author"))
    context = {"request": request, "staff": staff}
    return Response(ApplicationDetailSerializer(application, context=context).data, status_code)


# --- Programme years ------------------------------------------------------------------------


@extend_schema(tags=["funding"])
class ProgrammeYearViewSet(viewsets.GenericViewSet):
    """Programme years: those whose call is open now, one year, and (KI staff) its budget."""

    serializer_class = ProgrammeYearSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []
    queryset = ProgrammeYear.objects.none()
    lookup_value_regex = "[0-9]+"

    def _context(self) -> dict:
        return {"request": self.request, "today": timezone.localdate()}

    @extend_schema(responses=ProgrammeYearSerializer(many=True))
    def list(self, request, **kwargs):
        """The years open for applications today, with their blocks (money still available),
        cap, Pauschalen and whether the pot is still subject to the state's confirmation."""
        page = self.paginate_queryset(open_programme_years(timezone.localdate()))
        return self.get_paginated_response(
            ProgrammeYearSerializer(page, many=True, context=self._context()).data
        )

    @extend_schema(responses=ProgrammeYearSerializer)
    def retrieve(self, request, pk=None, **kwargs):
        """One programme year, open or not (an older case refers to its year)."""
        year = (
            ProgrammeYear.objects.select_related("programme")
            .prefetch_related("blocks", "pauschalen")
            .filter(pk=object_id(pk))
            .first()
        )
        if year is None:
            raise Http404
        return Response(ProgrammeYearSerializer(year, context=self._context()).data)

    @extend_schema(responses=BudgetSerializer, tags=["funding review"])
    @action(detail=True, methods=["get"], permission_classes=[IsKIStaff], pagination_class=None)
    def budget(self, request, pk=None, **kwargs):
        """KI staff: pot, committed, paid, returned, available and requested in review, for
        the year and for each building block."""
        year = ProgrammeYear.objects.filter(pk=object_id(pk)).first()
        if year is None:
            raise Http404
        return Response(BudgetSerializer(budget_overview(year)).data)


# --- Applications: the applicant's side -----------------------------------------------------


class ApplicationReviewMixin:
    """The KI's actions on a case (KI staff with two-factor; signing: a KI lead who did not
    propose). Applicants get 403 on their own case, everyone else 404."""

    def _review(self, pk) -> Application:
        return application_get_for_review(user=self.request.user, application_id=object_id(pk))

    @extend_schema(
        request=MessageSerializer,
        responses=ApplicationDetailSerializer,
        tags=["funding review"],
    )
    @action(detail=True, methods=["post"], url_path="request-changes", permission_classes=REVIEW)
    def request_changes(self, request, pk=None, **kwargs):
        """Send a case in review back to the applicant with what to change; they edit it and
        submit again. The message is in the history and the email."""
        application = self._review(pk)
        serializer = MessageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application_request_changes(
            application=application,
            message=serializer.validated_data["message"],
            actor=request.user,
        )
        return _case(request, application.pk)

    @extend_schema(responses=ChecklistItemSerializer(many=True), tags=["funding review"])
    @action(detail=True, methods=["get"], pagination_class=None, permission_classes=REVIEW)
    def checklist(self, request, pk=None, **kwargs):
        """The review checklist: every item, and whether it is confirmed."""
        return Response(ChecklistItemSerializer(_checklist(self._review(pk)), many=True).data)

    @extend_schema(
        request=ChecklistInputSerializer,
        responses=ChecklistItemSerializer(many=True),
        tags=["funding review"],
    )
    @checklist.mapping.put
    def save_checklist(self, request, pk=None, **kwargs):
        """Record which items are confirmed (while the case is in review)."""
        application = self._review(pk)
        serializer = ChecklistInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        checklist_update(
            application=application,
            checked=set(serializer.validated_data["checked"]),
            actor=request.user,
        )
        return Response(ChecklistItemSerializer(_checklist(application), many=True).data)

    @extend_schema(responses=InternalNoteSerializer(many=True), tags=["funding review"])
    @action(detail=True, methods=["get"], pagination_class=None, permission_classes=REVIEW)
    def notes(self, request, pk=None, **kwargs):
        """Internal notes on the case, oldest first. Never shown to the applicant."""
        application = self._review(pk)
        notes = application.internal_notes.select_related("author")
        return Response(InternalNoteSerializer(notes, many=True).data)

    @extend_schema(
        request=NoteInputSerializer,
        responses={201: InternalNoteSerializer},
        tags=["funding review"],
    )
    @notes.mapping.post
    def add_note(self, request, pk=None, **kwargs):
        application = self._review(pk)
        serializer = NoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = note_add(
            application=application, text=serializer.validated_data["text"], actor=request.user
        )
        return Response(InternalNoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ProposeSerializer,
        responses=ApplicationDetailSerializer,
        tags=["funding review"],
    )
    @action(detail=True, methods=["post"], permission_classes=REVIEW)
    def propose(self, request, pk=None, **kwargs):
        """Propose approval (an amount up to the requested one, with conditions) or rejection
        (with reasons). A KI lead other than the proposer signs it."""
        application = self._review(pk)
        serializer = ProposeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with _fields_named({"decision_amount": "amount", "decision_reasons": "reasons"}):
            decision_propose(
                application=application,
                decision=data["decision"],
                amount=data.get("amount"),
                conditions=data["conditions"],
                reasons=data["reasons"],
                actor=request.user,
            )
        return _case(request, application.pk)

    @extend_schema(
        request=ProposeSerializer,
        responses=DecisionPreviewSerializer,
        tags=["funding review"],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="propose-preview",
        permission_classes=REVIEW,
        pagination_class=None,
    )
    def propose_preview(self, request, pk=None, **kwargs):
        """What a proposal would be, without saving it (the pages' confirmation step): the
        amount and, for the building block's and the year's pot, what is free before and
        after. Refuses what propose refuses (422, 409)."""
        application = self._review(pk)
        serializer = ProposeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with _fields_named({"decision_amount": "amount", "decision_reasons": "reasons"}):
            preview = decision_propose_check(
                application=application,
                decision=data["decision"],
                amount=data.get("amount"),
                conditions=data["conditions"],
                reasons=data["reasons"],
                actor=request.user,
            )
        return Response(DecisionPreviewSerializer(preview).data)

    @extend_schema(
        responses={
            200: DecisionPreviewSerializer,
            409: OpenApiResponse(
                ErrorSerializer,
                description="Nothing to sign: no proposal, one's own proposal, or a pot "
                "with less left than the amount.",
            ),
        },
        tags=["funding review"],
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="sign-preview",
        permission_classes=REVIEW,
        pagination_class=None,
    )
    def sign_preview(self, request, pk=None, **kwargs):
        """What signing the proposal would do, without signing (the lead's confirmation step):
        the amount, the pots before and after, and the proposal_stamp to send with sign.
        Refuses what sign refuses (403 for anyone but a KI lead, 409)."""
        application = self._review(pk)
        preview = decision_sign_check(application=application, actor=request.user)
        return Response(DecisionPreviewSerializer(preview).data)

    @extend_schema(
        request=SignSerializer, responses=ApplicationDetailSerializer, tags=["funding review"]
    )
    @action(detail=True, methods=["post"], permission_classes=REVIEW)
    def sign(self, request, pk=None, **kwargs):
        """A KI lead signs the proposed decision; never the one who proposed it (409). An
        approval binds its amount in the year's and the block's pot (409 when either has less
        left). The letter is then available and the coordinators are emailed. With
        `proposal` (from sign-preview) a proposal changed since is not signed (409)."""
        application = self._review(pk)
        serializer = SignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision_sign(
            application=application,
            actor=request.user,
            proposal=serializer.validated_data["proposal"],
        )
        return _case(request, application.pk)

    @extend_schema(
        request=NoteSerializer, responses=ApplicationDetailSerializer, tags=["funding review"]
    )
    @action(detail=True, methods=["post"], url_path="send-back", permission_classes=REVIEW)
    def send_back(self, request, pk=None, **kwargs):
        """Send a proposal back to review instead of signing it."""
        application = self._review(pk)
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision_send_back(
            application=application, note=serializer.validated_data["note"], actor=request.user
        )
        return _case(request, application.pk)

    @extend_schema(
        request=CloseSerializer, responses=ApplicationDetailSerializer, tags=["funding review"]
    )
    @action(detail=True, methods=["post"], permission_classes=REVIEW)
    def close(self, request, pk=None, **kwargs):
        """Accept the proof of use and close the case, with a repayment if any. Approved money
        that was not paid, and the repayment, return to the pot."""
        application = self._review(pk)
        serializer = CloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application_close(
            application=application,
            repayment=serializer.validated_data["repayment"],
            note=serializer.validated_data["note"],
            actor=request.user,
        )
        return _case(request, application.pk)

    @extend_schema(
        request=MessageSerializer, responses=ApplicationDetailSerializer, tags=["funding review"]
    )
    @action(detail=True, methods=["post"], url_path="return-proof", permission_classes=REVIEW)
    def return_proof(self, request, pk=None, **kwargs):
        """Send the proof of use back for corrections (the case is approved again)."""
        application = self._review(pk)
        serializer = MessageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proof_return(
            application=application,
            message=serializer.validated_data["message"],
            actor=request.user,
        )
        return _case(request, application.pk)


@extend_schema(tags=["funding"])
class ApplicationViewSet(ApplicationReviewMixin, viewsets.GenericViewSet):
    """Funding applications: an organisation's cases from draft to proof of use, and (KI
    staff) every submitted case."""

    serializer_class = ApplicationDetailSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []
    queryset = Application.objects.none()
    lookup_value_regex = "[0-9]+"

    def _view(self, pk) -> Application:
        return application_get_for_view(user=self.request.user, application_id=object_id(pk))

    def _own(self, pk) -> Application:
        """A case the caller applies for (staff who may see it: 403)."""
        return application_get_for_edit(user=self.request.user, application_id=object_id(pk))

    def _staff_rows(self, request, status_wanted: str):
        year = town = None
        year_ref = query_text(request, "programme_year", 20)
        if year_ref:
            pk = int(year_ref) if year_ref.isascii() and year_ref.isdigit() else 0
            year = ProgrammeYear.objects.filter(pk=pk if 0 < pk < MAX_ID else 0).first()
            if year is None:
                return Application.objects.none()
        town_ref = query_text(request, "town")
        if town_ref:
            town = _town(town_ref)
            if town is None:
                return Application.objects.none()
        return applications_for_staff(
            status=status_wanted or None,
            programme_year=year,
            block_code=query_text(request, "block", 8) or None,
            town_id=town.pk if town else None,
            search=query_text(request, "q"),
        )

    @extend_schema(
        responses=ApplicationListSerializer(many=True),
        parameters=[
            OpenApiParameter("status", str, enum=Application.Status.values),
            OpenApiParameter("programme_year", int, description="KI staff: id of the year."),
            OpenApiParameter("block", str, description="KI staff: code of the block, e.g. A."),
            OpenApiParameter("town", str, description="KI staff: slug of the town."),
            OpenApiParameter(
                "q", str, description="KI staff: part of the title, reference or organisation."
            ),
        ],
    )
    def list(self, request, **kwargs):
        """Coordinators: the cases of their organisations, newest first. KI staff: every case
        that was submitted, the oldest submission first (first come, first served)."""
        status_wanted = query_text(request, "status", 32)
        if is_funding_staff(request.user):
            rows = self._staff_rows(request, status_wanted)
        else:
            rows = applications_for_user(request.user)
            if status_wanted:
                rows = rows.filter(status=status_wanted)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ApplicationListSerializer(page, many=True).data)

    @extend_schema(
        request=ApplicationCreateSerializer, responses={201: ApplicationDetailSerializer}
    )
    def create(self, request, **kwargs):
        """A new draft for a verified organisation the caller coordinates. It may be
        incomplete; POST .../submit/ checks the whole."""
        serializer = ApplicationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = _resolve(serializer.validated_data, user=request.user)
        application = application_create(
            organisation=values["organisation"],
            programme_year=values["programme_year"],
            data=_application_data(values),
            actor=request.user,
        )
        return _case(request, application.pk, status_code=status.HTTP_201_CREATED)

    @extend_schema(responses=ApplicationDetailSerializer)
    def retrieve(self, request, pk=None, **kwargs):
        """One case with its cost plan, attachments, decision and payments; KI staff also see
        the checklist and the internal notes."""
        return _case(request, self._view(pk).pk)

    def _edit(self, request, pk, *, partial: bool) -> Response:
        application = self._own(pk)
        serializer = ApplicationWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        values = _resolve(serializer.validated_data, user=request.user)
        application_update(
            application=application,
            data=_application_data(values, current=application),
            actor=request.user,
        )
        return _case(request, application.pk)

    @extend_schema(request=ApplicationWriteSerializer, responses=ApplicationDetailSerializer)
    def update(self, request, pk=None, **kwargs):
        """Change a draft, or a case sent back for changes (409 otherwise). Fields left out
        get their defaults; a left-out cost plan stays as it is."""
        return self._edit(request, pk, partial=False)

    @extend_schema(
        request=ApplicationWriteSerializer(partial=True), responses=ApplicationDetailSerializer
    )
    def partial_update(self, request, pk=None, **kwargs):
        """Change some fields of a draft, or of a case sent back for changes."""
        return self._edit(request, pk, partial=True)

    @extend_schema(request=None, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None, **kwargs):
        """Submit for review. Checks everything at once: complete, the cost plan adds up, the
        programme's rules, the call is open, the project does not start before today. A
        refusal (422) lists every problem by field and changes nothing."""
        application = self._own(pk)
        application_submit(application=application, actor=request.user)
        return _case(request, application.pk)

    @extend_schema(request=NoteSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None, **kwargs):
        """Withdraw the application (before a decision is signed)."""
        application = self._own(pk)
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application_withdraw(
            application=application, note=serializer.validated_data["note"], actor=request.user
        )
        return _case(request, application.pk)

    @extend_schema(responses=AttachmentSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, parser_classes=[MultiPartParser])
    def attachments(self, request, pk=None, **kwargs):
        """The annexes and receipts of the case."""
        application = self._view(pk)
        rows = application.attachments.all()
        return Response(AttachmentSerializer(rows, many=True, context={"request": request}).data)

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer},
    )
    @attachments.mapping.post
    def upload_attachment(self, request, pk=None, **kwargs):
        """Upload an annex (while the case is editable) or a receipt (while the proof of use
        is open), as multipart/form-data. Only PDF, PNG and JPEG, recognised by their content:
        anything else is refused (422) whatever its name."""
        application = self._own(pk)
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        attachment = attachment_add(
            application=application,
            file=upload,
            filename=upload.name or "",
            purpose=serializer.validated_data["purpose"],
            actor=request.user,
        )
        body = AttachmentSerializer(attachment, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(responses=PDF)
    @action(detail=True, methods=["get"])
    def letter(self, request, pk=None, **kwargs):
        """The signed decision letter as PDF (404 until a decision is signed)."""
        application = self._view(pk)
        letter = DecisionLetter.objects.filter(application=application).first()
        if letter is None:
            raise Http404
        letter.application = application
        content = letter_pdf(letter=letter)
        file_download_log(
            file=letter,
            filename=letter_filename(letter),
            actor=request.user,
            purpose="v1:funding-application-letter",
        )
        return _download(
            BytesIO(content),
            filename=letter_filename(letter),
            content_type="application/pdf",
        )

    @extend_schema(responses=HistorySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None, **kwargs):
        """Every status change of the case (who, when, from, to, note), oldest first. Notes of
        proposals are for KI staff until a lead signs."""
        application = self._view(pk)
        rows = application_history(application, for_applicant=not is_funding_staff(request.user))
        return Response(HistorySerializer(rows, many=True).data)

    @extend_schema(responses=PaymentSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def payments(self, request, pk=None, **kwargs):
        """The payment requests (Mittelabrufe) of the case."""
        application = self._view(pk)
        return Response(PaymentSerializer(application.payments.all(), many=True).data)

    @extend_schema(request=PaymentRequestSerializer, responses={201: PaymentSerializer})
    @payments.mapping.post
    def request_payment(self, request, pk=None, **kwargs):
        """Ask for part of the approved money. Requested and paid parts together never exceed
        the approved amount (409)."""
        application = self._own(pk)
        serializer = PaymentRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payment = payment_request(
            application=application,
            amount=serializer.validated_data["amount"],
            note=serializer.validated_data["note"],
            actor=request.user,
        )
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProofSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def proof(self, request, pk=None, **kwargs):
        """Submit the proof of use (after the project's end): the report and what was really
        spent on every line of the cost plan. Receipts are attachments with purpose
        "receipt"."""
        application = self._own(pk)
        serializer = ProofSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proof_submit(
            application=application,
            report=serializer.validated_data["report"],
            actual_amounts={
                row["cost_line"]: row["amount"]
                for row in serializer.validated_data["actual_amounts"]
            },
            actor=request.user,
        )
        return _case(request, application.pk)


# --- Attachments and payments ---------------------------------------------------------------


@extend_schema(tags=["funding"])
class AttachmentViewSet(viewsets.GenericViewSet):
    """One attachment: downloading it (whoever may see the case), removing it (the applicant,
    while that part of the case is open)."""

    serializer_class = AttachmentSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []
    queryset = Attachment.objects.none()
    lookup_value_regex = "[0-9]+"

    def _get(self, pk) -> Attachment:
        return attachment_get_for_download(user=self.request.user, attachment_id=object_id(pk))

    @extend_schema(responses=BINARY_FILE)
    def retrieve(self, request, pk=None, **kwargs):
        """The file, as a download with the type recognised on upload."""
        attachment = self._get(pk)
        file = attachment_open(attachment)
        file_download_log(
            file=attachment,
            filename=attachment.filename,
            actor=request.user,
            purpose="v1:funding-attachment-detail",
        )
        return _download(file, filename=attachment.filename, content_type=attachment.content_type)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None, **kwargs):
        """Remove an annex of an editable case, or a receipt while the proof of use is open
        (409 otherwise)."""
        attachment_delete(attachment=self._get(pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["funding"])
class PaymentViewSet(viewsets.GenericViewSet):
    """A payment request: KI staff record it as paid; it is cancelled by the applicant
    (withdrawn) or by KI staff (refused)."""

    serializer_class = PaymentSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []
    queryset = Payment.objects.none()
    lookup_value_regex = "[0-9]+"

    @extend_schema(request=None, responses=PaymentSerializer, tags=["funding review"])
    @action(detail=True, methods=["post"], url_path="mark-paid", permission_classes=REVIEW)
    def mark_paid(self, request, pk=None, **kwargs):
        """KI staff: the money was paid; it counts against the pots' paid figures."""
        payment = payment_get_for_staff(user=request.user, payment_id=object_id(pk))
        payment = payment_mark_paid(payment=payment, actor=request.user)
        return Response(PaymentSerializer(payment).data)

    @extend_schema(request=NoteSerializer, responses=PaymentSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None, **kwargs):
        """Withdraw (applicant) or refuse (KI staff) a payment that is not paid yet."""
        payment = Payment.objects.filter(pk=object_id(pk)).first()
        if payment is None:
            raise Http404
        payment.application = application_get_for_view(
            user=request.user, application_id=payment.application_id
        )
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payment = payment_cancel(
            payment=payment, note=serializer.validated_data["note"], actor=request.user
        )
        return Response(PaymentSerializer(payment).data)
