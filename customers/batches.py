"""Batches of transactions or interactions from other systems (ERP, shop, telephony).

A batch is all or nothing: every item is checked first, and one bad item rejects the
batch with errors naming each bad item (its index) and field. Items are idempotent on
(source, external reference): a batch sent again writes nothing and says so. The KPIs of
the customers that got new rows are recomputed once the batch has committed.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import models, transaction
from rest_framework import serializers

from customers.choices import Channel, Direction, InteractionKind, Rating, TransactionKind
from customers.kpis import triggers
from customers.models import Contact, Interaction, Transaction


class BatchInvalid(Exception):
    def __init__(self, errors: list[dict]):
        self.errors = errors  # [{"item": index, "field": name, "message": text}]
        super().__init__(f"{len(errors)} problem(s) in the batch")


@dataclass
class BatchResult:
    received: int
    created: int
    already_present: int
    customer_ids: list[int]


class TransactionItem(serializers.Serializer):
    customer = serializers.CharField(max_length=32, help_text="The customer's number.")
    kind = serializers.ChoiceField(choices=TransactionKind.choices)
    occurred_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    currency = serializers.CharField(max_length=3, default="EUR")
    source = serializers.CharField(max_length=32, default="api")
    external_ref = serializers.CharField(max_length=100)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    paid_on = serializers.DateField(required=False, allow_null=True, default=None)


class InteractionItem(serializers.Serializer):
    customer = serializers.CharField(max_length=32, help_text="The customer's number.")
    contact = serializers.IntegerField(required=False, allow_null=True, default=None)
    channel = serializers.ChoiceField(choices=Channel.choices)
    direction = serializers.ChoiceField(choices=Direction.choices)
    kind = serializers.ChoiceField(choices=InteractionKind.choices, default=InteractionKind.CONTACT)
    occurred_at = serializers.DateTimeField()
    rating = serializers.ChoiceField(choices=Rating.choices, default=Rating.NEUTRAL)
    satisfaction = serializers.IntegerField(
        min_value=1, max_value=5, required=False, allow_null=True, default=None
    )
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    source = serializers.CharField(max_length=32, default="api")
    external_ref = serializers.CharField(max_length=100)


def _field_errors(index: int, detail) -> list[dict]:
    return [
        {"item": index, "field": field, "message": str(message)}
        for field, messages in detail.items()
        for message in (messages if isinstance(messages, list) else [messages])
    ]


def _check(
    items: Sequence,
    customers: models.QuerySet,
    item_serializer: type[serializers.Serializer],
    check: Callable[[dict[int, dict]], list[dict]],
) -> list[dict]:
    """Every item checked, each on its own and against the others and the book, so one
    answer names every bad item and field. Returns the rows to write, customers resolved."""
    errors: list[dict] = []
    rows: dict[int, dict] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append({"item": index, "field": None, "message": "Expected an object."})
            continue
        checked = item_serializer(data=item)
        if checked.is_valid():
            rows[index] = dict(checked.validated_data)
        else:
            errors.extend(_field_errors(index, checked.errors))
    # Customer numbers are looked up for every item whose number itself is valid (no NUL,
    # no lone surrogate, not too long), whatever else is wrong with the item.
    number_field = item_serializer().fields["customer"]
    named = {}
    for index, item in enumerate(items):
        if isinstance(item, dict) and "customer" in item:
            try:
                named[index] = number_field.run_validation(item["customer"])
            except serializers.ValidationError:
                continue  # reported with the item's fields
    ids = dict(customers.filter(number__in=set(named.values())).values_list("number", "id"))
    errors += [
        {"item": index, "field": "customer", "message": f"No customer {number!r}."}
        for index, number in named.items()
        if number not in ids
    ]
    default_source = item_serializer().fields["source"].default
    seen: dict[tuple[str, str], int] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("external_ref"), str):
            continue
        key = (str(item.get("source") or default_source), item["external_ref"])
        if key in seen:
            errors.append({"item": index, "field": "external_ref",
                           "message": f"Repeats item {seen[key]} of this batch."})  # fmt: skip
        seen.setdefault(key, index)
    resolved = {
        index: {name: value for name, value in row.items() if name != "customer"}
        | {"customer_id": ids[row["customer"]]}
        for index, row in rows.items()
        if row["customer"] in ids
    }
    errors += check(resolved)
    if errors:
        raise BatchInvalid(sorted(errors, key=lambda e: (e["item"], e["field"] or "")))
    return list(resolved.values())


def _ingest(
    items: Sequence,
    customers: models.QuerySet,
    item_serializer: type[serializers.Serializer],
    model: type[models.Model],
    check: Callable[[dict[int, dict]], list[dict]] = lambda rows: [],
) -> BatchResult:
    rows = _check(items, customers, item_serializer, check)
    with transaction.atomic():
        known = set()
        for source in {row["source"] for row in rows}:
            refs = [row["external_ref"] for row in rows if row["source"] == source]
            known.update(
                (source, ref)
                for ref in model.objects.filter(source=source, external_ref__in=refs)
                .values_list("external_ref", flat=True)
                .iterator()
            )
        new = [row for row in rows if (row["source"], row["external_ref"]) not in known]
        model.objects.bulk_create([model(**row) for row in new], batch_size=2000,
                                  ignore_conflicts=True)  # fmt: skip
        touched = sorted({row["customer_id"] for row in new})
        triggers.mark_many(touched)
    return BatchResult(len(rows), len(new), len(rows) - len(new), touched)


def ingest_transactions(items: Sequence, customers: models.QuerySet) -> BatchResult:
    """Write the new transactions of a batch; ``customers`` are those it may name."""
    return _ingest(items, customers, TransactionItem, Transaction)


def ingest_interactions(items: Sequence, customers: models.QuerySet, user=None) -> BatchResult:
    def contacts_belong(rows: dict[int, dict]) -> list[dict]:
        wanted = {row["contact"] for row in rows.values() if row["contact"] is not None}
        owners = dict(Contact.objects.filter(pk__in=wanted).values_list("pk", "customer_id"))
        errors = [
            {"item": index, "field": "contact", "message": "This person works for another "
             "customer." if row["contact"] in owners else f"No contact {row['contact']}."}
            for index, row in rows.items()
            if row["contact"] is not None and owners.get(row["contact"]) != row["customer_id"]
        ]  # fmt: skip
        for row in rows.values():
            row["contact_id"] = row.pop("contact")
            row["user"] = user
        return errors

    return _ingest(items, customers, InteractionItem, Interaction, contacts_belong)
