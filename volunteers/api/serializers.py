from rest_framework import serializers

from volunteers.models import Organisation, Town


class TownSerializer(serializers.ModelSerializer):
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()

    class Meta:
        model = Town
        fields = ["slug", "name", "kind", "postal_codes", "latitude", "longitude"]


class OrganisationPublicSerializer(serializers.ModelSerializer):
    town = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "town", "description"]
