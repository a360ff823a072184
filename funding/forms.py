"""Forms of the applicant pages. They parse input (German money notation included) and hand the
services plain values; the rules live in funding.services, whose DomainErrors the views show at
the field or the cost plan row they name."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from backend.errors import ValidationFailed
from volunteers.models import Organisation, Town

from .models import Application, Attachment, BuildingBlock, CostLine, Pauschale, ProgrammeYear
from .services.applications import ApplicationData, CostLineData
from .services.attachments import Upload, attachments_check
from .services.budget import format_euro

COST_LINE_EXTRA_ROWS = 3  # empty cost plan rows below the saved ones
COST_LINES_MAX = 60
MONEY_MAX = Decimal("9999999999.99")  # max_digits=12, decimal_places=2

# "1.234,56", "1234,56", "1 234,56", "1,234.56", "1234.56", "1.234", "1234" (optional € / EUR).
_GROUPED_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")
_GROUPED_COMMA = re.compile(r"^\d{1,3}(,\d{3})+$")
_PLAIN = re.compile(r"^\d+$")


def parse_money(text: str) -> Decimal:
    """A euro amount as people type it in Germany (and as computers write it). Raises
    ValidationError with a message a person understands; never guesses at odd input."""
    value = (text or "").strip()
    value = re.sub(r"(?i)(€|eur|euro)$", "", value).strip()
    value = re.sub(r"[\s\u00a0\u202f']", "", value)
    if value[:1] in ("-", "\u2212"):
        raise ValidationError(_("Der Betrag darf nicht negativ sein."), code="negative")
    if value.startswith("+"):
        value = value[1:]
    invalid = ValidationError(
        _("Bitte geben Sie einen Betrag in Euro an, zum Beispiel 1.234,56."), code="invalid"
    )
    if not value:
        raise invalid
    if "," in value and "." in value:
        decimal_sep = "," if value.rfind(",") > value.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        whole, _sep, fraction = value.rpartition(decimal_sep)
        grouped = _GROUPED_DOT if group_sep == "." else _GROUPED_COMMA
        if not (grouped.match(whole) or _PLAIN.match(whole)):
            raise invalid
        whole = whole.replace(group_sep, "")
    elif "," in value:
        if value.count(",") > 1:
            if not _GROUPED_COMMA.match(value):
                raise invalid
            whole, fraction = value.replace(",", ""), ""
        else:
            whole, _sep, fraction = value.partition(",")
    elif "." in value:
        if _GROUPED_DOT.match(value):  # German thousands: 1.234 or 1.234.567
            whole, fraction = value.replace(".", ""), ""
        elif value.count(".") == 1:
            whole, _sep, fraction = value.partition(".")
        else:
            raise invalid
    else:
        whole, fraction = value, ""
    if not _PLAIN.match(whole or "0") or (fraction and not _PLAIN.match(fraction)):
        raise invalid
    if len(fraction) > 2:
        raise ValidationError(
            _("Bitte geben Sie höchstens zwei Nachkommastellen (Cent) an."), code="precision"
        )
    try:
        amount = Decimal(f"{whole or '0'}.{fraction or '0'}")
    except InvalidOperation as exc:  # pragma: no cover - the patterns above exclude it
        raise invalid from exc
    if amount > MONEY_MAX:
        raise ValidationError(_("Der Betrag ist zu groß."), code="max_value")
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def money_text(amount: Decimal | None) -> str:
    """An amount as an input shows it: 1234,50 in German, 1234.50 otherwise (both parse)."""
    if amount is None:
        return ""
    text = f"{amount:.2f}"
    if (translation.get_language() or "de").startswith("de"):
        text = text.replace(".", ",")
    return text


class MoneyField(forms.CharField):
    """A euro amount: "1.234,56", "1234,56" and "1234.56" are all 1234.56. Empty gives
    `empty_value` (None unless set)."""

    def __init__(self, *, empty_value: Decimal | None = None, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(**kwargs)
        self.empty_amount = empty_value

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, Decimal):
            return value
        text = super().to_python(value)
        if text in self.empty_values:
            return self.empty_amount
        if len(text) > 30:
            raise ValidationError(_("Der Betrag ist zu groß."), code="max_value")
        return parse_money(text)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return money_text(value)
        return value


class SubmitRequiredMixin:
    """Needed for submitting, so the page does not call it optional; a draft may still be saved
    with it empty (submitting then names it)."""

    def validate(self, value: Any) -> None:
        if value in self.empty_values:
            return
        super().validate(value)


class SubmitRequiredCharField(SubmitRequiredMixin, forms.CharField):
    pass


class SubmitRequiredDateField(SubmitRequiredMixin, forms.DateField):
    pass


class SubmitRequiredMoneyField(SubmitRequiredMixin, MoneyField):
    pass


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BlockChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, with_year: bool = False, **kwargs):
        self.with_year = with_year
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: BuildingBlock) -> str:
        label = f"{obj.code}: {obj.title}"
        if self.with_year:
            label = f"{obj.programme_year} – {label}"
        return label


class PauschaleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Pauschale) -> str:
        return _("%(title)s: %(amount)s je %(unit)s, höchstens %(max)s") % {
            "title": obj.title,
            "amount": format_euro(obj.amount),
            "unit": obj.unit,
            "max": obj.max_units,
        }


# --- Annexes --------------------------------------------------------------------------------


ACCEPTED_FILES = "application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AnnexesField(forms.FileField):
    """Annexes chosen with the rest of a form (none, one or several files). Each file is
    checked by content here, with the service's own check, so a refused form names a wrong
    file together with every other problem; the service checks again when it stores them."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_FILES}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None) -> list[Upload]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        files = [item for item in files if item]
        uploads = [Upload(file=item, filename=item.name or "") for item in files]
        try:
            attachments_check(uploads)
        except ValidationFailed as exc:
            raise ValidationError([m for ms in exc.errors.values() for m in ms]) from exc
        return uploads


def annexes_help() -> str:
    return _(
        "PDF, PNG oder JPEG, je Datei höchstens %(mb)s MB, höchstens %(n)s Anlagen je Antrag. "
        "Sie können mehrere Dateien auf einmal wählen."
    ) % {
        "mb": f"{settings.FUNDING_ATTACHMENT_MAX_BYTES / (1024 * 1024):.0f}",
        "n": settings.FUNDING_ATTACHMENTS_PER_APPLICATION,
    }


# --- Creating a draft -----------------------------------------------------------------------


class BlockRadioField(BlockChoiceField):
    """The building blocks of one call as radio buttons, each with its title."""

    widget = forms.RadioSelect


class ApplicationCreateForm(forms.Form):
    """The first step for one call (chosen before): who applies, in which of its building
    blocks, for what, where; and annexes, if they are at hand already."""

    organisation = forms.ModelChoiceField(
        label=_("Antragstellende Organisation"),
        queryset=Organisation.objects.none(),
        empty_label=_("Bitte wählen"),
        help_text=_("Nur geprüfte Organisationen, die Sie koordinieren."),
    )
    block = BlockRadioField(
        label=_("Baustein"),
        queryset=BuildingBlock.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Bitte wählen Sie einen Baustein."),
            "invalid_choice": _("Dieser Baustein gehört nicht zum gewählten Förderaufruf."),
        },
    )
    title = forms.CharField(label=_("Projekttitel"), max_length=200)
    town = forms.ModelChoiceField(
        label=_("Ort des Projekts"), queryset=Town.objects.none(), empty_label=_("Bitte wählen")
    )
    attachments = AnnexesField(label=_("Anlagen"))

    def __init__(
        self,
        *args,
        organisations: Iterable[Organisation],
        year: ProgrammeYear,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.year = year
        organisation_ids = [o.pk for o in organisations]
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=organisation_ids
        ).order_by("name")
        self.fields["block"].queryset = BuildingBlock.objects.filter(
            programme_year_id=year.pk
        ).order_by("code")
        self.fields["town"].queryset = Town.objects.order_by("name")
        self.fields["attachments"].help_text = annexes_help()

    def service_data(self) -> ApplicationData:
        data = self.cleaned_data
        return ApplicationData(block=data["block"], title=data["title"], town=data["town"])

    def uploads(self) -> list[Upload]:
        return self.cleaned_data.get("attachments") or []


# --- The whole application ------------------------------------------------------------------


class ApplicationForm(forms.Form):
    """Every field the applicant fills in, except the cost plan (a formset beside it)."""

    title = forms.CharField(label=_("Projekttitel"), max_length=200)
    block = BlockChoiceField(
        label=_("Baustein"), queryset=BuildingBlock.objects.none(), empty_label=_("Bitte wählen")
    )
    town = forms.ModelChoiceField(
        label=_("Ort des Projekts"), queryset=Town.objects.none(), empty_label=_("Bitte wählen")
    )
    description = SubmitRequiredCharField(
        label=_("Projektbeschreibung"),
        max_length=10000,
        help_text=_("Was genau soll stattfinden, wie oft, mit wem?"),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    goals = SubmitRequiredCharField(
        label=_("Ziele"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    target_group = SubmitRequiredCharField(
        label=_("Zielgruppe"),
        max_length=2000,
        help_text=_("Für wen ist das Projekt? Bitte keine Namen von Personen."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    starts_on = SubmitRequiredDateField(
        label=_("Geplanter Beginn"),
        help_text=_(
            "Frühestens heute und im Förderjahr. Maßnahmen, die vor der Bewilligung beginnen, "
            "können nicht gefördert werden."
        ),
        widget=_date_widget(),
    )
    ends_on = SubmitRequiredDateField(label=_("Geplantes Ende"), widget=_date_widget())
    own_contribution = MoneyField(
        label=_("Eigenanteil (EUR)"),
        required=False,
        empty_value=Decimal("0.00"),
        help_text=_("Eigene Mittel oder Spenden, z. B. 150,00."),
    )
    requested_amount = SubmitRequiredMoneyField(
        label=_("Beantragter Betrag (EUR)"),
        empty_value=Decimal("0.00"),
        help_text=_("Beantragter Betrag und Eigenanteil ergeben zusammen die Gesamtkosten."),
    )
    publication_consent = forms.BooleanField(
        label=_(
            "Titel, Organisation, Baustein, Jahr und Betrag dürfen nach der Bewilligung im "
            "öffentlichen Verzeichnis erscheinen."
        ),
        required=False,
    )
    attachments = AnnexesField(label=_("Weitere Anlagen hinzufügen"))

    def __init__(self, *args, application: Application, **kwargs):
        self.application = application
        if "initial" not in kwargs:
            kwargs["initial"] = {
                "title": application.title,
                "block": application.block_id,
                "town": application.town_id,
                "description": application.description,
                "goals": application.goals,
                "target_group": application.target_group,
                "starts_on": application.starts_on,
                "ends_on": application.ends_on,
                "own_contribution": application.own_contribution,
                "requested_amount": application.requested_amount,
                "publication_consent": application.publication_consent,
            }
        super().__init__(*args, **kwargs)
        self.fields["block"].queryset = BuildingBlock.objects.filter(
            programme_year_id=application.programme_year_id
        ).order_by("code")
        self.fields["town"].queryset = Town.objects.order_by("name")
        self.fields["attachments"].help_text = annexes_help()
        cap = application.programme_year.cap_per_application
        if cap is not None:
            self.fields["requested_amount"].help_text = _(
                "Höchstens %(cap)s je Antrag. Beantragter Betrag und Eigenanteil ergeben "
                "zusammen die Gesamtkosten."
            ) % {"cap": format_euro(cap)}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("Das Projektende liegt vor dem Beginn."))
        return cleaned

    def service_data(self, cost_lines: list[CostLineData]) -> ApplicationData:
        data = self.cleaned_data
        return ApplicationData(
            block=data["block"],
            title=data["title"],
            town=data["town"],
            description=data["description"],
            goals=data["goals"],
            target_group=data["target_group"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            own_contribution=data["own_contribution"],
            requested_amount=data["requested_amount"],
            publication_consent=data["publication_consent"],
            cost_lines=cost_lines,
        )

    def uploads(self) -> list[Upload]:
        return self.cleaned_data.get("attachments") or []


class CostLineForm(forms.Form):
    """One row of the cost plan. A new row left completely empty is ignored, so its fields are
    optional until something is typed into it."""

    category = forms.ChoiceField(
        label=_("Kategorie"), choices=[("", _("Bitte wählen")), *CostLine.Category.choices]
    )
    description = forms.CharField(label=_("Beschreibung"), max_length=300)
    amount = SubmitRequiredMoneyField(label=_("Betrag (EUR)"))
    pauschale = PauschaleChoiceField(
        label=_("Pauschale"),
        queryset=Pauschale.objects.none(),
        required=False,
        empty_label=_("– keine –"),
    )
    units = forms.IntegerField(
        label=_("Einheiten"),
        required=False,
        min_value=1,
        max_value=999,
        help_text=_("Nur bei einer Pauschale."),
        widget=forms.NumberInput(attrs={"min": 1, "max": 999, "inputmode": "numeric"}),
    )

    def __init__(self, *args, pauschalen: list[Pauschale] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        number = self.prefix.rsplit("-", 1)[-1] if self.prefix else ""
        self.row_number = int(number) + 1 if number.isdigit() else 1
        # The formset lets new rows stay empty; such a row is optional as a whole.
        self.is_new_row = self.empty_permitted
        if self.is_new_row:
            for name in ("category", "description", "amount"):
                self.fields[name].required = False
        pauschale_ids = [p.pk for p in pauschalen or ()]
        if pauschale_ids:
            self.fields["pauschale"].queryset = Pauschale.objects.filter(
                pk__in=pauschale_ids
            ).order_by("title")
            self.fields["amount"].help_text = _(
                "Bei einer Pauschale können Sie den Betrag leer lassen: er wird berechnet."
            )
        else:
            del self.fields["pauschale"]
            del self.fields["units"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("category") and "category" not in self.errors:
            self.add_error("category", _("Bitte wählen Sie eine Kategorie."))
        if not cleaned.get("description") and "description" not in self.errors:
            self.add_error("description", _("Bitte beschreiben Sie die Kostenposition."))
        amount = cleaned.get("amount")
        pauschale = cleaned.get("pauschale")
        units = cleaned.get("units")
        if pauschale is not None:
            if units is None:
                units = cleaned["units"] = 1
            if amount is None and "amount" not in self.errors:
                cleaned["amount"] = amount = pauschale.amount * units
        elif units is not None:
            self.add_error("units", _("Einheiten gibt es nur zusammen mit einer Pauschale."))
        if amount is None and "amount" not in self.errors:
            self.add_error("amount", _("Bitte geben Sie den Betrag an."))
        elif amount is not None and amount <= 0:
            self.add_error("amount", _("Der Betrag muss größer als 0 € sein."))
        return cleaned

    def service_data(self) -> CostLineData:
        data = self.cleaned_data
        return CostLineData(
            category=data["category"],
            description=data["description"],
            amount=data["amount"],
            pauschale=data.get("pauschale"),
            units=data.get("units") if data.get("pauschale") else None,
        )


class BaseCostLineFormSet(forms.BaseFormSet):
    def __init__(self, *args, pauschalen: list[Pauschale] | None = None, **kwargs):
        self.pauschalen = pauschalen or []
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "pauschalen": self.pauschalen}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Diese Kostenposition löschen")

    def kept_rows(self) -> list[tuple[int, CostLineForm]]:
        """The rows that become cost lines, in order, with their row index: saved rows not
        marked for deletion, and new rows that were filled in. Call after is_valid()."""
        kept = []
        for index, form in enumerate(self.forms):
            if index >= self.initial_form_count() and not form.has_changed():
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            kept.append((index, form))
        return kept

    def service_data(self) -> tuple[list[CostLineData], list[int]]:
        """The cost lines for the service, and for each of them the index of its row (to show
        the service's "cost_lines.<n>" errors at the right row)."""
        kept = self.kept_rows()
        return [form.service_data() for _index, form in kept], [index for index, _form in kept]


def cost_line_initial(application: Application) -> list[dict[str, Any]]:
    return [
        {
            "category": line.category,
            "description": line.description,
            "amount": line.amount,
            "pauschale": line.pauschale_id,
            "units": line.units,
        }
        for line in application.cost_lines.all()
    ]


def cost_line_formset(
    application: Application, pauschalen: list[Pauschale], data=None, *, more_rows: int = 0
) -> BaseCostLineFormSet:
    """The cost plan: the saved lines, then a few empty rows (`more_rows` more on request)."""
    formset_class = forms.formset_factory(
        CostLineForm,
        formset=BaseCostLineFormSet,
        extra=COST_LINE_EXTRA_ROWS + more_rows,
        can_delete=True,
        can_delete_extra=False,
        max_num=COST_LINES_MAX,
        validate_max=True,
        absolute_max=COST_LINES_MAX + 20,
    )
    return formset_class(
        data, initial=cost_line_initial(application), prefix="cost", pauschalen=pauschalen
    )


# --- After submitting -----------------------------------------------------------------------


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Ja, ich ziehe diesen Antrag zurück. Das lässt sich nicht rückgängig machen."),
        error_messages={"required": _("Bitte bestätigen Sie, dass Sie zurückziehen möchten.")},
    )
    note = forms.CharField(
        label=_("Grund"),
        max_length=2000,
        required=False,
        help_text=_("Hilft dem KI bei der Planung. Erscheint im Verlauf des Antrags."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Datei"),
        help_text=_("PDF, PNG oder JPEG, höchstens %(mb)s MB."),
        widget=forms.FileInput(attrs={"accept": ACCEPTED_FILES}),
        error_messages={
            "required": _("Bitte wählen Sie eine Datei aus."),
            "empty": _("Die Datei ist leer."),
        },
    )
    purpose = forms.ChoiceField(choices=Attachment.Purpose.choices, widget=forms.HiddenInput)

    def __init__(self, *args, max_bytes: int, purpose: str | None = None, **kwargs):
        if purpose is not None:
            kwargs.setdefault("initial", {})["purpose"] = purpose
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "mb": f"{max_bytes / (1024 * 1024):.0f}"
        }
        if purpose == Attachment.Purpose.RECEIPT:
            self.fields["file"].label = _("Beleg")
        elif purpose == Attachment.Purpose.APPLICATION:
            self.fields["file"].label = _("Anlage")


class PaymentRequestForm(forms.Form):
    amount = MoneyField(label=_("Betrag (EUR)"))
    note = forms.CharField(
        label=_("Verwendungszweck"),
        max_length=300,
        required=False,
        help_text=_("Zum Beispiel „Honorare 1. Halbjahr“."),
    )


class ProofForm(forms.Form):
    """The proof of use: a report and what each cost line actually cost."""

    report = forms.CharField(
        label=_("Sachbericht"),
        max_length=20000,
        help_text=_(
            "Was ist passiert, wie viele Menschen haben teilgenommen, was hat sich verändert? "
            "Bitte keine Namen von Teilnehmenden."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args, lines: list[CostLine], **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            field = MoneyField(
                label=_("Tatsächlich ausgegeben: %(description)s")
                % {"description": line.description},
                help_text=_("Geplant: %(amount)s") % {"amount": format_euro(line.amount)},
            )
            self.fields[self.line_field(line)] = field
            if line.actual_amount is not None:
                self.initial[self.line_field(line)] = line.actual_amount

    @staticmethod
    def line_field(line: CostLine) -> str:
        return f"actual_{line.pk}"

    @property
    def line_fields(self) -> list[forms.BoundField]:
        return [self[self.line_field(line)] for line in self.lines]

    def actual_amounts(self) -> dict[int, Decimal]:
        return {line.pk: self.cleaned_data[self.line_field(line)] for line in self.lines}
