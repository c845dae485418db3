"""The live preview as an editor meets it: `culture serve` running, files saved while it
runs, the terminal and the pages read after each rebuild."""

from __future__ import annotations

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
    assert "culture-problems" not in page and "culture-preview-banner" not in page

    _edit(story, "unit: mine-1", "unit: mine-9")
    page = preview.wait_for("stories/first-shovel/", lambda t: "culture-problems" in t)
    # on the item's own page, next to its title, in Chinese, with the line
    assert "未知的单位“mine-9”" in page and "第 5 行第 7 列" in page
    # the terminal has the same line as `culture check`
    assert (
        "stories/red/first-shovel.md:5:7: error E-REF-UNIT 未知的单位“mine-9”" in preview.terminal()
    )
    # every page carries the banner, linking to the list of all problems
    home = preview.get("")
    assert "culture-preview-banner" in home and "1 个错误" in home
    assert 'href="problems/"' in home
    listing = preview.get("problems/")
    assert "stories/red/first-shovel.md" in listing and "未知的单位“mine-9”" in listing
    assert 'href="../stories/first-shovel/"' in listing

    _edit(story, "unit: mine-9", "unit: mine-1")
    page = preview.wait_for("stories/first-shovel/", lambda t: "culture-problems" not in t)
    assert "culture-preview-banner" not in preview.get("")


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
    _edit(preview.project / "stories/red/night-shift.md", "status: published", "status: 已发布")
    preview.wait_for("", lambda t: "culture-preview-banner" in t)
    page.goto(preview.base)
    banner = page.locator(".culture-preview-banner")
    assert banner.is_visible()
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
