"""The cockpit's change against the previous period, in the reader's number format."""

from decimal import Decimal

from django.utils import translation

from cockpit.templatetags.cockpit import change


def test_a_change_is_written_as_the_reader_writes_numbers():
    with translation.override("en"):
        assert change(Decimal("12406.08"), Decimal("11772.69"), digits=2) == (
            '<span class="change good">▲ 633.39</span>'
        )
        assert change(Decimal("1000"), Decimal("2234.5"), digits=1) == (
            '<span class="change bad">▼ 1,234.5</span>'
        )
    with translation.override("de"):
        assert change(Decimal("1000"), Decimal("2234.5"), digits=1) == (
            '<span class="change bad">▼ 1.234,5</span>'
        )
        assert change(5, 5, lower_is_better=True) == '<span class="change muted">± 0</span>'
