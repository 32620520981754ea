"""The documented column layouts of the file imports (CSV or Excel, header row, column
order free). The template download and the docs are generated from these."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from customers.choices import (
    Channel,
    CustomerKind,
    Direction,
    Industry,
    InteractionKind,
    Rating,
    TransactionKind,
)


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    type: str  # text, date, datetime, amount, choice, bool, int, user
    help: object  # a lazy translation
    example: str
    choices: tuple[str, ...] = ()
    labels: tuple[tuple[str, object], ...] = ()  # (value, lazy label): labels count too
    max_length: int | None = None
    pattern: str | None = None  # a regular expression every value must match


def choice(name: str, required: bool, help: object, example: str, options) -> Column:
    """A column of one of ``options`` (a TextChoices class): its value, or its label in
    English or German ("Firma" for company)."""
    return Column(name, required, "choice", help, example, tuple(options.values),
                  labels=tuple(options.choices))  # fmt: skip


DATE_HELP = _("YYYY-MM-DD or DD.MM.YYYY.")


@dataclass(frozen=True)
class Layout:
    kind: str
    label: object
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # unique per row: a row with a known key changes nothing

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


CUSTOMER_NUMBER = Column(
    "customer_number", True, "text", _("The customer's number."), "K-1001", max_length=32
)
SOURCE = Column(
    "source",
    False,
    "text",
    _("The system the row comes from (default: csv)."),
    "erp",
    max_length=32,
)
EXTERNAL_REF = Column(
    "external_ref", True, "text", _("Unique per source."), "INV-2026-1001", max_length=100
)

TRANSACTIONS = Layout(
    "transactions",
    _("Transactions"),
    (
        CUSTOMER_NUMBER,
        Column(
            "customer_name",
            False,
            "text",
            _("Name of a customer the import creates."),
            "Weber Logistik GmbH",
            max_length=200,
        ),
        choice("kind", True, _("What it is."), "invoice", TransactionKind),
        Column("occurred_on", True, "date", DATE_HELP, "2026-11-20"),
        Column(
            "amount",
            True,
            "amount",
            _(
                "Zero or more (a free delivery is 0), at most two decimals, a dot before "
                "them (a comma in a file separated by semicolons)."
            ),
            "1250.50",
        ),
        Column("currency", False, "text", _("ISO code, default EUR."), "EUR"),
        SOURCE,
        EXTERNAL_REF,
        Column("due_on", False, "date", DATE_HELP, "2026-12-20"),
        Column("paid_on", False, "date", DATE_HELP, ""),
    ),
    key=("source", "external_ref"),
)

INTERACTIONS = Layout(
    "interactions",
    _("Touchpoints"),
    (
        CUSTOMER_NUMBER,
        Column(
            "occurred_at",
            True,
            "datetime",
            _("YYYY-MM-DD HH:MM or DD.MM.YYYY HH:MM (local time), or ISO 8601 with offset."),
            "2026-11-20 09:15",
        ),
        choice("channel", True, _("How."), "phone", Channel),
        choice("direction", True, _("Who started it."), "inbound", Direction),
        choice("kind", False, _("Default contact."), "contact", InteractionKind),
        choice("rating", False, _("Default neutral."), "positive", Rating),
        Column("satisfaction", False, "int", _("1 to 5."), "4"),
        Column("summary", False, "text", _("What was said."), "Asked for the 2027 price list"),
        SOURCE,
        Column(
            "external_ref", True, "text", _("Unique per source."), "CALL-2026-0815", max_length=100
        ),
    ),
    key=("source", "external_ref"),
)

CUSTOMERS = Layout(
    "customers",
    _("Customers"),
    (
        Column(
            "number",
            True,
            "text",
            _("Letters, digits, dots, dashes, underscores."),
            "K-1001",
            max_length=32,
            pattern=r"[A-Za-z0-9][A-Za-z0-9._-]*",
        ),
        Column(
            "name", True, "text", _("Company or person."), "Weber Logistik GmbH", max_length=200
        ),
        choice("kind", False, _("Default company."), "company", CustomerKind),
        choice("industry", False, "", "logistics", Industry),
        Column("owner", False, "user", _("The responsible rep's username."), "rep1"),
        Column("customer_since", False, "date", DATE_HELP, "2019-04-01"),
        Column("contact_opt_out", False, "bool", _("yes / no (default no)."), "no"),
        Column("notes", False, "text", "", ""),
    ),
    key=("number",),
)

LAYOUTS = {layout.kind: layout for layout in (CUSTOMERS, TRANSACTIONS, INTERACTIONS)}
