"""Forms of the KI staff's funding pages: queue filters, the review and decision forms of a case,
payments, proof of use, and the programme data (programmes, funding years, blocks, Pauschalen).

The forms parse input only. The rules live in funding.services and come back as form errors
through backend.forms.domain_error_to_form — which is why the decision fields carry the names
the services use (decision_amount, decision_reasons, repayment, ...).

Several forms share a page, so each has a prefix (ids stay unique, errors stay at their form).
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.validators import MinValueValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from volunteers.models import Town

from .forms import MoneyField
from .models import Application, BuildingBlock, CostLine, Pauschale, Programme, ProgrammeYear
from .models.programmes import ZERO
from .services.budget import format_euro
from .services.programmes import KOMM_AN_II_BLOCKS
from .services.review import CHECKLIST

EVERY = ("", _("alle"))
DATE_WIDGET = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
BLOCK_CODES = ("A", "B", "C", "D")


def _money(label, *, required: bool = True, minimum: str = "0", **kwargs) -> MoneyField:
    """A euro amount typed as people type it ("1.800,00"), like on the applicant's pages."""
    # Negative amounts are refused by parse_money; a positive floor means "more than 0".
    validators = (
        [MinValueValidator(Decimal(minimum), message=_("Der Betrag muss größer als 0 € sein."))]
        if Decimal(minimum) > 0
        else []
    )
    return MoneyField(label=label, required=required, validators=validators, **kwargs)


def year_label(year: ProgrammeYear) -> str:
    return f"{year.programme.short_name} {year.year}"


# --- Queue and budget filters (GET) ----------------------------------------------------------


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    year = forms.TypedChoiceField(label=_("Förderjahr"), required=False, coerce=int)
    block = forms.ChoiceField(label=_("Baustein"), required=False)
    town = forms.TypedChoiceField(label=_("Ort"), required=False, coerce=int)
    q = forms.CharField(
        label=_("Suche"),
        required=False,
        max_length=100,
        help_text=_("Aktenzeichen, Projekttitel oder Organisation"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [EVERY] + [
            (value, label)
            for value, label in Application.Status.choices
            if value != Application.Status.DRAFT
        ]
        self.years = {
            year.pk: year
            for year in ProgrammeYear.objects.select_related("programme").order_by(
                "-year", "programme__short_name"
            )
        }
        self.fields["year"].choices = [EVERY] + [
            (pk, year_label(year)) for pk, year in self.years.items()
        ]
        codes = BuildingBlock.objects.order_by("code").values_list("code", flat=True).distinct()
        self.fields["block"].choices = [EVERY] + [(code, code) for code in codes]
        self.fields["town"].choices = [EVERY] + [
            (pk, name) for pk, name in Town.objects.order_by("name").values_list("pk", "name")
        ]

    def selector_filters(self) -> dict:
        """Keyword arguments for selectors.applications_for_staff (empty when invalid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "status": data["status"] or None,
            "programme_year": self.years.get(data["year"]) if data["year"] else None,
            "block_code": data["block"] or None,
            "town_id": data["town"] or None,
            "search": data["q"],
        }


class BudgetYearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Förderjahr"), coerce=int)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year.pk, year_label(year)) for year in years]


# --- Review and decision (POST, one form per action) -----------------------------------------


class ChecklistForm(forms.Form):
    checked = forms.MultipleChoiceField(
        label=_("Prüfpunkte"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=list(CHECKLIST.items()),
        help_text=_("Haken Sie an, was Sie geprüft haben."),
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Neue interne Notiz"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Nur für das KI-Team sichtbar, nie für die Antragstellenden."),
    )


class RequestChangesForm(forms.Form):
    message = forms.CharField(
        label=_("Was soll geändert werden?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Die Nachricht geht per E-Mail an die Koordination der Organisation und steht im "
            "Verlauf des Antrags."
        ),
    )


class ProposeForm(forms.Form):
    """A proposal: nothing is preselected, the person chooses approval or rejection; the page
    then shows the amount and the pots before anything is saved (a confirmation step)."""

    decision = forms.ChoiceField(
        label=_("Entscheidung"),
        choices=Application.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Bitte wählen Sie: Bewilligung oder Ablehnung.")},
    )
    decision_amount = _money(
        _("Bewilligungsbetrag (EUR)"),
        required=False,
        minimum="0.01",
        help_text=_("Nur bei Bewilligung: höchstens der beantragte Betrag."),
    )
    decision_conditions = forms.CharField(
        label=_("Auflagen"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Nur bei Bewilligung; sie stehen im Bescheid."),
    )
    decision_reasons = forms.CharField(
        label=_("Begründung der Ablehnung"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Nur bei Ablehnung; sie steht im Bescheid."),
    )


class SignForm(forms.Form):
    """The lead's choice on a proposal: sign it, or give it back to review. Nothing is
    preselected; signing shows the amount and the pots once more before it is committed.
    `proposal` carries the proposal the lead saw (review.proposal_stamp)."""

    SIGN = "sign"
    SEND_BACK = "send_back"

    choice = forms.ChoiceField(
        label=_("Ihre Entscheidung"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Bitte wählen Sie: zeichnen oder zur Prüfung zurückgeben."),
        },
    )
    note = forms.CharField(
        label=_("Hinweis für die Prüfung"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Nur beim Zurückgeben: was noch geprüft oder geändert werden soll."),
    )
    proposal = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        if application.decision == Application.Decision.APPROVE and application.decision_amount:
            sign = _gettext("Zeichnen: Bewilligung über %(amount)s") % {
                "amount": format_euro(application.decision_amount)
            }
        else:
            sign = _gettext("Zeichnen: Ablehnung")
        self.fields["choice"].choices = [
            (self.SIGN, sign),
            (self.SEND_BACK, _("Nicht zeichnen, sondern zur Prüfung zurückgeben")),
        ]


class SendBackForm(forms.Form):
    note = forms.CharField(
        label=_("Hinweis für die Prüfung"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseForm(forms.Form):
    repayment = _money(
        _("Rückforderung (EUR)"),
        initial=ZERO,
        help_text=_("0, wenn nichts zurückgezahlt werden muss; höchstens der ausgezahlte Betrag."),
    )
    note = forms.CharField(
        label=_("Prüfvermerk"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReturnProofForm(forms.Form):
    message = forms.CharField(
        label=_("Was fehlt im Verwendungsnachweis?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Die Nachricht geht per E-Mail an die Koordination der Organisation."),
    )


class PaymentCancelForm(forms.Form):
    note = forms.CharField(label=_("Grund der Stornierung"), required=False, max_length=2000)


# --- Programme data --------------------------------------------------------------------------


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["name", "short_name", "code", "funding_authority", "description"]
        help_texts = {
            "short_name": _("Erscheint in Listen, z. B. „KOMM-AN II“."),
            "code": _("Steht in jedem Aktenzeichen, z. B. KA2 oder TSD."),
        }


class YearCreateForm(forms.Form):
    """A new funding year; up to four building blocks (A–D). A block without a title is not
    created, so a programme with a single block needs no code."""

    programme = forms.ModelChoiceField(
        label=_("Förderprogramm"), queryset=Programme.objects.order_by("name"), empty_label=None
    )
    year = forms.IntegerField(label=_("Förderjahr"), min_value=2015, max_value=2100)
    pot = _money(_("Fördertopf des Jahres (EUR)"))
    call_opens_on = forms.DateField(label=_("Antragsfrist ab"), **DATE_WIDGET)
    call_closes_on = forms.DateField(label=_("Antragsfrist bis"), **DATE_WIDGET)
    subject_to_confirmation = forms.BooleanField(
        label=_("vorbehaltlich"),
        required=False,
        help_text=_(
            "Der Aufruf öffnet, bevor das Land den Fördertopf bestätigt hat; bewilligt werden "
            "kann erst nach der Bestätigung."
        ),
    )
    cap_per_application = _money(_("Höchstbetrag je Antrag (EUR)"), required=False, minimum="0.01")
    proof_of_use_weeks = forms.IntegerField(
        label=_("Verwendungsnachweis fällig (Wochen nach Projektende)"),
        min_value=1,
        max_value=104,
        initial=8,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year + 1
        for code in BLOCK_CODES:
            default_title = KOMM_AN_II_BLOCKS.get(code, ("", ""))[0]
            self.fields[f"block_{code}_title"] = forms.CharField(
                label=_("Titel"), required=False, max_length=200, initial=default_title
            )
            self.fields[f"block_{code}_pot"] = _money(_("Topf (EUR)"), required=False, initial=ZERO)

    def block_rows(self):
        """(code, title field, pot field) for the template's fieldsets."""
        return [
            (code, self[f"block_{code}_title"], self[f"block_{code}_pot"]) for code in BLOCK_CODES
        ]

    def clean(self):
        data = super().clean()
        if not any(data.get(f"block_{code}_title") for code in BLOCK_CODES):
            raise forms.ValidationError(_("Bitte legen Sie mindestens einen Baustein an."))
        for code in BLOCK_CODES:
            if data.get(f"block_{code}_pot") and not data.get(f"block_{code}_title"):
                self.add_error(
                    f"block_{code}_title", _("Ein Baustein mit Topf braucht einen Titel.")
                )
        return data

    def service_kwargs(self) -> dict:
        """Keyword arguments for services.programmes.programme_year_create."""
        data = self.cleaned_data
        blocks, pots = {}, {}
        for code in BLOCK_CODES:
            title = data[f"block_{code}_title"].strip()
            if not title:
                continue
            default = KOMM_AN_II_BLOCKS.get(code)
            description = default[1] if default and default[0] == title else ""
            blocks[code] = (title, description)
            pots[code] = data[f"block_{code}_pot"] or ZERO
        return {
            "programme": data["programme"],
            "year": data["year"],
            "pot": data["pot"],
            "block_pots": pots,
            "blocks": blocks,
            "call_opens_on": data["call_opens_on"],
            "call_closes_on": data["call_closes_on"],
            "subject_to_confirmation": data["subject_to_confirmation"],
            "cap_per_application": data["cap_per_application"],
            "proof_of_use_weeks": data["proof_of_use_weeks"],
        }


class YearCopyForm(forms.Form):
    source = forms.ModelChoiceField(
        label=_("Übernehmen aus"),
        queryset=ProgrammeYear.objects.select_related("programme").order_by(
            "-year", "programme__short_name"
        ),
        empty_label=None,
        help_text=_(
            "Bausteine, Töpfe, Höchstbetrag, Frist für den Verwendungsnachweis und Pauschalen "
            "werden übernommen. Das neue Jahr ist zunächst „vorbehaltlich“."
        ),
    )
    year = forms.IntegerField(label=_("neues Förderjahr"), min_value=2015, max_value=2100)
    call_opens_on = forms.DateField(label=_("Antragsfrist ab"), **DATE_WIDGET)
    call_closes_on = forms.DateField(label=_("Antragsfrist bis"), **DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].label_from_instance = year_label
        self.fields["year"].initial = timezone.localdate().year + 1


class YearEditForm(forms.ModelForm):
    class Meta:
        model = ProgrammeYear
        fields = [
            "pot",
            "call_opens_on",
            "call_closes_on",
            "subject_to_confirmation",
            "cap_per_application",
            "proof_of_use_weeks",
        ]
        widgets = {
            "call_opens_on": DATE_WIDGET["widget"],
            "call_closes_on": DATE_WIDGET["widget"],
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound = self.instance.committed - self.instance.returned
        self.fields["pot"].help_text = _("Mindestens %(bound)s (schon gebunden).") % {
            "bound": format_euro(bound)
        }


class BlockForm(forms.ModelForm):
    class Meta:
        model = BuildingBlock
        fields = ["title", "pot", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound = self.instance.committed - self.instance.returned
        self.fields["pot"].help_text = _("Mindestens %(bound)s (schon gebunden).") % {
            "bound": format_euro(bound)
        }


class PauschaleForm(forms.ModelForm):
    class Meta:
        model = Pauschale
        fields = ["title", "unit", "amount", "max_units", "block", "conditions"]
        widgets = {"conditions": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, programme_year: ProgrammeYear, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.programme_year_id is None:
            self.instance.programme_year = programme_year
        self.fields["block"].queryset = programme_year.blocks.order_by("code")
        self.fields["block"].empty_label = _gettext("alle Bausteine")


BlockFormSet = forms.modelformset_factory(BuildingBlock, form=BlockForm, extra=0, can_delete=False)
PauschaleFormSet = forms.modelformset_factory(
    Pauschale, form=PauschaleForm, extra=1, can_delete=True
)


class _Refused(Exception):
    """Raised inside the locked transaction to roll back; the errors are already on the forms."""


class YearEdit:
    """The edit page of a funding year as one unit: the year's rules, its blocks and its
    Pauschalen, saved together.

    Saving locks the year row and then its block rows (the order funding.services.budget uses)
    and checks the pots against what is bound *now*, so a decision signed after the page was
    loaded is not overlooked. Only the edited columns are written: the running figures
    (committed, paid, returned) belong to the budget service. The pot CheckConstraints are the
    backstop; an IntegrityError becomes a message, nothing is saved.
    """

    YEAR_FIELDS = YearEditForm.Meta.fields
    BLOCK_FIELDS = BlockForm.Meta.fields

    def __init__(self, programme_year: ProgrammeYear, data=None):
        self.programme_year = programme_year
        self.year_form = YearEditForm(data, instance=programme_year, prefix="year")
        self.blocks = BlockFormSet(
            data, queryset=programme_year.blocks.order_by("code"), prefix="blocks"
        )
        self.pauschalen = PauschaleFormSet(
            data,
            queryset=programme_year.pauschalen.select_related("block").order_by("title", "pk"),
            prefix="pauschalen",
            form_kwargs={"programme_year": programme_year},
        )

    @property
    def errors(self) -> bool:
        # Per form, not formset.errors: a formset leaves out the forms marked for deletion.
        return bool(
            self.year_form.errors
            or any(form.errors for form in self.blocks.forms)
            or self.blocks.non_form_errors()
            or any(form.errors for form in self.pauschalen.forms)
            or self.pauschalen.non_form_errors()
        )

    def is_valid(self) -> bool:
        return all([self.year_form.is_valid(), self.blocks.is_valid(), self.pauschalen.is_valid()])

    def save(self, *, actor) -> bool:
        """Write the changes; False (with errors on the forms) when they were refused."""
        try:
            with transaction.atomic():
                self._save_locked(actor)
        except _Refused:
            return False
        except IntegrityError:
            self.year_form.add_error(
                None,
                _gettext(
                    "Die Änderung wurde nicht gespeichert: ein Topf wäre kleiner als die schon "
                    "gebundenen Mittel. Bitte laden Sie die Seite neu und prüfen Sie die Zahlen."
                ),
            )
            return False
        return True

    def _save_locked(self, actor) -> None:
        year = ProgrammeYear.objects.select_for_update().get(pk=self.programme_year.pk)
        locked_blocks = {
            block.pk: block
            for block in BuildingBlock.objects.select_for_update()
            .filter(programme_year=year)
            .order_by("pk")
        }
        self._check_pots(year, locked_blocks)
        changes = self._write_year(year) + self._write_blocks(locked_blocks)
        changes += self._write_pauschalen()
        if changes:
            LogEntry.objects.log_actions(
                user_id=actor.pk,
                queryset=[year],
                action_flag=CHANGE,
                change_message="; ".join(changes)[:5000],
            )

    def _check_pots(self, year: ProgrammeYear, locked_blocks: dict) -> None:
        refused = False
        pot = self.year_form.cleaned_data["pot"]
        if pot < year.committed - year.returned:
            self.year_form.add_error(
                "pot",
                _gettext("Der Topf ist kleiner als die schon gebundenen Mittel (%(bound)s).")
                % {"bound": format_euro(year.committed - year.returned)},
            )
            refused = True
        block_total = ZERO
        for form in self.blocks.forms:
            block = locked_blocks[form.instance.pk]
            block_pot = form.cleaned_data["pot"]
            block_total += block_pot
            if block_pot < block.committed - block.returned:
                form.add_error(
                    "pot",
                    _gettext(
                        "Der Topf von Baustein %(code)s ist kleiner als die schon gebundenen "
                        "Mittel (%(bound)s)."
                    )
                    % {"code": block.code, "bound": format_euro(block.committed - block.returned)},
                )
                refused = True
        if block_total > pot:
            self.year_form.add_error(
                "pot",
                _gettext(
                    "Die Töpfe der Bausteine sind zusammen (%(sum)s) größer als der Jahrestopf."
                )
                % {"sum": format_euro(block_total)},
            )
            refused = True
        refused = self._check_pauschalen() or refused
        if refused:
            raise _Refused

    def _check_pauschalen(self) -> bool:
        """A Pauschale that cost plans already use keeps its amount and cannot be deleted:
        those cost lines claim units × this amount."""
        existing = [form.instance.pk for form in self.pauschalen.forms if form.instance.pk]
        used = set(
            CostLine.objects.filter(pauschale_id__in=existing).values_list(
                "pauschale_id", flat=True
            )
        )
        refused = False
        for form in self.pauschalen.forms:
            if form.instance.pk not in used:
                continue
            if form.cleaned_data.get("DELETE"):
                form.add_error(
                    None,
                    _gettext(
                        "„%(title)s“ wird in Kostenplänen verwendet und kann nicht gelöscht werden."
                    )
                    % {"title": form.instance.title},
                )
                refused = True
            elif "amount" in form.changed_data:
                form.add_error(
                    "amount",
                    _gettext(
                        "Der Betrag wird in Kostenplänen verwendet und kann nicht mehr "
                        "geändert werden."
                    ),
                )
                refused = True
        return refused

    def _write_year(self, year: ProgrammeYear) -> list[str]:
        form = self.year_form
        for name in self.YEAR_FIELDS:
            setattr(year, name, form.cleaned_data[name])
        year.save(update_fields=self.YEAR_FIELDS)
        self.programme_year = year
        return [_describe(form, name) for name in form.changed_data]

    def _write_blocks(self, locked_blocks: dict) -> list[str]:
        changes = []
        for form in self.blocks.forms:
            if not form.has_changed():
                continue
            block = locked_blocks[form.instance.pk]
            for name in self.BLOCK_FIELDS:
                setattr(block, name, form.cleaned_data[name])
            block.save(update_fields=self.BLOCK_FIELDS)
            changes += [f"{block.code}: {_describe(form, name)}" for name in form.changed_data]
        return changes

    def _write_pauschalen(self) -> list[str]:
        changes = []
        for form in self.pauschalen.forms:
            if not form.has_changed():
                continue
            if form.cleaned_data.get("DELETE"):
                if form.instance.pk:
                    changes.append(_gettext("Pauschale gelöscht: %s") % form.instance.title)
                    form.instance.delete()
                continue
            created = form.instance.pk is None
            pauschale = form.save()
            changes.append(
                (
                    _gettext("Pauschale angelegt: %s")
                    if created
                    else _gettext("Pauschale geändert: %s")
                )
                % pauschale.title
            )
        return changes


def _describe(form: forms.BaseForm, name: str) -> str:
    """'Label: old -> new' for the audit entry of a changed field."""
    field = form.fields[name]
    old = form.initial.get(name, field.initial)
    new = form.cleaned_data.get(name)
    return f"{field.label}: {_plain(old)} → {_plain(new)}"


def _plain(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, Decimal):
        return format_euro(value)
    if isinstance(value, bool):
        return _gettext("ja") if value else _gettext("nein")
    if hasattr(value, "strftime"):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)[:200]
