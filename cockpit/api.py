"""The REST API's composition (/api/v1/): every app's endpoints, the customer detail with
its open alerts embedded, and the cockpit summary."""

from dataclasses import asdict

from django.db.models import Prefetch
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import routers, serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from agenda.api import TaskViewSet
from alerts.api import AlertViewSet, ToleranceRuleViewSet
from alerts.models import Alert
from alerts.serializers import AlertSerializer
from cockpit.dashboard import build_cockpit
from cockpit.forms import CockpitFilterForm
from customers import api as customers_api
from customers.serializers import CustomerDetailSerializer


class CustomerWithAlertsSerializer(CustomerDetailSerializer):
    open_alerts = AlertSerializer(many=True, read_only=True)

    class Meta(CustomerDetailSerializer.Meta):
        fields = [*CustomerDetailSerializer.Meta.fields, "open_alerts"]


class CustomerViewSet(customers_api.CustomerViewSet):
    __doc__ = customers_api.CustomerViewSet.__doc__

    def get_queryset(self):
        customers = super().get_queryset()
        if self.action == "retrieve":
            customers = customers.prefetch_related(
                Prefetch(
                    "alerts",
                    queryset=Alert.objects.unresolved().select_related("rule", "customer"),
                    to_attr="open_alerts",
                )
            )
        return customers

    def get_serializer_class(self):
        if self.action == "retrieve":
            return CustomerWithAlertsSerializer
        return super().get_serializer_class()


class HeadlineSerializer(serializers.Serializer):
    """The minimal four of a book; null until the first portfolio is taken."""

    customers = serializers.IntegerField()
    relationship_days_avg = serializers.FloatField(allow_null=True)
    reaction_recency_median = serializers.IntegerField(allow_null=True)
    reaction_recency_avg = serializers.FloatField(allow_null=True)
    revenue_per_customer = serializers.FloatField(allow_null=True)
    purchases_per_customer = serializers.FloatField(allow_null=True)
    contracts_per_customer = serializers.FloatField(allow_null=True)
    active_customers = serializers.IntegerField()
    revenue_12m = serializers.FloatField()


COCKPIT_SUMMARY = inline_serializer(
    "CockpitSummary",
    {
        "taken_on": serializers.DateField(allow_null=True),
        "headline": HeadlineSerializer(allow_null=True),
        "previous_on": serializers.DateField(allow_null=True),
        "previous": HeadlineSerializer(allow_null=True),
        "by_alert_colour": serializers.DictField(child=serializers.DictField()),
        "by_phase": serializers.DictField(child=serializers.IntegerField()),
        "by_value_class": serializers.DictField(child=serializers.DictField()),
    },
)


@extend_schema(
    parameters=[
        OpenApiParameter("owner", int, description="A rep's user id (managers only)."),
        OpenApiParameter("industry", str),
        OpenApiParameter("value_class", str, enum=["A", "B", "C"]),
        OpenApiParameter("segment", int),
        OpenApiParameter("period", str, enum=["month", "quarter", "year"]),
    ],
    responses={
        200: COCKPIT_SUMMARY,
        400: OpenApiResponse(description="A filter value is not valid; the body names it."),
    },
)
@api_view(["GET"])
def cockpit_summary(request: Request) -> Response:
    """The cockpit's headline numbers (the minimal four and their previous period) and its
    breakdowns, for the user's book (a rep) or any filter (a manager)."""
    form = CockpitFilterForm(request.query_params or None, user=request.user)
    if form.is_bound and not form.is_valid():
        raise serializers.ValidationError(form.errors)
    cockpit = build_cockpit(form.cockpit_filters())
    return Response(
        {
            "taken_on": cockpit.taken_on,
            "headline": asdict(cockpit.headline) if cockpit.headline else None,
            "previous_on": cockpit.previous_on,
            "previous": asdict(cockpit.previous) if cockpit.previous else None,
            "by_alert_colour": cockpit.by_alert,
            "by_phase": cockpit.by_phase,
            "by_value_class": cockpit.by_value_class,
        }
    )


router = routers.DefaultRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("contacts", customers_api.ContactViewSet, basename="contact")
router.register("interactions", customers_api.InteractionViewSet, basename="interaction")
router.register("transactions", customers_api.TransactionViewSet, basename="transaction")
router.register("alerts", AlertViewSet, basename="alert")
router.register("rules", ToleranceRuleViewSet, basename="rule")
router.register("tasks", TaskViewSet, basename="task")
