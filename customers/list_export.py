"""Export of a customer list as shown (its filters, sort and KPI columns): CSV streamed
row by row, Excel built with pandas."""

import csv
import io
import itertools
from collections.abc import Iterator
from decimal import Decimal

import pandas as pd
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from cockpit.people import person_name_from
from customers.choices import Industry, LifecyclePhase
from customers.kpis.catalogue import KPI

ALERT_COLOURS = {0: gettext_lazy("Green"), 1: gettext_lazy("Yellow"), 2: gettext_lazy("Red")}
EXCEL_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def header(columns: list[KPI]) -> list[str]:
    return [
        _("Number"), _("Name"), _("Value class"), _("Alert colour"), _("RFM segment"),
        _("Phase"), *(str(kpi.label) for kpi in columns), _("Industry"), _("Owner"),
    ]  # fmt: skip


def rows(customers: QuerySet, columns: list[KPI]) -> Iterator[list]:
    segment = "kpi__rfm_segment__name_de" if get_language() == "de" else "kpi__rfm_segment__name_en"
    fields = ["number", "name", "kpi__value_class", "alert_rank", segment,
              "kpi__lifecycle_phase", *(f"kpi__{kpi.name}" for kpi in columns), "industry",
              "owner__first_name", "owner__last_name", "owner__username"]  # fmt: skip
    phases = dict(LifecyclePhase.choices)
    industries = dict(Industry.choices)
    for values in customers.values_list(*fields).iterator(chunk_size=2000):
        *row, first_name, last_name, username = values
        row[3] = str(ALERT_COLOURS[row[3]])
        row[5] = str(phases.get(row[5], "")) if row[5] else ""
        row[-1] = str(industries.get(row[-1], "")) if row[-1] else ""
        row.append(person_name_from(first_name, last_name, username) if username else "")
        yield ["" if value is None else value for value in row]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _filename(extension: str, stem: str = "customers") -> str:
    return f"{stem}-{timezone.localdate().isoformat()}.{extension}"


def stream_csv(
    head: list[str], body: Iterator[list], stem: str, for_spreadsheets: bool = False
) -> StreamingHttpResponse:
    """A CSV written row by row as it streams out: any number of rows in constant memory.

    ``for_spreadsheets``: a list a person opens in a spreadsheet, written as the reader's
    language expects: German with semicolons and decimal commas (what German Excel reads
    into columns), and a byte-order mark so Excel reads it as UTF-8. Files for other
    programs (the KPI export, named by the catalogue) stay comma-separated."""
    german = for_spreadsheets and get_language() == "de"
    writer = csv.writer(_Echo(), delimiter=";" if german else ",")
    if german:
        body = ([_decimal_comma(value) for value in row] for row in body)
    lines = (writer.writerow(row) for part in ([head], body) for row in part)
    if for_spreadsheets:
        lines = itertools.chain(["\ufeff"], lines)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv", stem)}"'
    return response


def _decimal_comma(value):
    return str(value).replace(".", ",") if isinstance(value, Decimal | float) else value


def excel(head: list[str], body: Iterator[list], stem: str, sheet: str) -> HttpResponse:
    frame = pd.DataFrame(list(body), columns=head)
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, sheet_name=sheet[:31])
    response = HttpResponse(buffer.getvalue(), content_type=EXCEL_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx", stem)}"'
    return response


def csv_response(customers: QuerySet, columns: list[KPI]) -> StreamingHttpResponse:
    return stream_csv(header(columns), rows(customers, columns), "customers", for_spreadsheets=True)


def excel_response(customers: QuerySet, columns: list[KPI]) -> HttpResponse:
    return excel(header(columns), rows(customers, columns), "customers", _("Customers"))
