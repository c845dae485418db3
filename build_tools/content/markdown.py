"""What the checks need to know about a Markdown body: raw HTML, images, plain text.

Parsed with markdown-it (CommonMark + footnotes), which keeps source line maps. Bodies
without `<` or `![` cannot contain HTML or images, so most of a large corpus skips the
parser entirely.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin


@dataclass(frozen=True, slots=True)
class Found:
    line: int  # 1-based, relative to the start of the Markdown text
    column: int  # 1-based characters
    text: str  # the HTML snippet, or the image src
    alt: str = ""


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).use(footnote_plugin).enable("table")


def _tokens(markdown: str) -> list[Token]:
    return _parser().parse(markdown)


def _locate(lines: list[str], start: int, needle: str) -> tuple[int, int]:
    """Line and column of `needle` at or after block line `start` (0-based)."""
    probe = needle.split("\n", 1)[0][:40]
    for i in range(start, len(lines)):
        col = lines[i].find(probe)
        if col >= 0:
            return i + 1, col + 1
    return start + 1, 1


def _walk(markdown: str) -> tuple[list[Found], list[Found]]:
    html: list[Found] = []
    images: list[Found] = []
    lines = markdown.split("\n")
    for token in _tokens(markdown):
        start = token.map[0] if token.map else 0
        if token.type == "html_block":
            snippet = token.content.strip()
            line, col = _locate(lines, start, snippet)
            html.append(Found(line, col, snippet))
        for child in token.children or []:
            if child.type == "html_inline" and not child.content.startswith("</"):
                line, col = _locate(lines, start, child.content)
                html.append(Found(line, col, child.content))
            elif child.type == "image":
                src = str(child.attrs.get("src", ""))
                line, col = _locate(lines, start, "![")
                images.append(Found(line, col, src, child.content.strip()))
    return html, images


def raw_html(markdown: str) -> list[Found]:
    if "<" not in markdown:
        return []
    return _walk(markdown)[0]


def images(markdown: str) -> list[Found]:
    if "![" not in markdown:
        return []
    return _walk(markdown)[1]


_SOFT = "\x00"
# A line wrapped in the source between two Chinese characters (or their punctuation) is
# no break at all for a reader; elsewhere it reads as a space.
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_JOINED = re.compile(f"(?<=[{_WIDE}]){_SOFT}(?=[{_WIDE}])")


def plain_text(markdown: str) -> str:
    """The words a reader sees, without Markdown syntax; one line per paragraph."""
    parts: list[str] = []
    for token in _tokens(markdown):
        if token.type == "inline":
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    parts.append(child.content)
                elif child.type == "softbreak":
                    parts.append(_SOFT)
                elif child.type == "hardbreak":
                    parts.append("\n")
            parts.append("\n")
        elif token.type in ("code_block", "fence"):
            parts.append(token.content)
    return _JOINED.sub("", "".join(parts)).replace(_SOFT, " ")


def count_characters(text: str) -> int:
    """Characters as budgets count them: no whitespace, no punctuation."""
    return sum(
        1 for ch in text if not ch.isspace() and not unicodedata.category(ch).startswith("P")
    )
