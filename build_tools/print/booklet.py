"""A collection as a printed booklet: Typst source from a Jinja template, compiled with
the Typst compiler embedded in the `typst` package, then finished with pikepdf (TrimBox,
language, optional saddle-stitch imposition).

Python decides what goes in (which items, in which order, which image at which size);
the template decides how it looks.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
from markupsafe import Markup

from build_tools.content import media
from build_tools.content.audience import Audience
from build_tools.content.corpus import Corpus
from build_tools.content.markdown import images as body_images
from build_tools.content.model import STATUS_LABELS, Collection, Craftsman, Image, Item, Story, Unit
from build_tools.diagnostics import Diagnostic, Location, diagnostic
from build_tools.print import fonts
from build_tools.print.imposition import saddle_stitch
from build_tools.print.typst_markup import string, templates, to_typst

PAPERS = {
    "A5": ("148mm", "210mm", 148),
    "B5": ("176mm", "250mm", 176),
    "A4": ("210mm", "297mm", 210),
}
MIN_DPI = 300
TEXT_WIDTH_MM = {"A5": 113, "B5": 141, "A4": 175}
CRAFTSMAN_PHOTO_SHARE = 0.45  # of the text width (the template's `box(width: 45%)`)


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


_env = templates()


class _Book:
    def __init__(self, corpus: Corpus, collection: Collection, options: BookletOptions) -> None:
        self.corpus = corpus
        self.collection = collection
        self.options = options
        self.paper = collection.booklet.paper
        self.problems: list[Diagnostic] = []
        self.chosen: list[Story | Craftsman] = []  # the items printed, once context() ran

    # -- what goes in --------------------------------------------------------------------
    def items(self) -> list[Story | Craftsman]:
        chosen = []
        audience = self.options.audience
        if not audience.prints(self.collection):
            label = STATUS_LABELS[self.collection.status]
            message = f"故事集“{self.collection.title}”的状态是{label}，只能印校样（--proof），不能正式印刷"
            where = self.collection.origin.at("status")
            self.problems.append(diagnostic("E-COLLECTION-UNPUBLISHED", where, message))
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
        where = item.origin.at("photo" if isinstance(item, Craftsman) else "cover", "src")
        found = self.usable(item.origin.path, image.src, where)
        if found is None:
            return None
        path, info = found
        low = low_resolution(image.src, info, printed_mm, where)
        if low is not None:
            self.problems.append(low)
        return {"path": path, "caption": image.caption}

    def usable(
        self, written_in: str, src: str, where: Location
    ) -> tuple[str, media.ImageInfo] | None:
        return usable_image(self.corpus, written_in, src, where, self.problems)

    def body(self, item: Item) -> Markup:
        where = image_locations(item)

        def picture(src: str, alt: str) -> str | None:
            at = where.get(src, Location(item.origin.path, item.body.line, 1))
            found = self.usable(item.origin.path, src, at)
            if found is None:
                return None
            return f"#picture({string(found[0])}, {string(alt)})"

        return Markup(to_typst(item.body.markdown, picture))

    def context(self) -> dict[str, Any]:
        width = TEXT_WIDTH_MM[self.paper]
        items = []
        self.chosen = self.items()
        for item in self.chosen:
            unit = self.corpus.units.get(item.unit or "")
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
                        "image": self.image(item.photo, item, width * CRAFTSMAN_PHOTO_SHARE),
                        "honors": sorted(item.honors, key=lambda h: h.year),
                        "body": self.body(item),
                    }
                )
        c = self.collection
        foreword = Markup(to_typst(c.foreword)) if c.foreword else None
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
        texts = printed_texts(self.corpus, self.collection, self.chosen)
        try:
            self.problems.extend(fonts.glyph_problems(texts))
        except fonts.FontMissing as exc:
            where = self.collection.origin.at()
            self.problems.append(diagnostic("E-PRINT-GLYPH", where, f"{exc}，无法排印小册子"))


def image_locations(item: Item) -> dict[str, Location]:
    """Where each image of an item's body is written (its first use), for what the
    booklet and the panel proofs say of it."""
    return {
        found.text: Location(item.origin.path, item.body.line + found.line - 1, found.column)
        for found in reversed(body_images(item.body.markdown))
    }


def usable_image(
    corpus: Corpus, written_in: str, src: str, where: Location, problems: list[Diagnostic]
) -> tuple[str, media.ImageInfo] | None:
    """The Typst path (from the project root) of an image the resolver accepted and
    `media.inspect` found whole; otherwise None, with the check's own diagnostic added to
    `problems`: nothing broken, oversized or outside the tree is ever given to Typst."""
    ref = corpus.media(written_in, src)
    problem = media.diagnose(ref, where, corpus.content_dir.name)
    if problem is not None or ref.path is None:
        problems.extend([problem] if problem is not None else [])
        return None
    info = media.inspect(ref)
    assert isinstance(info, media.ImageInfo)  # diagnose() found no problem
    try:
        relative = ref.path.relative_to(os.path.realpath(corpus.root))
    except ValueError:  # a content folder linked in from elsewhere: Typst cannot read it
        return None
    return "/" + relative.as_posix(), info


def low_resolution(
    src: str, info: media.ImageInfo, printed_mm: float, where: Location, min_dpi: int = MIN_DPI
) -> Diagnostic | None:
    """W-PRINT-IMAGE-DPI when an image printed `printed_mm` wide has under `min_dpi`."""
    dpi = info.width / (printed_mm / 25.4)
    if dpi >= min_dpi:
        return None
    message = (
        f"图片“{src}”印刷宽度约 {printed_mm:.0f} 毫米时只有 {dpi:.0f} dpi，"
        f"低于 {min_dpi} dpi，印出来会发虚；请换用至少 {printed_mm / 25.4 * min_dpi:.0f} 像素宽的原图"
    )
    return diagnostic("W-PRINT-IMAGE-DPI", where, message)


def printed_texts(
    corpus: Corpus, collection: Collection, items: Sequence[Story | Craftsman]
) -> list[fonts.PrintedText]:
    """Every piece of content text the booklet prints, where it was written: what the
    glyph check reads, in the booklet and in `culture check` alike."""
    texts: list[fonts.PrintedText] = []

    def add(owner: Item | Unit, value: object, *path: str | int) -> None:
        if not value:
            return
        text = str(value)
        where = owner.origin.at(*path)
        if "\n" in text.strip():  # a block scalar (`foreword: |`) starts on the next line
            where = Location(where.path, where.line + 1, 1)
        texts.append(fonts.PrintedText(text, where))

    c = collection
    for name in ("title", "subtitle", "editor", "foreword"):
        add(c, getattr(c, name), name)
    if c.cover is not None:
        add(c, c.cover.caption, "cover", "caption")
    for item in items:
        unit = corpus.units.get(item.unit or "")
        if unit is not None:
            add(unit, unit.name, "name")
        image = item.cover if isinstance(item, Story) else item.photo
        if image is not None:
            add(item, image.caption, "cover" if isinstance(item, Story) else "photo", "caption")
        if isinstance(item, Story):
            for name in ("title", "subtitle", "place", "source", "author"):
                add(item, getattr(item, name), name)
        else:
            for name in ("name", "position", "studio", "motto"):
                add(item, getattr(item, name), name)
            for i, honor in enumerate(item.honors):
                add(item, honor.title, "honors", i, "title")
        texts.append(
            fonts.PrintedText(item.body.markdown, Location(item.origin.path, item.body.line, 1))
        )
    return texts


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
    imposition = options.imposition or collection.booklet.imposition
    pages = typeset(source, out, root=corpus.root, title=collection.title, imposition=imposition)
    return BookletResult(out, pages, problems)


def typeset(source: str, out: Path, *, root: Path, title: str, imposition: str) -> int:
    """Compile Typst source made by `typst_source` (its paths relative to `root`) into
    the finished PDF at `out`, written beside it first and then renamed; returns the
    number of pages before imposition."""
    import typst

    out.parent.mkdir(parents=True, exist_ok=True)
    pdf = typst.compile(source.encode("utf-8"), root=str(root), pdf_standards=None)
    partial = out.with_name(out.name + ".part")
    pages = _finish(pdf, partial, title, imposition)
    partial.replace(out)
    return pages


def _finish(pdf: bytes, target: Path, title: str, imposition: str) -> int:
    import io

    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            page.TrimBox = page.MediaBox  # the page is the trimmed size; no bleed
        document.Root.Lang = pikepdf.String("zh-CN")
        with document.open_metadata() as meta:
            meta["dc:title"] = title
            meta["dc:language"] = {"zh-CN"}
        pages = len(document.pages)
        if imposition == "saddle":
            document = saddle_stitch(document)
        document.save(target)
    return pages
