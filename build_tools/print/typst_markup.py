"""Markdown → Typst markup, from markdown-it's syntax tree (not regexes).

Everything that comes from content is escaped: Typst gives meaning to # * _ ` $ < > @
[ ] ~ = - + /, and a story may contain any of them. Layout decisions (how a
subheading or a quote looks) are functions defined in the booklet template; this module
only calls them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.footnote import footnote_plugin

# Quotes are left to Typst's smart quotes, which set “” ‘’ for Chinese text.
_SPECIAL = frozenset("\\#*_`$<>@[]~=-+/")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


def escape(text: str) -> str:
    """Text as Typst markup that prints exactly these characters."""
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in text)


def _keep_together(text: str) -> str:
    """A word joiner before ——/…… so that they never start a line (clreq); Unicode's
    line-breaking rules already keep the two characters of each together."""
    return text.replace("——", "\u2060——").replace("……", "\u2060……")


def string(text: str) -> str:
    """A Typst string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@cache
def _parser() -> MarkdownIt:
    # html=False: raw HTML in a body is text here, as on the site.
    return MarkdownIt("commonmark", {"html": False}).use(footnote_plugin).enable("table")


ImageResolver = Callable[[str, str], str | None]  # (src, alt) → Typst call or None


class _Renderer:
    def __init__(self, images: ImageResolver) -> None:
        self.images = images
        self.footnotes: dict[str, str] = {}

    def render(self, markdown: str) -> str:
        tokens = _parser().parse(markdown)
        tree = SyntaxTreeNode(tokens)
        for node in tree.walk():
            if node.type == "footnote":
                label = str(node.meta.get("label", node.meta.get("id")))
                self.footnotes[label] = self.blocks(node.children).strip()
        return self.blocks(tree.children)

    def blocks(self, nodes: list[SyntaxTreeNode]) -> str:
        return "".join(self.block(node) for node in nodes)

    def block(self, node: SyntaxTreeNode) -> str:
        kind = node.type
        if kind == "paragraph":
            inline = self.inline_of(node)
            return inline + "\n\n" if inline.strip() else ""
        if kind == "heading":
            return f"#subheading[{self.inline_of(node)}]\n\n"
        if kind == "blockquote":
            return f"#blockquote[{self.blocks(node.children).strip()}]\n\n"
        if kind in ("bullet_list", "ordered_list"):
            function = "list" if kind == "bullet_list" else "enum"
            items = ", ".join(f"[{self.blocks(item.children).strip()}]" for item in node.children)
            return f"#{function}({items})\n\n"
        if kind in ("code_block", "fence"):
            return f"#raw({string(node.content.rstrip())}, block: true)\n\n"
        if kind == "hr":
            return "#section-break()\n\n"
        if kind in ("footnote_block", "footnote"):
            return ""
        if kind == "table":
            return self.table(node)
        if kind == "html_block":
            return escape(node.content.strip()) + "\n\n"
        return self.blocks(node.children)

    def table(self, node: SyntaxTreeNode) -> str:
        rows = [row for section in node.children for row in section.children]
        columns = max((len(row.children) for row in rows), default=1)
        cells = ", ".join(f"[{self.inline_of(cell)}]" for row in rows for cell in row.children)
        return f"#booklet-table({columns}, {cells})\n\n"

    def inline_of(self, node: SyntaxTreeNode) -> str:
        out = []
        for child in node.children:
            out.append(
                self.inline(child.children) if child.type == "inline" else self.inline([child])
            )
        return "".join(out)

    def inline(self, nodes: list[SyntaxTreeNode]) -> str:
        parts: list[str] = []
        for i, node in enumerate(nodes):
            kind = node.type
            if kind == "text":
                parts.append(escape(_keep_together(node.content)))
            elif kind == "softbreak":
                before = nodes[i - 1].content[-1:] if i and nodes[i - 1].type == "text" else ""
                after = (
                    nodes[i + 1].content[:1]
                    if i + 1 < len(nodes) and nodes[i + 1].type == "text"
                    else ""
                )
                # A line break inside a Chinese paragraph is no space at all.
                parts.append("" if _CJK.match(before or " ") or _CJK.match(after or " ") else " ")
            elif kind == "hardbreak":
                parts.append("#linebreak()")
            elif kind == "strong":
                parts.append(f"#strong[{self.inline(node.children)}]")
            elif kind == "em":
                parts.append(f"#emph[{self.inline(node.children)}]")
            elif kind == "code_inline":
                parts.append(f"#raw({string(node.content)})")
            elif kind == "link":
                parts.append(self.inline(node.children))
            elif kind == "image":
                alt = "".join(c.content for c in node.children) if node.children else node.content
                call = self.images(str(node.attrs.get("src", "")), alt)
                if call:
                    parts.append(call)
            elif kind == "footnote_ref":
                label = str(node.meta.get("label", node.meta.get("id")))
                parts.append(f"#footnote[{self.footnotes.get(label, '')}]")
            elif kind == "html_inline":
                parts.append(escape(node.content))
            elif node.children:
                parts.append(self.inline(node.children))
            elif node.content:
                parts.append(escape(node.content))
        return "".join(parts)


def to_typst(markdown: str, images: ImageResolver = lambda src, alt: None) -> str:
    """Typst markup for a Markdown body."""
    return _Renderer(images).render(markdown).strip()
