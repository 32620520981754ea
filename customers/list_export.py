"""Export of a customer list as shown (its filters, sort and KPI columns): CSV streamed
row by row, Excel built with pandas."""

import csv
import io
from collections.abc import Iterator

import pandas as pd
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

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
              "owner__username"]  # fmt: skip
    phases = dict(LifecyclePhase.choices)
    industries = dict(Industry.choices)
    for values in customers.values_list(*fields).iterator(chunk_size=2000):
        row = list(values)
        row[3] = str(ALERT_COLOURS[row[3]])
        row[5] = str(phases.get(row[5], "")) if row[5] else ""
        row[-2] = str(industries.get(row[-2], "")) if row[-2] else ""
        yield ["" if value is None else value for value in row]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _filename(extension: str, stem: str = "customers") -> str:
    return f"{stem}-{timezone.localdate().isoformat()}.{extension}"


def stream_csv(head: list[str], body: Iterator[list], stem: str) -> StreamingHttpResponse:
    """A CSV written row by row as it streams out: any number of rows in constant memory."""
    writer = csv.writer(_Echo())
    lines = (writer.writerow(row) for part in ([head], body) for row in part)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv", stem)}"'
    return response


def excel(head: list[str], body: Iterator[list], stem: str, sheet: str) -> HttpResponse:
    frame = pd.DataFrame(list(body), columns=head)
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, sheet_name=sheet[:31])
    response = HttpResponse(buffer.getvalue(), content_type=EXCEL_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx", stem)}"'
    return response


def csv_response(customers: QuerySet, columns: list[KPI]) -> StreamingHttpResponse:
    return stream_csv(header(columns), rows(customers, columns), "customers")


def excel_response(customers: QuerySet, columns: list[KPI]) -> HttpResponse:
    return excel(header(columns), rows(customers, columns), "customers", _("Customers"))
