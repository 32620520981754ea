"""Import of the CDNOW transaction files (both layouts). CSV and Excel imports of
customers, transactions and touchpoints live in customers/imports/."""

from pathlib import Path

import pandas as pd

from customers.choices import CustomerKind, Industry, TransactionKind
from customers.imports import ImportFailed, ImportResult, Problem
from customers.imports.layouts import TRANSACTIONS
from customers.imports.writing import write


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
    problems = []
    occurred = _dates(frame["date"])
    amounts = pd.to_numeric(frame["amount"], errors="coerce")
    for line in frame.loc[occurred.isna(), "line"]:
        problems.append(Problem(int(line), "date", "", "expected YYYYMMDD"))
    for line in frame.loc[amounts.isna() | (amounts < 0), "line"]:
        problems.append(Problem(int(line), "dollar_value", "", "expected a number >= 0"))
    for line in frame.loc[frame["customer_number"].isna(), "line"]:
        problems.append(Problem(int(line), "customer_id", "", "missing"))
    if problems:
        raise ImportFailed(sorted(problems, key=lambda p: p.line))
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


def import_cdnow(path: Path, *, dry_run: bool = False, recompute: bool = True) -> ImportResult:
    """CDNOW customers are private persons; purchases are orders in USD."""
    frame = read_cdnow(path)
    columns = [c.name for c in TRANSACTIONS.columns]
    frame = frame.set_index(frame["line"] - 2)[columns]
    return write(
        TRANSACTIONS,
        frame,
        dry_run=dry_run,
        recompute=recompute,
        progress=lambda percent, step: None,
        filename=path.name,
        new_customer_kind=CustomerKind.PERSON,
        new_customer_industry=Industry.PRIVATE,
    )
