from customers.management.commands._import import ImportCommand


class Command(ImportCommand):
    help = "Import customers from CSV or Excel (layout: docs/import.md); all or nothing."
    kind = "customers"
