"""The search box and the results page as readers use them."""

from __future__ import annotations

import json
import shutil
from urllib.parse import quote, urlsplit

from build_tools.cli import check_content
from tests.conftest import PROJECT


def _type(page, text: str) -> None:
    box = page.locator("[data-culture-search] input")
    box.click()
    box.fill("")
    box.type(text, delay=15)
    page.wait_for_selector(f"[data-culture-search][data-query='{text}']", timeout=15_000)


def test_keyboard_opens_the_second_result(sample_site, serve, page):
    base = serve(sample_site)
    page.goto(base + "stories/first-shovel-1953/")
    _type(page, "王建国")
    results = page.locator("#culture-search-results a[role=option]")
    assert results.count() >= 2
    second = results.nth(1).get_attribute("href")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert (
        page.locator("#culture-search-results a[aria-selected=true]").get_attribute("href")
        == second
    )
    page.keyboard.press("Enter")
    page.wait_for_url(second)
    page.keyboard.press("Escape")


def test_enter_without_a_choice_opens_the_shareable_results_page(sample_site, serve, page):
    base = serve(sample_site)
    page.goto(base)
    _type(page, "开关")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    page.wait_for_selector("[data-culture-search-page][data-state=ready]")
    titles = page.locator(".culture-search-page__results .culture-result__title").all_inner_texts()
    assert "马师傅的最后一个夜班" in titles
    assert page.locator(".culture-search-page__results mark").first.inner_text() == "开关"


def test_results_page_filters_by_type_and_can_be_bookmarked(sample_site, serve, page):
    base = serve(sample_site)
    page.goto(base + "search/?q=" + quote("马德山") + "&type=" + quote("工匠"))
    page.wait_for_selector("[data-culture-search-page][data-state=ready]")
    types = page.locator(".culture-search-page__results .culture-result__type").all_inner_texts()
    assert types and set(types) == {"工匠"}
    page.select_option("select[name=type]", "故事")
    page.wait_for_function("() => new URL(location.href).searchParams.get('type') === '故事'")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.culture-search-page__results .culture-result__type')]"
        ".every(e => e.textContent === '故事')"
    )
    assert page.locator(".culture-search-page__results li").count() >= 2


def test_searching_requests_nothing_outside_the_site(sample_site, serve, page):
    base = serve(sample_site)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(base)
    _type(page, "东山煤矿")
    _type(page, "艰苦创业")
    assert any("/pagefind/" in url for url in requested)
    assert [u for u in requested if not u.startswith(origin)] == []


def test_unpublished_items_cannot_be_found(sample_site, serve, page):
    _, corpus, _ = check_content(PROJECT)
    hidden = [s for s in corpus.stories.values() if not s.is_published]
    entities = "".join(
        p.read_text(encoding="utf-8") for p in (sample_site / "search/entities").glob("*.json")
    )
    for story in hidden:
        assert story.title not in entities
    base = serve(sample_site)
    page.goto(base)
    for story in hidden:
        _type(page, story.title)
        hrefs = page.locator("#culture-search-results a[role=option]").evaluate_all(
            "els => els.map(e => e.href)"
        )
        assert not any(story.id in h for h in hrefs), story.id


def test_entity_index_knows_traditional_spellings(sample_site):
    from build_tools.site.search import bucket

    folder = sample_site / "search/entities"
    count = json.loads((folder / "index.json").read_text())["names"]

    def exact(key: str) -> list:
        names = json.loads((folder / f"names-{bucket(key, count)}.json").read_text("utf-8"))
        return names.get(key, [])

    assert any(url == "craftsmen/wang-jian-guo/" for _, _, _, url, *_ in exact("王建國"))
    assert any(url == "units/mine-1/" for _, _, _, url, *_ in exact("老一礦"))
    t2s = json.loads((sample_site / "search/t2s.json").read_text(encoding="utf-8"))
    assert t2s["鐵"] == "铁"


def test_an_index_built_in_parts_is_searched_whole(tmp_path, serve, page, monkeypatch):
    from build_tools.site.build import build_site
    from build_tools.site.search import pagefind

    monkeypatch.setattr(pagefind, "PART_WORDS", 5000)  # the sample's 47 records in a few parts
    site = build_site(PROJECT / "mkdocs.yml", tmp_path / "site")
    parts = json.loads((site / "search/parts.json").read_text())["parts"]
    assert parts >= 4
    assert (site / f"pagefind-{parts - 1}/pagefind-entry.json").is_file()
    base = serve(site)
    page.goto(base)
    for query, expected in [
        ("输电线路上挂满了冰凌", "stories/ice-storm-2008/"),
        ("下来时两条腿直打颤", "craftsmen/liu-shan/"),
        ("一盏老矿灯", "halls/culture-hall/miners-lamp-1958/"),
    ]:
        _type(page, query)
        first = page.locator("#culture-search-results a[role=option]").first.get_attribute("href")
        assert urlsplit(first).path.endswith(expected), (query, first)


def test_a_site_with_nothing_published_yet_builds_and_searches(tmp_path, serve, page):
    from build_tools.site.build import build_site

    content = tmp_path / "content"
    content.mkdir()
    (content / "units.yml").write_text("- id: group\n  name: 集团\n", encoding="utf-8")
    (content / "themes.yml").write_text("- name: 主题\n  slug: theme\n", encoding="utf-8")
    from tests.sitetools import site_project

    project = site_project(tmp_path / "p", stories=content)
    site = build_site(project / "mkdocs.yml", tmp_path / "site")
    assert json.loads((site / "search/parts.json").read_text())["parts"] == 0
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(serve(site))
    _type(page, "王建国")
    assert "没有找到" in page.locator("#culture-search-results").inner_text()
    assert errors == []


def test_without_the_search_worker_names_are_still_found(sample_site, serve, page):
    # A browser that cannot start the worker (here: it never arrives) still finds people
    # by name from the entity index, and is told why the rest is missing.
    page.route("**/search-worker.js", lambda route: route.fulfill(status=404, body=""))
    page.goto(serve(sample_site))
    _type(page, "王建国")
    results = page.locator("#culture-search-results")
    first = results.locator("a[role=option]").first.get_attribute("href")
    assert urlsplit(first).path.endswith("/craftsmen/wang-jian-guo/")
    assert "无法进行全文搜索" in results.inner_text()


def test_pinyin_being_composed_is_not_searched(sample_site, serve, page):
    # Readers type Chinese through an input method: while it composes, the box holds
    # pinyin. Only the committed characters are searched.
    page.goto(serve(sample_site))
    box = page.locator("[data-culture-search] input")
    box.click()
    cdp = page.context.new_cdp_session(page)
    cdp.send(
        "Input.imeSetComposition", {"text": "wangjianguo", "selectionStart": 11, "selectionEnd": 11}
    )
    page.wait_for_timeout(500)
    assert box.input_value() == "wangjianguo"
    assert page.locator("[data-culture-search]").get_attribute("data-query") in (None, "")
    assert page.locator("#culture-search-results").is_hidden()
    cdp.send("Input.insertText", {"text": "王建国"})
    page.wait_for_selector("[data-culture-search][data-query='王建国']", timeout=15_000)
    first = page.locator("#culture-search-results a[role=option]").first.get_attribute("href")
    assert urlsplit(first).path.endswith("/craftsmen/wang-jian-guo/")


def _hrefs(page) -> list[str]:
    return page.locator("#culture-search-results a[role=option]").evaluate_all(
        "els => els.map(e => new URL(e.href).pathname)"
    )


def test_a_delta_supersedes_the_main_index_in_the_browser(sample_site, tmp_path, serve, page):
    # The second build indexes only what changed: a story rewritten and one taken off
    # the site. The reader finds the new text, and neither the old text nor the story
    # taken off, though the main index still holds both.
    from build_tools.content.audience import Audience
    from build_tools.content.model import Body
    from build_tools.site.relations import SiteIndex
    from build_tools.site.search import BackgroundIndexer, write_entities

    _, corpus, _ = check_content(PROJECT)
    site = tmp_path / "site"
    shutil.copytree(sample_site, site)
    cache = tmp_path / "cache"
    first = BackgroundIndexer(
        SiteIndex.build(corpus, Audience.PRODUCTION), tmp_path / "w1", cache_dir=cache
    )
    first.finish(site)
    flood = corpus.stories["xigou-flood-1963"]
    flood.attach(flood.id, flood.origin, Body("那一夜山洪冲垮了河堤，全矿的人都上了堤坝。", 1))
    corpus.stories["washery-flotation-1988"].status = "draft"
    index = SiteIndex.build(corpus, Audience.PRODUCTION)
    second = BackgroundIndexer(index, tmp_path / "w2", cache_dir=cache)
    assert second.finish(site) == 2
    assert second.built is not None and second.built.how == "delta"
    assert len(json.loads((site / "search/parts.json").read_text())["superseded"]) >= 2
    write_entities(site, index)

    page.goto(serve(site))
    _type(page, "山洪冲垮了河堤")
    assert _hrefs(page)[0].endswith("/stories/xigou-flood-1963/")
    for gone in ("一只鞋跑丢了也没顾上", "这是一池子钱"):  # still in the main index
        _type(page, gone)
        shown = page.locator("#culture-search-results").inner_text()
        assert "没有找到" in shown and "无法进行全文搜索" not in shown, gone
    _type(page, "输电线路上挂满了冰凌")  # the main index still answers for the rest
    assert _hrefs(page)[0].endswith("/stories/ice-storm-2008/")


def test_an_index_installed_after_the_page_loaded_is_found(sample_site, tmp_path, serve, page):
    # The preview installs the index a moment after the page has reloaded: a query
    # before says full text is unavailable, the next one finds it.
    site = tmp_path / "site"
    shutil.copytree(sample_site, site, ignore=shutil.ignore_patterns("pagefind*", "parts.json"))
    page.goto(serve(site))
    _type(page, "这是一池子钱")
    assert "无法进行全文搜索" in page.locator("#culture-search-results").inner_text()
    for name in ("pagefind", "search/parts.json"):
        (shutil.copytree if (sample_site / name).is_dir() else shutil.copy)(
            sample_site / name, site / name
        )
    _type(page, "这是一池子钱")
    assert _hrefs(page)[0].endswith("/stories/washery-flotation-1988/")
