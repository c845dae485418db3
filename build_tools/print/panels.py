"""A hall's panels as print proofs (`panels.pdf`): one page per panel, in tour order, at
the hall's panel size, with 3 mm bleed and crop marks for the print shop.

Each page carries the panel's zone and number, title, text, exhibit data, image with its
caption, and the QR code of the panel's permanent page with its address printed under it.
The same pipeline as the booklets: values escaped by `typst_markup`, bodies converted
from the one Markdown parse, images through the corpus' resolver, the glyph check before
typesetting, compiled by `booklet.typeset`'s Typst; here the finishing step adds BleedBox.

Python decides what goes on a page (which panels, which exhibit rows, which image);
`templates/panels.typ.j2` decides how it looks.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
from markupsafe import Markup

from build_tools.config import Settings
from build_tools.content import media
from build_tools.content.audience import Audience
from build_tools.content.corpus import Corpus
from build_tools.content.model import PANEL_KIND_LABELS, Hall, Panel
from build_tools.content.tour import Stop, tour
from build_tools.diagnostics import Diagnostic, Location, diagnostic
from build_tools.print import fonts, qr
from build_tools.print.booklet import BookletError, image_locations, low_resolution, usable_image
from build_tools.print.typst_markup import string, templates, to_typst

# ISO 216 trimmed sizes in millimetres, portrait (width, height).
PANEL_SIZES: dict[str, tuple[int, int]] = {
    "A0": (841, 1189),
    "A1": (594, 841),
    "A2": (420, 594),
    "A3": (297, 420),
    "A4": (210, 297),
}
BLEED_MM = 3.0  # what the print shop trims away: pictures and bands run into it
SLUG_MM = 10.0  # beyond the bleed, room for the crop marks
MM_TO_PT = 72 / 25.4
MARGIN_SHARE = 22 / 297  # text margin as a share of the short side (22 mm on A3)
# A panel is read from a metre or two, not held in the hand: 150 dpi at its printed size
# is sharp there (a booklet asks 300).
PANEL_MIN_DPI = 150
IMAGE_SHARE = 0.4  # of the text area's height, at most, for the panel's picture


class PanelsError(BookletError):
    """The proofs cannot be printed; `diagnostics` say why (as `culture check` would)."""


@dataclass(slots=True)
class PanelsResult:
    path: Path
    pages: int
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PanelFormat:
    """The trimmed size of a hall's panels, from `hall.yml`."""

    width_mm: float
    height_mm: float

    @classmethod
    def of(cls, hall: Hall) -> PanelFormat:
        short, long = PANEL_SIZES[hall.panel_size]
        if hall.panel_orientation == "landscape":
            return cls(long, short)
        return cls(short, long)

    @property
    def scale(self) -> float:
        """Type and spacing grow with the panel: 1 on A3 (its short side, 297 mm)."""
        return min(self.width_mm, self.height_mm) / 297

    @property
    def text_width_mm(self) -> float:
        return self.width_mm - 2 * MARGIN_SHARE * min(self.width_mm, self.height_mm)

    @property
    def image_height_mm(self) -> float:
        """The tallest a panel's picture is printed: a share of the text area (the
        template's top and bottom margins are 46 and 72 mm on A3)."""
        return IMAGE_SHARE * (self.height_mm - (46 + 72) * self.scale)

    def printed_width_mm(self, info: media.ImageInfo) -> float:
        """How wide a picture is printed, fitted into the text width and image height."""
        return min(self.text_width_mm, self.image_height_mm * info.width / max(info.height, 1))


_env = templates()


def _era(year: str) -> str:
    return f"{year}年" if year.isdigit() else year


class _Proofs:
    def __init__(self, corpus: Corpus, hall: Hall, base_url: str, proof: bool) -> None:
        self.corpus = corpus
        self.hall = hall
        self.base_url = base_url
        self.audience = Audience.PROOF if proof else Audience.PRODUCTION
        self.format = PanelFormat.of(hall)
        self.problems: list[Diagnostic] = []

    def stops(self, settings: Settings) -> list[Stop]:
        """The panels printed, in tour order: the audience rule and the tour decide."""
        return list(tour(self.corpus, self.hall, self.audience, settings).stops)

    def image(self, panel: Panel) -> dict[str, str] | None:
        if panel.image is None:
            return None
        where = panel.origin.at("image", "src")
        found = usable_image(self.corpus, panel.origin.path, panel.image.src, where, self.problems)
        if found is None:
            return None
        path, info = found
        low = low_resolution(
            panel.image.src, info, self.format.printed_width_mm(info), where, min_dpi=PANEL_MIN_DPI
        )
        if low is not None:
            self.problems.append(low)
        return {"path": path, "caption": panel.image.caption}

    def body(self, panel: Panel) -> Markup:
        where = image_locations(panel)

        def picture(src: str, alt: str) -> str | None:
            at = where.get(src, Location(panel.origin.path, panel.body.line, 1))
            found = usable_image(self.corpus, panel.origin.path, src, at, self.problems)
            if found is None:
                return None
            return f"#picture({string(found[0])}, {string(alt)})"

        return Markup(to_typst(panel.body.markdown, picture))

    def page(self, stop: Stop) -> dict[str, Any]:
        panel = stop.panel
        zones = {zone.id: zone.title for zone in self.hall.zones}
        exhibit = []
        if panel.exhibit is not None:
            e = panel.exhibit
            rows = (
                ("展品名称", e.name),
                ("年代", _era(e.year) if e.year else None),
                ("材质", e.material),
                ("尺寸", e.size),
                ("来源", e.origin),
            )
            exhibit = [{"label": label, "value": value} for label, value in rows if value]
        url = qr.panel_url(self.base_url, panel)
        return {
            "number": panel.number,
            "zone": zones.get(panel.zone, panel.zone),
            "kind": PANEL_KIND_LABELS[panel.panel_kind],
            "title": panel.title,
            "badge": self.audience.badge(panel),
            "body": self.body(panel),
            "exhibit": exhibit,
            "image": self.image(panel),
            "url": url,
            "qr": qr.svg(url),
            # Said in the slug, outside the trimmed panel: for whoever reads the proof.
            "over": (
                f"{panel.number} 字数 {stop.characters}，上限 {stop.budget}，"
                f"超出 {stop.characters - stop.budget} 字"
                if stop.over_budget
                else None
            ),
        }

    def context(self, stops: list[Stop]) -> dict[str, Any]:
        f = self.format
        return {
            "hall": {"name": self.hall.name, "location": self.hall.location},
            "paper": {
                "width": f"{f.width_mm:g}mm",
                "height": f"{f.height_mm:g}mm",
                "bleed": f"{BLEED_MM:g}mm",
                "slug": f"{SLUG_MM:g}mm",
                "scale": f"{f.scale:.4f}",
                "margin": f"{MARGIN_SHARE * min(f.width_mm, f.height_mm):.2f}mm",
                "image_height": f"{f.image_height_mm:.2f}mm",
            },
            "proof": self.audience is Audience.PROOF,
            "pages": [self.page(stop) for stop in stops],
        }

    def check_glyphs(self, panels: list[Panel]) -> None:
        try:
            self.problems.extend(fonts.glyph_problems(printed_texts(self.hall, panels)))
        except fonts.FontMissing as exc:
            where = self.hall.origin.at()
            self.problems.append(diagnostic("E-PRINT-GLYPH", where, f"{exc}，无法排印展板"))


def printed_texts(hall: Hall, panels: list[Panel]) -> list[fonts.PrintedText]:
    """Every piece of content text the panel proofs print, where it was written."""
    return [*hall_texts(hall), *(text for panel in panels for text in panel_texts(panel))]


def _adder(
    owner: Panel | Hall, texts: list[fonts.PrintedText], only: tuple[str, ...] | None = None
) -> Callable[..., None]:
    def add(value: object, *path: str | int) -> None:
        if not value or (only is not None and path[0] not in only):
            return
        text = str(value)
        where = owner.origin.at(*path)
        if "\n" in text.strip():  # a block scalar (`narration: |`) starts on the next line
            where = Location(where.path, where.line + 1, 1)
        texts.append(fonts.PrintedText(text, where))

    return add


def panel_texts(panel: Panel, only: tuple[str, ...] | None = None) -> list[fonts.PrintedText]:
    """Every piece of a panel's text that is printed (on the panel, or in the guide's
    narration script), where it was written; `only` these fields when given (the script
    prints number, title and narration). Fields that did not validate (a partial panel)
    are None and left out. The glyph check (checks/printing.py) and both prints ask this."""
    texts: list[fonts.PrintedText] = []
    add = _adder(panel, texts, only)
    add(panel.number, "number")
    add(panel.title, "title")
    if panel.exhibit is not None:
        for name in ("name", "year", "material", "size", "origin"):
            add(getattr(panel.exhibit, name), "exhibit", name)
    if panel.image is not None:
        add(panel.image.caption, "image", "caption")
    add(panel.narration, "narration")
    if only is None or "body" in only:
        where = Location(panel.origin.path, panel.body.line, 1)
        texts.append(fonts.PrintedText(panel.body.markdown, where))
    return texts


def hall_texts(hall: Hall) -> list[fonts.PrintedText]:
    """What a hall's prints take from hall.yml: its name, location and zone titles."""
    texts: list[fonts.PrintedText] = []
    add = _adder(hall, texts)
    add(hall.name, "name")
    add(hall.location, "location")
    for i, zone in enumerate(hall.zones or []):
        add(zone.title, "zones", i, "title")
    return texts


def typst_source(
    corpus: Corpus, hall: Hall, *, base_url: str, proof: bool, settings: Settings
) -> tuple[str, int, list[Diagnostic]]:
    """The Typst source of the proofs, how many panels it prints, and what was found."""
    proofs = _Proofs(corpus, hall, base_url, proof)
    stops = proofs.stops(settings)
    context = proofs.context(stops)
    proofs.check_glyphs([stop.panel for stop in stops])
    return _env.get_template("panels.typ.j2").render(**context), len(stops), proofs.problems


def make_panel_proofs(
    corpus: Corpus,
    hall_id: str,
    out: Path,
    *,
    base_url: str,
    proof: bool,
    settings: Settings | None = None,
) -> PanelsResult:
    """Write `out` (panels.pdf) for the hall `hall_id`; `base_url` is the site's address
    (`qr.site_url`). Raises PanelsError, writing nothing, when the hall does not exist,
    has no panel to print, or a panel cannot be printed."""
    hall = corpus.halls.get(hall_id)
    if hall is None:
        known = "、".join(corpus.halls) or "（没有展厅）"
        where = Location(f"{corpus.content_dir.name}/halls")
        raise PanelsError([diagnostic("E-REF-ITEM", where, f"没有展厅“{hall_id}”；现有：{known}")])
    source, count, problems = typst_source(
        corpus, hall, base_url=base_url, proof=proof, settings=settings or Settings()
    )
    if count == 0:
        which = "已发布或待审" if proof else "已发布"
        message = f"展厅“{hall.name}”没有{which}的展板，没有可印的内容"
        problems.append(diagnostic("E-REF-ITEM", hall.origin.at(), message))
    if any(d.severity == "error" for d in problems):
        raise PanelsError(problems)
    try:
        pages = typeset_panels(source, out, root=corpus.root, title=f"{hall.name} 展板")
    except _Overflow as exc:
        size = f"{hall.panel_size}{'横版' if hall.panel_orientation == 'landscape' else '竖版'}"
        for panel in hall.panels:
            if panel.number in exc.numbers:
                message = (
                    f"展板 {panel.number}“{panel.title}”的内容在 {size} 展板上一页放不下；"
                    "请精简文字、缩小图片，或在 hall.yml 中改用更大的 panel_size"
                )
                problems.append(diagnostic("E-PANEL-TOO-LONG", panel.origin.at(), message))
        raise PanelsError(problems) from None
    return PanelsResult(out, pages, problems)


class _Overflow(Exception):
    def __init__(self, numbers: set[str]) -> None:
        super().__init__(", ".join(sorted(numbers)))
        self.numbers = numbers


_OVERFLOW = re.compile(r"PANEL-OVERFLOW:([^\n\"]*)")


def typeset_panels(source: str, out: Path, *, root: Path, title: str) -> int:
    """Compile panel proofs and finish them (BleedBox, language, title): `culture panels`
    and the build's print job both call this; a panel running onto a second page raises."""
    import typst

    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        pdf = typst.compile(source.encode("utf-8"), root=str(root), pdf_standards=None)
    except typst.TypstError as exc:
        found = _OVERFLOW.search(str(exc))
        if found is None:
            raise
        raise _Overflow(set(found.group(1).split(","))) from None
    partial = out.with_name(out.name + ".part")
    with pikepdf.open(io.BytesIO(pdf)) as document:
        # Typst's bleed holds the slug for the crop marks too: its TrimBox is the panel;
        # the BleedBox is that grown by the 3 mm the print shop trims.
        grow = BLEED_MM * MM_TO_PT
        for page in document.pages:
            left, bottom, right, top = (float(v) for v in page.TrimBox)
            page.BleedBox = pikepdf.Array([left - grow, bottom - grow, right + grow, top + grow])
        document.Root.Lang = pikepdf.String("zh-CN")
        with document.open_metadata() as meta:
            meta["dc:title"] = title
            meta["dc:language"] = {"zh-CN"}
        pages = len(document.pages)
        document.save(partial)
    partial.replace(out)
    return pages
