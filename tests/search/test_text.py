"""Full-text search on text as editors really write it: lines wrapped in the middle of a
sentence, rare characters, dates with digits, 繁体 queries; and the excerpt a reader sees
is the story's own words."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from build_tools.site.build import build_site
from tests.sitetools import FIXTURES, site_project

STORY = """\
---
title: 拆了又装的绞车
date: 1966-03
unit: mine-1
themes: [工匠精神]
summary: 一台旧绞车的故事。
status: published
---

1966年3月2日清晨，老钳工把那台绞车
拆开又装上，一连三遍。

后来大家在井口立了一块𪚥字碑，记下这件事。
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("text")
    content = tmp / "stories"
    shutil.copytree(FIXTURES / "valid" / "stories", content)
    (content / "red" / "winch.md").write_text(STORY, encoding="utf-8")
    project = site_project(tmp / "project", stories=content)
    return build_site(project / "mkdocs.yml", tmp / "site")


def _first(page, query: str) -> tuple[str, str]:
    box = page.locator("[data-culture-search] input")
    box.fill("")
    box.type(query, delay=10)
    page.wait_for_selector(f"[data-culture-search][data-query='{query}']", timeout=15_000)
    first = page.locator("#culture-search-results a[role=option]").first
    return first.get_attribute("href"), first.locator(".culture-result__excerpt").inner_text()


@pytest.mark.parametrize(
    "query",
    [
        "绞车拆开",  # the source breaks the line between 绞车 and 拆开
        "𪚥字碑",  # a character outside the basic plane
        "3月2日清晨",  # digits and characters
        "拆開又裝上",  # 繁体, found in simplified text
        "一连三遍",
    ],
)
def test_phrases_are_found_however_the_text_is_written(site, serve, page, query):
    page.goto(serve(site))
    href, _ = _first(page, query)
    assert href.endswith("/stories/winch/"), (query, href)


def test_the_excerpt_is_the_story_s_own_words(site, serve, page):
    page.goto(serve(site))
    _, excerpt = _first(page, "绞车拆开")
    shown = excerpt.strip("…")
    assert "老钳工把那台绞车拆开又装上，一连三遍" in shown
    # summary, body, then the unit and the themes, as the record lists them
    assert shown in (
        "一台旧绞车的故事。 1966年3月2日清晨，老钳工把那台绞车拆开又装上，一连三遍。"
        " 后来大家在井口立了一块𪚥字碑，记下这件事。 第一煤矿 工匠精神"
    )
    assert page.locator("#culture-search-results mark").first.inner_text() == "绞车拆开"


def test_only_the_index_and_its_reader_are_published(site):
    bundle = site / "pagefind"
    assert (bundle / "pagefind.js").is_file()
    assert not list(bundle.glob("pagefind-*ui*")), "Pagefind's own search UIs are not used"
    assert not (bundle / "pagefind-worker.js").exists()
