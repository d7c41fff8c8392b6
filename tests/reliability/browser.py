"""Chromium through Playwright's async API, for the few browser checks that live beside asyncio tests.

The sync plugin (tests/e2e) cannot share a process with asyncio tests; the async API can, launched inside
the test's own event loop. Debian's Chromium, with the flags FACTS.md lists.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from playwright.async_api import Browser, async_playwright

from testkit.browser import CHROMIUM, CHROMIUM_ARGS


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            await browser.close()
