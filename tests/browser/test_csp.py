"""The pages under the Content-Security-Policy, in a real Chromium: each page a rep visits
draws its content and the browser reports no violation of the policy (docs/security.md)."""

from __future__ import annotations

from server.http.app import create_app
from server.http.inprocess import serve_in_process
from server.settings import Settings
from server.storage import Role
from tests.browser.pages import chromium
from tests.support.storage_fixtures import record_demo_call
from voices.engines import Engines

import pytest

_RECORD_VIOLATIONS = """window.cspViolations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));"""


async def test_the_pages_work_and_break_no_policy(engines: Engines,
                                                  tmp_path_factory: pytest.TempPathFactory
                                                  ) -> None:
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("csp")), engines)
    async with serve_in_process(app) as base:
        rep = app.state.store.accounts.create("cory", Role.REP, "cory-password")
        call = await record_demo_call(app.state.store, engines, user_id=rep.id)
        async with chromium() as browser:
            page = await browser.new_page()
            await page.add_init_script(_RECORD_VIOLATIONS)
            console: list[str] = []
            page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
            await page.goto(f"{base}/login")
            await page.fill("#name", "cory")
            await page.fill("#password", "cory-password")
            await page.click("#login-submit")
            await page.wait_for_url(f"{base}/calls")
            checks = {  # a page, and what it draws once its scripts have run
                "/": ".scenarios li[aria-selected=true]",
                "/calls": f"a[href='/calls/{call['call_id']}']",
                f"/calls/{call['call_id']}": "#replay-transcript li",
                f"/reps/{rep.id}": "#trend-note",
            }
            for path, drawn in checks.items():
                await page.goto(f"{base}{path}")
                await page.wait_for_selector(drawn, timeout=15_000)
                await page.wait_for_load_state("networkidle")
                violations = await page.evaluate("window.cspViolations")
                assert violations == [], (path, violations)
    assert not [c for c in console if "Content Security Policy" in c], console
