"""The benchmark commands still run (on a tiny book): their figures are only measured on
PostgreSQL at scale, but a broken benchmark should fail here, not in a closing note."""

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


def test_bench_kpis_runs_and_prints_every_figure():
    out = io.StringIO()
    call_command("bench_kpis", customers=60, repeat=1, stdout=out)
    text = out.getvalue()
    for figure in ("(a) naive", "(b) full recompute", "predictive model", "(c) ratio", "(d)"):
        assert figure in text, text


def test_bench_alerts_runs():
    out = io.StringIO()
    call_command("bench_alerts", customers=200, stdout=out)
    assert "first evaluation" in out.getvalue()


def test_bench_predictive_runs_without_non_finite_output(tmp_path):
    out = io.StringIO()
    call_command(
        "bench_predictive", customers=3000, repeat=1, cdnow=tmp_path / "none.txt", stdout=out
    )
    text = out.getvalue()
    assert "synthetic 3000: 3000 customers" in text
    assert "non-finite outputs: 0" in text
