"""Fixtures for the browser tests: a live Reclaim server and headless Debian Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reclaim.storage.database import Database
from reclaim.storage.migrations_runner import upgrade
from reclaim.web.app import create_app
from tests.browser.live import CHROMIUM_ARGS, RecordingApp, chromium_or_skip, serve
from tests.conftest import make_settings


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return chromium_or_skip()


@pytest.fixture(scope="session")
def live_server(
    chromium_path: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, RecordingApp]]:
    """(base URL, recorder) of a real Reclaim app served by uvicorn on loopback."""
    tmp: Path = tmp_path_factory.mktemp("live")
    # The port is only known once serving; the page's only POST is under /api/, which the
    # origin check does not apply to, so public_url need not carry it.
    settings = make_settings(tmp, public_url="http://127.0.0.1")
    db = Database(settings)
    upgrade(db)
    recorder = RecordingApp(create_app(settings, db))
    with serve(recorder) as base_url:
        yield base_url, recorder
    db.dispose()


WAIT_MS = 90_000


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        original = instance.new_context

        def new_context(**options: Any) -> Any:
            # 2 shared cores can be slow: waits are generous so slowness is not taken for a
            # failure (a real failure still fails, just later).
            context = original(**options)
            context.set_default_timeout(WAIT_MS)
            return context

        instance.new_context = new_context
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, live_server: tuple[str, RecordingApp]) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server[0])
    page = context.new_page()
    yield page
    context.close()
