"""A .docx to plain blocks: mammoth maps Word's styles to structure, we read its HTML.

mammoth knows Word (styles, numbering, footnotes, tables, pictures); we only walk the
small, well-formed HTML it writes and keep what Markdown can say. Centred paragraphs
(a title typed in 正文 and centred) are marked before conversion, since HTML loses them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

import mammoth
import mammoth.documents
import mammoth.transforms

from build_tools.importer.source import Refused

MAX_TEXT_CHARS = 300_000  # a very long submission is 30,000 characters
MAX_PICTURE_BYTES = 30 * 1024 * 1024  # one picture as stored in the file
MAX_PICTURE_BYTES_TOTAL = 200 * 1024 * 1024  # every picture read, a repeated one each time
MAX_DEPTH = 40  # elements inside elements: real documents nest lists and tables a few deep

# Word's built-in names (in any UI language the XML keeps the English ones) and WPS's.
STYLE_MAP = "\n".join(
    [
        "p[style-name='Title'] => p.title:fresh",
        "p[style-name='标题'] => p.title:fresh",
        "p[style-name='Subtitle'] => p.subtitle:fresh",
        "p[style-name='副标题'] => p.subtitle:fresh",
        *(f"p[style-name='标题 {n}'] => h{n}:fresh" for n in range(1, 7)),
        "p[style-name='Quote'] => blockquote > p:fresh",
        "p[style-name='Intense Quote'] => blockquote > p:fresh",
        "p[style-name='引用'] => blockquote > p:fresh",
        "p[style-name='culture-centred'] => p.centred:fresh",
        "p[style-name='Caption'] => p.caption:fresh",
        "p[style-name='题注'] => p.caption:fresh",
    ]
)


# -- the blocks a submission is made of -----------------------------------------------------


@dataclass(slots=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None


@dataclass(slots=True)
class NoteRef:
    number: int


@dataclass(slots=True)
class LineBreak:
    pass


@dataclass(slots=True)
class Picture:
    index: int  # into Converted.pictures


Inline = Span | NoteRef | LineBreak | Picture


def plain(inlines: list[Inline]) -> str:
    return "".join(
        i.text if isinstance(i, Span) else "\n" if isinstance(i, LineBreak) else "" for i in inlines
    )


@dataclass(slots=True)
class Paragraph:
    inlines: list[Inline]
    role: str | None = None  # title, subtitle, centred, caption (from the Word style)

    @property
    def text(self) -> str:
        return plain(self.inlines).strip()


@dataclass(slots=True)
class Heading:
    level: int
    inlines: list[Inline]

    @property
    def text(self) -> str:
        return plain(self.inlines).strip()


@dataclass(slots=True)
class Quote:
    blocks: list[Block]


@dataclass(slots=True)
class ListBlock:
    ordered: bool
    items: list[list[Block]]


@dataclass(slots=True)
class Table:
    rows: list[list[list[Inline]]]  # rows of cells of inlines


@dataclass(slots=True)
class Figure:
    index: int  # into Converted.pictures
    caption: str = ""


Block = Paragraph | Heading | Quote | ListBlock | Table | Figure


@dataclass(slots=True)
class RawPicture:
    data: bytes
    content_type: str
    alt: str


@dataclass(slots=True)
class Converted:
    blocks: list[Block]
    notes: dict[int, list[Inline]] = field(default_factory=dict)
    pictures: list[RawPicture] = field(default_factory=list)
    core_title: str = ""
    skipped_pictures: int = 0


# -- conversion --------------------------------------------------------------------------


def convert(data: bytes, max_pictures: int) -> Converted:
    pictures: list[RawPicture] = []
    skipped = 0

    read = 0

    def take_picture(image: Any) -> dict[str, str]:
        # One picture may be placed many times: what is read is counted each time.
        nonlocal skipped, read
        if len(pictures) >= max_pictures or read >= MAX_PICTURE_BYTES_TOTAL:
            skipped += 1
            return {"src": "skipped"}
        with image.open() as stream:
            raw = stream.read(MAX_PICTURE_BYTES + 1)
        read += len(raw)
        if len(raw) > MAX_PICTURE_BYTES:
            skipped += 1
            return {"src": "skipped"}
        pictures.append(RawPicture(raw, image.content_type or "", image.alt_text or ""))
        return {"src": f"picture:{len(pictures) - 1}"}

    try:
        result = mammoth.convert_to_html(
            BytesIO(data),
            style_map=STYLE_MAP,
            include_embedded_style_map=False,
            external_file_access=False,
            transform_document=mammoth.transforms.paragraph(_mark_centred),
            convert_image=mammoth.images.img_element(take_picture),
        )
    except Refused:
        raise
    except Exception as exc:  # mammoth's errors for broken XML are of many kinds
        raise Refused(f"无法读取 Word 内容（文件可能已损坏：{type(exc).__name__}）") from exc
    html = result.value
    if len(html) > MAX_TEXT_CHARS * 4:
        raise Refused(f"正文太长，不像一篇投稿（超过 {MAX_TEXT_CHARS:,} 个字）")
    try:
        root = ET.fromstring(f"<root>{html}</root>")
    except ET.ParseError as exc:
        raise Refused(f"无法读取 Word 内容（{exc}）") from exc
    if _depth(root) > MAX_DEPTH:
        raise Refused(f"文档的列表或表格嵌套超过 {MAX_DEPTH} 层，不像正常的投稿")
    converted = Converted([], pictures=pictures, skipped_pictures=skipped)
    converted.blocks = _blocks(root, converted.notes)
    if sum(len(plain_text(b)) for b in converted.blocks) > MAX_TEXT_CHARS:
        raise Refused(f"正文太长，不像一篇投稿（超过 {MAX_TEXT_CHARS:,} 个字）")
    converted.core_title = _core_title(data)
    return converted


def _depth(root: ET.Element) -> int:
    """How deep the HTML nests, found without recursion (the walk below recurses)."""
    deepest, stack = 0, [(root, 0)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in element)
    return deepest


def _mark_centred(paragraph: Any) -> Any:
    if paragraph.alignment == "center" and paragraph.style_name in (None, "Normal", "正文"):
        return paragraph.copy(style_id="culture-centred", style_name="culture-centred")
    return paragraph


def _core_title(data: bytes) -> str:
    """The title in the document's properties, when it is a real one (Word fills it with
    the first line, or leaves it empty; templates leave their own)."""
    try:
        import docx

        title = (docx.Document(BytesIO(data)).core_properties.title or "").strip()
    except Exception:  # the properties are a hint; a document without them still imports
        return ""
    return "" if re.match(r"(?i)^(microsoft word|文档|document|untitled)", title) else title


# -- HTML to blocks ----------------------------------------------------------------------

_HEADING = re.compile(r"^h([1-6])$")


def _blocks(parent: ET.Element, notes: dict[int, list[Inline]]) -> list[Block]:
    blocks: list[Block] = []
    loose: list[Inline] = []  # inline content outside any paragraph (a table cell's text)

    def flush() -> None:
        if loose:
            blocks.append(Paragraph(loose.copy()))
            loose.clear()

    if parent.text:
        loose.append(Span(parent.text))
    for child in parent:
        tag = child.tag
        heading = _HEADING.match(tag)
        if tag == "p":
            flush()
            blocks.append(Paragraph(_inlines(child), child.get("class")))
        elif heading:
            flush()
            blocks.append(Heading(int(heading.group(1)), _inlines(child)))
        elif tag == "blockquote":
            flush()
            blocks.append(Quote(_blocks(child, notes)))
        elif tag in ("ul", "ol"):
            flush()
            if _is_notes(child):
                _read_notes(child, notes)
            else:
                items = [_blocks(li, notes) for li in child if li.tag == "li"]
                blocks.append(ListBlock(tag == "ol", items))
        elif tag == "table":
            flush()
            blocks.append(Table(_rows(child)))
        else:
            loose.extend(_inlines_of(child, bold=False, italic=False))
        if child.tail:
            loose.append(Span(child.tail))
    flush()
    return blocks


def _is_notes(element: ET.Element) -> bool:
    items = [li for li in element if li.tag == "li"]
    return bool(items) and all(
        re.fullmatch(r"(foot|end)note-\d+", li.get("id") or "") for li in items
    )


def _read_notes(element: ET.Element, notes: dict[int, list[Inline]]) -> None:
    for li in element:
        number = int(re.sub(r"\D", "", li.get("id") or "0") or 0)
        if (li.get("id") or "").startswith("endnote"):
            number += 1000  # endnotes after footnotes, never the same number
        inlines: list[Inline] = []
        for block in _blocks(li, {}):
            if inlines:
                inlines.append(Span(" "))
            inlines.extend(_inline_content(block))
        notes[number] = inlines


def _inline_content(block: Block) -> list[Inline]:
    if isinstance(block, Paragraph | Heading):
        return block.inlines
    return [Span(plain_text(block))]


def plain_text(block: Block) -> str:
    if isinstance(block, Paragraph | Heading):
        return block.text
    if isinstance(block, Quote):
        return "\n".join(plain_text(b) for b in block.blocks)
    if isinstance(block, ListBlock):
        return "\n".join(plain_text(b) for item in block.items for b in item)
    if isinstance(block, Figure):
        return block.caption
    return "\n".join(plain(cell) for row in block.rows for cell in row)


def _rows(table: ET.Element) -> list[list[list[Inline]]]:
    rows = []
    for row in table.iter("tr"):
        cells = []
        for cell in row:
            if cell.tag not in ("td", "th"):
                continue
            inlines: list[Inline] = []
            for block in _blocks(cell, {}):
                if inlines:
                    inlines.append(Span(" "))
                inlines.extend(_inline_content(block))
            cells.append(inlines)
        rows.append(cells)
    return rows


def _inlines(element: ET.Element) -> list[Inline]:
    inlines: list[Inline] = []
    if element.text:
        inlines.append(Span(element.text))
    for child in element:
        inlines.extend(_inlines_of(child, bold=False, italic=False))
        if child.tail:
            inlines.append(Span(child.tail))
    return inlines


def _inlines_of(element: ET.Element, *, bold: bool, italic: bool) -> list[Inline]:
    tag = element.tag
    if tag == "br":
        return [LineBreak()]
    if tag == "img":
        src = element.get("src") or ""
        return [Picture(int(src.split(":")[1]))] if src.startswith("picture:") else []
    if tag == "sup":
        link = element.find("a")
        ref = (
            re.fullmatch(r"#(foot|end)note-(\d+)", link.get("href") or "")
            if link is not None
            else None
        )
        if ref:
            number = int(ref.group(2)) + (1000 if ref.group(1) == "end" else 0)
            return [NoteRef(number)]
    if tag == "a" and re.fullmatch(r"#(foot|end)note-ref-\d+", element.get("href") or ""):
        return []  # the ↑ back to the reference
    bold = bold or tag in ("strong", "b")
    italic = italic or tag in ("em", "i")
    href = element.get("href") if tag == "a" else None
    found: list[Inline] = []
    if element.text:
        found.append(Span(element.text, bold, italic, href))
    for child in element:
        for inline in _inlines_of(child, bold=bold, italic=italic):
            if isinstance(inline, Span) and href and not inline.href:
                inline.href = href
            found.append(inline)
        if child.tail:
            found.append(Span(child.tail, bold, italic, href))
    return found
