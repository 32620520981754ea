from customers.management.commands._import import ImportCommand


class Command(ImportCommand):
    help = "Import touchpoints from CSV or Excel (layout: docs/import.md); idempotent."
    kind = "interactions"
