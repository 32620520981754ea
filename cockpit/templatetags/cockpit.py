import datetime as dt

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def change(now, before, lower_is_better: bool = False, digits: int = 1):
    """The change of a headline number against the previous period, coloured by whether
    it moved the good way."""
    if now in (None, "") or before in (None, ""):
        return format_html('<span class="change muted">{}</span>', _("no comparison yet"))
    delta = now - before
    if round(delta, digits) == 0:
        return format_html('<span class="change muted">{}</span>', "± 0")
    better = delta < 0 if lower_is_better else delta > 0
    arrow = "▲" if delta > 0 else "▼"
    amount = formats.number_format(abs(delta), digits, use_l10n=True, force_grouping=True)
    text = f"{arrow} {amount}"
    return format_html('<span class="change {}">{}</span>', "good" if better else "bad", text)


@register.filter
def whole_minutes(duration: dt.timedelta | None) -> int:
    """A duration in whole minutes, rounded up (a lockout of 90 s is "2 minutes")."""
    if duration is None:
        return 0
    return -(-int(duration.total_seconds()) // 60)
