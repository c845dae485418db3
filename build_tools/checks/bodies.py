"""Markdown bodies: no raw HTML (and never a script), no script links, no invisible
control characters, no nesting too deep to render, no silent empty pages, headings in
order under the page's title.

Every piece of Markdown is read through the one parse of `content/markdown.py`, so what is
checked here is what the site shows, search indexes and the booklet prints."""

from __future__ import annotations

import re
from collections.abc import Iterator

from build_tools.config import Settings
from build_tools.content.corpus import Corpus
from build_tools.content.markdown import (
    NESTING_LIMIT,
    LinkProblem,
    control_characters,
    facts,
    links,
    parse,
    raw_html,
    too_deep,
)
from build_tools.content.model import Body, Craftsman, Story
from build_tools.diagnostics import Diagnostic, Location, diagnostic

# Control characters reported one by one per text; a pasted document can hold hundreds.
CONTROL_REPORTS = 10
# What every heading needs: `#` (ATX) or an underline of `=` or `-` (setext). A text without
# any is not parsed for its headings.
_MAY_HAVE_HEADING = re.compile(r"#|^[ \t>]*(?:=+|-+)[ \t]*$", re.M)


def markdown_texts(corpus: Corpus, *, everything: bool = False) -> Iterator[tuple[str, Body]]:
    """Every piece of Markdown in the corpus with its file and first line: bodies, hall
    intros and collection forewords (of the files in the corpus's scope, if it has one,
    unless `everything` is asked for)."""
    scope = None if everything else corpus.scope
    for item in corpus.items():
        wanted = scope is None or item.origin.path in scope
        if wanted and item.kind in ("story", "craftsman", "panel"):
            yield item.origin.path, item.body
    for path, body in corpus.unvalidated_bodies:
        if scope is None or path in scope:
            yield path, body
    for hall in corpus.halls.values():
        if hall.intro and (scope is None or hall.origin.path in scope):
            yield hall.origin.path, _field_body(hall.origin.at("intro").line, hall.intro)
    for collection in corpus.collections.values():
        if collection.foreword and (scope is None or collection.origin.path in scope):
            line = collection.origin.at("foreword").line
            yield collection.origin.path, _field_body(line, collection.foreword)


def _field_body(line: int, text: str) -> Body:
    # A block scalar (`intro: |`) starts its text on the next line.
    return Body(text, line + 1 if "\n" in text.strip() else line)


def check_bodies(corpus: Corpus, settings: Settings) -> Iterator[Diagnostic]:
    for path, body in markdown_texts(corpus):
        yield from _heading_problems(path, body)
        if facts(body.markdown).quiet:
            continue
        for found in raw_html(body.markdown):
            snippet = found.text if len(found.text) <= 40 else found.text[:40] + "…"
            if "<script" in found.text.lower():
                message = (
                    f"正文中不能有脚本“{snippet}”：它会在读者的浏览器中运行。"
                    "请删去；网站只会把它显示为普通文字"
                )
            else:
                message = (
                    f"正文中不能写 HTML“{snippet}”，请改用 Markdown；网站只会把它显示为普通文字"
                )
            where = Location(path, body.line + found.line - 1, found.column)
            yield diagnostic("E-BODY-HTML", where, message)
        yield from _link_problems(path, body)
        yield from _control_characters(path, body)
        deep = too_deep(body.markdown)
        if deep is not None:
            message = (
                f"Markdown 嵌套了 {deep.depth} 层（列表、引用或加粗、斜体），超过上限 "
                f"{NESTING_LIMIT} 层；请检查这一带是否多打了 > - * 等符号"
            )
            where = Location(path, body.line + deep.line - 1, 1)
            yield diagnostic("E-BODY-NESTING", where, message)
    for item in (*corpus.stories.values(), *corpus.craftsmen.values()):
        if not item.body.markdown.strip():
            what = (
                "故事"
                if isinstance(item, Story)
                else "人物介绍"
                if isinstance(item, Craftsman)
                else ""
            )
            message = f"{what}正文是空的"
            yield diagnostic("W-BODY-EMPTY", Location(item.origin.path, item.body.line, 1), message)


def _heading_problems(path: str, body: Body) -> Iterator[Diagnostic]:
    """Headings a screen reader can follow: the page's title is the only `#`, and each
    heading is at most one level deeper than the one before (the title counts as `#`)."""
    if not _MAY_HAVE_HEADING.search(body.markdown):
        return
    before = 1
    for token in parse(body.markdown).tokens:
        if token.type != "heading_open" or not token.map:
            continue
        level = int(token.tag[1:])
        where = Location(path, body.line + token.map[0], 1)
        if level == 1:
            message = (
                "正文中用了一级标题 #：页面标题已经是一级标题，网站只能把这里降为二级标题显示；"
                "请改用 ## 二级标题"
            )
            yield diagnostic("W-BODY-HEADING", where, message)
        elif level > before + 1:
            above = "页面标题（#）" if before == 1 else f" {'#' * before} "
            message = (
                f"标题从{above}跳到了 {'#' * level}，中间少了一级：看不见页面的读者靠标题层级"
                f"了解文章结构，网站只能按 {'#' * (before + 1)} 显示；请改用 {'#' * (before + 1)}"
            )
            yield diagnostic("W-BODY-HEADING", where, message)
        before = level


def _shown(text: str, limit: int = 60) -> str:
    """A URL as a message can show it: invisible characters spelled out, long ones cut."""
    shown = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
    return shown if len(shown) <= limit else shown[:limit] + "…"


def _link_problems(path: str, body: Body) -> Iterator[Diagnostic]:
    for link in links(body.markdown):
        where = Location(path, body.line + link.line - 1, link.column)
        if link.problem is LinkProblem.UNSAFE:
            message = (
                f"链接“{_shown(link.href)}”使用了不安全的协议“{_shown(link.detail)}”，"
                "网站不会生成这个链接；请改用 http(s) 网址或站内链接"
            )
            yield diagnostic("E-BODY-LINK", where, message)
        elif link.problem is LinkProblem.EXTERNAL:
            message = (
                f"链接“{_shown(link.href)}”指向其他网站（{_shown(link.detail)}），"
                "内网读者可能打不开"
            )
            yield diagnostic("W-BODY-LINK-EXTERNAL", where, message)


def _control_characters(path: str, body: Body) -> Iterator[Diagnostic]:
    found = control_characters(body.markdown)
    for char in found[:CONTROL_REPORTS]:
        line = body.line + char.line - 1
        message = (
            f"第 {line} 行第 {char.column} 个字处有看不见的控制字符 U+{char.codepoint:04X}，"
            f"请删去（可在 VS Code 的“查找”中打开正则表达式，输入 \\x{char.codepoint:02x} 定位）"
        )
        yield diagnostic("E-BODY-CONTROL", Location(path, line, char.column), message)
    if len(found) > CONTROL_REPORTS:
        last = found[CONTROL_REPORTS]
        message = (
            f"这段文字中还有 {len(found) - CONTROL_REPORTS} 个看不见的控制字符"
            "（上面只列出了前几个），请一并删去"
        )
        where = Location(path, body.line + last.line - 1, last.column)
        yield diagnostic("E-BODY-CONTROL", where, message)
