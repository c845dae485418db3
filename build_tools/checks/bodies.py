"""Markdown bodies: no raw HTML (and never a script), no silent empty pages."""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.config import Settings
from build_tools.content.corpus import Corpus
from build_tools.content.markdown import raw_html
from build_tools.content.model import Body, Craftsman, Story
from build_tools.diagnostics import Diagnostic, Location, diagnostic

# What `culture new` writes where the editor has still to write.
PLACEHOLDER = "待补充"
PLACEHOLDER_BODY = "在这里写"


def markdown_texts(corpus: Corpus) -> Iterator[tuple[str, Body]]:
    """Every piece of Markdown in the corpus with its file and first line: bodies, hall
    intros and collection forewords."""
    for item in corpus.items():
        if item.kind in ("story", "craftsman", "panel"):
            yield item.origin.path, item.body
    yield from corpus.unvalidated_bodies
    for hall in corpus.halls.values():
        if hall.intro:
            yield hall.origin.path, _field_body(hall.origin.at("intro").line, hall.intro)
    for collection in corpus.collections.values():
        if collection.foreword:
            line = collection.origin.at("foreword").line
            yield collection.origin.path, _field_body(line, collection.foreword)


def _field_body(line: int, text: str) -> Body:
    # A block scalar (`intro: |`) starts its text on the next line.
    return Body(text, line + 1 if "\n" in text.strip() else line)


def check_bodies(corpus: Corpus, settings: Settings) -> Iterator[Diagnostic]:
    for path, body in markdown_texts(corpus):
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
    for item in corpus.items():
        for field in ("summary", "position"):
            if PLACEHOLDER in (getattr(item, field, None) or ""):
                message = f"{field} 还是模板中的占位文字“{PLACEHOLDER}……”，请填写"
                yield diagnostic("W-PLACEHOLDER", item.origin.at(field), message)
        if item.kind in ("story", "craftsman", "panel") and PLACEHOLDER_BODY in item.body.markdown:
            where = Location(item.origin.path, item.body.first_text_line, 1)
            yield diagnostic("W-PLACEHOLDER", where, "正文还是模板中的占位文字，请填写")
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
