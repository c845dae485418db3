"""What a Markdown body says: one parse, read by the checks, the site, search and print.

markdown-it (CommonMark + tables + footnotes) parses each text once; `parse` keeps the
result per text. The site's HTML (`site/render.py`), the plain text for search and checks
(`plain_text` here) and the Typst for print (`print/typst_markup.py`) are renderings of
that one token stream, so what is checked and indexed is what is shown and printed.

Hostile input is recognised here and made harmless for every renderer:

- raw HTML is parsed, so the check can report it, but no renderer emits it;
- every link keeps its token whatever its scheme (markdown-it would silently turn a
  `javascript:` link into text); `link_problem` judges the decoded URL and renderers drop
  what it refuses;
- nesting is bounded: blocks by markdown-it's `maxNesting`, emphasis and links by
  flattening what lies deeper than `NESTING_LIMIT`, and every renderer walks the flat
  token stream, so no input can exhaust the stack;
- control characters are removed before parsing; the check reports them from the source.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, cached_property
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import normalizeLinkText
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from markdown_it.utils import OptionsDict
from mdit_py_plugins.footnote import footnote_plugin

# Layers (lists, quotes, emphasis, links) a body may nest; real texts use two or three.
NESTING_LIMIT = 20
# markdown-it's own guard counts tokens, two per list layer (list + item) and one for the
# paragraph inside: deep enough that nothing within NESTING_LIMIT is cut, shallow enough
# that its recursive block parser stays far from Python's recursion limit.
_MAX_NESTING = 2 * NESTING_LIMIT + 4
# Parses kept once the site has asked for them (see `parse`).
_CACHE_SIZE = 2048
# Parses a hostile text may cost at most, on top of the first (see `parse`).
_REPARSES = 3


@dataclass(frozen=True, slots=True)
class Found:
    line: int  # 1-based, relative to the start of the Markdown text
    column: int  # 1-based characters
    text: str  # the HTML snippet, or the image src as written
    alt: str = ""


class LinkProblem(StrEnum):
    UNSAFE = "unsafe"  # a scheme that runs code or opens local files: never linked
    EXTERNAL = "external"  # another host: linked, but intranet readers may not reach it


@dataclass(frozen=True, slots=True)
class Link:
    line: int
    column: int
    href: str  # decoded for people to read (`javascript:alert(1)`, not `javascript&#58;…`)
    problem: LinkProblem | None
    detail: str = ""  # the scheme (`javascript:`) of an unsafe link, the host of an external one


@dataclass(frozen=True, slots=True)
class Control:
    line: int
    column: int
    codepoint: int


@dataclass(frozen=True, slots=True)
class Nesting:
    depth: int  # layers of lists, quotes, emphasis and links at the deepest point
    line: int  # where that point is


# -- links ---------------------------------------------------------------------------------

_SAFE_SCHEMES = frozenset({"mailto", "tel"})
_WEB_SCHEMES = frozenset({"http", "https"})
# The first path segment holding a colon is a scheme: a relative path cannot have one there
# (RFC 3986 §4.2), so reading it as a scheme refuses nothing a real link needs.
_SCHEME = re.compile(r"^([^/?#]*):")
_INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def _as_browser_reads(href: str) -> str:
    """The URL with every disguise removed: entities and percent-escapes decoded (until
    nothing changes, so double encoding does not help), whitespace and invisible characters
    dropped, backslashes as browsers read them."""
    url = href
    for _ in range(4):
        decoded = html.unescape(unquote(url))
        if decoded == url:
            break
        url = decoded
    url = "".join(ch for ch in url if unicodedata.category(ch) not in _INVISIBLE)
    return url.replace("\\", "/")


def _judge(href: str) -> tuple[LinkProblem | None, str]:
    url = _as_browser_reads(href)
    scheme = _SCHEME.match(url)
    if scheme:
        name = scheme.group(1).lower()
        if name in _SAFE_SCHEMES:
            return None, ""
        if name in _WEB_SCHEMES:
            rest = url[scheme.end() :].lstrip("/")
            return LinkProblem.EXTERNAL, urlsplit("//" + rest).hostname or rest.split("/")[0]
        return LinkProblem.UNSAFE, name + ":"
    if url.startswith("//"):
        return LinkProblem.EXTERNAL, urlsplit(url).hostname or url[2:].split("/")[0]
    return None, ""


def link_problem(href: str) -> LinkProblem | None:
    """Why a link target is refused (`unsafe`) or warned about (`external`); None when it is
    a relative path, an `#anchor`, `mailto:` or `tel:`. Judged as a browser would read it:
    `javascript&#58;`, `jav&#x61;script:`, `JavaScript:`, `java\\tscript:` are all unsafe."""
    return _judge(href)[0]


# -- the parser ----------------------------------------------------------------------------


class _Parser(MarkdownIt):
    def validateLink(self, url: str) -> bool:
        # Keep every link: dropping it silently would hide it from the check; the renderers
        # ask `link_problem` instead.
        return True


@cache
def _parser() -> MarkdownIt:
    # html=True only so that raw HTML is recognised as such; no renderer emits it.
    options = {"html": True, "maxNesting": _MAX_NESTING}
    return _Parser("commonmark", options).use(footnote_plugin).enable("table")


def parser_options() -> OptionsDict:
    """The parser's options, for renderers built on markdown-it's own (`xhtmlOut`…)."""
    return _parser().options


# C0 except tab and newline, DEL, and C1: invisible, and they upset search and Typst.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _newlines(text: str) -> str:
    # As markdown-it does, so that lines here are the parser's lines.
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _control_characters(markdown: str) -> list[Control]:
    text = _newlines(markdown)
    if not _CONTROL.search(text):
        return []
    found = []
    for number, line in enumerate(text.split("\n"), 1):
        for match in _CONTROL.finditer(line):
            found.append(Control(number, match.start() + 1, ord(match.group())))
    return found


# Openers that make a layer a reader would count; list items and paragraphs do not.
_BLOCK_LAYERS = frozenset({"bullet_list", "ordered_list", "blockquote"})
_INLINE_LAYERS = frozenset({"em", "strong", "s", "link"})
# Container markers at the start of a line (`> `, `- `, `1. `): one layer each.
_MARKER = re.compile(r"[ \t]*(?:>|(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$))")
_MARKER_RUN = re.compile(f"^(?:{_MARKER.pattern}){{{NESTING_LIMIT + 1},}}", re.M)
_LAYER_CHARS = "*_>-+[.)"


def _layer(token: Token) -> str:
    return token.type.rsplit("_", 1)[0]


def _marker_ends(line: str) -> list[int]:
    ends, pos = [], 0
    while (match := _MARKER.match(line, pos)) and match.end() > pos:
        pos = match.end()
        ends.append(pos)
    return ends


def _shorten_marker_runs(text: str) -> tuple[str, dict[int, int]]:
    """The text with every run of more than NESTING_LIMIT container markers at a line's
    start cut to NESTING_LIMIT + 1, and the marker count of each line so cut.

    markdown-it's own guard, met inside such a run, skips the whole rest of the body: the
    words after it would vanish from the page and from the check. Cut short, the run is
    still too deep (and reported with its real count), and what follows parses normally."""
    if not _MARKER_RUN.search(text):
        return text, {}
    lines = text.split("\n")
    counts: dict[int, int] = {}
    for i, line in enumerate(lines):
        if _MARKER_RUN.match(line):
            ends = _marker_ends(line)
            counts[i + 1] = len(ends)
            lines[i] = line[: ends[NESTING_LIMIT]] + line[ends[-1] :]
    return "\n".join(lines), counts


def _strip_line(text: str, row: int) -> str:
    """The text with line `row` (1-based) stripped of its indentation and markers."""
    lines = text.split("\n")
    ends = _marker_ends(lines[row - 1])
    lines[row - 1] = lines[row - 1][ends[-1] if ends else 0 :].lstrip()
    return "\n".join(lines)


def _bound(tokens: list[Token], counts: dict[int, int]) -> tuple[Nesting, int | None]:
    """The deepest nesting of the text, and the line where markdown-it's guard cut a block
    short (None when it did not). Inline layers deeper than NESTING_LIMIT are flattened
    in place (their text kept), so that every rendering stays shallow."""
    depth, deepest, line = 0, 0, 1
    cut: int | None = None
    for token in tokens:
        row = token.map[0] + 1 if token.map else line
        if token.nesting == 1 and _layer(token) in _BLOCK_LAYERS:
            depth += 1
            # A shortened run: its real count, not what is left of it.
            here = max(depth, counts.get(row, 0)) if depth > NESTING_LIMIT else depth
            if here > deepest:
                deepest, line = here, row
        elif token.nesting == -1 and _layer(token) in _BLOCK_LAYERS:
            depth -= 1
        if token.level >= _MAX_NESTING - 1 and token.map and cut is None:
            cut = row
        if token.type == "inline" and token.children:
            inner = _flatten(token, depth)
            if inner > deepest:
                deepest, line = inner, row
    if cut is not None:
        deepest, line = max(deepest, _MAX_NESTING // 2), cut
    return Nesting(deepest, line), cut


def _flatten(inline: Token, depth: int) -> int:
    kept: list[Token] = []
    opened: list[bool] = []  # for each open layer: was its token kept?
    deepest = depth
    for child in inline.children or []:
        if child.nesting == 1:
            counted = _layer(child) in _INLINE_LAYERS
            depth += counted
            deepest = max(deepest, depth)
            keep = not counted or depth <= NESTING_LIMIT
            opened.append(keep)
            if keep:
                kept.append(child)
        elif child.nesting == -1 and opened:
            depth -= _layer(child) in _INLINE_LAYERS
            if opened.pop():
                kept.append(child)
        else:
            kept.append(child)
    if len(kept) != len(inline.children or []):
        inline.children = kept
    return deepest


@dataclass(eq=False)
class MarkdownDoc:
    """One parsed text. `tokens` is markdown-it's flat stream (nesting bounded, control
    characters gone); renderings and the checks' findings are computed once, on demand."""

    source: str = field(repr=False)  # as parsed: newlines normalised, no control characters
    tokens: list[Token] = field(repr=False)
    nesting: Nesting

    @cached_property
    def lines(self) -> list[str]:
        return self.source.split("\n")

    @cached_property
    def tree(self) -> SyntaxTreeNode:
        """The same tokens as a tree; shallow, since `tokens` is."""
        return SyntaxTreeNode(self.tokens)

    @cached_property
    def _found(self) -> tuple[list[Found], list[Found], list[Link]]:
        return _find(self)

    @property
    def raw_html(self) -> list[Found]:
        return self._found[0]

    @property
    def images(self) -> list[Found]:
        return self._found[1]

    @property
    def links(self) -> list[Link]:
        return self._found[2]

    @cached_property
    def plain_text(self) -> str:
        return _plain_text(self.tokens)


def _parse(markdown: str) -> MarkdownDoc:
    text, counts = _shorten_marker_runs(_CONTROL.sub("", _newlines(markdown)))
    tokens = _parser().parse(text)
    found, cut = _bound(tokens, counts)
    # Nesting built up over several lines (by indentation) can still meet the guard: take
    # that line out of the nesting and parse again, so that nothing after it is lost.
    for _ in range(_REPARSES):
        if cut is None:
            break
        stripped = _strip_line(text, cut)
        if stripped == text:  # nesting opened inside the line (`[^1]: > > …`): keep the cut
            break
        text, tokens = stripped, _parser().parse(stripped)
        cut = _bound(tokens, counts)[1]
    return MarkdownDoc(text, tokens, found)


def image_alt(token: Token) -> str:
    """An image's alt text without markup: its caption on the site and in print."""
    return "".join(
        c.content for c in token.children or [] if c.type in ("text", "code_inline")
    ).strip()


def written_src(token: Token) -> str:
    """An image's or link's target as the editor wrote it: markdown-it keeps targets
    percent-encoded (`照片.jpg` → `%E7%85%A7…`), which is no file name."""
    attr = "src" if token.type == "image" else "href"
    return normalizeLinkText(str(token.attrs.get(attr, "")))


# -- where things are ------------------------------------------------------------------------


class _Cursor:
    """Finds successive snippets of one block in the source, each after the last."""

    def __init__(self, lines: list[str], block: Token) -> None:
        self.lines = lines
        self.line = block.map[0] if block.map else 0
        self.end = block.map[1] if block.map else len(lines)
        self.column = 0

    def find(self, *needles: str) -> tuple[int, int]:
        for needle in needles:
            probe = needle.split("\n", 1)[0][:40]
            if not probe:
                continue
            for i in range(self.line, min(self.end, len(self.lines))):
                col = self.lines[i].find(probe, self.column if i == self.line else 0)
                if col >= 0:
                    self.line, self.column = i, col + 1
                    return i + 1, col + 1
        return self.line + 1, 1


def _find(doc: MarkdownDoc) -> tuple[list[Found], list[Found], list[Link]]:
    raw: list[Found] = []
    images: list[Found] = []
    links: list[Link] = []
    for token in doc.tokens:
        if token.type == "html_block":
            snippet = token.content.strip()
            line, col = _Cursor(doc.lines, token).find(snippet)
            raw.append(Found(line, col, snippet))
        if not token.children:
            continue
        cursor = _Cursor(doc.lines, token)
        children = token.children
        for i, child in enumerate(children):
            if child.type == "html_inline":
                if not child.content.startswith("</"):
                    line, col = cursor.find(child.content)
                    raw.append(Found(line, col, child.content))
            elif child.type == "image":
                alt = image_alt(child)
                line, col = cursor.find("![" + alt[:10], "![")
                images.append(Found(line, col, written_src(child), alt))
            elif child.type == "link_open":
                if child.markup == "autolink":
                    line, col = cursor.find("<")
                else:
                    label = children[i + 1].content if i + 1 < len(children) else ""
                    line, col = cursor.find("[" + label[:10], "[")
                href = written_src(child)
                problem, detail = _judge(str(child.attrs.get("href", "")))
                links.append(Link(line, col, href, problem, detail))
    return raw, images, links


# -- plain text ------------------------------------------------------------------------------

# A line wrapped in the source between two Chinese characters (or their punctuation) is
# no break at all for a reader; elsewhere it reads as a space.
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_WIDE_CHAR = re.compile(f"[{_WIDE}]")


def break_neighbours(children: Sequence[Token], idx: int) -> tuple[str, str]:
    """The text on either side of a line break, across markup (`**…**`) but not across
    other content."""
    return _neighbour(children, range(idx - 1, -1, -1)), _neighbour(
        children, range(idx + 1, len(children))
    )


def _neighbour(children: Sequence[Token], order: range) -> str:
    for i in order:
        if children[i].nesting == 0:
            return children[i].content if children[i].type == "text" else ""
    return ""


def joins_across_break(children: Sequence[Token], idx: int) -> bool:
    """Whether the line break `children[idx]` is no space for a reader (between two
    Chinese characters, as in the search text)."""
    before, after = break_neighbours(children, idx)
    return bool(before and after and _WIDE_CHAR.match(before[-1]) and _WIDE_CHAR.match(after[0]))


def _plain_text(tokens: list[Token]) -> str:
    parts: list[str] = []
    for token in tokens:
        if token.type == "inline":
            children = token.children or []
            for i, child in enumerate(children):
                if child.type in ("text", "code_inline", "html_inline"):
                    parts.append(child.content)
                elif child.type == "image":
                    parts.append(image_alt(child))  # shown and printed as its caption
                elif child.type == "softbreak":
                    parts.append("" if joins_across_break(children, i) else " ")
                elif child.type == "hardbreak":
                    parts.append("\n")
            parts.append("\n")
        elif token.type in ("code_block", "fence", "html_block"):
            parts.append(token.content)
    return "".join(parts)


# -- what is kept, and for how long ---------------------------------------------------------

# A parse is large (its tokens, some 16 KB a story). Parses made while the checks run
# (`checking`) are kept until the site asks for them, however many texts that is, so that
# the check and the site of one build share one parse; once asked for, a parse is done
# with (each body is rendered once) and only the last _CACHE_SIZE are kept.
_for_site: dict[str, MarkdownDoc] = {}
_recent: OrderedDict[str, MarkdownDoc] = OrderedDict()
_checking = False


def parse(markdown: str) -> MarkdownDoc:
    """The one parse of a Markdown text (kept, see above)."""
    if _checking:
        doc = _for_site.get(markdown) or _recent.get(markdown) or _parse(markdown)
        _for_site[markdown] = doc
        return doc
    doc = _for_site.pop(markdown, None) or _recent.pop(markdown, None) or _parse(markdown)
    _recent[markdown] = doc
    if len(_recent) > _CACHE_SIZE:
        _recent.popitem(last=False)
    return doc


def parse_to_read(markdown: str) -> MarkdownDoc:
    """The parse of a text read once and let go (the editorial checks' prose): one that
    is kept is used, a new one is not kept for the site (all 10,000 bodies of a corpus
    would be, at once: a few hundred MB the site can do without, parsing each again as it
    renders it)."""
    return _for_site.get(markdown) or _recent.get(markdown) or _parse(markdown)


@contextmanager
def checking() -> Iterator[None]:
    """The checks are running: what they parse is kept for the site (see above)."""
    global _checking
    before, _checking = _checking, True
    try:
        yield
    finally:
        _checking = before


@dataclass(slots=True)
class TextFacts:
    """What the checks and search read of a text: small, unlike its parse, so kept for
    every text of the corpus, and across processes in the loader's cache."""

    raw_html: list[Found]
    images: list[Found]
    links: list[Link]
    controls: list[Control]
    too_deep: Nesting | None
    plain_text: str | None = None  # filled in when first asked for

    @property
    def quiet(self) -> bool:
        """Nothing here for the body check to report (most texts: asked first)."""
        return (
            not self.raw_html
            and not self.controls
            and self.too_deep is None
            and all(link.problem is None for link in self.links)
        )


# Facts of the texts asked about in this run and in the one before: a text no run has
# asked about since (an old version of an edited story) is forgotten.
_facts: dict[str, TextFacts] = {}
_facts_before: dict[str, TextFacts] = {}


def new_run() -> None:
    """A new corpus is being loaded: parses the last run's site did not ask for are
    dropped, facts of texts it did not ask about are forgotten at the next one."""
    global _facts, _facts_before
    _for_site.clear()
    _facts_before, _facts = _facts, {}


def forget() -> None:
    """Drop every parse and every fact kept (for tests that time or bound a parse)."""
    _for_site.clear()
    _recent.clear()
    _facts.clear()
    _facts_before.clear()


def facts(markdown: str) -> TextFacts:
    found = _facts.get(markdown)
    if found is None:
        found = _facts_before.pop(markdown, None) or _find_facts(markdown)
        _facts[markdown] = found
    return found


def known_facts(markdown: str) -> TextFacts | None:
    """The facts of a text if they are known (for the loader's cache to keep)."""
    return _facts.get(markdown)


def remember(markdown: str, found: TextFacts) -> None:
    """Facts of a text found by an earlier process (from the loader's cache)."""
    _facts.setdefault(markdown, found)


def _find_facts(markdown: str) -> TextFacts:
    # Each finding needs a parse only when the text holds what it looks for.
    wants_links = "](" in markdown or "]:" in markdown or "<" in markdown
    deep = None
    # Every layer costs at least one of these characters: no more than the limit, no parse.
    if sum(map(markdown.count, _LAYER_CHARS)) > NESTING_LIMIT:
        found = parse(markdown).nesting
        deep = found if found.depth > NESTING_LIMIT else None
    doc = parse
    return TextFacts(
        raw_html=doc(markdown).raw_html if "<" in markdown else [],
        images=doc(markdown).images if "![" in markdown else [],
        links=doc(markdown).links if wants_links else [],
        controls=_control_characters(markdown),
        too_deep=deep,
    )


# -- what the checks read --------------------------------------------------------------------


def raw_html(markdown: str) -> list[Found]:
    return facts(markdown).raw_html


def images(markdown: str) -> list[Found]:
    return facts(markdown).images


def links(markdown: str) -> list[Link]:
    """Every link with its judgement (`problem` None for an ordinary one)."""
    return facts(markdown).links


def control_characters(markdown: str) -> list[Control]:
    """Every control character in the text, with its line and column (1-based)."""
    return facts(markdown).controls


def nesting(markdown: str) -> Nesting:
    """The deepest nesting of the text, in layers a reader would count."""
    return parse(markdown).nesting


def too_deep(markdown: str) -> Nesting | None:
    """The deepest point of the text when it nests deeper than NESTING_LIMIT."""
    return facts(markdown).too_deep


def plain_text(markdown: str) -> str:
    """The words a reader sees, without Markdown syntax; one line per paragraph. Kept with
    the facts: the site derives it from the parse it renders, so search and checks never
    parse again."""
    found = facts(markdown)
    if found.plain_text is None:
        found.plain_text = parse(markdown).plain_text
    return found.plain_text


# Most characters of our texts: counted without asking for each one's category.
_IDEOGRAPHS = re.compile("[\u4e00-\u9fff]+")


def count_characters(text: str) -> int:
    """Characters as budgets count them: no whitespace, no punctuation."""
    rest = _IDEOGRAPHS.sub("", text)
    return (
        len(text)
        - len(rest)
        + sum(1 for ch in rest if not ch.isspace() and not unicodedata.category(ch).startswith("P"))
    )
