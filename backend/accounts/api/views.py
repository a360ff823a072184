from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import RetrieveUpdateAPIView
from rest_framework.permissions import IsAuthenticated

from backend.accounts.models import User
from backend.accounts.roles import roles_of
from backend.accounts.services import user_set_name


class MeSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "full_name", "language", "role", "roles"]
        read_only_fields = ["email", "full_name", "role", "roles"]
        extra_kwargs = {
            "first_name": {"allow_blank": False},
            "last_name": {"allow_blank": False},
        }

    def get_roles(self, user) -> list[str]:
        return roles_of(user)

    def update(self, user, validated_data):
        if "first_name" in validated_data or "last_name" in validated_data:
            user_set_name(
                user=user,
                first_name=validated_data.pop("first_name", user.first_name),
                last_name=validated_data.pop("last_name", user.last_name),
            )
        return super().update(user, validated_data)


@extend_schema(tags=["accounts"])
class MeView(RetrieveUpdateAPIView):
    """The logged-in account: read it, change name and language."""

    serializer_class = MeSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user
