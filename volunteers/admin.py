from django.contrib import admin

from .models import Membership, Organisation, Town, VolunteerProfile


@admin.register(Town)
class TownAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "postal_codes"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "town", "verified_at"]
    # Verification goes through the staff page (audit row, emails), never through the admin.
    readonly_fields = ["verified_at", "verified_by"]
    list_filter = ["kind", "town"]
    search_fields = ["name"]


admin.site.register(VolunteerProfile)
admin.site.register(Membership)
