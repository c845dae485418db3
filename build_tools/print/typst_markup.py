"""Markdown → Typst markup, from the one parse of `content/markdown.py` (not regexes).

Everything that comes from content is escaped: Typst gives meaning to # * _ ` $ < > @
[ ] ~ = - + /, and a story may contain any of them. Raw HTML is printed as the text it is;
links are printed as their text (paper has no href, so no scheme ever reaches Typst).
Layout decisions (how a subheading or a quote looks) are functions defined in the booklet
template; this module only calls them.

The token stream is walked with an explicit stack, never by recursion: the parse bounds
nesting already, and this keeps any input from exhausting Python's stack.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markdown_it.token import Token
from markupsafe import Markup

from build_tools.content.markdown import break_neighbours, image_alt, parse, written_src

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


ImageResolver = Callable[[str, str], str | None]  # (src, alt) → Typst call or None


@dataclass(slots=True)
class _Open:
    """A container being written: its kind and what has been written inside it."""

    kind: str
    parts: list[str] = field(default_factory=list)
    columns: int = 0  # for a table: the widest row so far


def _kind(token: Token) -> str:
    return token.type.rsplit("_", 1)[0]


def _footnote_key(token: Token) -> str:
    return str(token.meta.get("label", token.meta.get("id")))


class _Renderer:
    def __init__(self, images: ImageResolver) -> None:
        self.images = images
        self.footnotes: dict[str, str] = {}

    def render(self, markdown: str) -> str:
        tokens = parse(markdown).tokens
        # Footnote texts come last in the stream but are printed where they are referred
        # to: render them first.
        main: list[Token] = []
        note: list[Token] | None = None
        key = ""
        for token in tokens:
            if token.type == "footnote_open":
                note, key = [], _footnote_key(token)
            elif token.type == "footnote_close" and note is not None:
                self.footnotes[key] = self.blocks(note).strip()
                note = None
            elif note is not None:
                note.append(token)
            elif not token.type.startswith("footnote_block"):
                main.append(token)
        return self.blocks(main)

    # -- blocks ---------------------------------------------------------------------------
    def blocks(self, tokens: Sequence[Token]) -> str:
        stack = [_Open("root")]
        for token in tokens:
            if token.nesting == 1:
                stack.append(_Open(_kind(token)))
            elif token.nesting == -1 and len(stack) > 1:
                done = stack.pop()
                stack[-1].parts.append(self.close(done, stack))
            elif token.type == "inline":
                stack[-1].parts.append(self.inline(token.children or []))
            else:
                stack[-1].parts.append(self.leaf(token))
        while len(stack) > 1:  # never for markdown-it's balanced stream; but never lose text
            done = stack.pop()
            stack[-1].parts.append(self.close(done, stack))
        return "".join(stack[0].parts)

    def leaf(self, token: Token) -> str:
        if token.type in ("code_block", "fence"):
            return f"#raw({string(token.content.rstrip())}, block: true)\n\n"
        if token.type == "hr":
            return "#section-break()\n\n"
        if token.type == "html_block":
            return escape(token.content.strip()) + "\n\n"
        return ""  # footnote anchors: a printed footnote needs no way back

    def close(self, done: _Open, stack: list[_Open]) -> str:
        inner = "".join(done.parts)
        kind = done.kind
        if kind == "paragraph":
            return inner + "\n\n" if inner.strip() else ""
        if kind == "heading":
            return f"#subheading[{inner}]\n\n"
        if kind == "blockquote":
            return f"#blockquote[{inner.strip()}]\n\n"
        if kind == "list_item":
            return f"[{inner.strip()}]"
        if kind in ("bullet_list", "ordered_list"):
            function = "list" if kind == "bullet_list" else "enum"
            return f"#{function}({', '.join(done.parts)})\n\n"
        if kind in ("th", "td"):
            return f"[{inner}]"
        if kind == "tr":
            table = next((o for o in reversed(stack) if o.kind == "table"), None)
            if table is not None:
                table.columns = max(table.columns, len(done.parts))
            return ", ".join(done.parts)
        if kind in ("thead", "tbody"):
            return ", ".join(p for p in done.parts if p)
        if kind == "table":
            cells = ", ".join(p for p in done.parts if p)
            return f"#booklet-table({max(done.columns, 1)}, {cells})\n\n"
        return inner

    # -- inline ---------------------------------------------------------------------------
    def inline(self, children: Sequence[Token]) -> str:
        stack = [_Open("root")]
        for i, node in enumerate(children):
            kind = node.type
            if node.nesting == 1:
                stack.append(_Open(_kind(node)))
                continue
            if node.nesting == -1:
                if len(stack) > 1:
                    done = stack.pop()
                    stack[-1].parts.append(self.close_inline(done))
                continue
            out = stack[-1].parts
            if kind == "text":
                out.append(escape(_keep_together(node.content)))
            elif kind == "softbreak":
                before, after = break_neighbours(children, i)
                # A line break inside a Chinese paragraph is no space at all.
                cjk = _CJK.match(before[-1:] or " ") or _CJK.match(after[:1] or " ")
                out.append("" if cjk else " ")
            elif kind == "hardbreak":
                out.append("#linebreak()")
            elif kind == "code_inline":
                out.append(f"#raw({string(node.content)})")
            elif kind == "image":
                call = self.images(written_src(node), image_alt(node))
                if call:
                    out.append(call)
            elif kind == "footnote_ref":
                out.append(f"#footnote[{self.footnotes.get(_footnote_key(node), '')}]")
            elif node.content:
                out.append(escape(node.content))  # raw HTML among them: printed as text
        while len(stack) > 1:
            done = stack.pop()
            stack[-1].parts.append(self.close_inline(done))
        return "".join(stack[0].parts)

    def close_inline(self, done: _Open) -> str:
        inner = "".join(done.parts)
        if done.kind == "strong":
            return f"#strong[{inner}]"
        if done.kind == "em":
            return f"#emph[{inner}]"
        if done.kind == "s":
            return f"#strike[{inner}]"
        return inner  # a link: its text (see the module's docstring)


def to_typst(markdown: str, images: ImageResolver = lambda src, alt: None) -> str:
    """Typst markup for a Markdown body."""
    return _Renderer(images).render(markdown).strip()


@cache
def templates() -> Environment:
    """The print templates (booklet, panels, narration): Typst, not HTML, so nothing is
    escaped on its own; every content value goes through `str` (a Typst string literal:
    printed as the characters it holds, so `#`, `=` or `1.` at a line's start is no
    markup) or `typ` (Typst markup with those characters escaped)."""
    env = Environment(
        loader=PackageLoader("build_tools.print", "templates"),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["typ"] = lambda value: Markup(escape(str(value)))
    env.filters["str"] = lambda value: Markup(string(str(value)))
    return env
