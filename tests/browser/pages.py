"""Debian's Chromium driven by Playwright, as the browser tests use it."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
_BASE_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--no-first-run", "--disable-sync"]


@asynccontextmanager
async def chromium(extra_args: Sequence[str] = ()) -> AsyncIterator[Browser]:
    """A headless Chromium; the test is skipped with a reason if it is not installed."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                           args=[*_BASE_ARGS, *extra_args])
        try:
            yield browser
        finally:
            await browser.close()


def artifact(name: str) -> Path:
    """Where a test keeps a screenshot for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name


async def wait_until(page: Page, expression: str, timeout: float = 30_000) -> None:
    """Poll a JavaScript expression until it is truthy (`timeout` in ms, as Playwright's).

    Not `page.wait_for_function`: Playwright runs its predicate through eval(), which the
    pages' Content-Security-Policy refuses; `page.evaluate` goes through DevTools instead."""
    deadline = time.monotonic() + timeout / 1000
    while not await page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout / 1000:g} s for {expression}")
        await asyncio.sleep(0.02)
