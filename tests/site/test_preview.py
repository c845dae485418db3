"""The live preview as an editor meets it: `culture serve` running, files saved while it
runs, the terminal and the pages read after each rebuild."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sitetools import Preview, site_project


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    server = Preview(site_project(tmp_path / "project"))
    server.wait_for("stories/first-shovel/", lambda t: "第一锹土" in t)
    yield server
    server.close()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_content_error_shows_in_the_terminal_the_banner_and_the_items_page(preview):
    story = preview.project / "stories/red/first-shovel.md"
    page = preview.get("stories/first-shovel/")
    assert "culture-problems" not in page
    assert _counts(preview) == {"errors": 0, "warnings": 0}

    _edit(story, "unit: mine-1", "unit: mine-9")
    page = preview.wait_for("stories/first-shovel/", lambda t: "culture-problems" in t)
    # on the item's own page, next to its title, in Chinese, with the line
    assert "未知的单位“mine-9”" in page and "第 5 行第 7 列" in page
    # the terminal has the same line as `culture check`
    assert (
        "stories/red/first-shovel.md:5:7: error E-REF-UNIT 未知的单位“mine-9”" in preview.terminal()
    )
    # every page carries the banner, linking to the list of all problems; it reads the
    # counts of the latest rebuild from the site (pages not rendered again show them too)
    home = preview.get("")
    assert "culture-preview-banner" in home and 'data-list="problems/"' in home
    assert _counts(preview)["errors"] == 1
    listing = preview.get("problems/")
    assert "stories/red/first-shovel.md" in listing and "未知的单位“mine-9”" in listing
    assert 'href="../stories/first-shovel/"' in listing

    _edit(story, "unit: mine-9", "unit: mine-1")
    page = preview.wait_for("stories/first-shovel/", lambda t: "culture-problems" not in t)
    assert _counts(preview)["errors"] == 0


def _counts(preview: Preview) -> dict[str, int]:
    return json.loads(preview.get("problems/summary.json"))


def test_unparseable_yaml_keeps_the_last_good_version_and_recovers_by_itself(preview):
    story = preview.project / "stories/red/first-shovel.md"
    good = story.read_text(encoding="utf-8")
    _edit(story, "title: 第一锹土", "title：第一锹土（改）\nsummary: [未闭合")
    page = preview.wait_for("stories/first-shovel/", lambda t: "culture-problems" in t)
    assert "第一锹土" in page  # the last version that loaded, still readable
    assert "上次能正确读取的版本" in page
    assert "全角冒号" in page
    terminal = preview.terminal()
    assert "E-YAML-FULLWIDTH-COLON" in terminal
    assert "appear stuck" not in terminal and "Traceback" not in terminal
    assert preview.process.poll() is None

    story.write_text(good.replace("第一锹土", "第一锹土（新）"), encoding="utf-8")
    page = preview.wait_for("stories/first-shovel/", lambda t: "第一锹土（新）" in t)
    assert "culture-problems" not in page


def test_the_banner_is_seen_in_a_browser(preview, page):
    page.goto(preview.base)
    assert page.locator(".culture-preview-banner").is_hidden()  # nothing wrong: no banner
    assert page.locator(".md-banner").is_hidden()
    page.goto("about:blank")  # or the live reload and our visit below would race
    _edit(preview.project / "stories/red/night-shift.md", "status: published", "status: 已发布")
    preview.wait_for("problems/summary.json", lambda t: '"errors": 1' in t)
    page.goto(preview.base)
    banner = page.locator(".culture-preview-banner")
    banner.wait_for(state="visible")  # filled once the counts have arrived
    assert "1 个错误" in banner.inner_text()
    banner.get_by_role("link").click()
    page.wait_for_url("**/problems/")
    assert "stories/red/night-shift.md" in page.locator("article").inner_text()
    assert page.locator(".culture-problems").count() == 0  # one box per item, not the page
    page.goto(preview.base + "stories/night-shift/")
    box = page.locator(".culture-problems")
    assert box.is_visible() and "status" in box.inner_text()
    assert box.bounding_box()["y"] < page.locator(".culture-facts").bounding_box()["y"]


def test_a_production_build_has_no_banner_and_no_problem_list(sample_site):
    assert not (sample_site / "problems").exists()
    for page in sample_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "culture-preview-banner" not in html and "culture-problems" not in html, page


def test_the_plugins_own_warnings_never_reach_mkdocs_strict_counter_in_the_preview(capsys):
    """MkDocs counts warnings on its logger in strict mode and, in `serve`, stops
    rebuilding on the first one; in the preview ours go to the terminal instead."""
    import logging

    from build_tools.site import preview as preview_module

    counted: list[logging.LogRecord] = []

    class Counter(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            counted.append(record)

    counter = Counter(logging.WARNING)
    mkdocs = logging.getLogger("mkdocs")
    mkdocs.addHandler(counter)
    plugin_log = logging.getLogger("mkdocs.plugins.culture")
    try:
        preview_module.own_logs(plugin_log, preview=True)
        logging.getLogger("mkdocs.plugins.culture.search").warning("记录被拒绝")
        assert counted == []
        assert "culture：记录被拒绝" in capsys.readouterr().err
        preview_module.own_logs(plugin_log, preview=False)  # a build afterwards: counted
        logging.getLogger("mkdocs.plugins.culture.search").warning("记录被拒绝")
        assert [r.getMessage() for r in counted] == ["记录被拒绝"]
    finally:
        mkdocs.removeHandler(counter)
        preview_module.own_logs(plugin_log, preview=False)


def test_every_page_showing_an_edit_shows_it_after_the_rebuild(preview, page):
    """One serve, four edits an editor makes; each page that shows the edited thing
    shows it after the rebuild: an incremental preview may never leave one stale."""
    project = preview.project
    # a story's title: its page, the listings and collection that show it, search
    _edit(project / "stories/red/first-shovel.md", "title: 第一锹土", "title: 东山第一锹")
    preview.wait_for("stories/first-shovel/", lambda t: "东山第一锹" in t)
    for shown in ("stories/", "themes/pioneering/", "units/mine-1/", "collections/red-memory/"):
        assert "东山第一锹" in preview.get(shown), shown
    assert "东山第一锹" in preview.get("craftsmen/wang-jian-guo/")  # "appears in"
    # a theme's name (and the stories that carry it, as the editor renames them)
    _edit(project / "stories/themes.yml", "name: 艰苦创业", "name: 艰苦奋斗")
    _edit(project / "stories/red/first-shovel.md", "themes: [艰苦创业]", "themes: [艰苦奋斗]")
    preview.wait_for("themes/pioneering/", lambda t: "艰苦奋斗" in t)
    assert "艰苦奋斗" in preview.get("stories/first-shovel/")
    assert "艰苦奋斗" in preview.get("themes/")
    # a unit's name: the unit page, the story's facts, the cards in listings
    _edit(project / "stories/units.yml", "name: 第一煤矿", "name: 东山煤矿")
    preview.wait_for("units/mine-1/", lambda t: "东山煤矿" in t)
    assert "东山煤矿" in preview.get("stories/first-shovel/")
    assert "东山煤矿" in preview.get("stories/")
    assert "东山煤矿" in preview.get("units/")
    # a collection's items
    collection = project / "stories/collections/red-memory.yml"
    assert "夜班" in preview.get("collections/red-memory/")
    _edit(collection, "  - night-shift\n", "")
    preview.wait_for("collections/red-memory/", lambda t: "stories/night-shift/" not in t)
    # and search, which may come a moment after the pages
    page.goto(preview.base)
    box = page.locator("[data-culture-search] input")
    for _ in range(60):
        box.fill("")
        box.type("东山第一锹", delay=10)
        found = page.locator("#culture-search-results a[role=option]")
        try:
            found.first.wait_for(timeout=2_000)
        except Exception:  # the index is still being made
            page.reload()
            box = page.locator("[data-culture-search] input")
            continue
        if any("first-shovel" in (a.get_attribute("href") or "") for a in found.all()):
            break
        page.reload()
        box = page.locator("[data-culture-search] input")
    else:
        raise AssertionError("the new title was never found by search in the preview")
