"""REST endpoints of customers, contact persons, touchpoints and transactions."""

from django.conf import settings
from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cockpit.api_common import BatchRejected
from customers import batches
from customers.filtersets import CustomerFilterSet
from customers.models import Contact, Customer, Interaction, Transaction
from customers.serializers import (
    ContactSerializer,
    CustomerDetailSerializer,
    CustomerSerializer,
    InteractionSerializer,
    TransactionSerializer,
)

BATCH_RESULT = inline_serializer(
    "BatchResult",
    {
        "received": serializers.IntegerField(),
        "created": serializers.IntegerField(),
        "already_present": serializers.IntegerField(),
        "detail": serializers.CharField(),
    },
)


class CustomerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Customers the user may see, with value colour and alert colour; the detail embeds
    every KPI."""

    lookup_field = "number"
    lookup_value_regex = r"[A-Za-z0-9][A-Za-z0-9._-]*"
    filterset_class = CustomerFilterSet
    ordering_fields = ["id", "number", "name"]

    def get_queryset(self) -> QuerySet:
        return Customer.objects.visible_to(self.request.user).select_related(
            "owner", "kpi", "kpi__rfm_segment"
        )

    def get_serializer_class(self):
        return CustomerDetailSerializer if self.action == "retrieve" else CustomerSerializer


class OfVisibleCustomer:
    """Rows whose customer the user may see; ``?customer=NUMBER`` narrows to one."""

    model: type

    def get_queryset(self) -> QuerySet:
        rows = self.model.objects.visible_to(self.request.user).select_related("customer")
        if number := self.request.query_params.get("customer"):
            rows = rows.filter(customer__number=number)
        return rows


def _batch_answer(result: batches.BatchResult) -> Response:
    if result.created == 0:
        detail = "Nothing new: every item was sent before."
    else:
        detail = f"{result.created} new, {result.already_present} sent before."
    return Response(
        {"received": result.received, "created": result.created,
         "already_present": result.already_present, "detail": detail},
        status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
    )  # fmt: skip


def _batch_items(request: Request) -> list:
    items = request.data
    if not isinstance(items, list):
        raise BatchRejected([{"item": None, "field": None, "message": "Send a JSON list."}])
    if not 1 <= len(items) <= settings.API_BATCH_MAX_ITEMS:
        raise BatchRejected([{"item": None, "field": None, "message":
                              f"Send 1 to {settings.API_BATCH_MAX_ITEMS} items."}])  # fmt: skip
    return items


class ContactViewSet(OfVisibleCustomer, viewsets.ModelViewSet):
    model = Contact
    serializer_class = ContactSerializer
    ordering_fields = ["id", "name"]
    filterset_fields = ["is_primary", "contact_opt_out"]


class InteractionFilter(filters.FilterSet):
    since = filters.DateFilter(field_name="occurred_on", lookup_expr="gte")
    until = filters.DateFilter(field_name="occurred_on", lookup_expr="lte")

    class Meta:
        model = Interaction
        fields = ["channel", "direction", "kind", "rating", "source"]


class InteractionViewSet(
    OfVisibleCustomer,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    model = Interaction
    serializer_class = InteractionSerializer
    filterset_class = InteractionFilter
    ordering_fields = ["id", "occurred_at"]

    def perform_create(self, serializer) -> None:
        serializer.save(user=self.request.user)

    @extend_schema(
        request=batches.InteractionItem(many=True),
        responses={201: BATCH_RESULT, 200: BATCH_RESULT, 400: OpenApiResponse(
            description="The batch was rejected; errors name each item and field.")},
        examples=[OpenApiExample("Two calls from the telephony system", value=[
            {"customer": "K-1001", "channel": "phone", "direction": "inbound",
             "occurred_at": "2026-11-26T09:15:00+01:00", "source": "telephony",
             "external_ref": "call-77812"},
            {"customer": "K-1002", "channel": "phone", "direction": "outbound",
             "occurred_at": "2026-11-26T10:02:00+01:00", "rating": "positive",
             "source": "telephony", "external_ref": "call-77813"}], request_only=True)],
    )  # fmt: skip
    @action(detail=False, methods=["post"])
    def batch(self, request: Request) -> Response:
        """Up to API_BATCH_MAX_ITEMS touchpoints at once, idempotent on (source, external_ref)."""
        customers = Customer.objects.visible_to(request.user)
        try:
            result = batches.ingest_interactions(_batch_items(request), customers, request.user)
        except batches.BatchInvalid as invalid:
            raise BatchRejected(invalid.errors) from None
        return _batch_answer(result)


class TransactionFilter(filters.FilterSet):
    since = filters.DateFilter(field_name="occurred_on", lookup_expr="gte")
    until = filters.DateFilter(field_name="occurred_on", lookup_expr="lte")

    class Meta:
        model = Transaction
        fields = ["kind", "source", "external_ref"]


class TransactionViewSet(
    OfVisibleCustomer,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    model = Transaction
    serializer_class = TransactionSerializer
    filterset_class = TransactionFilter
    ordering_fields = ["id", "occurred_on", "amount"]

    @extend_schema(
        request=batches.TransactionItem(many=True),
        responses={201: BATCH_RESULT, 200: BATCH_RESULT, 400: OpenApiResponse(
            description="The batch was rejected; errors name each item and field.")},
        examples=[OpenApiExample("Two invoices from the ERP", value=[
            {"customer": "K-1001", "kind": "invoice", "occurred_on": "2026-11-20",
             "amount": "1250.00", "source": "erp", "external_ref": "INV-2026-1001",
             "due_on": "2026-12-20"},
            {"customer": "K-1002", "kind": "order", "occurred_on": "2026-11-21",
             "amount": "99.90", "source": "erp", "external_ref": "ORD-2026-553"}],
            request_only=True)],
    )  # fmt: skip
    @action(detail=False, methods=["post"])
    def batch(self, request: Request) -> Response:
        """Up to API_BATCH_MAX_ITEMS transactions at once, idempotent on (source, external_ref)."""
        customers = Customer.objects.visible_to(request.user)
        try:
            result = batches.ingest_transactions(_batch_items(request), customers)
        except batches.BatchInvalid as invalid:
            raise BatchRejected(invalid.errors) from None
        return _batch_answer(result)
