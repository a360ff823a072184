from django.contrib import admin

from .models import Membership, Organisation, Town, VolunteerProfile
from .services.reference import town_distances_refresh


@admin.register(Town)
class TownAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "postal_codes"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # Matching reads distances from the table, not from the coordinates.
        town_distances_refresh()


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "town", "verified_at"]
    # Verification goes through the staff page (audit row, emails), never through the admin.
    readonly_fields = ["verified_at", "verified_by"]
    list_filter = ["kind", "town"]
    search_fields = ["name"]


admin.site.register(VolunteerProfile)
admin.site.register(Membership)
