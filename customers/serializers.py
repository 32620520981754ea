from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cockpit.roles import sees_all_customers
from customers.choices import VALUE_CLASS_COLOURS
from customers.kpis.catalogue import CATALOGUE
from customers.models import Contact, Customer, CustomerKPI, Interaction, Transaction

ALERT_COLOURS = {0: "green", 1: "yellow", 2: "red"}


class VisibleCustomerField(serializers.SlugRelatedField):
    """A customer by number, among those the requesting user may see (others: unknown)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "number")
        super().__init__(**kwargs)

    def get_queryset(self):
        return Customer.objects.visible_to(self.context["request"].user)


class CustomerKPISerializer(serializers.ModelSerializer):
    rfm_segment = serializers.CharField(source="rfm_segment.name", default=None, read_only=True)

    class Meta:
        model = CustomerKPI
        fields = ["as_of", *(kpi.name for kpi in CATALOGUE)]
        read_only_fields = fields


class CustomerSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.all(), required=False,
        allow_null=True,
    )  # fmt: skip
    value_class = serializers.SerializerMethodField()
    value_colour = serializers.SerializerMethodField()
    alert_colour = serializers.SerializerMethodField()
    url = serializers.HyperlinkedIdentityField(
        view_name="api:customer-detail", lookup_field="number"
    )

    class Meta:
        model = Customer
        fields = [
            "url", "number", "name", "kind", "industry", "owner", "customer_since",
            "contact_opt_out", "contact_interval_days", "notes", "value_class", "value_colour",
            "alert_colour", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    def _kpi(self, customer: Customer) -> CustomerKPI | None:
        try:
            return customer.kpi
        except CustomerKPI.DoesNotExist:
            return None

    @extend_schema_field(serializers.ChoiceField(choices=["A", "B", "C"], allow_null=True))
    def get_value_class(self, customer: Customer) -> str | None:
        kpi = self._kpi(customer)
        return kpi.value_class if kpi else None

    @extend_schema_field(
        serializers.ChoiceField(choices=list(VALUE_CLASS_COLOURS.values()), allow_null=True)
    )
    def get_value_colour(self, customer: Customer) -> str | None:
        kpi = self._kpi(customer)
        return VALUE_CLASS_COLOURS.get(kpi.value_class) if kpi else None

    @extend_schema_field(serializers.ChoiceField(choices=list(ALERT_COLOURS.values())))
    def get_alert_colour(self, customer: Customer) -> str:
        return ALERT_COLOURS[customer.alert_rank]

    def validate_owner(self, owner):
        user = self.context["request"].user
        if not sees_all_customers(user) and owner is not None and owner != user:
            raise serializers.ValidationError("A sales rep's customers stay their own.")
        return owner

    def create(self, validated_data):
        user = self.context["request"].user
        if not sees_all_customers(user):
            validated_data["owner"] = user
        return super().create(validated_data)


class CustomerDetailSerializer(CustomerSerializer):
    kpis = CustomerKPISerializer(source="kpi", read_only=True, default=None)

    class Meta(CustomerSerializer.Meta):
        fields = [*CustomerSerializer.Meta.fields, "kpis"]


class ContactSerializer(serializers.ModelSerializer):
    customer = VisibleCustomerField()

    class Meta:
        model = Contact
        fields = ["id", "customer", "name", "role", "email", "phone", "is_primary",
                  "contact_opt_out", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]


class InteractionSerializer(serializers.ModelSerializer):
    customer = VisibleCustomerField()
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Interaction
        fields = ["id", "customer", "contact", "user", "channel", "direction", "kind",
                  "occurred_at", "occurred_on", "rating", "satisfaction", "summary", "source",
                  "external_ref", "created_at"]  # fmt: skip
        read_only_fields = ["occurred_on", "created_at"]

    def validate(self, attrs):
        contact = attrs.get("contact")
        if contact is not None and contact.customer_id != attrs["customer"].pk:
            raise serializers.ValidationError(
                {"contact": "This person works for another customer."}
            )
        return attrs


class TransactionSerializer(serializers.ModelSerializer):
    customer = VisibleCustomerField()

    class Meta:
        model = Transaction
        fields = ["id", "customer", "kind", "occurred_on", "amount", "currency", "source",
                  "external_ref", "due_on", "paid_on", "created_at"]  # fmt: skip
        read_only_fields = ["created_at"]
