"""The admin pages in headless Chromium: an upload imported by the background job, with the
progress bar, the report, the history and the rejected rows downloaded; a quota edited in place."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.browser.conftest import login, screenshot, wait_for_dash
from tests.browser.test_dashboard import assert_no_errors

pytestmark = pytest.mark.browser


def first_quota(server) -> tuple[str, str, float]:
    engine = server.engine()
    try:
        with engine.connect() as conn:
            rep_id, month, amount = conn.execute(sa.text(
                "SELECT rep_id, month, amount FROM quotas ORDER BY rep_id, month LIMIT 1")).one()
    finally:
        engine.dispose()
    return rep_id, str(month)[:10], float(amount)


def test_an_admin_imports_an_upload_and_downloads_its_rejected_rows(live_server, page, tmp_path):
    rep_id, month, amount = first_quota(live_server)
    # One quota as it is (unchanged) and one for a rep that does not exist (rejected, line 3).
    quotas = tmp_path / "quotas.csv"
    quotas.write_text(f"rep_id,month,amount\n{rep_id},{month},{amount}\nNO-SUCH-REP,{month},100\n")
    login(page, live_server, "admin", path="/admin/imports")
    wait_for_dash(page)
    page.set_input_files("#admin_imports-upload input[type=file]", str(quotas))
    page.wait_for_selector("text=Ready to import")
    page.click("#admin_imports-start")
    report = page.locator("#admin_imports-report [data-run]")
    report.wait_for()
    wait_for_dash(page)
    text = report.inner_text()
    assert "partly loaded" in text and "NO-SUCH-REP" in text and "not found in reps" in text
    run_id = report.get_attribute("data-run")
    row = page.locator(f"#admin_imports-history tr[data-run='{run_id}']")
    row.wait_for()
    assert "quotas.csv" in row.inner_text()
    screenshot(page, "admin-admin_imports-report")
    assert_no_errors(page, live_server)
    with page.expect_download() as info:
        row.locator("button").click()
    body = open(info.value.path(), encoding="utf-8").read()
    assert body.startswith("file,line,column,reason,raw\nquotas.csv,3,rep_id,")


def test_an_admin_edits_a_quota_in_place(live_server, page):
    login(page, live_server, "admin", path="/admin/targets")
    wait_for_dash(page)
    page.locator("#admin_targets-table td[data-dash-column='amount']").first.wait_for()
    rep = page.locator("#admin_targets-table td[data-dash-column='rep']").first.inner_text()
    page.locator("#admin_targets-table td[data-dash-column='amount']").first.click()
    page.keyboard.type("12345.5")
    page.keyboard.press("Enter")
    page.wait_for_selector("#admin_targets-edited .bi-check-circle")
    assert f"{rep}," in page.inner_text("#admin_targets-edited")
    assert "$12,345.50" in page.inner_text("#admin_targets-edited")
    wait_for_dash(page)
    assert "12,345.50" in page.locator("#admin_targets-table td[data-dash-column='amount']").first.inner_text()
    screenshot(page, "admin-admin_targets-edited")
    assert_no_errors(page, live_server)
