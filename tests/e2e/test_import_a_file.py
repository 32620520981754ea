import pytest

from cockpit.roles import Role
from customers.models import Transaction
from tests.e2e.conftest import log_in, save_screenshot
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "customer_number,customer_name,kind,occurred_on,amount,external_ref\n"


def test_a_manager_uploads_sees_the_dry_run_fixes_the_file_and_imports_it(page, tmp_path):
    make_user("manager1", Role.MANAGER)
    bad = tmp_path / "erp-export.csv"
    bad.write_text(HEADER + "K-1,Weber Logistik GmbH,invoice,2026-11-20,1250.50,INV-1\n"
                   "K-2,Roth AG,invoice,20/11/2026,-3,INV-2\n")  # fmt: skip
    log_in(page, "manager1", PASSWORD)
    page.goto("/imports/")
    page.select_option("#id_kind", "transactions")
    page.set_input_files("#id_file", str(bad))
    page.click("text=Upload and check")
    problems = page.locator("#import-problems")
    assert "2 problems: nothing was written." in page.locator("#import-status").inner_text()
    assert "'20/11/2026' is not a date (YYYY-MM-DD or DD.MM.YYYY)" in problems.inner_text()
    assert "'-3' is not an amount of zero or more" in problems.inner_text()
    save_screenshot(page, "import-dry-run-problems")
    assert not Transaction.objects.exists()

    good = tmp_path / "erp-export-fixed.csv"
    good.write_text(HEADER + "K-1,Weber Logistik GmbH,invoice,2026-11-20,1250.50,INV-1\n"
                    "K-2,Roth AG,invoice,2026-11-20,3.00,INV-2\n")  # fmt: skip
    page.click("text=Import another file")
    page.select_option("#id_kind", "transactions")
    page.set_input_files("#id_file", str(good))
    page.click("text=Upload and check")
    assert "Ready to import" in page.locator("#import-status").inner_text()
    assert Transaction.objects.count() == 0
    page.click("#run-import")
    page.wait_for_selector("#import-status[data-status=done]")
    assert page.locator("#import-progress").get_attribute("value") == "100"
    assert "Imported." in page.locator("#import-status").inner_text()
    save_screenshot(page, "import-done")
    assert Transaction.objects.count() == 2
    assert page.console_errors == []
