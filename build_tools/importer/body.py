"""Blocks to the Markdown of a body (CONTENT-SPEC: paragraphs, ## subheadings, emphasis,
quotes, lists, tables, images, footnotes; no raw HTML)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from build_tools.importer.docx import (
    Block,
    Figure,
    Heading,
    Inline,
    ListBlock,
    NoteRef,
    Paragraph,
    Quote,
    Span,
    Table,
)

MISSING_CAPTION = "待补充：图片说明"
_ESCAPED = re.compile(r"([\\`*_\[\]<>&|~])")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])(?=\s|$)")
_SAFE_LINK = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)


class Renderer:
    """One body's Markdown; footnotes numbered in the order they are referred to."""

    def __init__(self, notes: dict[int, list[Inline]], picture_src: Callable[[int], str | None]):
        self._notes = notes
        self._src = picture_src
        self._order: list[int] = []

    def render(self, blocks: list[Block]) -> str:
        levels = [b.level for b in _walk(blocks) if isinstance(b, Heading)]
        self._shift = 2 - min(levels) if levels else 0  # the body's top headings are ##
        parts = [self._block(b) for b in blocks]
        text = "\n\n".join(p for p in parts if p)
        if self._order:
            definitions = []
            for i, number in enumerate(self._order, 1):
                note = self._inlines(self._notes.get(number, []), in_note=True).strip()
                definitions.append(f"[^{i}]: {note or '（注释为空）'}")
            text += "\n\n" + "\n".join(definitions)
        return text + "\n"

    def _block(self, block: Block) -> str:
        if isinstance(block, Paragraph):
            return _escape_line_start(self._inlines(block.inlines))
        if isinstance(block, Heading):
            level = min(max(block.level + self._shift, 2), 6)
            return "#" * level + " " + self._inlines(block.inlines).replace("\n", " ")
        if isinstance(block, Figure):
            src = self._src(block.index)
            if src is None:
                return ""
            caption = _escape(block.caption) if block.caption else MISSING_CAPTION
            return f"![{caption}]({src})"
        if isinstance(block, Quote):
            inner = "\n\n".join(p for p in (self._block(b) for b in block.blocks) if p)
            return "\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))
        if isinstance(block, ListBlock):
            return self._list(block)
        if isinstance(block, Table):
            return self._table(block)
        return ""

    def _list(self, block: ListBlock) -> str:
        lines = []
        for n, item in enumerate(block.items, 1):
            marker = f"{n}. " if block.ordered else "- "
            inner = "\n\n".join(p for p in (self._block(b) for b in item) if p)
            pad = " " * len(marker)
            for i, line in enumerate(inner.split("\n")):
                lines.append((marker if i == 0 else pad if line else "") + line)
        return "\n".join(lines)

    def _table(self, table: Table) -> str:
        width = max((len(row) for row in table.rows), default=0)
        if not width:
            return ""
        rows = [
            [self._inlines(cell).replace("\n", " ") or " " for cell in row]
            + [" "] * (width - len(row))
            for row in table.rows
        ]
        head, *rest = rows
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * width) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rest]
        return "\n".join(lines)

    def _inlines(self, inlines: list[Inline], in_note: bool = False) -> str:
        out: list[str] = []
        for inline in inlines:
            if isinstance(inline, NoteRef) and not in_note:
                if inline.number not in self._order:
                    self._order.append(inline.number)
                out.append(f"[^{self._order.index(inline.number) + 1}]")
            elif isinstance(inline, Span):
                out.append(_span(inline))
        return "".join(out)


def _walk(blocks: list[Block]) -> list[Block]:
    found: list[Block] = []
    for block in blocks:
        found.append(block)
        if isinstance(block, Quote):
            found.extend(_walk(block.blocks))
        elif isinstance(block, ListBlock):
            for item in block.items:
                found.extend(_walk(item))
    return found


def _span(span: Span) -> str:
    text = span.text.replace("\n", " ")
    if not text:
        return ""
    # Emphasis marks next to punctuation do not close in CommonMark (**“甲”**说), and
    # spaces inside them are not allowed: what is at either end stays outside.
    lead = re.match(r"^[\s\u3000]*", text).group(0)  # type: ignore[union-attr]
    trail = re.search(r"[\s\u3000]*$", text).group(0)  # type: ignore[union-attr]
    core = text[len(lead) : len(text) - len(trail)]
    while core and _is_punct(core[0]) and (span.bold or span.italic):
        lead, core = lead + core[0], core[1:]
    while core and _is_punct(core[-1]) and (span.bold or span.italic):
        core, trail = core[:-1], core[-1] + trail
    body = _escape(core)
    if core and span.bold and span.italic:
        body = f"***{body}***"
    elif core and span.bold:
        body = f"**{body}**"
    elif core and span.italic:
        body = f"*{body}*"
    if span.href and core and _SAFE_LINK.match(span.href):
        body = f"[{body}]({_url(span.href)})"
    return _escape(lead) + body + _escape(trail)


def _url(href: str) -> str:
    return href.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C")


def _is_punct(char: str) -> bool:
    return unicodedata.category(char).startswith("P")


def _escape(text: str) -> str:
    return _ESCAPED.sub(r"\\\1", text)


def _escape_line_start(text: str) -> str:
    def escaped(match: re.Match[str]) -> str:
        mark = match.group(2)
        return match.group(1) + (mark[:-1] + "\\" + mark[-1] if mark[0].isdigit() else "\\" + mark)

    return "\n".join(_LINE_START.sub(escaped, line) for line in text.split("\n"))
