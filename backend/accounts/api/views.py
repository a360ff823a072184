from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import RetrieveUpdateAPIView
from rest_framework.permissions import IsAuthenticated

from backend.accounts.models import User
from backend.accounts.roles import roles_of


class MeSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["email", "full_name", "language", "role", "roles"]
        read_only_fields = ["email", "role", "roles"]

    def get_roles(self, user) -> list[str]:
        return roles_of(user)


@extend_schema(tags=["accounts"])
class MeView(RetrieveUpdateAPIView):
    """The logged-in account: read it, change name and language."""

    serializer_class = MeSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user
