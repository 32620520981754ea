"""REST endpoints of alerts (with acknowledge, snooze and resolve) and tolerance rules."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from alerts import services
from alerts.filtersets import AlertFilterSet
from alerts.models import Alert, ToleranceRule
from alerts.serializers import (
    AlertDetailSerializer,
    AlertSerializer,
    NoteSerializer,
    SnoozeSerializer,
    ToleranceRuleSerializer,
)
from cockpit.api_common import IsAdminRole


class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Alerts on the customers the user may see; unresolved ones unless ``?state=resolved``."""

    filterset_class = AlertFilterSet
    ordering_fields = ["id", "opened_at", "changed_at"]

    def get_queryset(self) -> QuerySet:
        alerts = Alert.objects.visible_to(self.request.user).select_related("customer", "rule")
        if self.action == "retrieve":
            alerts = alerts.prefetch_related("events__user")
        if number := self.request.query_params.get("customer"):
            alerts = alerts.filter(customer__number=number)
        if self.action == "list" and "state" not in self.request.query_params:
            alerts = alerts.unresolved()
        return alerts

    def get_serializer_class(self):
        return AlertDetailSerializer if self.action != "list" else AlertSerializer

    def _act(self, change, payload: serializers.Serializer) -> Response:
        # The alert first: another rep's alert is a 404 whatever the payload, so a bad
        # payload does not tell that the id exists.
        alert = self.get_object()
        payload.is_valid(raise_exception=True)
        try:
            alert = change(alert, self.request.user, **payload.validated_data)
        except DjangoValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            raise serializers.ValidationError(detail) from None
        return Response(AlertDetailSerializer(alert, context=self.get_serializer_context()).data)

    @extend_schema(request=NoteSerializer, responses=AlertDetailSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk=None) -> Response:
        """Seen and taken care of: the alert leaves the inbox and the reminders stop."""
        return self._act(services.acknowledge, NoteSerializer(data=request.data))

    @extend_schema(request=SnoozeSerializer, responses=AlertDetailSerializer)
    @action(detail=True, methods=["post"])
    def snooze(self, request: Request, pk=None) -> Response:
        """Quiet until a day in the future, with a reason."""
        return self._act(services.snooze, SnoozeSerializer(data=request.data))

    @extend_schema(request=NoteSerializer, responses=AlertDetailSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk=None) -> Response:
        """Closed by hand; a new alert opens if the KPI is still out of band next time."""
        return self._act(services.resolve, NoteSerializer(data=request.data))


class ToleranceRuleViewSet(viewsets.ModelViewSet):
    """Tolerance rules: admins only."""

    queryset = ToleranceRule.objects.prefetch_related("segments", "owners")
    serializer_class = ToleranceRuleSerializer
    permission_classes = [IsAdminRole]
    filterset_fields = ["kpi", "enabled"]
    ordering_fields = ["id", "name"]
