"""The Django admin for the directory: for looking things up and removing what must go.

Entries are written through directory.services only (the check of an offer, the recorded
consent of a contact person, the role that goes with a municipal access), so nothing can be
added or changed here. The staff pages under /verwaltung/verzeichnis/ are the normal way.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ContactPerson, MunicipalAccess, Offer, OfferLanguage


class ReadOnlyAdminMixin:
    """Look and delete, never add or change."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class OfferLanguageInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = OfferLanguage
    fields = ["code", "name"]
    readonly_fields = ["code", "name"]
    extra = 0

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("Sprache"))
    def name(self, obj):
        return obj.name


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "organisation",
        "town",
        "kind",
        "confirmed_at",
        "is_hidden",
    ]
    list_filter = ["kind", "town", "free_of_charge", ("hidden_at", admin.EmptyFieldListFilter)]
    list_select_related = ["organisation", "town"]
    search_fields = ["title", "organisation__name", "place"]
    date_hierarchy = "confirmed_at"
    inlines = [OfferLanguageInline]

    @admin.display(description=_("ausgeblendet"), boolean=True)
    def is_hidden(self, obj) -> bool:
        return obj.hidden_at is not None


@admin.register(ContactPerson)
class ContactPersonAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "function", "of", "email", "consent_at"]
    list_filter = ["town", ("organisation", admin.EmptyFieldListFilter)]
    list_select_related = ["organisation", "town"]
    search_fields = ["name", "function", "email", "organisation__name", "town__name"]
    exclude = ["consent_recorded_by"]

    @admin.display(description=_("für"))
    def of(self, obj) -> str:
        return obj.organisation.name if obj.organisation_id else str(obj.town)


@admin.register(MunicipalAccess)
class MunicipalAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: revoking also resets the account's role, which the staff page does
    (directory.services.municipal)."""

    list_display = ["user", "town", "granted_at", "granted_by"]
    list_filter = ["town"]
    list_select_related = ["user", "town", "granted_by"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "town__name"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
