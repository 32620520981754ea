"""Bulk import of transactions: the CDNOW files and a documented CSV layout.

All rows are checked before anything is written; a bad row raises ImportFailed naming
the line and the field, and nothing is imported. Rows carry an external reference
unique per source, so importing the same file again adds nothing.

CSV layout (UTF-8, comma-separated, header row, column order free):

    customer_number  required  the customer's number; unknown numbers create the customer
    customer_name    optional  name for a customer created by the import
    kind             required  order, invoice, contract, return or credit_note
    occurred_on      required  YYYY-MM-DD
    amount           required  positive decimal with a dot, e.g. 1250.50
    currency         optional  ISO code, default EUR
    external_ref     required  unique per source
    source           optional  default "csv"
    due_on, paid_on  optional  YYYY-MM-DD
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd
from django.db import transaction

from customers.choices import CustomerKind, Industry, TransactionKind
from customers.models import Customer, Transaction

MAX_REPORTED_ERRORS = 20
CSV_REQUIRED = ["customer_number", "kind", "occurred_on", "amount", "external_ref"]
CSV_OPTIONAL = ["customer_name", "currency", "source", "due_on", "paid_on"]


class ImportFailed(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        shown = errors[:MAX_REPORTED_ERRORS]
        more = len(errors) - len(shown)
        text = "\n".join(shown) + (f"\n... and {more} more" if more > 0 else "")
        super().__init__(f"Nothing was imported. {len(errors)} problem(s):\n{text}")


@dataclass
class ImportResult:
    rows: int
    customers_created: int
    transactions_created: int
    customer_ids: list[int]


def _dates(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column, format="%Y%m%d", errors="coerce")


def read_cdnow(path: Path) -> pd.DataFrame:
    """Both CDNOW layouts: master (header; id date cds value) and sample (no header;
    master id, sample id, date, cds, value). Customers are numbered by the master id."""
    with open(path) as handle:
        first = handle.readline().split()
    has_header = bool(first) and not first[0].isdigit()
    columns = (
        ["customer_number", "date", "cds", "amount"]
        if has_header or len(first) == 4
        else ["customer_number", "sample_id", "date", "cds", "amount"]
    )
    frame = pd.read_csv(
        path,
        sep=r"\s+",
        header=None,
        names=columns,
        skiprows=1 if has_header else 0,
        dtype=str,
        engine="c",
    )
    frame["line"] = range(2 if has_header else 1, len(frame) + (2 if has_header else 1))
    errors = []
    occurred = _dates(frame["date"])
    amounts = pd.to_numeric(frame["amount"], errors="coerce")
    for line in frame.loc[occurred.isna(), "line"]:
        errors.append(f"line {line}, field date: expected YYYYMMDD")
    for line in frame.loc[amounts.isna() | (amounts < 0), "line"]:
        errors.append(f"line {line}, field dollar_value: expected a number >= 0")
    for line in frame.loc[frame["customer_number"].isna(), "line"]:
        errors.append(f"line {line}, field customer_id: missing")
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: int(e.split(",")[0].split()[1])))
    frame["occurred_on"] = occurred.dt.date
    # Several purchases can share a customer and a day: number them in file order.
    occurrence = frame.groupby(["customer_number", "date"]).cumcount() + 1
    frame["external_ref"] = (
        frame["customer_number"] + "-" + frame["date"] + "-" + occurrence.astype(str)
    )
    frame["kind"] = TransactionKind.ORDER.value
    frame["currency"] = "USD"
    frame["source"] = "cdnow"
    frame["customer_name"] = "CDNOW customer " + frame["customer_number"]
    frame["due_on"] = None
    frame["paid_on"] = None
    return frame


def _parse_optional_date(value: str, line: int, field: str, errors: list[str]):
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors.append(f"line {line}, field {field}: {value!r} is not a date (YYYY-MM-DD)")
        return None


def read_csv(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    frame.columns = [c.strip() for c in frame.columns]
    missing = [c for c in CSV_REQUIRED if c not in frame.columns]
    if missing:
        raise ImportFailed([f"line 1: missing column(s) {', '.join(missing)}"])
    for column in CSV_OPTIONAL:
        if column not in frame.columns:
            frame[column] = ""
    kinds = set(TransactionKind.values)
    errors: list[str] = []
    rows = []
    for offset, row in enumerate(frame.itertuples(index=False)):
        line = offset + 2
        number = row.customer_number.strip()
        if not number:
            errors.append(f"line {line}, field customer_number: missing")
        if row.kind not in kinds:
            errors.append(
                f"line {line}, field kind: {row.kind!r} is not one of {', '.join(sorted(kinds))}"
            )
        occurred_on = _parse_optional_date(row.occurred_on, line, "occurred_on", errors)
        if not row.occurred_on:
            errors.append(f"line {line}, field occurred_on: missing")
        try:
            amount = Decimal(row.amount)
            if amount < 0 or amount != amount.quantize(Decimal("0.01")):
                raise InvalidOperation
        except InvalidOperation:
            errors.append(
                f"line {line}, field amount: {row.amount!r} is not a positive amount "
                "with at most two decimals"
            )
            amount = None
        currency = (row.currency or "EUR").strip().upper()
        if len(currency) != 3 or not currency.isalpha():
            errors.append(f"line {line}, field currency: {row.currency!r} is not an ISO code")
        if not row.external_ref.strip():
            errors.append(f"line {line}, field external_ref: missing")
        rows.append(
            {
                "line": line,
                "customer_number": number,
                "customer_name": row.customer_name.strip() or number,
                "kind": row.kind,
                "occurred_on": occurred_on,
                "amount": amount,
                "currency": currency,
                "external_ref": row.external_ref.strip(),
                "source": row.source.strip() or "csv",
                "due_on": _parse_optional_date(row.due_on, line, "due_on", errors),
                "paid_on": _parse_optional_date(row.paid_on, line, "paid_on", errors),
            }
        )
    parsed = pd.DataFrame(rows)
    if not errors and not parsed.empty:
        duplicated = parsed[parsed.duplicated(["source", "external_ref"], keep="first")]
        for row in duplicated.itertuples():
            errors.append(
                f"line {row.line}, field external_ref: {row.external_ref!r} appears twice "
                "in the file"
            )
    if errors:
        raise ImportFailed(errors)
    return parsed


@transaction.atomic
def import_frame(frame: pd.DataFrame) -> ImportResult:
    """Write parsed rows: create unknown customers, then the transactions not yet known."""
    if frame.empty:
        return ImportResult(0, 0, 0, [])
    customers = frame.drop_duplicates("customer_number")[["customer_number", "customer_name"]]
    before_customers = Customer.objects.count()
    is_cdnow = (frame["source"] == "cdnow").any()
    Customer.objects.bulk_create(
        [
            Customer(
                number=row.customer_number,
                name=row.customer_name,
                kind=CustomerKind.PERSON if is_cdnow else CustomerKind.COMPANY,
                industry=Industry.PRIVATE if is_cdnow else "",
            )
            for row in customers.itertuples()
        ],
        ignore_conflicts=True,
        batch_size=5000,
    )
    numbers = customers["customer_number"].tolist()
    ids: dict[str, int] = {}
    for start in range(0, len(numbers), 5000):
        chunk = numbers[start : start + 5000]
        ids.update(Customer.objects.filter(number__in=chunk).values_list("number", "id"))
    before_transactions = Transaction.objects.count()
    Transaction.objects.bulk_create(
        [
            Transaction(
                customer_id=ids[row.customer_number],
                kind=row.kind,
                occurred_on=row.occurred_on,
                amount=Decimal(str(row.amount)),
                currency=row.currency,
                source=row.source,
                external_ref=row.external_ref,
                due_on=row.due_on,
                paid_on=row.paid_on,
            )
            for row in frame.itertuples()
        ],
        ignore_conflicts=True,
        batch_size=5000,
    )
    return ImportResult(
        rows=len(frame),
        customers_created=Customer.objects.count() - before_customers,
        transactions_created=Transaction.objects.count() - before_transactions,
        customer_ids=sorted(ids.values()),
    )
