"""A collection as a printed booklet: Typst source from a Jinja template, compiled with
the Typst compiler embedded in the `typst` package, then finished with pikepdf (TrimBox,
language, optional saddle-stitch imposition).

Python decides what goes in (which items, in which order, which image at which size);
the template decides how it looks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from PIL import Image as PILImage

from build_tools.content.audience import Audience
from build_tools.content.corpus import Corpus
from build_tools.content.model import Collection, Craftsman, Image, Item, Story
from build_tools.diagnostics import Diagnostic, Location, diagnostic
from build_tools.print import fonts
from build_tools.print.imposition import saddle_stitch
from build_tools.print.typst_markup import escape, string, to_typst

PAPERS = {
    "A5": ("148mm", "210mm", 148),
    "B5": ("176mm", "250mm", 176),
    "A4": ("210mm", "297mm", 210),
}
MIN_DPI = 300
TEXT_WIDTH_MM = {"A5": 113, "B5": 141, "A4": 175}


@dataclass(frozen=True, slots=True)
class BookletOptions:
    imposition: str | None = None  # None: the collection's own setting
    proof: bool = False  # 校样: watermark, review items allowed
    copies: int | None = None  # 印数 on the colophon

    @property
    def audience(self) -> Audience:
        """Who the booklet is printed for: the one audience rule decides its items."""
        return Audience.PROOF if self.proof else Audience.PRODUCTION


@dataclass(slots=True)
class BookletResult:
    path: Path
    pages: int
    diagnostics: list[Diagnostic] = field(default_factory=list)


class BookletError(Exception):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics


_env = Environment(
    loader=PackageLoader("build_tools.print", "templates"),
    undefined=StrictUndefined,
    autoescape=False,  # Typst, not HTML: values go through `typ` or `str` below
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["typ"] = lambda value: Markup(escape(str(value)))
_env.filters["str"] = lambda value: Markup(string(str(value)))


class _Book:
    def __init__(self, corpus: Corpus, collection: Collection, options: BookletOptions) -> None:
        self.corpus = corpus
        self.collection = collection
        self.options = options
        self.paper = collection.booklet.paper
        self.problems: list[Diagnostic] = []
        self.text_for_glyphs: list[tuple[str, str, int]] = []  # (text, path, first line)

    # -- what goes in --------------------------------------------------------------------
    def items(self) -> list[Story | Craftsman]:
        chosen = []
        audience = self.options.audience
        for i, item_id in enumerate(self.collection.items):
            item = self.corpus.find_item(item_id)
            if item is None or not audience.shows(item):
                status = "不存在" if item is None else f"状态为 {item.status}"
                where = self.collection.origin.at("items", i)
                message = (
                    f"“{item_id}”{status}，不能印入{'校样' if self.options.proof else '正式印刷品'}"
                )
                self.problems.append(diagnostic("E-COLLECTION-UNPUBLISHED", where, message))
                continue
            chosen.append(item)
        return chosen

    def image(self, image: Image | None, item: Item, printed_mm: float) -> dict[str, str] | None:
        if image is None:
            return None
        source = (self.corpus.root / Path(item.origin.path).parent / image.src).resolve()
        if not source.is_file():
            return None
        with PILImage.open(source) as img:
            width = img.width
        dpi = width / (printed_mm / 25.4)
        if dpi < MIN_DPI:
            message = (
                f"图片“{image.src}”印刷宽度约 {printed_mm:.0f} 毫米时只有 {dpi:.0f} dpi，"
                f"低于 {MIN_DPI} dpi，印出来会发虚；请换用至少 {printed_mm / 25.4 * MIN_DPI:.0f} 像素宽的原图"
            )
            self.problems.append(
                diagnostic(
                    "W-PRINT-IMAGE-DPI",
                    item.origin.at("photo" if isinstance(item, Craftsman) else "cover", "src"),
                    message,
                )
            )
        return {
            "path": "/" + source.relative_to(self.corpus.root.resolve()).as_posix(),
            "caption": image.caption,
        }

    def body(self, item: Item) -> Markup:
        self.text_for_glyphs.append((item.body.markdown, item.origin.path, item.body.line))
        base = self.corpus.root / Path(item.origin.path).parent

        def picture(src: str, alt: str) -> str | None:
            source = (base / src).resolve()
            if not source.is_file():
                return None
            path = "/" + source.relative_to(self.corpus.root.resolve()).as_posix()
            return f"#picture({string(path)}, {string(alt)})"

        return Markup(to_typst(item.body.markdown, picture))

    def context(self) -> dict[str, Any]:
        width = TEXT_WIDTH_MM[self.paper]
        items = []
        for item in self.items():
            unit = self.corpus.units.get(item.unit or "")
            self.text_for_glyphs.append((item.title, item.origin.path, item.origin.line))
            if isinstance(item, Story):
                meta = "　".join(
                    x for x in (item.date.zh(), item.place, unit.name if unit else None) if x
                )
                source = "　".join(
                    x
                    for x in (
                        f"来源：{item.source}" if item.source else "",
                        f"撰稿：{item.author}" if item.author else "",
                    )
                    if x
                )
                items.append(
                    {
                        "kind": "story",
                        "title": item.title,
                        "subtitle": item.subtitle,
                        "meta": meta,
                        "image": self.image(item.cover, item, width),
                        "body": self.body(item),
                        "source": source,
                    }
                )
            else:
                meta = "　".join(
                    x for x in (item.position, unit.name if unit else None, item.studio) if x
                )
                items.append(
                    {
                        "kind": "craftsman",
                        "title": item.name,
                        "meta": meta,
                        "motto": item.motto,
                        "image": self.image(item.photo, item, width * 0.45),
                        "honors": sorted(item.honors, key=lambda h: h.year),
                        "body": self.body(item),
                    }
                )
        c = self.collection
        foreword = Markup(to_typst(c.foreword)) if c.foreword else None
        if c.foreword:
            self.text_for_glyphs.append((c.foreword, c.origin.path, c.origin.at("foreword").line))
        paper = PAPERS[self.paper]
        return {
            "book": {
                "title": c.title,
                "subtitle": c.subtitle,
                "editor": c.editor,
                "edition": c.edition.zh() if c.edition else None,
                "foreword": foreword,
                "cover": self.image(c.cover, c, width),
                "copies": self.options.copies,
            },
            "paper": {"width": paper[0], "height": paper[1]},
            "proof": self.options.proof,
            "items": items,
        }

    def check_glyphs(self) -> None:
        for text, path, first_line in self.text_for_glyphs:
            for ch in fonts.missing(text):
                for offset, line in enumerate(text.split("\n")):
                    if ch in line:
                        where = Location(path, first_line + offset, line.index(ch) + 1)
                        message = f"字体 {fonts.BODY_FONT} 中没有“{ch}”（U+{ord(ch):04X}）这个字，印出来会是方框；请换用常用字或联系排版人员造字"
                        self.problems.append(diagnostic("E-PRINT-GLYPH", where, message))
                        break


def typst_source(
    corpus: Corpus, collection: Collection, options: BookletOptions
) -> tuple[str, list[Diagnostic]]:
    book = _Book(corpus, collection, options)
    context = book.context()
    book.check_glyphs()
    return _env.get_template("booklet.typ.j2").render(**context), book.problems


def make_booklet(
    corpus: Corpus, collection_id: str, out: Path, options: BookletOptions
) -> BookletResult:
    collection = corpus.collections.get(collection_id)
    if collection is None:
        known = "、".join(corpus.collections) or "（没有故事集）"
        raise BookletError(
            [
                diagnostic(
                    "E-REF-ITEM",
                    Location("stories/collections"),
                    f"没有故事集“{collection_id}”；现有：{known}",
                )
            ]
        )
    source, problems = typst_source(corpus, collection, options)
    errors = [d for d in problems if d.severity == "error"]
    if errors:
        raise BookletError(problems)
    pages = typeset(corpus, collection, source, out, options)
    return BookletResult(out, pages, problems)


def typeset(
    corpus: Corpus, collection: Collection, source: str, out: Path, options: BookletOptions
) -> int:
    """Compile Typst source made by `typst_source` into the finished PDF at `out`
    (written beside it first, then renamed); returns the number of pages."""
    import typst

    out.parent.mkdir(parents=True, exist_ok=True)
    pdf = typst.compile(source.encode("utf-8"), root=str(corpus.root), pdf_standards=None)
    partial = out.with_name(out.name + ".part")
    pages = _finish(pdf, partial, collection, options)
    partial.replace(out)
    return pages


def _finish(pdf: bytes, target: Path, collection: Collection, options: BookletOptions) -> int:
    import io

    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            page.TrimBox = page.MediaBox  # the page is the trimmed size; no bleed
        document.Root.Lang = pikepdf.String("zh-CN")
        with document.open_metadata() as meta:
            meta["dc:title"] = collection.title
            meta["dc:language"] = {"zh-CN"}
        pages = len(document.pages)
        imposition = options.imposition or collection.booklet.imposition
        if imposition == "saddle":
            document = saddle_stitch(document)
        document.save(target)
    return pages
