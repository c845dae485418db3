"""The prose of the corpus: every stretch of text a reader sees, with where it was written.

Editorial checks (typography, standard wording, personal data) read this and nothing
else: the text nodes of the one Markdown parse of a body (never its code, URLs or markup)
and the values of the fields a reader sees (titles, summaries, captions, names; never ids,
dates, paths or YAML syntax). Each `Prose` knows, for every character, the file line and
column it came from, and whether it stands in the file exactly as it reads there: only
then may `culture fix` change it in place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from markdown_it.token import Token

from build_tools.content.corpus import Corpus
from build_tools.content.markdown import joins_across_break, parse_to_read
from build_tools.content.model import Body, Item, Origin, Theme, Unit
from build_tools.diagnostics import Location

# Fields whose values readers see, by kind; `*` stands for every entry of a list.
PROSE_FIELDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "story": (
        ("title",),
        ("subtitle",),
        ("place",),
        ("people", "*"),
        ("summary",),
        ("cover", "caption"),
        ("cover", "credit"),
        ("source",),
        ("author",),
    ),
    "craftsman": (
        ("name",),
        ("position",),
        ("photo", "caption"),
        ("photo", "credit"),
        ("honors", "*", "title"),
        ("skills", "*"),
        ("patents", "*", "title"),
        ("achievements", "*", "title"),
        ("studio",),
        ("motto",),
        ("summary",),
    ),
    "panel": (
        ("title",),
        ("exhibit", "name"),
        ("exhibit", "material"),
        ("exhibit", "origin"),
        ("image", "caption"),
        ("image", "credit"),
        ("narration",),
    ),
    "hall": (("name",), ("location",), ("zones", "*", "title"), ("zones", "*", "description")),
    "collection": (("title",), ("subtitle",), ("editor",), ("cover", "caption")),
    "unit": (("name",), ("short",)),
    "theme": (("name",), ("description",)),
}
# Fields written in Markdown (read through the parse, like bodies).
MARKDOWN_FIELDS: dict[str, tuple[str, ...]] = {"hall": ("intro",), "collection": ("foreword",)}
HAS_BODY = frozenset({"story", "craftsman", "panel"})


@dataclass(frozen=True, slots=True)
class Piece:
    """Where `text[start:end]` of a Prose was written."""

    start: int
    end: int
    line: int  # file line of text[start], 1-based
    column: int  # its column, 1-based, in characters
    exact: bool  # text[start:end] stands in the file as is, on that line from that column


@dataclass(frozen=True, slots=True)
class Prose:
    path: str
    field: str  # "title", "people.1", "body", "intro"
    text: str
    pieces: tuple[Piece, ...]
    owner: Item | Unit | Theme | None  # the item it belongs to (for its date, its status)
    markdown: bool = False  # text nodes of Markdown, not a field's value

    def piece(self, offset: int) -> Piece:
        """The piece holding `text[offset]` (the last one ending at it for the end)."""
        for piece in self.pieces:
            if piece.start <= offset < piece.end:
                return piece
        before = [p for p in self.pieces if p.start <= offset]
        return before[-1] if before else self.pieces[0]

    def location(self, offset: int) -> Location:
        """The file position of `text[offset]`."""
        piece = self.piece(offset)
        if not piece.exact:
            return Location(self.path, piece.line, piece.column)
        inside = min(max(offset - piece.start, 0), piece.end - piece.start)
        return Location(self.path, piece.line, piece.column + inside)

    def exact(self, start: int, end: int) -> Piece | None:
        """The piece in which `text[start:end]` stands in the file as is (None when the
        stretch crosses pieces or was not written as it reads: not to be edited)."""
        piece = self.piece(start)
        if piece.exact and piece.start <= start <= end <= piece.end:
            return piece
        return None


# -- field values ---------------------------------------------------------------------------


def _values(value: Any, pattern: Sequence[str], path: tuple[str | int, ...]) -> Iterator[Any]:
    """(path, value) for every value a field pattern names in an item."""
    if not pattern:
        yield path, value
        return
    head, rest = pattern[0], pattern[1:]
    if value is None:
        return
    if head == "*":
        if isinstance(value, list):
            for i, entry in enumerate(value):
                yield from _values(entry, rest, (*path, i))
        return
    fields = value if isinstance(value, dict) else getattr(value, "__dict__", {})
    child = fields.get(head)
    yield from _values(child, rest, (*path, head))


def field_prose(owner: Any, kind: str, origin: Origin) -> Iterator[Prose]:
    """The prose in an item's fields (not its Markdown)."""
    for pattern in PROSE_FIELDS.get(kind, ()):
        for path, value in _values(owner, pattern, ()):
            if isinstance(value, str) and value.strip():
                yield _value_prose(owner, origin, path, value)


def _value_prose(owner: Any, origin: Origin, path: tuple[str | int, ...], value: str) -> Prose:
    name = ".".join(str(p) for p in path)
    source_map = origin.source_map
    found = source_map.verbatim.get((*origin.prefix, *path))
    if found is None:
        where = origin.at(*path)
        piece = Piece(0, len(value), where.line, where.column, False)
        return Prose(origin.path, name, value, (piece,), owner)
    line, column, indent = found
    pieces: list[Piece] = []
    offset = 0
    for i, row in enumerate(value.split("\n")):
        pos = source_map.position(line + i, column if i == 0 or indent < 0 else indent)
        pieces.append(Piece(offset, offset + len(row), pos.line, pos.column, True))
        offset += len(row) + 1
    return Prose(origin.path, name, value, tuple(pieces), owner)


# -- Markdown -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Placement:
    """How a Markdown text sits in its file: its first line, and the columns every line
    is indented by (a literal block in YAML); `exact` False when lines cannot be placed."""

    line: int
    indent: int = 0
    exact: bool = True


def markdown_prose(
    path: str, field: str, markdown: str, where: Placement, owner: Any = None
) -> Iterator[Prose]:
    """The text nodes of a Markdown text, each run of them between code, images and
    breaks one Prose (so a rule never sees a code span's letters next to prose)."""
    doc = parse_to_read(markdown)
    written = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    parsed = doc.lines
    for token in doc.tokens:
        if token.type != "inline" or not token.children:
            continue
        yield from _Runs(path, field, owner, where, token, parsed, written).collect()


class _Runs:
    """Turns one inline token's children into runs of prose, finding each text node in
    the source lines of its block, one after the other."""

    def __init__(
        self,
        path: str,
        field: str,
        owner: Any,
        where: Placement,
        token: Token,
        parsed: list[str],
        written: list[str],
    ) -> None:
        self.path, self.field, self.owner, self.where = path, field, owner, where
        self.children = token.children or []
        self.parsed, self.written = parsed, written
        self.row = token.map[0] if token.map else 0
        self.end = token.map[1] if token.map else len(parsed)
        self.col = 0
        self.found: list[Prose] = []
        self.text: list[str] = []
        self.pieces: list[Piece] = []
        self.length = 0

    def collect(self) -> list[Prose]:
        skip_until = -1
        for i, child in enumerate(self.children):
            if i <= skip_until:
                continue
            kind = child.type
            if kind == "text":
                self.add(child.content)
            elif kind == "softbreak":
                self.add_gap("" if joins_across_break(self.children, i) else "\n")
                self.next_line()
            elif kind == "link_open" and child.markup in ("autolink", "linkify"):
                skip_until = self.close_of(i)  # its text is the URL
            elif kind == "image":
                self.flush()
                image = _Runs(
                    self.path, self.field, self.owner, self.where, child, self.parsed, self.written
                )
                image.row, image.end, image.col = self.row, self.end, self.col
                self.found.extend(image.collect())
            elif kind in ("code_inline", "html_inline", "hardbreak"):
                self.flush()
                if kind == "hardbreak":
                    self.next_line()
        self.flush()
        return self.found

    def close_of(self, i: int) -> int:
        for j in range(i + 1, len(self.children)):
            if self.children[j].type == "link_close":
                return j
        return len(self.children) - 1

    def next_line(self) -> None:
        self.row, self.col = self.row + 1, 0

    def add(self, content: str) -> None:
        if not content:
            return
        line, col, exact = self.locate(content)
        where = self.where
        file_line = where.line + line
        file_col = col + 1 + (where.indent if where.exact else 0)
        exact = exact and where.exact
        self.pieces.append(
            Piece(self.length, self.length + len(content), file_line, file_col, exact)
        )
        self.text.append(content)
        self.length += len(content)

    def add_gap(self, gap: str) -> None:
        if gap and self.pieces:
            self.text.append(gap)
            self.length += len(gap)

    def locate(self, content: str) -> tuple[int, int, bool]:
        """Where the text node is in the block (0-based line and column), and whether it
        is written there as it reads (no escapes, no entities, no markers in between)."""
        for row in range(self.row, min(self.end, len(self.parsed))):
            start = self.col if row == self.row else 0
            col = self.parsed[row].find(content, start)
            if col >= 0:
                self.row, self.col = row, col + len(content)
                source = self.written[row] if row < len(self.written) else ""
                return row, col, source[col : col + len(content)] == content
        return self.row, self.col, False

    def flush(self) -> None:
        if self.pieces:
            text = "".join(self.text)
            if text.strip():
                self.found.append(
                    Prose(self.path, self.field, text, tuple(self.pieces), self.owner, True)
                )
        self.text, self.pieces, self.length = [], [], 0


def body_placement(body: Body) -> Placement:
    return Placement(body.line)


def field_markdown(owner: Any, kind: str, origin: Origin) -> Iterator[tuple[str, str, Placement]]:
    """(field, text, placement) of each Markdown field of an item (a hall's intro, a
    collection's foreword)."""
    for name in MARKDOWN_FIELDS.get(kind, ()):
        text = getattr(owner, "__dict__", {}).get(name)
        if not isinstance(text, str) or not text.strip():
            continue
        found = origin.source_map.verbatim.get((*origin.prefix, name))
        if found is not None:
            line, column, indent = found
            pos = origin.source_map.position(line, column)
            where = Placement(pos.line, max(indent, column) if indent >= 0 else column)
            if indent < 0 and "\n" in text:
                where = Placement(pos.line, 0, False)
        else:
            at = origin.at(name)
            where = Placement(at.line + (1 if "\n" in text.strip() else 0), 0, False)
        yield name, text, where


def _field_markdown(owner: Any, kind: str, origin: Origin) -> Iterator[Prose]:
    for name, text, where in field_markdown(owner, kind, origin):
        yield from markdown_prose(origin.path, name, text, where, owner)


# -- the corpus -----------------------------------------------------------------------------


def item_prose(item: Item) -> Iterator[Prose]:
    """Everything a reader sees of one item: its fields, then its Markdown."""
    yield from field_prose(item, item.kind, item.origin)
    yield from _field_markdown(item, item.kind, item.origin)
    if item.kind in HAS_BODY and item.body.markdown.strip():
        yield from markdown_prose(
            item.origin.path, "body", item.body.markdown, body_placement(item.body), item
        )


def corpus_prose(corpus: Corpus) -> Iterator[Prose]:
    """Every piece of prose of the corpus (of the files in its `scope`, when it has one):
    valid items, the parts of broken ones that validated, bodies whose front matter did
    not, units and themes. Within `shared()`, found once for all the families."""
    if _shared is None:
        yield from owner_prose(corpus, corpus.scope)
        return
    key = (id(corpus), corpus.scope)
    found = _shared.get(key)
    if found is None:
        found = _shared[key] = list(owner_prose(corpus, corpus.scope))
    yield from found


_shared: dict[tuple[int, frozenset[str] | None], list[Prose]] | None = None


@contextmanager
def shared() -> Iterator[None]:
    """The checks are running: every family reads the same list of prose, which is
    dropped when they are done (at 10k stories it is a few hundred thousand pieces)."""
    global _shared
    before, _shared = _shared, {}
    try:
        yield
    finally:
        _shared = before


def owner_prose(corpus: Corpus, paths: frozenset[str] | None) -> Iterator[Prose]:
    """The prose of the corpus, only of files in `paths` when given."""

    def wanted(path: str) -> bool:
        return paths is None or path in paths

    for item in corpus.items():  # halls and collections included
        if wanted(item.origin.path):
            yield from item_prose(item)
    for item in corpus.partial.values():
        if wanted(item.origin.path):
            yield from item_prose(item)
    for path, body in corpus.unvalidated_bodies:
        if wanted(path) and body.markdown.strip():
            yield from markdown_prose(path, "body", body.markdown, body_placement(body))
    for unit in corpus.units.values():
        if wanted(unit.origin.path):
            yield from field_prose(unit, "unit", unit.origin)
    for theme in corpus.themes.values():
        if wanted(theme.origin.path):
            yield from field_prose(theme, "theme", theme.origin)


# -- exemptions -----------------------------------------------------------------------------

# `[//]: # (culture: ignore W-TYPO-SPACING)`: a link reference definition, which renders
# nothing (raw HTML comments stay forbidden). It exempts the paragraph that follows.
BODY_IGNORE = re.compile(
    r"^\s{0,3}\[[^\]]*\]:\s*#\s*[(\"']\s*culture:\s*ignore\s+"
    r"([A-Z][A-Z0-9-]*(?:[\s,，]+[A-Z][A-Z0-9-]*)*)\s*[)\"']\s*$"
)


def body_ignores(markdown: str, first_line: int) -> dict[int, tuple[str, ...]]:
    """File line → codes exempted there by comments in a Markdown text: the comment's own
    line and the lines of the paragraph (or heading, or list item) after it."""
    found: dict[int, tuple[str, ...]] = {}
    if "culture:" not in markdown:
        return found
    lines = markdown.split("\n")
    for number, line in enumerate(lines):
        match = BODY_IGNORE.match(line)
        if match is None:
            continue
        codes = tuple(re.split(r"[\s,，]+", match.group(1).strip()))
        found[first_line + number] = found.get(first_line + number, ()) + codes
        after = number + 1
        while after < len(lines) and not lines[after].strip():
            after += 1  # the comment may stand a blank line above what it exempts
        while after < len(lines) and lines[after].strip() and not BODY_IGNORE.match(lines[after]):
            at = first_line + after
            found[at] = found.get(at, ()) + codes
            after += 1
    return found


def exempted(code: str, codes: Sequence[str]) -> bool:
    """Whether `code` is named by an ignore comment: itself, or a prefix such as `W-TYPO`."""
    return any(code == c or code.startswith(c.rstrip("-") + "-") for c in codes)
