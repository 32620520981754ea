"""Bands of days since the last reaction (purchase or inbound contact), shared by the
cockpit's recency distribution and the customer list filter it links to."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class RecencyBand:
    key: str
    label: str
    low: int | None  # inclusive; None: no reaction yet
    high: int | None  # inclusive; None: open-ended


RECENCY_BANDS = [
    RecencyBand("0-30", _("up to 30 days"), 0, 30),
    RecencyBand("31-90", _("31 to 90 days"), 31, 90),
    RecencyBand("91-180", _("91 to 180 days"), 91, 180),
    RecencyBand("181-365", _("181 to 365 days"), 181, 365),
    RecencyBand("366-730", _("1 to 2 years"), 366, 730),
    RecencyBand("731+", _("over 2 years"), 731, None),
    RecencyBand("none", _("no reaction yet"), None, None),
]
BY_KEY = {band.key: band for band in RECENCY_BANDS}


def band_case(column: str) -> str:
    """SQL: the band key of a days value."""
    whens = " ".join(
        f"WHEN {column} <= {band.high} THEN '{band.key}'"
        for band in RECENCY_BANDS
        if band.high is not None
    )
    return f"CASE WHEN {column} IS NULL THEN 'none' {whens} ELSE '731+' END"
