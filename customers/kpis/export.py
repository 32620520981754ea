import csv
from collections.abc import Iterator
from typing import TextIO

from customers.kpis.catalogue import CATALOGUE
from customers.models import CustomerKPI

EXPORT_SOURCES = {"rfm_segment": "rfm_segment__code"}


def kpi_header() -> list[str]:
    return ["customer_number", *(kpi.name for kpi in CATALOGUE)]


def kpi_rows(queryset) -> Iterator[list]:
    """One row per customer: its number and every catalogue KPI, in catalogue order."""
    sources = ["customer__number"] + [EXPORT_SOURCES.get(k.name, k.name) for k in CATALOGUE]
    for row in queryset.order_by("customer__number").values_list(*sources).iterator(5000):
        yield ["" if value is None else value for value in row]


def write_kpis_csv(out: TextIO, queryset=None) -> int:
    """CSV with customer_number and one column per catalogue KPI, named as in the catalogue."""
    queryset = queryset if queryset is not None else CustomerKPI.objects.all()
    writer = csv.writer(out)
    writer.writerow(kpi_header())
    count = 0
    for row in kpi_rows(queryset):
        writer.writerow(row)
        count += 1
    return count
