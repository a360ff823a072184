"""What the public directory API shows: exactly what the public pages show, nothing more (no
hidden reason, no consent records, no organisation address or email)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from volunteers.api.ids import SlugField
from volunteers.languages import LANGUAGE_NAMES
from volunteers.models import Organisation, Town

from ..models import Offer
from ..search import MAX_QUERY_CHARS


class DirectoryOfferFilterSerializer(serializers.Serializer):
    """Query parameters of the offer list. An unknown kind or language code does not fit the
    schema (400); an unknown town slug fits it but names nothing (422, the API's rule)."""

    town = SlugField(
        slug_field="slug",
        queryset=Town.objects.all(),
        required=False,
        help_text="Slug of a town, e.g. ahlen.",
    )
    kind = serializers.ChoiceField(
        choices=Offer.Kind.choices, required=False, help_text="Kind (topic) of the offer."
    )
    language = serializers.ChoiceField(
        choices=sorted(LANGUAGE_NAMES), required=False, help_text="Language spoken, e.g. ar."
    )
    q = serializers.CharField(
        max_length=MAX_QUERY_CHARS,
        required=False,
        allow_blank=True,
        help_text=(
            "Words, as the directory's search page takes them: every word must match the "
            "offer's title, description, place, target group, kind, town, organisation or "
            "languages (names and adjectives in German and English, e.g. arabisch, Arabic); "
            "case, accents and umlauts do not matter."
        ),
    )


class DirectoryTownFilterSerializer(serializers.Serializer):
    town = SlugField(
        slug_field="slug",
        queryset=Town.objects.all(),
        required=False,
        help_text="Slug of a town, e.g. ahlen.",
    )


class DirectoryOrganisationFilterSerializer(DirectoryTownFilterSerializer):
    q = serializers.CharField(
        max_length=MAX_QUERY_CHARS,
        required=False,
        allow_blank=True,
        help_text=(
            "Words, as the directory's search page takes them: every word must match the "
            "organisation's name, description or town."
        ),
    )


class DirectoryOrganisationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name"]


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
        "nullable": True,
        "readOnly": True,
        "example": "16:00",
    }
)
class LocalTimeField(serializers.TimeField):
    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", read_only=True, allow_null=True, **kwargs)


class DirectoryOfferSerializer(serializers.ModelSerializer):
    """A public offer. `kind` and `weekday` are plain values (see help texts) rather than
    enums, so they do not clash with other enums of the schema."""

    organisation = DirectoryOrganisationRefSerializer(read_only=True)
    town = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    town_name = serializers.CharField(source="town.name", read_only=True)
    kind = serializers.CharField(
        read_only=True, help_text="One of: " + ", ".join(Offer.Kind.values) + "."
    )
    kind_name = serializers.CharField(source="get_kind_display", read_only=True)
    weekday = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="0 = Monday … 6 = Sunday; null when only free-text dates are given.",
    )
    # Local wall-clock times in Europe/Berlin ("16:00"). Not JSON Schema "time", which
    # requires a UTC offset that a weekly local time does not have.
    starts_at = LocalTimeField()
    ends_at = LocalTimeField()
    languages = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The offer's public page.")

    class Meta:
        model = Offer
        fields = [
            "id",
            "title",
            "kind",
            "kind_name",
            "description",
            "organisation",
            "town",
            "town_name",
            "place",
            "weekday",
            "starts_at",
            "ends_at",
            "dates",
            "target_group",
            "free_of_charge",
            "languages",
            "contact_name",
            "contact_email",
            "contact_phone",
            "confirmed_at",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_languages(self, offer: Offer) -> list[str]:
        """Language codes (uses the prefetch of offers_public)."""
        return [language.code for language in offer.languages.all()]

    def get_url(self, offer: Offer) -> str:
        return reverse("directory:offer", args=[offer.pk])


class DirectoryOrganisationSerializer(serializers.ModelSerializer):
    town = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    url = serializers.SerializerMethodField(help_text="The organisation's public page.")

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "town", "description", "url"]
        read_only_fields = fields

    def get_url(self, organisation: Organisation) -> str:
        return reverse("directory:organisation", args=[organisation.pk])


class DirectoryTownSerializer(serializers.ModelSerializer):
    offer_count = serializers.IntegerField(read_only=True, help_text="Public offers.")
    organisation_count = serializers.IntegerField(
        read_only=True, help_text="Verified organisations."
    )
    url = serializers.SerializerMethodField(help_text="The town's page in the directory.")

    class Meta:
        model = Town
        fields = ["slug", "name", "offer_count", "organisation_count", "url"]
        read_only_fields = fields

    def get_url(self, town: Town) -> str:
        return reverse("directory:town", args=[town.slug])
