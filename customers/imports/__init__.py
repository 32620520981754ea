"""File imports of customers, transactions and touchpoints (CSV or Excel): read, check
every row and field, then write all or nothing. See layouts.py for the column layouts."""

import time
from collections.abc import Callable

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from customers.imports.checks import ImportFailed, Problem, check, read_table
from customers.imports.layouts import LAYOUTS, Layout
from customers.imports.writing import ImportResult, write

__all__ = ["LAYOUTS", "ImportFailed", "ImportResult", "Layout", "Problem", "run_import"]


def run_import(
    kind: str,
    content: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    recompute: bool = True,
    progress: Callable[[int, str], None] = lambda percent, step: None,
    actor_id: int | None = None,
) -> ImportResult:
    """Check and write a file of ``kind`` (customers, transactions, interactions) for the
    user ``actor_id`` (None: the system). Raises ImportFailed naming every bad line and
    field; then nothing is written."""
    layout = LAYOUTS[kind]
    started = time.perf_counter()
    progress(5, _("reading the file"))
    frame = read_table(content, filename)
    progress(25, _("checking every row"))
    frame = check(frame, layout)
    progress(45, _("writing"))
    result = write(layout, frame, dry_run=dry_run, recompute=recompute, progress=progress,
                   actor_id=actor_id, filename=filename)  # fmt: skip
    seconds = number_format(time.perf_counter() - started, decimal_pos=1)
    progress(100, _("done in %(seconds)s s") % {"seconds": seconds})
    return result
