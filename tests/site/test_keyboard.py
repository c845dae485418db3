"""Keyboard only: from the home page to a story through search, and through the theme
listing, with nothing but Tab, the arrow keys and Enter (issue #17)."""

from __future__ import annotations

import pytest

MAX_TABS = 80


@pytest.fixture(scope="module")
def prod(sample_site, serve) -> str:
    return serve(sample_site)


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def _tab_to(page, matches: str) -> None:
    """Press Tab until the focused element satisfies `matches` (a JS predicate on `el`)."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {matches}; }})()"):
            return
    raise AssertionError(f"{MAX_TABS} presses of Tab never reached: {matches}")


def test_a_story_is_reached_through_search_by_keyboard(page, prod):
    page.goto(prod)
    page.wait_for_load_state("networkidle")
    _tab_to(page, "el.matches('input[type=search], input[role=combobox], .md-search__input')")
    page.keyboard.type("第一锹土")
    page.wait_for_selector("[role=option]", timeout=15000)
    page.keyboard.press("ArrowDown")
    active = page.evaluate(
        "document.activeElement.getAttribute('aria-activedescendant')"
        " || document.activeElement.textContent"
    )
    assert active, "ArrowDown selects an option the screen reader is told about"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "/stories/" in page.url
    assert page.locator("h1").first.inner_text().strip()


def test_a_story_is_reached_through_the_theme_listing_by_keyboard(page, prod):
    page.goto(prod)
    page.wait_for_load_state("networkidle")
    _tab_to(page, "el.tagName === 'A' && el.getAttribute('href') && /themes\\/?$/.test(el.href)")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/").endswith("themes")
    _tab_to(page, "el.tagName === 'A' && /themes\\/[a-z0-9-]+\\/?$/.test(el.href)")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    _tab_to(page, "el.tagName === 'A' && /stories\\/[a-z0-9-]+\\/?$/.test(el.href)")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "/stories/" in page.url and page.locator("h1").count() == 1


def test_the_first_tab_offers_a_visible_skip_to_the_content(page, prod):
    page.goto(prod + "stories/first-shovel-1953/")
    page.wait_for_load_state("networkidle")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text().strip() == "跳转至正文"
    box = skip.bounding_box()
    assert box and box["width"] > 20 and box["height"] > 10  # on screen once focused
    # it fades in (Material's transition) and then stays fully shown
    page.wait_for_function("getComputedStyle(document.activeElement).opacity === '1'")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # the next stop is in the content, past header and tabs
    assert page.evaluate("!!document.activeElement.closest('.md-content')")


def test_the_dropdown_announces_its_count_and_escape_closes_it(page, prod):
    page.goto(prod)
    page.wait_for_load_state("networkidle")
    box = page.locator("[data-culture-search] input")
    box.click()
    box.type("王建国", delay=15)
    page.wait_for_selector("[data-culture-search][data-query='王建国']", timeout=15000)
    status = page.locator(".culture-search__status")
    assert status.get_attribute("role") == "status"
    shown = page.locator("#culture-search-results a[role=option]").count() - 1  # 查看全部
    assert shown > 0
    assert status.inner_text().startswith(f"找到 {shown} 条")
    assert not status.is_visible() or status.bounding_box()["width"] <= 1  # read, not seen
    box.press("Escape")
    assert page.locator("#culture-search-results").is_hidden()
    assert box.get_attribute("aria-expanded") == "false"
    box.fill("")
    box.type("齉龘靐", delay=15)
    page.wait_for_selector("[data-culture-search][data-query='齉龘靐']", timeout=15000)
    assert "没有找到" in status.inner_text()


def test_the_navigation_drawer_opens_and_closes_from_the_keyboard_on_a_narrow_screen(browser, prod):
    """At a phone's width (or a desktop zoomed to it) the nav lives in Material's drawer."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 812})
    page = context.new_page()
    try:
        page.goto(prod + "stories/first-shovel-1953/")
        page.wait_for_load_state("networkidle")
        opener = page.locator("[data-culture-drawer]")
        _tab_to(page, "el.hasAttribute('data-culture-drawer')")
        assert opener.get_attribute("aria-expanded") == "false"
        page.keyboard.press("Enter")
        assert page.locator("#__drawer").is_checked()
        assert opener.get_attribute("aria-expanded") == "true"
        drawer = page.locator(".md-sidebar--primary")
        page.wait_for_function(
            "document.querySelector('.md-sidebar--primary').getBoundingClientRect().left >= 0"
        )
        assert drawer.get_by_role("link", name="工匠风采").first.is_visible()
        page.keyboard.press("Escape")
        assert not page.locator("#__drawer").is_checked()
        assert page.evaluate("document.activeElement.hasAttribute('data-culture-drawer')")
        page.keyboard.press(" ")  # Space presses it too; then Tab into the drawer's links
        assert page.locator("#__drawer").is_checked()
        _tab_to(page, "el.tagName === 'A' && !!el.closest('.md-sidebar--primary')")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator("h1").count() == 1
    finally:
        context.close()
