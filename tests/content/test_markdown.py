"""The one Markdown parse: links judged as a browser reads them, nesting bounded, control
characters found, and the page, the search text and the booklet agreeing on a body."""

from __future__ import annotations

import inspect
import random
import re
import sys
import unicodedata
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import TypeVar

import pytest
from markdown_it import MarkdownIt

from build_tools.content import markdown as md
from build_tools.content.markdown import (
    NESTING_LIMIT,
    LinkProblem,
    control_characters,
    count_characters,
    link_problem,
    links,
    nesting,
    parse,
    plain_text,
    too_deep,
)
from build_tools.content.media import MediaProblem, MediaRef
from build_tools.print.typst_markup import string, to_typst
from build_tools.site.images import ImageCatalog
from build_tools.site.render import BodyRenderer
from tests.conftest import FIXTURES

T = TypeVar("T")

# The four ways the security probe wrote the colon of `javascript:`.
SPELLINGS = [
    "javascript&#58;alert(1)",
    "javascript&colon;alert(1)",
    "javascript&#x3a;alert(1)",
    "jav&#x61;script:alert(1)",
]


def _refused(written_in: str, src: str) -> MediaRef:
    return MediaRef(src, written_in, None, MediaProblem.MISSING)


def _html(markdown: str, tmp_path: Path) -> str:
    renderer = BodyRenderer(ImageCatalog(tmp_path / "stories", tmp_path / "cache"), _refused)
    return str(renderer.render(markdown, "stories/x/", "stories/red/x.md"))


# -- one parse ---------------------------------------------------------------------------------


def test_each_text_is_parsed_once():
    text = "一段独一无二的文字，只在这个测试里出现。"
    assert parse(text) is parse(text)
    assert plain_text(text) == "一段独一无二的文字，只在这个测试里出现。\n"


# -- links ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "href",
    [
        *SPELLINGS,
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x01javascript:alert(1)",
        "java\u200bscript:alert(1)",
        "&#106;avascript:alert(1)",
        "javascript&#58alert(1)",  # no semicolon: browsers decode it all the same
        "javascript&amp;#58;alert(1)",  # twice encoded
        "javascript%3Aalert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "file:///etc/passwd",
        "ftp://example.com/x",
    ],
)
def test_unsafe_schemes_in_every_disguise(href):
    assert link_problem(href) is LinkProblem.UNSAFE


@pytest.mark.parametrize(
    "href",
    ["https://example.com/x", "http://example.com", "HTTPS://EXAMPLE.COM", "//example.com/x"],
)
def test_links_to_other_hosts_are_external(href):
    assert link_problem(href) is LinkProblem.EXTERNAL


@pytest.mark.parametrize(
    "href",
    [
        "../first-shovel/",
        "first-shovel.md",
        "/stories/first-shovel/",
        "#fn:1",
        "mailto:xcb@example.com",
        "tel:0351-1234567",
        "x.md?at=10:30",
        "a/b:c",
        "",
    ],
)
def test_ordinary_links_are_fine(href):
    assert link_problem(href) is None


def test_markdown_it_alone_would_drop_them_silently():
    """Why the parser keeps every link: stock markdown-it makes these plain text, so a check
    reading its tokens would never see them."""
    stock = MarkdownIt("commonmark")
    for spelling in SPELLINGS:
        tokens = stock.parseInline(f"[点]({spelling})")[0].children or []
        assert [t.type for t in tokens] == ["text"]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_disguised_script_links_are_found_in_a_body_a_footnote_and_a_table(spelling):
    text = (
        f"正文里的[链接]({spelling})。\n\n"
        "有脚注[^1]。\n\n"
        "| 甲 | 乙 |\n|---|---|\n"
        f"| 一 | [表格]({spelling}) |\n\n"
        f"[^1]: 脚注里的[链接]({spelling})。\n"
    )
    found = [(link.line, link.column, link.problem, link.detail) for link in links(text)]
    assert found == [
        (1, 5, LinkProblem.UNSAFE, "javascript:"),
        (7, 7, LinkProblem.UNSAFE, "javascript:"),
        (9, 11, LinkProblem.UNSAFE, "javascript:"),
    ]
    assert all(link.href == "javascript:alert(1)" for link in links(text))


def test_autolinks_and_reference_links_are_judged_too():
    text = "见<javascript:alert(1)>和[参考][r]，还有<https://example.com/>。\n\n[r]: vbscript:x\n"
    assert [(link.problem, link.detail) for link in links(text)] == [
        (LinkProblem.UNSAFE, "javascript:"),
        (LinkProblem.UNSAFE, "vbscript:"),
        (LinkProblem.EXTERNAL, "example.com"),
    ]


# -- nesting ---------------------------------------------------------------------------------------


def test_nesting_counts_the_layers_a_reader_sees():
    assert nesting("平常的一段话。").depth == 0
    assert nesting("- 一\n  - 二\n    > 三 *四* **五**").depth == 4
    assert too_deep("- 一\n  - 二\n    - 三\n") is None


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("第一段。\n\n" + "- " * 500 + "深处\n", 500),
        ("第一段。\n\n" + "> " * 500 + "深处\n", 500),
        ("第一段。\n\n" + "1. " * 500 + "深处\n", 500),
        ("第一段。\n\n" + "*" * 300 + "加粗" + "*" * 300 + "\n", 150),
        ("第一段。\n\n" + "_" * 300 + "加粗" + "_" * 300 + "\n", 150),
    ],
)
def test_hostile_nesting_is_measured_where_it_is(text, depth):
    found = too_deep(text)
    assert found is not None
    assert (found.depth, found.line) == (depth, 3)
    assert found.depth > NESTING_LIMIT


def test_what_follows_a_hostile_line_is_still_read():
    text = "- " * 500 + "深处\n\n后文有[链接](javascript:alert(1))。\n"
    assert "后文有链接。" in plain_text(text)
    assert [(link.line, link.problem) for link in links(text)] == [(3, LinkProblem.UNSAFE)]


def test_nesting_by_indentation_is_caught_and_what_follows_kept():
    text = (
        "".join("  " * i + "- 层\n" for i in range(60)) + "\n后文有[链接](javascript:alert(1))。\n"
    )
    found = too_deep(text)
    assert found is not None and found.depth > NESTING_LIMIT
    assert "后文有链接。" in plain_text(text)
    assert [link.problem for link in links(text)] == [LinkProblem.UNSAFE]


def test_a_long_thematic_break_is_no_nesting():
    assert too_deep("* " * 100 + "\n\n文字") is None


def _with_little_stack(frames: int, run: Callable[[], T]) -> T:
    """Run `run` with only `frames` frames left below Python's recursion limit, as deep
    inside MkDocs or a booklet job it might be."""

    def dive(n: int) -> T:
        return run() if n <= 0 else dive(n - 1)

    spare = sys.getrecursionlimit() - len(inspect.stack(0)) - frames
    return dive(spare)


@pytest.mark.parametrize(
    "text",
    [
        "- " * 500 + "深处",
        "> " * 500 + "深处",
        "- > 1. " * 200 + "深处",
        "*" * 300 + "深处" + "*" * 300,
        "[" * 500 + "深处" + "]" * 500,
        "[深" * 300 + "](x)" * 300 + "处",
        "注[^1]\n\n[^1]: " + "> " * 500 + "深处",
        "".join("  " * i + "- 层\n" for i in range(200)),
    ],
    ids=["list", "quote", "mixed", "stars", "brackets", "links", "footnote", "indented"],
)
def test_no_nesting_exhausts_the_stack_anywhere(text, tmp_path):
    # Measured: the renderings need about 150 frames at most, the tree about 190.
    def everything() -> None:
        md.forget()
        parse(text).tree  # noqa: B018 - building it is the test
        plain_text(text)
        too_deep(text)
        links(text)
        _html(text, tmp_path)
        to_typst(text)

    _with_little_stack(250, everything)


def test_what_lies_too_deep_is_flattened_but_kept():
    text = "*" * 300 + "深处" + "*" * 300
    assert "深处" in plain_text(text)
    assert to_typst(text).count("#strong[") <= NESTING_LIMIT


# -- control characters -----------------------------------------------------------------------


def test_control_characters_are_found_with_line_and_column():
    text = "第一行\t有制表符。\r\n第二\x00行\x07。\n\x1b[0m\x7f\x85\x9f\n"
    assert [(c.line, c.column, c.codepoint) for c in control_characters(text)] == [
        (2, 3, 0x00),
        (2, 5, 0x07),
        (3, 1, 0x1B),
        (3, 5, 0x7F),
        (3, 6, 0x85),
        (3, 7, 0x9F),
    ]
    assert control_characters("只有\t制表符\n和换行\r\n。") == []


def test_no_rendering_carries_control_characters(tmp_path):
    text = "正文\x00有\x08控制\x1f字符\x85。\n\n```\n代码\x00\n```\n"
    control = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
    for rendered in (plain_text(text), _html(text, tmp_path), to_typst(text)):
        assert not control.search(rendered)
        assert "正文有控制字符" in rendered


# -- what the checks read ---------------------------------------------------------------------


def test_raw_html_is_recognised_with_its_place():
    found = md.raw_html("第一段。\n\n<script>x</script>\n\n第二段有 <b>粗</b>。\n")
    assert [(f.line, f.column, f.text) for f in found] == [
        (3, 1, "<script>x</script>"),
        (5, 6, "<b>"),
    ]


def test_images_keep_the_src_as_written():
    found = md.images("文字 ![甲](a.png) 和 ![乙](<../media/照片 一.jpg>)\n\n![](b.png)\n")
    assert [(f.line, f.column, f.text, f.alt) for f in found] == [
        (1, 4, "a.png", "甲"),
        (1, 18, "../media/照片 一.jpg", "乙"),
        (3, 1, "b.png", ""),
    ]


def test_plain_text_has_every_word_and_no_syntax():
    text = (
        "## 小标题\n\n第一行\n接着写，*强调*和`代码`。\nEnglish\nwords\n\n"
        "![图注](a.png)\n\n| 甲 | 乙 |\n|---|---|\n| 一 | 二 |\n\n"
        "脚注[^1]。\n\n[^1]: 注文。\n"
    )
    assert plain_text(text) == (
        "小标题\n第一行接着写，强调和代码。 English words\n图注\n甲\n乙\n一\n二\n脚注。\n注文。\n"
    )


def test_count_characters_skips_space_and_punctuation():
    assert count_characters("第一锹土， 挖下去！ab") == 9


# -- one body, three renderings ---------------------------------------------------------------

EVERY_CONSTRUCT = FIXTURES / "markdown" / "every-construct.md"
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")
_SENTENCE_END = re.compile(r"(?<=[。！？])")


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.main: list[str] = []
        self.notes: list[str] = []
        self.in_notes = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "div" and ("class", "footnote") in attrs:
            self.in_notes = 1
        elif self.in_notes and tag == "div":
            self.in_notes += 1

    def handle_endtag(self, tag: str) -> None:
        if self.in_notes and tag == "div":
            self.in_notes -= 1

    def handle_data(self, data: str) -> None:
        (self.notes if self.in_notes else self.main).append(data)


def _typst_footnotes(typst: str) -> tuple[str, list[str]]:
    """The Typst with each `#footnote[…]` taken out, and the footnotes' texts."""
    main: list[str] = []
    notes: list[str] = []
    i = 0
    while i < len(typst):
        if typst.startswith("#footnote[", i):
            depth, j = 1, i + len("#footnote[")
            while depth:
                if typst[j] == "\\":
                    j += 1
                elif typst[j] == "[":
                    depth += 1
                elif typst[j] == "]":
                    depth -= 1
                j += 1
            notes.append(typst[i + len("#footnote[") : j - 1])
            i = j
        else:
            main.append(typst[i])
            i += 1
    return "".join(main), notes


def _sentences(text: str) -> list[str]:
    """The Chinese text only (no markup, URLs or numbering), cut into sentences."""
    words = "".join(_CJK.findall(text))
    return [s for s in _SENTENCE_END.split(words) if s]


def test_page_search_text_and_booklet_say_the_same(tmp_path):
    body = EVERY_CONSTRUCT.read_text(encoding="utf-8")

    html = _VisibleText()
    html.feed(_html(body, tmp_path))

    search = plain_text(body)
    search_main, _, search_notes = search.partition("铁锹和扁担")
    search_notes = "铁锹和扁担" + search_notes

    typst = to_typst(body, lambda src, alt: f"#picture({string(src)}, {string(alt)})")
    typst_main, typst_notes = _typst_footnotes(typst)

    page = _sentences("".join(html.main))
    assert "那年七月，东山坡上还是一片荒地。" in page
    assert "商量明天东山坡旧照当年的工具" in "".join(page)  # the caption, in its place
    assert "开工日志：七月一日，晴。" in "".join(page)
    assert _sentences(search_main) == page
    assert _sentences(typst_main) == page
    notes = _sentences("".join(html.notes))
    assert notes == ["铁锹和扁担，一共十二件。", "企业文化展厅，办公楼一层。"]
    assert _sentences(search_notes) == notes
    assert _sentences("".join(typst_notes)) == notes


def test_the_fixture_has_every_construct_the_spec_allows():
    kinds = {token.type for token in parse(EVERY_CONSTRUCT.read_text(encoding="utf-8")).tokens}
    inline = {
        child.type
        for token in parse(EVERY_CONSTRUCT.read_text(encoding="utf-8")).tokens
        for child in token.children or []
    }
    assert {
        "heading_open",
        "paragraph_open",
        "blockquote_open",
        "bullet_list_open",
        "ordered_list_open",
        "table_open",
        "fence",
        "footnote_block_open",
    } <= kinds
    assert {"em_open", "strong_open", "code_inline", "image", "footnote_ref", "softbreak"} <= inline
    assert nesting(EVERY_CONSTRUCT.read_text(encoding="utf-8")).depth == 2  # the nested list


def test_count_characters_counts_what_it_did_one_character_at_a_time():
    def one_by_one(text: str) -> int:
        return sum(
            1 for ch in text if not ch.isspace() and not unicodedata.category(ch).startswith("P")
        )

    rng = random.Random(14)
    alphabet = "".join(
        chr(c)
        for low, high in ((0x20, 0x250), (0x3000, 0x3040), (0x4DF0, 0x4E10), (0x9FF0, 0xA010))
        for c in range(low, high)
    )
    alphabet += "\n\t 　，。！？“”《》一二三四五六（）"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        assert count_characters(text) == one_by_one(text), text
    assert count_characters("第一锹土，挖下去。 A-3") == 9


def test_what_the_checks_parse_the_site_does_not_parse_again(monkeypatch):
    md.forget()
    parsed: list[str] = []
    real = md._parse
    monkeypatch.setattr(md, "_parse", lambda text: parsed.append(text) or real(text))
    monkeypatch.setattr(md, "_CACHE_SIZE", 3)
    texts = [f"第{i}段 ![图{i}](a{i}.png)" for i in range(10)]
    with md.checking():  # more texts than the cache holds: all kept for the site
        assert all(md.images(text) for text in texts)
    assert all(parse(text).images for text in texts)  # the site
    assert len(parsed) == 10
    assert all(parse(text) for text in texts)  # done with: only the last 3 kept
    assert len(parsed) == 20
    with md.checking():
        parse("一段没人渲染的文字")
    md.new_run()  # a parse the site never asked for does not outlive its run
    parse("一段没人渲染的文字")
    assert len(parsed) == 22
