"""File imports with broken and large files: every problem is reported with its line and
field, and nothing is written unless the whole file is good."""

import io

import pandas as pd
import pytest
from auditlog.models import LogEntry

from customers.imports import ImportFailed, run_import
from customers.models import Customer, Interaction, Transaction
from tests.factories import CustomerFactory, make_user

pytestmark = pytest.mark.django_db

HEADER = "customer_number,customer_name,kind,occurred_on,amount,currency,external_ref,due_on\n"


def problems_of(kind: str, content: bytes, filename: str = "upload.csv") -> list[str]:
    with pytest.raises(ImportFailed) as failed:
        run_import(kind, content, filename)
    return failed.value.errors


def nothing_written() -> bool:
    return not (Customer.objects.exists() or Transaction.objects.exists())


def test_a_file_that_is_not_utf8_names_the_line():
    content = (HEADER + "K-1,Müller GmbH,invoice,2026-01-15,10.00,EUR,R-1,\n").encode("latin-1")
    assert problems_of("transactions", content) == [
        "line 2: The file is not UTF-8 text: save it as “CSV UTF-8” and upload it again."
    ]
    assert nothing_written()


def test_an_empty_file_and_a_header_without_rows():
    assert problems_of("transactions", b"") == ["file: The file is empty."]
    assert problems_of("transactions", HEADER.encode()) == [
        "file: The file has a header but no rows."
    ]


def test_a_missing_column_is_named():
    content = b"customer_number,kind,occurred_on\nK-1,invoice,2026-01-15\n"
    assert problems_of("transactions", content) == [
        "line 1: missing column(s) amount, external_ref"
    ]


def test_every_line_with_too_few_or_too_many_cells_is_named():
    content = (
        HEADER
        + "K-1,A GmbH,invoice,2026-01-15,10.00,EUR,R-1,\n"
        + "K-2,B GmbH,invoice,2026-01-15\n"
        + "K-3,C GmbH,invoice,2026-01-15,10.00,EUR,R-3,,extra\n"
        + "\n"
        + "K-4,D GmbH,invoice,2026-02-30,10.00,EUR,R-4,\n"
    ).encode()
    with pytest.raises(ImportFailed) as failed:
        run_import("transactions", content, "upload.csv")
    # The other rows are checked too, each named by its line in the file.
    assert [(p.line, p.value, p.message) for p in failed.value.problems] == [
        (3, "K-2,B GmbH,invoice,2026-01-15", "4 cells where the header has 8 columns"),
        (4, "K-3,C GmbH,invoice,2026-01-15,10.00,EUR,R-3,,extra",
         "9 cells where the header has 8 columns"),
        (6, "2026-02-30", "'2026-02-30' is not a date (YYYY-MM-DD or DD.MM.YYYY)"),
    ]  # fmt: skip
    assert nothing_written()


def test_a_file_as_german_excel_saves_it_imports_like_any_other():
    """Semicolons, decimal commas, DD.MM.YYYY dates and German names of the choices, as
    German Excel writes a sheet and as the list export writes it for German readers."""
    content = (HEADER.replace(",", ";")
               + "K-1;Müller GmbH;Rechnung;15.01.2026;1.250,50;EUR;R-1;1.2.2026\n"
               + "K-1;;order;2026-01-16;12,5;;R-2;\n").encode()  # fmt: skip
    assert run_import("transactions", content, "export.csv", recompute=False).created == 2
    rows = Transaction.objects.order_by("external_ref").values_list(
        "kind", "occurred_on", "amount", "due_on"
    )
    assert [(k, str(o), str(a), str(d)) for k, o, a, d in rows] == [
        ("invoice", "2026-01-15", "1250.50", "2026-02-01"),
        ("order", "2026-01-16", "12.50", "None"),
    ]


def test_customers_take_german_names_of_kind_and_industry_and_all_problems_at_once():
    make_user("rep1", None)
    content = (b"number;name;kind;industry;owner;customer_since\n"
               b"K-1;Weber Logistik GmbH;Firma;Logistik;rep1;01.04.2019\n")  # fmt: skip
    run_import("customers", content, "kunden.csv")
    weber = Customer.objects.get()
    assert (weber.kind, weber.industry, str(weber.customer_since)) == (
        "company", "logistics", "2019-04-01",
    )  # fmt: skip
    bad = b"number,name,kind,owner\nK 3,Gamma,Verein,nobody\n"
    assert problems_of("customers", bad) == [
        "line 2, field kind: 'Verein' is not one of company, person",
        "line 2, field number: 'K 3': use letters, digits, dots, dashes and underscores only",
        "line 2, field owner: no user 'nobody'",
    ]


def test_every_bad_field_of_every_row_is_reported():
    content = (HEADER
               + "K-1,,invoice,2026-01-15,10.00,EUR,R-1,2026-02-30\n"
               + "K-1,,invoice,15/01/2026,-3,EUR,R-2,\n"
               + ",,order,2026-01-17,1.005,EUR,R-3,\n").encode()  # fmt: skip
    assert problems_of("transactions", content) == [
        "line 2, field due_on: '2026-02-30' is not a date (YYYY-MM-DD or DD.MM.YYYY)",
        "line 3, field amount: '-3' is not an amount of zero or more with at most two decimals",
        "line 3, field occurred_on: '15/01/2026' is not a date (YYYY-MM-DD or DD.MM.YYYY)",
        "line 4, field amount: '1.005' is not an amount of zero or more with at most two decimals",
        "line 4, field customer_number: missing",
    ]
    assert nothing_written()


def test_a_reference_twice_in_the_file_is_refused():
    content = (HEADER + "K-1,,invoice,2026-01-15,10.00,EUR,R-1,\n"
               + "K-1,,invoice,2026-01-16,12.00,EUR,R-1,\n").encode()  # fmt: skip
    assert problems_of("transactions", content) == [
        "line 3, field external_ref: 'R-1' appears twice in the file"
    ]
    with_a_bad_amount = content + b"K-1,,invoice,2026-01-17,-1,EUR,R-2,\n"
    assert problems_of("transactions", with_a_bad_amount) == [
        "line 3, field external_ref: 'R-1' appears twice in the file",
        "line 4, field amount: '-1' is not an amount of zero or more with at most two decimals",
    ]


def test_the_dry_run_counts_exactly_and_writes_nothing_then_the_import_writes_once():
    CustomerFactory(number="K-1")
    content = (HEADER + "K-1,,invoice,2026-01-15,10.00,EUR,R-1,\n"
               + "K-2,Neu AG,order,2026-01-16,12.00,,R-2,\n").encode()  # fmt: skip
    dry = run_import("transactions", content, "t.csv", dry_run=True)
    assert (dry.rows, dry.created, dry.customers_created) == (2, 2, 1)
    assert (Customer.objects.count(), Transaction.objects.count()) == (1, 0)
    done = run_import("transactions", content, "t.csv")
    assert (done.created, done.customers_created) == (2, 1)
    again = run_import("transactions", content, "t.csv")
    assert (again.created, again.unchanged, again.customers_created) == (0, 2, 0)
    assert Customer.objects.get(number="K-2").name == "Neu AG"


def test_a_reference_another_writer_adds_meanwhile_is_written_once():
    """The plain INSERT behind NOT EXISTS meets the unique index (here: a reference staged
    twice, which the file check would refuse); the import then skips it like a known one."""
    from customers.imports.checks import check, read_table
    from customers.imports.layouts import TRANSACTIONS
    from customers.imports.writing import write_transactions

    CustomerFactory(number="K-1")
    content = (HEADER + "K-1,,invoice,2026-01-15,10.00,EUR,R-1,\n"
               + "K-1,,order,2026-01-16,12.00,EUR,R-2,\n").encode()  # fmt: skip
    frame = check(read_table(content, "t.csv"), TRANSACTIONS)
    frame.loc[1, "external_ref"] = "R-1"
    result = write_transactions(frame, progress=lambda percent, step: None)
    assert (result.created, result.unchanged) == (1, 1)
    assert list(Transaction.objects.values_list("external_ref", flat=True)) == ["R-1"]


def test_an_excel_file_imports_like_a_csv():
    buffer = io.BytesIO()
    pd.DataFrame({"customer_number": ["K-1"], "kind": ["invoice"],
                  "occurred_on": [pd.Timestamp("2026-01-15")], "amount": ["99.90"],
                  "external_ref": ["R-9"]}).to_excel(buffer, index=False)  # fmt: skip
    result = run_import("transactions", buffer.getvalue(), "ERP export.xlsx")
    assert result.created == 1
    assert str(Transaction.objects.get().occurred_on) == "2026-01-15"


def test_touchpoints_need_known_customers_and_keep_local_time():
    CustomerFactory(number="K-1")
    content = (b"customer_number,occurred_at,channel,direction,rating,external_ref\n"
               b"K-1,2026-11-20 23:30,phone,inbound,positive,c-1\n"
               b"K-9,2026-11-20 09:00,phone,inbound,,c-2\n")  # fmt: skip
    assert problems_of("interactions", content) == [
        "line 3, field customer_number: no customer 'K-9'"
    ]
    assert not Interaction.objects.exists()
    run_import("interactions", content.replace(b"K-9", b"K-1"), "i.csv")
    late = Interaction.objects.get(external_ref="c-1")
    assert (str(late.occurred_on), late.occurred_at.isoformat()) == (
        "2026-11-20", "2026-11-20T22:30:00+00:00",
    )  # fmt: skip


def test_customers_are_created_then_updated_only_where_changed():
    make_user("rep1", None)
    content = (b"number,name,owner,industry,contact_opt_out\n"
               b"K-1,Alpha GmbH,rep1,retail,no\nK-2,Beta AG,,,yes\n")  # fmt: skip
    assert run_import("customers", content, "c.csv").created == 2
    changed = content.replace(b"Alpha GmbH", b"Alpha Handel GmbH")
    result = run_import("customers", changed, "c.csv")
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    alpha = Customer.objects.get(number="K-1")
    assert (alpha.name, alpha.owner.username, alpha.industry) == (
        "Alpha Handel GmbH",
        "rep1",
        "retail",
    )
    assert Customer.objects.get(number="K-2").contact_opt_out is True
    bad = b"number,name,owner\nK 3,Gamma,rep1\n"
    assert problems_of("customers", bad) == [
        "line 2, field number: 'K 3': use letters, digits, dots, dashes and underscores only"
    ]


def test_a_file_of_some_columns_changes_only_those_and_an_empty_cell_keeps_the_value():
    rep = make_user("rep1", None)
    private = CustomerFactory(
        number="K-1", name="Erika Muster", kind="person", industry="retail", owner=rep,
        customer_since="2021-03-15", contact_opt_out=True, notes="Prefers letters",
    )  # fmt: skip
    result = run_import("customers", b"number,name\nK-1,Erika Mustermann\n", "names.csv")
    assert (result.updated, result.unchanged, result.changed_columns) == (1, 0, {"name": 1})
    private.refresh_from_db()
    assert (private.name, private.kind, private.industry, private.owner, private.contact_opt_out,
            str(private.customer_since), private.notes) == (
        "Erika Mustermann", "person", "retail", rep, True, "2021-03-15", "Prefers letters",
    )  # fmt: skip
    blanks = b"number,name,kind,industry,owner,customer_since,contact_opt_out,notes\n" \
             b"K-1,Erika Mustermann,,,,,,\n"  # fmt: skip
    assert run_import("customers", blanks, "blanks.csv").unchanged == 1
    given = b"number,name,owner,contact_opt_out\nK-1,Erika Mustermann,rep2,no\n"
    make_user("rep2", None)
    result = run_import("customers", given, "given.csv", dry_run=True)
    assert (result.updated, result.changed_columns) == (1, {"owner": 1, "contact_opt_out": 1})
    assert run_import("customers", given, "given.csv").updated == 1
    private.refresh_from_db()
    assert (private.owner.username, private.contact_opt_out, private.industry) == (
        "rep2", False, "retail",
    )  # fmt: skip


def test_imported_touchpoints_read_back_by_day_on_either_database():
    # The Django admin's date drill-down reads them so (SQLite once stored an ISO "T").
    CustomerFactory(number="K-1")
    content = (b"customer_number,occurred_at,channel,direction,external_ref\n"
               b"K-1,2026-11-20 09:15,phone,inbound,c-1\n")  # fmt: skip
    run_import("interactions", content, "i.csv")
    days = Interaction.objects.datetimes("occurred_at", "day")
    assert [day.date().isoformat() for day in days] == ["2026-11-20"]
    assert Interaction.objects.filter(occurred_at__year=2026).count() == 1


def test_a_file_of_100000_rows_with_one_bad_row_writes_nothing_and_names_it():
    lines = [
        f"K-{n % 5000},,invoice,2026-01-15,{n % 900 + 1}.00,EUR,R-{n},\n" for n in range(100_000)
    ]
    lines[76_543] = "K-1,,invoice,2026-01-15,oops,EUR,R-bad,\n"
    content = (HEADER + "".join(lines)).encode()
    assert problems_of("transactions", content) == [
        "line 76545, field amount: 'oops' is not an amount of zero or more with at most two "
        "decimals"
    ]
    assert nothing_written()
    lines[76_543] = "K-1,,invoice,2026-01-15,1.00,EUR,R-76543,\n"
    result = run_import("transactions", (HEADER + "".join(lines)).encode(), "big.csv",
                        recompute=False)  # fmt: skip
    assert (result.rows, result.created, result.customers_created) == (100_000, 100_000, 5000)


def test_the_audit_log_lists_who_imported_which_customers():
    uploader = make_user("anna", None)
    content = b"number,name\nK-1,Alpha GmbH\nK-2,Beta AG\n"
    run_import("customers", content, "c.csv", actor_id=uploader.pk, dry_run=True)
    assert not LogEntry.objects.exists()  # a dry run leaves no trace
    run_import("customers", content, "c.csv", actor_id=uploader.pk)
    run_import("customers", content.replace(b"Beta AG", b"Beta KG"), "c2.csv")
    run_import("transactions", b"customer_number,kind,occurred_on,amount,external_ref\n"
               b"K-9,order,2026-05-01,10.00,R-1\n", "t.csv", actor_id=uploader.pk)  # fmt: skip
    entries = [
        (e.object_repr, e.get_action_display(), e.actor and e.actor.username, e.changes_dict)
        for e in LogEntry.objects.order_by("id")
    ]
    assert entries == [
        ("Alpha GmbH", "create", "anna", {"import": ["", "c.csv"]}),
        ("Beta AG", "create", "anna", {"import": ["", "c.csv"]}),
        ("Beta KG", "update", None, {"import": ["", "c2.csv"]}),
        ("K-9", "create", "anna", {"import": ["", "t.csv"]}),
    ]


def test_a_german_reader_is_offered_the_choices_by_their_german_names():
    from django.utils import translation

    with translation.override("de"):
        problems = problems_of("customers", b"number,name,kind\nK-1,Gamma,Verein\n")
    assert problems == [
        "line 2, field kind: 'Verein' ist keiner von Firma (company), Privatperson (person)"
    ]
