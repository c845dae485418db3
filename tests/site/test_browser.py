"""The site as a reader sees it, in Chromium, served from a sub-path (/culture/)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from build_tools.cli import check_content
from build_tools.site.build import build_site
from tests.conftest import PROJECT
from tests.sitetools import site_project


@pytest.fixture(scope="module")
def corpus():
    return check_content(PROJECT)[1]


@pytest.fixture(scope="module")
def prod(sample_site, serve) -> str:
    return serve(sample_site)


@pytest.fixture(scope="module")
def preview(preview_site, serve) -> str:
    return serve(preview_site)


def test_story_page_shows_the_date_at_its_precision(page, prod, corpus):
    story = corpus.stories["first-kilowatt-1958"]
    assert str(story.date) == "1958-07"
    page.goto(prod + "stories/first-kilowatt-1958/")
    assert page.locator(".culture-facts time").inner_text() == "1958年7月"
    assert page.locator("h1").first.inner_text() == story.title
    assert (
        page.locator(".culture-figure figcaption")
        .first.inner_text()
        .startswith(story.cover.caption)
    )


def test_theme_page_lists_exactly_its_published_stories(page, prod, corpus):
    theme = corpus.themes["艰苦创业"]
    expected = {s.id for s in corpus.stories.values() if "艰苦创业" in s.themes and s.is_published}
    assert any(not s.is_published for s in corpus.stories.values() if "艰苦创业" in s.themes)
    page.goto(prod + f"themes/{theme.slug}/")
    hrefs = page.locator(".culture-card__title a").evaluate_all("els => els.map(e => e.href)")
    listed = {urlsplit(h).path.rstrip("/").rsplit("/", 1)[-1] for h in hrefs}
    assert listed == expected


def test_hall_panels_come_in_tour_order(page, prod, corpus):
    hall = corpus.halls["culture-hall"]
    published = [p for p in hall.panels if p.is_published]
    page.goto(prod + "halls/culture-hall/")
    numbers = page.locator(".culture-panels .culture-number").all_inner_texts()
    assert numbers == [p.number for p in published]
    assert numbers == sorted(numbers)
    # walking the tour with “next” visits every published panel in order
    page.goto(prod + f"halls/culture-hall/{published[0].id}/")
    visited = [page.locator("h1 .culture-number").inner_text()]
    while page.locator(".culture-tour__next").count():
        page.locator(".culture-tour__next").click()
        visited.append(page.locator("h1 .culture-number").inner_text())
    assert visited == [p.number for p in published]


def test_an_alias_url_lands_on_the_new_page(page, prod):
    page.goto(prod + "stories/night-shift-1985/")
    page.wait_for_url("**/stories/last-night-shift-1983/")
    assert page.locator("h1").first.inner_text() == "马师傅的最后一个夜班"


def test_drafts_are_absent_in_production_and_badged_in_preview(page, prod, preview, corpus):
    draft = corpus.stories["melon-canteen-1960"]
    assert draft.status == "draft"
    response = page.goto(prod + "stories/melon-canteen-1960/")
    assert response.status == 404
    assert "页面不存在" in page.locator("article").inner_text()
    page.goto(prod + "units/mine-1/")
    assert draft.title not in page.content()

    page.goto(preview + "stories/melon-canteen-1960/")
    assert page.locator("h1 .culture-badge").inner_text() == "草稿"
    page.goto(preview + "units/mine-1/")
    card = page.locator(".culture-card", has_text=draft.title)
    assert card.locator(".culture-badge").inner_text() == "草稿"


def test_no_request_leaves_the_site(page, prod):
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(prod))
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    for path in (
        "",
        "stories/first-shovel-1953/",
        "craftsmen/wang-jian-guo/",
        "halls/culture-hall/miners-lamp-1958/",
    ):
        response = page.goto(prod + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
    assert len(requested) > 20
    outside = [url for url in requested if not url.startswith(origin)]
    assert outside == []


@pytest.mark.parametrize(
    "path", ["", "stories/first-shovel-1953/", "craftsmen/wang-jian-guo/", "halls/culture-hall/"]
)
def test_phone_width_has_no_horizontal_scroll(browser, prod, path, tmp_path):
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    page.goto(prod + path)
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{path or 'home'} is {width}px wide on a 375px phone"
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    context.close()


def test_a_title_with_markup_shows_as_text(page, serve, tmp_path):
    project = site_project(tmp_path / "project")
    story = project / "stories/red/night-shift.md"
    evil = "<img src=x onerror=alert(1)>"
    story.write_text(
        story.read_text(encoding="utf-8").replace("title: 夜班", f'title: "{evil}"'),
        encoding="utf-8",
    )
    site = build_site(project / "mkdocs.yml", tmp_path / "site")
    base = serve(site)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in ("stories/night-shift/", "stories/", "themes/safety/"):
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        assert page.locator("img[src='x']").count() == 0
    page.goto(base + "stories/night-shift/")
    assert page.locator("article h1").first.inner_text() == evil
    assert evil in page.title()
    assert dialogs == []


def test_search_engine_style_checks_of_screenshots_are_kept(sample_site):
    """The 404 page exists and speaks Chinese (MkDocs serves it for unknown URLs)."""
    text = (Path(sample_site) / "404.html").read_text(encoding="utf-8")
    assert "页面不存在" in text
