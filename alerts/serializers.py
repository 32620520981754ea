from rest_framework import serializers

from alerts.models import Alert, AlertEvent, ToleranceRule
from customers.models import RFMSegment


class AlertEventSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = AlertEvent
        fields = ["kind", "level_before", "level_after", "kpi_value", "bound", "user", "note",
                  "created_at"]  # fmt: skip
        read_only_fields = fields


class AlertSerializer(serializers.ModelSerializer):
    customer = serializers.SlugRelatedField(slug_field="number", read_only=True)
    rule = serializers.PrimaryKeyRelatedField(read_only=True)
    rule_name = serializers.CharField(source="rule.localized_name", read_only=True)
    kpi = serializers.CharField(source="rule.kpi", read_only=True)
    guidance = serializers.CharField(source="rule.localized_guidance", read_only=True)

    class Meta:
        model = Alert
        fields = ["id", "customer", "rule", "rule_name", "kpi", "level", "state", "kpi_value",
                  "bound", "guidance", "opened_at", "changed_at", "resolved_at",
                  "snoozed_until"]  # fmt: skip
        read_only_fields = fields


class AlertDetailSerializer(AlertSerializer):
    events = AlertEventSerializer(many=True, read_only=True)

    class Meta(AlertSerializer.Meta):
        fields = [*AlertSerializer.Meta.fields, "events"]
        read_only_fields = fields


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class SnoozeSerializer(serializers.Serializer):
    until = serializers.DateField()
    reason = serializers.CharField(max_length=500)


class ToleranceRuleSerializer(serializers.ModelSerializer):
    segments = serializers.PrimaryKeyRelatedField(
        queryset=RFMSegment.objects.all(), many=True, required=False
    )

    class Meta:
        model = ToleranceRule
        fields = ["id", "name", "name_de", "kpi", "direction", "yellow_bound", "red_bound",
                  "value_classes", "segments", "industries", "phases", "owners", "guidance",
                  "guidance_de", "notify_owner", "notify_managers_on_red", "escalating",
                  "extra_recipients", "webhook_url", "pending_evaluations", "resolve_after",
                  "enabled", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"owners": {"required": False}}

    def validate(self, attrs):
        """The model's own checks (red beyond yellow, known classes, industries, phases)."""
        from django.core.exceptions import ValidationError as DjangoValidationError

        plain = {k: v for k, v in attrs.items() if k not in ("segments", "owners")}
        rule = ToleranceRule(**({**self._current(), **plain}))
        try:
            rule.clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from None
        return attrs

    def _current(self) -> dict:
        if self.instance is None:
            return {}
        return {f.name: getattr(self.instance, f.name) for f in ToleranceRule._meta.concrete_fields}
