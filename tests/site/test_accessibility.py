"""Every kind of page passes axe-core's WCAG 2.1 A/AA rules without a serious or critical
violation, on a desktop and on a phone, with the search dropdown open and on the results
page. axe-core is the npm package build_tools/setup.sh installs (package.json pins it);
it is read from node_modules, never fetched while the test runs."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.sitetools import PROJECT

AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = {"serious", "critical"}
WIDTHS = [1280, 375]

# one page of each kind in the sample site
PAGES = {
    "home": "",
    "story": "stories/first-shovel-1953/",
    "craftsman": "craftsmen/wang-jian-guo/",
    "hall": "halls/culture-hall/",
    "panel": "halls/culture-hall/miners-lamp-1958/",
    "collection": "collections/red-memory-1/",
    "theme": "themes/craftsmanship/",
    "unit": "units/mine-1/",
    "timeline": "timeline/",
}
QUERY = "王建国"


@pytest.fixture(scope="module")
def prod(sample_site, serve) -> str:
    return serve(sample_site)


# the standard colours, and the reading mode's high contrast and large type (reading.js)
MODES = {"light": {}, "high-contrast": {"culture-contrast": "high", "culture-reading": "large"}}
VIEWS = [(width, mode) for mode in MODES for width in WIDTHS]


@pytest.fixture(params=VIEWS, ids=lambda v: f"{v[0]}px-{v[1]}")
def sized_page(request, browser):
    if not AXE.is_file():
        pytest.fail(
            f"{AXE.relative_to(PROJECT)} is missing: run `make setup` (npm ci --no-audit --no-fund)"
        )
    width, mode = request.param
    phone = width < 600
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": width, "height": 812 if phone else 900},
        is_mobile=phone,
        has_touch=phone,
    )
    stored = "".join(f"localStorage.setItem({k!r}, {v!r});" for k, v in MODES[mode].items())
    if stored:
        context.add_init_script(f"try {{ {stored} }} catch (e) {{}}")
    page = context.new_page()
    yield page
    context.close()


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})""", RULES
    )
    return [
        f"{v['id']} ({v['impact']}): {' | '.join(', '.join(n['target']) for n in v['nodes'])}"
        f" — {v['help']}"
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


def _load(page, url: str) -> None:
    """The page as a reader has it: loaded, its scripts run, its fonts in."""
    page.goto(url, wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")


@pytest.mark.parametrize("kind", PAGES)
def test_page_kind_has_no_serious_violation(sized_page, prod, kind):
    _load(sized_page, prod + PAGES[kind])
    found = serious_violations(sized_page)
    assert not found, f"{kind}:\n" + "\n".join(found)


def test_open_search_dropdown_has_no_serious_violation(sized_page, prod):
    _load(sized_page, prod + PAGES["story"])
    box = sized_page.locator("[data-culture-search] input")
    box.click()
    box.type(QUERY, delay=15)
    sized_page.wait_for_selector(f"[data-culture-search][data-query='{QUERY}']", timeout=15_000)
    sized_page.keyboard.press("ArrowDown")  # an option chosen, as a keyboard user has it
    assert sized_page.locator("#culture-search-results").is_visible()
    found = serious_violations(sized_page)
    assert not found, "\n".join(found)


def test_search_results_page_has_no_serious_violation(sized_page, prod):
    _load(sized_page, prod + "search/?q=" + quote(QUERY))
    sized_page.wait_for_selector("[data-culture-search-page][data-state=ready]", timeout=15_000)
    assert sized_page.locator(".culture-search-page__results li").count() > 0
    found = serious_violations(sized_page)
    assert not found, "\n".join(found)


def test_keyboard_focus_is_always_visible(sized_page, prod):
    """Each of the first stops Tab reaches (header, tabs, search, content) shows an outline."""
    _load(sized_page, prod + PAGES["story"])
    unseen = []
    for _ in range(25):
        sized_page.keyboard.press("Tab")
        focused = sized_page.evaluate(
            """() => { const e = document.activeElement, s = getComputedStyle(e);
                 return {what: e.outerHTML.slice(0, 80), style: s.outlineStyle,
                         width: parseFloat(s.outlineWidth)}; }"""
        )
        if focused["style"] == "none" or focused["width"] < 2:
            unseen.append(focused["what"])
    assert unseen == []


# -- a generated corpus: what editors write at scale, not only what the sample holds -------


@pytest.fixture(scope="module")
def corpus_site(corpus_400_site, serve) -> tuple[str, dict[str, str]]:
    """The generated 400-story corpus's site, served; one page of each kind in it."""
    site = corpus_400_site

    def first(folder: str, depth: int = 1) -> str:
        pages = sorted(
            p.parent
            for p in (site / folder).glob("/".join(["*"] * depth) + "/index.html")
            if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")[:600]  # an old id
        )
        assert pages, folder
        return pages[0].relative_to(site).as_posix() + "/"

    pages = {
        "home": "",
        "story": first("stories"),
        "craftsman": first("craftsmen"),
        "hall": first("halls"),
        "panel": first("halls", 2),
        "collection": first("collections"),
        "theme": first("themes"),
        "unit": first("units"),
        "timeline": "timeline/",
    }
    return serve(site), pages


@pytest.mark.parametrize("kind", PAGES)
def test_a_generated_corpus_has_no_serious_violation(sized_page, corpus_site, kind):
    base, pages = corpus_site
    _load(sized_page, base + pages[kind])
    found = serious_violations(sized_page)
    assert not found, f"{kind} ({pages[kind]}):\n" + "\n".join(found)
