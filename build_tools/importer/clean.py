"""What Word habits leave in a text, cleaned: line breaks inside paragraphs, full-width
spaces typed as indentation, empty paragraphs, numbering typed by hand (1、 一、 （一）),
subheadings typed as short bold lines, and the caption under each picture."""

from __future__ import annotations

import re

from build_tools.importer.docx import (
    Block,
    Figure,
    Heading,
    Inline,
    LineBreak,
    ListBlock,
    Paragraph,
    Picture,
    Quote,
    Span,
    Table,
    plain,
)

SPACE = " \t\u3000\xa0\u2002\u2003"
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’—…·]")
# 1、 1. 1． (1) （1） at the start of a paragraph; never 1.5 or 1985.
_ARABIC_ITEM = re.compile(r"^(?:(\d{1,2})[、.．](?![\d])|[（(](\d{1,2})[)）])[\s\u3000]*")
_ZH_SECTION = re.compile(r"^[一二三四五六七八九十]{1,3}、")
_ZH_SUBSECTION = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[)）]")
_CAPTION = re.compile(
    r"^[（(]?\s*(?:图\s*[0-9０-９一二三四五六七八九十]+\s*[.．、：:\-—]?|图为)\s*"
)
HEADING_MAX = 30  # characters: a line longer than this is a sentence, not a heading
_END_PUNCT = tuple("。！？；，：…")


def clean(blocks: list[Block]) -> list[Block]:
    cleaned: list[Block] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            cleaned.extend(_paragraph(block))
        elif isinstance(block, Heading):
            inlines = _strip(block.inlines)
            if plain(inlines).strip():
                cleaned.append(Heading(block.level, inlines))
        elif isinstance(block, Quote):
            inner = clean(block.blocks)
            if inner:
                cleaned.append(Quote(inner))
        elif isinstance(block, ListBlock):
            items = [clean(item) for item in block.items]
            items = [item for item in items if item]
            if items:
                cleaned.append(ListBlock(block.ordered, items))
        elif isinstance(block, Table):
            rows = [[_strip(_join_lines(cell)) for cell in row] for row in block.rows]
            if any(plain(cell).strip() for row in rows for cell in row):
                cleaned.append(Table(rows))
        else:
            cleaned.append(block)
    return _rejoin(_numbering(_captions(cleaned)))


# A paragraph that stops at a comma goes on in the next one: Enter pressed where the line
# seemed to end, or text pasted from a PDF or a chat.
_GOES_ON = ("，", "、", ",")


def _rejoin(blocks: list[Block]) -> list[Block]:
    joined: list[Block] = []
    for block in blocks:
        before = joined[-1] if joined else None
        if (
            isinstance(block, Paragraph)
            and isinstance(before, Paragraph)
            and before.role is None
            and block.role is None
            and before.text.endswith(_GOES_ON)
        ):  # pictures are Figures of their own by now (_split_pictures): never joined
            joined[-1] = Paragraph(_join_lines_of([before.inlines, block.inlines]))
        else:
            joined.append(block)
    return joined


def _paragraph(paragraph: Paragraph) -> list[Block]:
    """One Word paragraph as the paragraphs and pictures it really holds."""
    lines = _lines(paragraph.inlines)
    # A line break followed by an indent, or an empty line, starts a new paragraph:
    # text pasted from elsewhere, or typed with Shift+Enter throughout.
    groups: list[list[list[Inline]]] = [[]]
    for line in lines:
        text = plain(line)
        if not text.strip(SPACE) and not any(isinstance(i, Picture) for i in line):
            if groups[-1]:
                groups.append([])
            continue
        if groups[-1] and text[:1] in SPACE and text[:1]:
            groups.append([])
        groups[-1].append(line)
    found: list[Block] = []
    for group in groups:
        if not group:
            continue
        joined = _join_lines_of(group)
        found.extend(_split_pictures(joined, paragraph.role))
    return found


def _lines(inlines: list[Inline]) -> list[list[Inline]]:
    """The lines manual line breaks (Shift+Enter) make of a paragraph."""
    lines: list[list[Inline]] = [[]]
    for inline in inlines:
        if isinstance(inline, LineBreak):
            lines.append([])
        else:
            lines[-1].append(inline)
    return lines


def _join_lines(inlines: list[Inline]) -> list[Inline]:
    return _join_lines_of(_lines(inlines))


def _join_lines_of(lines: list[list[Inline]]) -> list[Inline]:
    joined: list[Inline] = []
    for line in lines:
        line = _strip(line)
        if not line:
            continue
        before, after = plain(joined)[-1:], plain(line)[:1]
        if joined and before and after and not (_CJK.match(before) or _CJK.match(after)):
            joined.append(Span(" "))
        joined.extend(line)
    return _merge(joined)


def _split_pictures(inlines: list[Inline], role: str | None) -> list[Block]:
    found: list[Block] = []
    text: list[Inline] = []

    def flush() -> None:
        stripped = _strip(text)
        if plain(stripped).strip():
            found.append(Paragraph(stripped, role))
        text.clear()

    for inline in inlines:
        if isinstance(inline, Picture):
            flush()
            found.append(Figure(inline.index))
        else:
            text.append(inline)
    flush()
    return found


def _strip(inlines: list[Inline]) -> list[Inline]:
    """Without the indentation before and the spaces after."""
    inlines = [i for i in inlines if not (isinstance(i, Span) and not i.text)]
    while inlines and isinstance(inlines[0], Span) and not inlines[0].text.strip(SPACE):
        inlines = inlines[1:]
    while inlines and isinstance(inlines[-1], Span) and not inlines[-1].text.strip(SPACE):
        inlines = inlines[:-1]
    if inlines and isinstance(inlines[0], Span):
        first = inlines[0]
        inlines[0] = Span(first.text.lstrip(SPACE), first.bold, first.italic, first.href)
    if inlines and isinstance(inlines[-1], Span):
        last = inlines[-1]
        inlines[-1] = Span(last.text.rstrip(SPACE), last.bold, last.italic, last.href)
    return inlines


def _merge(inlines: list[Inline]) -> list[Inline]:
    """Neighbouring runs of the same formatting as one (Word splits 王建国 into 王 建国)."""
    merged: list[Inline] = []
    for inline in inlines:
        last = merged[-1] if merged else None
        if (
            isinstance(inline, Span)
            and isinstance(last, Span)
            and (last.bold, last.italic, last.href) == (inline.bold, inline.italic, inline.href)
        ):
            merged[-1] = Span(last.text + inline.text, last.bold, last.italic, last.href)
        else:
            merged.append(inline)
    return merged


def caption_text(text: str) -> str | None:
    """The caption a line under a picture gives (图1 老矿井 → 老矿井), None if it is none."""
    match = _CAPTION.match(text)
    if not match:
        return None
    caption = text[match.end() :].strip(SPACE)
    if text.lstrip().startswith(("（", "(")):
        caption = caption.rstrip("）)").strip(SPACE)
    return caption or None


def _captions(blocks: list[Block]) -> list[Block]:
    found: list[Block] = []
    skip = False
    for i, block in enumerate(blocks):
        if skip:
            skip = False
            continue
        found.append(block)
        if isinstance(block, Figure) and i + 1 < len(blocks):
            following = blocks[i + 1]
            if isinstance(following, Paragraph):
                caption = caption_text(following.text)
                if caption is None and following.role == "caption":
                    caption = following.text
                if caption:
                    block.caption = caption
                    skip = True
    return found


def _numbering(blocks: list[Block]) -> list[Block]:
    found: list[Block] = []
    i = 0
    while i < len(blocks):
        run = _numbered_run(blocks, i)
        if len(run) >= 2:
            items: list[list[Block]] = []
            for paragraph in run:
                first = paragraph.inlines[0]
                assert isinstance(first, Span)
                rest = _ARABIC_ITEM.sub("", first.text, count=1)
                inlines = [Span(rest, first.bold, first.italic, first.href), *paragraph.inlines[1:]]
                items.append([Paragraph(_strip(inlines))])
            found.append(ListBlock(True, items))
            i += len(run)
            continue
        found.append(_as_heading(blocks[i]))
        i += 1
    return found


def _numbered_run(blocks: list[Block], start: int) -> list[Paragraph]:
    run: list[Paragraph] = []
    for block in blocks[start:]:
        if not isinstance(block, Paragraph) or not block.inlines:
            break
        first = block.inlines[0]
        match = _ARABIC_ITEM.match(first.text) if isinstance(first, Span) else None
        if not match or int(match.group(1) or match.group(2)) != len(run) + 1:
            break
        run.append(block)
    return run


def _as_heading(block: Block) -> Block:
    """A short line numbered 一、 or （一）, or wholly bold, is a subheading typed by hand."""
    if not isinstance(block, Paragraph) or block.role in ("title", "subtitle", "centred"):
        return block
    text = block.text
    if len(text) > HEADING_MAX or text.endswith(_END_PUNCT) or not text:
        return block
    if _ZH_SECTION.match(text):
        return Heading(2, block.inlines)
    if _ZH_SUBSECTION.match(text):
        return Heading(3, block.inlines)
    spans = [i for i in block.inlines if isinstance(i, Span) and i.text.strip(SPACE)]
    if spans and all(s.bold for s in spans) and len(text) >= 4 and not re.search(r"[：:]", text):
        # Bold as a heading, not as emphasis: a heading's text is plain.
        return Heading(
            2, [Span(s.text, False, s.italic, s.href) for s in block.inlines if isinstance(s, Span)]
        )
    return block
