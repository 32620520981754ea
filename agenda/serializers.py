from django.contrib.auth import get_user_model
from rest_framework import serializers

from agenda.models import Task
from cockpit.roles import sees_all_customers
from customers.choices import Rating
from customers.serializers import VisibleCustomerField


class TaskSerializer(serializers.ModelSerializer):
    customer = VisibleCustomerField()
    assignee = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.all(), required=False
    )
    display_title = serializers.CharField(read_only=True)

    class Meta:
        model = Task
        fields = ["id", "customer", "contact", "assignee", "title", "display_title", "notes",
                  "due_on", "kind", "origin", "status", "outcome", "alert", "plan",
                  "interaction", "created_at", "completed_at"]  # fmt: skip
        read_only_fields = ["origin", "status", "outcome", "interaction", "created_at",
                            "completed_at", "alert", "plan"]  # fmt: skip

    def validate(self, attrs):
        user = self.context["request"].user
        customer = attrs.get("customer") or getattr(self.instance, "customer", None)
        assignee = attrs.get("assignee")
        rep_assigns_elsewhere = assignee is not None and not sees_all_customers(user)
        if rep_assigns_elsewhere and assignee not in (user, customer.owner):
            raise serializers.ValidationError(
                {"assignee": "A sales rep assigns to themselves or the customer's owner."}
            )
        contact = attrs.get("contact")
        if contact is not None and contact.customer_id != customer.pk:
            raise serializers.ValidationError(
                {"contact": "This person works for another customer."}
            )
        return attrs

    def create(self, validated_data):
        validated_data.setdefault(
            "assignee", validated_data["customer"].owner or self.context["request"].user
        )
        return super().create(validated_data)


class CompleteTaskSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    rating = serializers.ChoiceField(choices=Rating.choices, default=Rating.NEUTRAL)
    satisfaction = serializers.IntegerField(min_value=1, max_value=5, required=False,
                                            allow_null=True, default=None)  # fmt: skip
    acknowledge_alert = serializers.BooleanField(default=True)
