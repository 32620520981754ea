import csv
from typing import TextIO

from customers.kpis.catalogue import CATALOGUE
from customers.models import CustomerKPI

EXPORT_SOURCES = {"rfm_segment": "rfm_segment__code"}


def write_kpis_csv(out: TextIO, queryset=None) -> int:
    """CSV with customer_number and one column per catalogue KPI, named as in the catalogue."""
    queryset = queryset if queryset is not None else CustomerKPI.objects.all()
    names = [kpi.name for kpi in CATALOGUE]
    sources = ["customer__number"] + [EXPORT_SOURCES.get(name, name) for name in names]
    writer = csv.writer(out)
    writer.writerow(["customer_number", *names])
    count = 0
    for row in queryset.order_by("customer__number").values_list(*sources).iterator(5000):
        writer.writerow(["" if value is None else value for value in row])
        count += 1
    return count
