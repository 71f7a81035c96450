"""Shared fixtures: the page tree, PostgreSQL-only tests, and a real browser (Debian's Chromium)."""

import json
import os
import shutil
from pathlib import Path

import pytest
from django.core import signals
from django.db import close_old_connections, connection, connections

from tests import factories

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need row locks and real concurrency; on SQLite they are skipped, with the reason."""
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by flushing the database, which also removes what migrations loaded
    (municipalities, Wagtail's root page, permissions). Put it back at once, so that whichever test runs
    next on this worker (xdist distributes whole files, not ordered by kind) finds the usual database."""
    yield
    # After the last test the test database is already destroyed (nextitem is None): nothing to restore.
    if nextitem is not None and _is_transactional(item):
        from pytest_django.plugin import blocking_manager_key

        from tests.base_data import ensure_base_data

        with item.config.stash[blocking_manager_key].unblock():
            ensure_base_data()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language (Estonian): a request or a test that activated
    English must not leak into the next test (URLs under i18n_patterns depend on the active language)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and cached pages must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def site_tree(db):
    """Home page (the default site's root) and the catalogue page."""
    home = factories.home_page()
    return {"home": home, "catalogue": factories.catalogue_page()}


@pytest.fixture
def specialist(db):
    return factories.UserFactory(full_name="Mari Mägi", profile__municipality="Võru vald")


@pytest.fixture
def trainer(db):
    return factories.UserFactory(full_name="Tiit Tamm", groups=["Trainers"])


@pytest.fixture
def coordinator(db):
    return factories.UserFactory(full_name="Kadri Koordinaator", groups=["Coordinators"])


# --- browser -------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Browser tests need Debian's Chromium at {CHROMIUM}: `make test` installs it as root "
                    "(apt-get install chromium).")
    with sync_playwright() as playwright:
        yield playwright
        # While Playwright runs, its event loop is this thread's running loop, so asgiref keeps the database
        # connections opened meanwhile (by any later test of this worker) in a store of their own, which the
        # test database's teardown does not see: closed here, while that store is still the current one, or
        # the teardown finds "1 other session using the database" and cannot drop it.
        connections.close_all()


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def browser_page(browser, live_server):
    """A fresh browser tab (desktop size) with the live server as base URL."""
    context = browser.new_context(base_url=live_server.url, locale="et-EE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A fresh browser tab sized and touch-enabled like a phone."""
    context = browser.new_context(base_url=live_server.url, locale="et-EE", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    """Run axe-core (from the npm registry, see package.json) in the page; return WCAG 2.1 A/AA violations."""
    script = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        pytest.fail("axe-core is missing: run `npm install` (make test does).")
    # Evaluated through the DevTools protocol: an injected <script> would be refused by the site's CSP.
    page.evaluate("() => {\n" + script.read_text() + "\n}")
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                          nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )
    return result


@pytest.fixture
def assert_accessible():
    def check(page):
        violations = axe_violations(page)
        assert violations == [], json.dumps(violations, indent=2, ensure_ascii=False)

    return check


def login(page, email: str, password: str = factories.PASSWORD) -> None:
    """Log in through the real allauth form."""
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")


# --- national eID log-in (TARA) ---------------------------------------------------------------------

@pytest.fixture
def fake_tara(settings):
    """A TARA-like OpenID Connect provider on a loopback port (tests/oidc_provider.py), with the site
    configured to use it exactly as the environment would (oskus.settings.base.tara_providers)."""
    from oskus.settings.base import tara_providers
    from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, FakeTara

    provider = FakeTara().start()
    settings.SOCIALACCOUNT_PROVIDERS = tara_providers(
        server_url=provider.issuer, client_id=CLIENT_ID, secret=CLIENT_SECRET,
        scopes=["openid", "idcard", "mid", "smartid"], acr="substantial")
    yield provider
    provider.stop()


@pytest.fixture
def application():
    """The production WSGI application; the connection stays open between requests, as the test client keeps
    it (the test's transaction lives on it)."""
    import oskus.wsgi

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield oskus.wsgi.application
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
