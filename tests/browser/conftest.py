"""Browser tests: Playwright for Python drives Debian's Chromium (``/usr/bin/chromium``, or
``CHROMIUM``) against pytest-django's live server, with axe-core (``tests/browser/
node_modules``, ``make browser-deps``) injected into each page.

Locally the suite is skipped when Chromium or axe-core is missing; under CI (``CI=true``) a
missing browser is an error, so the suite cannot silently stop running. One browser is started
per test session; each test opens one context (one signed-in person) and reuses one page.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

HERE = Path(__file__).resolve().parent
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = os.environ.get("SCREENSHOTS") == "1"
SCREENSHOT_DIR = Path(settings.BASE_DIR) / "docs" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 800}

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - dev.txt installs it
    sync_playwright = None


def _missing():
    if sync_playwright is None:
        return "playwright is not installed (pip install -r requirements/dev.txt)"
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)"
    if not AXE.exists():
        return "axe-core not installed: run `make browser-deps` (npm ci in tests/browser/)"
    return None


def pytest_collection_modifyitems(config, items):
    """Skipped locally when Chromium or axe-core is missing; under CI they run (and the
    ``browser`` fixture fails with the reason), so the suite cannot silently stop running."""
    reason = _missing()
    if reason is None or os.environ.get("CI") == "true":
        return
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser():
    if reason := _missing():
        pytest.fail(f"CI must run the browser tests: {reason}")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are ordinary synchronous code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-dev-shm-usage"]
    )
    yield chromium
    chromium.close()
    playwright.stop()


# The innermost elements that stick out on the right: where a reflow problem comes from.
WIDEST_JS = """(limit) => {
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    const wide = (e) => e.getBoundingClientRect().right > limit + 1;
    if (wide(el) && ![...el.children].some(wide)) {
      const name = el.tagName.toLowerCase() + (el.className ? '.' + el.className : '');
      out.push(name + ' ' + Math.round(r.right));
    }
  }
  return out.slice(0, 4);
}"""


class Visitor:
    """One person in one browser context: visits pages and records what is wrong with them."""

    def __init__(self, browser, base_url, user=None, role="anonymous"):
        self.base_url = base_url
        self.role = role
        self.context = browser.new_context(viewport=DESKTOP, locale="nb-NO")
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            self.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])
        self.page = self.context.new_page()
        self.problems = []
        self.visited = []
        self.violations = 0

    def close(self):
        self.context.close()

    def goto(self, path):
        response = self.page.goto(self.base_url + path)
        return response

    def check(self, path, *, viewport=DESKTOP, name=None, status=200):
        """Visit ``path`` at ``viewport`` and record: the HTTP status, markup in the title, axe
        violations (WCAG 2.1 A and AA) and sideways scrolling at 320 px."""
        page = self.page
        page.set_viewport_size(viewport)
        response = self.goto(path)
        label = f"[{self.role} {viewport['width']}px] {path}"
        self.visited.append(label)
        if response is None or response.status != status:
            got = response.status if response else None
            self.problems.append(f"{label}: status {got}, expected {status}")
            return
        title = page.evaluate("document.querySelector('title')?.textContent || ''")
        if not title.strip() or re.search(r"<\s*/?\s*[a-zA-Z]", title):
            self.problems.append(f"{label}: bad <title> {title!r}")
        if page.locator('meta[http-equiv="refresh" i]').count():
            self.problems.append(f"{label}: reloads itself (meta refresh)")
        self.axe(label)
        if SCREENSHOTS and name:
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            kind = "phone" if viewport["width"] < 500 else "desktop"
            page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-{kind}.png"), full_page=False)
        page.set_viewport_size(NARROW)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > NARROW["width"]:
            widest = page.evaluate(WIDEST_JS, NARROW["width"])
            self.problems.append(f"{label}: {width} px wide at 320 px (scrolls sideways): {widest}")
        page.set_viewport_size(viewport)

    def axe(self, label):
        page = self.page
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # Through the DevTools protocol, which the site's Content-Security-Policy (enforced in
            # these tests: no inline script) does not block, unlike an injected <script>.
            page.evaluate(AXE.read_text() + "\n;undefined")
        result = page.evaluate(
            """async (tags) => {
                const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
                return r.violations.map(v => ({id: v.id, impact: v.impact,
                    nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}));
            }""",
            AXE_TAGS,
        )
        for violation in result:
            self.violations += 1
            self.problems.append(
                f"{label}: axe {violation['id']} ({violation['impact']}) {violation['nodes']}"
            )


@pytest.fixture
def visit(browser, live_server):
    """``visit(user, role)`` opens a context for ``user`` (None: anonymous)."""
    opened = []

    def open_(user=None, role="anonymous"):
        visitor = Visitor(browser, live_server.url, user, role)
        opened.append(visitor)
        return visitor

    yield open_
    for visitor in opened:
        visitor.close()


def report(visitor):
    """Fail with every problem found on every page the visitor saw."""
    summary = f"{visitor.role}: {len(visitor.visited)} visits, {visitor.violations} axe violations"
    print(summary)
    for line in visitor.visited:
        print("  visited", line)
    if os.environ.get("BROWSER_REPORT"):  # a file collecting every visit and problem
        with open(os.environ["BROWSER_REPORT"], "a", encoding="utf-8") as out:
            out.write(summary + f", {len(visitor.problems)} problems\n")
            out.writelines(f"  {line}\n" for line in visitor.visited + visitor.problems)
    assert not visitor.problems, summary + "\n" + "\n".join(visitor.problems)
