"""Reading an uploaded file and checking every row and field, vectorised with pandas.

Every problem names its line (the header is line 1) and field; nothing is written while
any problem remains.
"""

import io
import re
from dataclasses import dataclass

import pandas as pd
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext as _

from customers.imports.layouts import Column, Layout

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
TRUE = {"yes", "y", "true", "1", "ja", "x"}
FALSE = {"no", "n", "false", "0", "nein", ""}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TEXT = "string[pyarrow]"  # every cell read as text; checks and staging stay in Arrow


@dataclass(frozen=True)
class Problem:
    line: int | None
    field: str | None
    value: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else "file"
        return (
            f"{where}, field {self.field}: {self.message}"
            if self.field
            else (f"{where}: {self.message}")
        )


class ImportFailed(Exception):
    MAX_SHOWN = 20

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(str(p) for p in problems[: self.MAX_SHOWN])
        more = len(problems) - self.MAX_SHOWN
        tail = f"\n... and {more} more" if more > 0 else ""
        super().__init__(f"Nothing was imported. {len(problems)} problem(s):\n{shown}{tail}")

    @property
    def errors(self) -> list[str]:
        return [str(p) for p in self.problems]


def read_table(content: bytes, filename: str) -> pd.DataFrame:
    """The file as a frame of stripped strings, one column per header."""
    if not content.strip():
        raise ImportFailed([Problem(None, None, "", _("The file is empty."))])
    separator, text, uneven = ",", "", []
    if filename.lower().endswith(EXCEL_SUFFIXES):
        try:
            frame = pd.read_excel(io.BytesIO(content), dtype=str, keep_default_na=False)
        except Exception as exc:  # openpyxl raises several kinds for a broken workbook
            raise ImportFailed(
                [Problem(None, None, "", _("Not an Excel workbook: %(error)s") % {"error": exc})]
            ) from None
    else:
        try:
            content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = content[: exc.start].count(b"\n") + 1
            raise ImportFailed(
                [
                    Problem(
                        line,
                        None,
                        "",
                        _(
                            "The file is not UTF-8 text: save it as “CSV UTF-8” and upload "
                            "it again."
                        ),
                    )
                ]
            ) from None
        text = content.decode("utf-8-sig")
        header = text.split("\n", 1)[0]
        # German Excel saves CSV with semicolons between the columns and decimal commas.
        separator = ";" if header.count(";") > header.count(",") else ","

        def note_uneven(row) -> str:
            uneven.append(row)
            return "skip"

        try:
            # Arrow's reader: a million rows in 0.1 s where pandas' own takes 2 s.
            frame = pd.read_csv(
                io.BytesIO(content), engine="pyarrow", dtype=TEXT, keep_default_na=False,
                on_bad_lines=note_uneven, sep=separator,
            )  # fmt: skip
        except pd.errors.ParserError as exc:
            raise ImportFailed(
                [Problem(None, None, "", _("Not a readable CSV file: %(error)s") % {"error": exc})]
            ) from None
    uneven_problems: list[Problem] = []
    if uneven:
        uneven_problems = _uneven_lines(text, uneven)
        lines = _lines_of_rows(text, {p.line for p in uneven_problems}, len(frame))
        if lines is None:  # rows spanning lines: the other rows' lines are not known
            raise ImportFailed(uneven_problems)
        frame.index = pd.Index([line - 2 for line in lines])
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty and not uneven_problems:
        raise ImportFailed([Problem(None, None, "", _("The file has a header but no rows."))])
    frame = frame.astype(TEXT).apply(lambda column: column.str.strip())
    frame.attrs["decimal_comma"] = separator == ";"
    # Lines with too few or too many cells are left out and reported with the check's
    # problems, so one answer names every bad line and field.
    frame.attrs["uneven"] = uneven_problems
    return frame


def _lines_of_rows(text: str, skipped: set[int | None], rows: int) -> list[int] | None:
    """The file line of each row read, the skipped lines left out; None where that does not
    add up (a quoted cell holding a line break)."""
    if None in skipped:
        return None
    lines = [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if number > 1 and line.strip() and number not in skipped
    ]
    return lines if len(lines) == rows else None


def _uneven_lines(text: str, rows: list) -> list[Problem]:
    """Every line with more or fewer cells than the header, by its line number (the
    reader tells the line's text, not its number: found in order in the file)."""
    lines = text.splitlines()
    problems, searched_to = [], 1
    for row in rows:
        number = next(
            (n for n in range(searched_to, len(lines)) if lines[n].strip() == row.text.strip()),
            None,
        )
        if number is not None:
            searched_to = number + 1
        problems.append(
            Problem(
                number + 1 if number is not None else None,
                None,
                row.text[:200],
                _("%(actual)s cells where the header has %(expected)s columns")
                % {"actual": row.actual_columns, "expected": row.expected_columns},
            )
        )
    return problems


def _problems(frame: pd.DataFrame, mask: pd.Series, column: str, message) -> list[Problem]:
    bad = frame.loc[mask, column]
    return [
        Problem(int(index) + 2, column, value, message(value) if callable(message) else message)
        for index, value in bad.items()
    ]


def _choice_lookup(column: Column) -> dict[str, str]:
    """Every spelling a value may come in, lower-cased: the value and its labels in English
    and German."""
    lookup = {}
    for value, label in column.labels:
        for language in ("en", "de"):
            with translation.override(language):
                lookup[str(label).lower()] = value
    return lookup | {value.lower(): value for value in column.choices}


def _german_dates(values: pd.Series) -> pd.Series:
    """DD.MM.YYYY (and a time after it) as YYYY-MM-DD; every other value as it is."""
    dotted = values.str.contains(".", regex=False)
    if not dotted.any():  # an ISO file costs one quick pass
        return values
    return values.where(
        ~dotted,
        values.str.replace(r"^(\d)\.", r"0\1.", regex=True)  # 1.2.2026 -> 01.2.2026
        .str.replace(r"^(\d\d)\.(\d)\.", r"\1.0\2.", regex=True)  # -> 01.02.2026
        .str.replace(r"^(\d\d)\.(\d\d)\.(\d{4})", r"\3-\2-\1", regex=True),
    )


def _check_column(frame: pd.DataFrame, column: Column, decimal_comma: bool) -> list[Problem]:
    values = frame[column.name]
    empty = values == ""
    problems = []
    if column.required:
        problems += _problems(frame, empty, column.name, _("missing"))
    present = ~empty
    if column.max_length:
        too_long = present & (values.str.len() > column.max_length)
        problems += _problems(
            frame,
            too_long,
            column.name,
            _("longer than %(n)s characters") % {"n": column.max_length},
        )
    if column.pattern:
        wrong = present & ~values.str.fullmatch(column.pattern)
        problems += _problems(
            frame,
            wrong,
            column.name,
            lambda v: _("%(v)r: use letters, digits, dots, dashes and underscores only") % {"v": v},
        )
    if column.type == "choice":
        known = values.str.lower().map(_choice_lookup(column))
        wrong = present & known.isna()
        allowed = ", ".join(sorted(column.choices))
        if translation.get_language() != "en" and column.labels:  # Rechnung (invoice), ...
            allowed = ", ".join(sorted(f"{label} ({value})" for value, label in column.labels))
        problems += _problems(
            frame,
            wrong,
            column.name,
            lambda v: _("%(v)r is not one of %(allowed)s") % {"v": v, "allowed": allowed},
        )
        frame[column.name] = known.where(present & ~wrong, values).astype(TEXT)
    elif column.type == "date":
        normalised = _german_dates(values).str.replace(
            r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", r"\1", regex=True
        )
        parsed = pd.to_datetime(normalised.where(present), format="%Y-%m-%d", errors="coerce")
        wrong = present & (parsed.isna() | ~normalised.str.match(DATE))
        problems += _problems(
            frame,
            wrong,
            column.name,
            lambda v: _("%(v)r is not a date (YYYY-MM-DD or DD.MM.YYYY)") % {"v": v},
        )
        frame[column.name] = normalised
    elif column.type == "amount":
        normalised = values
        if decimal_comma:  # 1.250,50 -> 1250.50
            german = values.str.fullmatch(r"\d{1,3}(\.\d{3})*(,\d{1,2})?|\d+(,\d{1,2})?")
            normalised = values.where(
                ~german, values.str.replace(".", "", regex=False).str.replace(",", ".")
            )
        wrong = present & ~normalised.str.fullmatch(r"\d{1,12}(\.\d{1,2})?")
        problems += _problems(
            frame,
            wrong,
            column.name,
            lambda v: (
                _("%(v)r is not an amount of zero or more with at most two decimals") % {"v": v}
            ),
        )
        frame[column.name] = normalised
    elif column.type == "user":
        names = set(values[present].unique())
        known = set(
            get_user_model().objects.filter(username__in=names).values_list("username", flat=True)
        )
        wrong = present & ~values.isin(known)
        problems += _problems(frame, wrong, column.name, lambda v: _("no user %(v)r") % {"v": v})
    elif column.type == "int":
        wrong = present & ~values.str.fullmatch(r"[1-5]")
        problems += _problems(
            frame, wrong, column.name, lambda v: _("%(v)r is not 1 to 5") % {"v": v}
        )
    elif column.type == "bool":
        wrong = ~values.str.lower().isin(TRUE | FALSE)
        problems += _problems(
            frame, wrong, column.name, lambda v: _("%(v)r is not yes or no") % {"v": v}
        )
    elif column.type == "datetime":
        problems += _check_datetime(frame, column.name, present)
    return problems


def _check_datetime(frame: pd.DataFrame, name: str, present: pd.Series) -> list[Problem]:
    """Local times (no offset) are in TIME_ZONE; kept as UTC ISO strings plus the local
    business day in ``<name>_day``."""
    original = frame[name]
    values = _german_dates(original)
    aware = values.str.contains(r"(?:[+-]\d{2}:?\d{2}|Z)$", regex=True)
    local = pd.to_datetime(values.where(present & ~aware), format="ISO8601", errors="coerce")
    local = local.dt.tz_localize(settings.TIME_ZONE, ambiguous="NaT", nonexistent="NaT")
    offset = pd.to_datetime(
        values.where(present & aware), format="ISO8601", errors="coerce", utc=True
    )
    moments = local.dt.tz_convert("UTC").fillna(offset)
    wrong = present & moments.isna()
    frame[name] = moments.dt.strftime("%Y-%m-%dT%H:%M:%S+00:00").fillna("")
    frame[f"{name}_day"] = (
        moments.dt.tz_convert(settings.TIME_ZONE).dt.strftime("%Y-%m-%d").fillna("")
    )
    return _problems(
        frame.assign(**{name: original}),
        wrong,
        name,
        lambda v: _("%(v)r is not a date and time (YYYY-MM-DD HH:MM)") % {"v": v},
    )


def check(frame: pd.DataFrame, layout: Layout) -> pd.DataFrame:
    """The frame with every layout column, normalised; ImportFailed lists every problem."""
    missing = [name for name in layout.required if name not in frame.columns]
    if missing:
        raise ImportFailed(
            [
                Problem(
                    1,
                    None,
                    "",
                    _("missing column(s) %(columns)s") % {"columns": ", ".join(missing)},
                )
            ]
        )
    decimal_comma = frame.attrs.get("decimal_comma", False)
    problems: list[Problem] = list(frame.attrs.get("uneven", []))
    frame = frame.copy()  # the caller's frame stays as read; its index keeps the file's lines
    for column in layout.columns:
        if column.name not in frame.columns:
            frame[column.name] = ""
    for column in layout.columns:
        problems += _check_column(frame, column, decimal_comma)
    if "currency" in frame.columns:
        frame["currency"] = frame["currency"].replace("", "EUR").str.upper()
        wrong = ~frame["currency"].str.fullmatch(r"[A-Z]{3}")
        problems += _problems(
            frame, wrong, "currency", lambda v: _("%(v)r is not an ISO code") % {"v": v}
        )
    if "source" in frame.columns:
        frame["source"] = frame["source"].replace("", "csv")
    # A key given twice is reported with every other problem (an empty key already is).
    key = list(layout.key)
    repeated = frame.duplicated(key, keep="first") & (frame[key] != "").all(axis=1)
    problems += _problems(
        frame, repeated, key[-1], lambda v: _("%(v)r appears twice in the file") % {"v": v}
    )
    if problems:
        raise ImportFailed(sorted(problems, key=lambda p: (p.line or 0, p.field or "")))
    return frame[[*(c.name for c in layout.columns), *_extra(frame)]]


def _extra(frame: pd.DataFrame) -> list[str]:
    return [name for name in frame.columns if name.endswith("_day")]
