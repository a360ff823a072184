from rest_framework import serializers, viewsets

from backend.api.permissions import IsKIStaff
from notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "to_email",
            "language",
            "status",
            "attempts",
            "last_error",
            "created_at",
            "sent_at",
        ]


class OutboxViewSet(viewsets.ReadOnlyModelViewSet):
    """The outbox with delivery status (KI staff)."""

    serializer_class = NotificationSerializer
    permission_classes = [IsKIStaff]
    filterset_fields = ["status", "kind"]
    ordering_fields = ["created_at"]
    queryset = Notification.objects.defer("context").order_by("-created_at", "-id")
