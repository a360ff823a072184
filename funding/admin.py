"""The Django admin for funding: programme data can be corrected here; cases are read-only.

Money and status change only through funding.services (row locks, audit rows, e-mails), so:
- the running figures of the pots (committed, paid, returned) are shown, never written — a save
  here writes only the edited columns, so it cannot overwrite a commitment made meanwhile;
- applications, payments, letters and notes cannot be added, changed or deleted here.
The staff pages (/verwaltung/foerderung/programme/) are the normal way to edit a year.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Application,
    BuildingBlock,
    CostLine,
    DecisionLetter,
    InternalNote,
    Pauschale,
    Payment,
    Programme,
    ProgrammeYear,
)

FIGURES = ("committed", "paid", "returned", "available")


def _save_without_figures(obj) -> None:
    """Insert as usual; on update write every column except the running figures."""
    if obj.pk is None:
        obj.save()
        return
    names = [
        field.name
        for field in obj._meta.concrete_fields
        if not field.primary_key and field.name not in FIGURES
    ]
    obj.save(update_fields=names)


class FiguresMixin:
    """`available` for the read-only figures; blank on a form for a new row."""

    @admin.display(description=_("verfügbar (EUR)"))
    def available(self, obj):
        return obj.available if obj is not None and obj.pk else "–"


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ProgrammeYearInline(FiguresMixin, admin.TabularInline):
    model = ProgrammeYear
    fields = ["year", "pot", *FIGURES, "call_opens_on", "call_closes_on", "subject_to_confirmation"]
    readonly_fields = list(FIGURES)
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        # New years come with their blocks: through the year admin or the staff page.
        return False


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "code", "funding_authority"]
    search_fields = ["name", "short_name", "code"]
    inlines = [ProgrammeYearInline]

    def save_formset(self, request, form, formset, change) -> None:
        for obj in formset.save(commit=False):
            _save_without_figures(obj)
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


class BuildingBlockInline(FiguresMixin, admin.StackedInline):
    model = BuildingBlock
    fields = ["code", "title", "description", "pot", *FIGURES]
    readonly_fields = list(FIGURES)
    extra = 0


class PauschaleInline(admin.TabularInline):
    model = Pauschale
    fields = ["title", "unit", "amount", "max_units", "block", "conditions"]
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "block":
            year_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = BuildingBlock.objects.filter(programme_year_id=year_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ProgrammeYear)
class ProgrammeYearAdmin(FiguresMixin, admin.ModelAdmin):
    list_display = ["__str__", "pot", "committed", "paid", "returned", "available"]
    list_filter = ["programme", "year", "subject_to_confirmation"]
    list_select_related = ["programme"]
    fields = [
        "programme",
        "year",
        "pot",
        *FIGURES,
        "call_opens_on",
        "call_closes_on",
        "subject_to_confirmation",
        "cap_per_application",
        "proof_of_use_weeks",
    ]
    readonly_fields = list(FIGURES)
    inlines = [BuildingBlockInline, PauschaleInline]

    def save_model(self, request, obj, form, change) -> None:
        _save_without_figures(obj)

    def save_formset(self, request, form, formset, change) -> None:
        for obj in formset.save(commit=False):
            _save_without_figures(obj)
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


class CostLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CostLine
    fields = [
        "position",
        "category",
        "description",
        "pauschale",
        "units",
        "amount",
        "actual_amount",
    ]
    readonly_fields = fields
    extra = 0


class PaymentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Payment
    fields = ["amount", "note", "status", "requested_at", "paid_at", "paid_by"]
    readonly_fields = fields
    extra = 0


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "title", "organisation", "programme_year", "block", "status"]
    list_filter = ["status", "programme_year", "block__code"]
    list_select_related = ["organisation", "programme_year__programme", "block"]
    search_fields = ["reference", "title", "organisation__name"]
    inlines = [CostLineInline, PaymentInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["application", "amount", "status", "requested_at", "paid_at"]
    list_filter = ["status"]
    list_select_related = ["application"]


@admin.register(DecisionLetter)
class DecisionLetterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["application", "kind", "created_at", "sha256"]
    exclude = ["pdf"]  # the document is downloaded from the case page (access is checked)
    list_select_related = ["application"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("pdf")


@admin.register(InternalNote)
class InternalNoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["application", "author", "created_at", "__str__"]
    list_select_related = ["application", "author"]
