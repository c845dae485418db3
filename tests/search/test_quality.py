"""Search quality as a reader meets it: each query typed into the header box of the
built site, the first result read off the page. Prints precision at 1 and MRR."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

QUERIES = yaml.safe_load((Path(__file__).parent / "queries.yml").read_text(encoding="utf-8"))


def _type(page, text: str) -> list[str]:
    box = page.locator("[data-culture-search] input")
    box.fill("")
    box.type(text, delay=15)
    page.wait_for_selector(f"[data-culture-search][data-query='{text}']", timeout=15_000)
    return page.locator(
        "#culture-search-results li.culture-result:not(.culture-result--all) a"
    ).evaluate_all("els => els.map(e => e.href)")


def _path(href: str, base: str) -> str:
    parts = urlsplit(href)
    path = parts.path[len(urlsplit(base).path) :]
    return path + (f"#{parts.fragment}" if parts.fragment else "")


@pytest.fixture(scope="module")
def measured(sample_site, serve, browser):
    base = serve(sample_site)
    page = browser.new_page()
    page.goto(base)
    ranks: dict[str, int | None] = {}
    shown: dict[str, list[str]] = {}
    for case in QUERIES:
        found = [_path(h, base) for h in _type(page, case["query"])]
        shown[case["query"]] = found
        if case["expect"] is None:
            ranks[case["query"]] = 1 if not found else None
        else:
            ranks[case["query"]] = (
                found.index(case["expect"]) + 1 if case["expect"] in found else None
            )
    page.close()
    return ranks, shown


def test_queries_file_covers_what_readers_search_for():
    kinds = " ".join(c["kind"] for c in QUERIES)
    assert len(QUERIES) >= 40
    for needed in (
        "工匠姓名（两字）",
        "人名",
        "单位",
        "曾用名",
        "标题片段",
        "正文短语",
        "主题",
        "年份",
        "繁体",
        "找不到",
    ):
        assert needed in kinds, needed


def test_precision_and_mrr(measured):
    ranks, shown = measured
    p_at_1 = sum(r == 1 for r in ranks.values()) / len(ranks)
    mrr = sum(1 / r for r in ranks.values() if r) / len(ranks)
    misses = {q: shown[q][:3] for q, r in ranks.items() if r != 1}
    print(f"\nsearch quality over {len(ranks)} queries: P@1 = {p_at_1:.3f}, MRR = {mrr:.3f}")
    print(f"not first: {misses}")
    assert p_at_1 >= 0.95, misses
    not_in_top5 = {q: shown[q][:5] for q, r in ranks.items() if r is None or r > 5}
    assert not_in_top5 == {}


def test_a_query_with_no_match_says_so(sample_site, serve, page):
    page.goto(serve(sample_site))
    _type(page, "量子计算机")
    assert (
        "没有找到与“量子计算机”相关的内容" in page.locator("#culture-search-results").inner_text()
    )
