"""The guide's narration script of a hall (讲解词): per zone, per stop, the panel's number
and title, the narration, its speaking time and the running time of the tour, with stops
over the time limit marked 超时.

What is on the tour and how long each stop takes is `content/tour.py`'s to say; this
module turns that into the template's values, and the booklet's `typeset` compiles and
finishes the PDF. A5 portrait in large type: a guide holds it while walking.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from build_tools.config import Settings
from build_tools.content.audience import Audience
from build_tools.content.corpus import Corpus
from build_tools.content.model import Panel
from build_tools.content.tour import Stop, Tour, tour
from build_tools.diagnostics import Diagnostic, Location, diagnostic
from build_tools.print import fonts
from build_tools.print.booklet import BookletError, typeset
from build_tools.print.panels import hall_texts, panel_texts
from build_tools.print.typst_markup import templates


class NarrationError(BookletError):
    """The script cannot be printed; `diagnostics` say why (as `culture check` would)."""


_env = templates()


def duration(seconds: int) -> str:
    """Speaking time as a guide reads it: 45 秒, 1 分 20 秒, 12 分 05 秒."""
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} 分 {rest:02d} 秒" if minutes else f"{rest} 秒"


_CJK_EDGE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


def paragraphs(text: str) -> list[str]:
    """A narration's paragraphs (blank lines part them). The lines of a paragraph are
    joined as one: directly between Chinese characters, with a space between words."""
    found = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        joined = lines[0]
        for line in lines[1:]:
            cjk = _CJK_EDGE.match(joined[-1]) and _CJK_EDGE.match(line[0])
            joined += line if cjk else " " + line
        found.append(joined)
    return found


def make_narration(
    corpus: Corpus,
    hall_id: str,
    out: Path,
    *,
    settings: Settings,
    proof: bool,
    url_of: Callable[[Panel], str] | None = None,
) -> Path:
    """Typeset the narration script of hall `hall_id` at `out` (the finished PDF, written
    beside it first and then renamed). `proof`: review panels too, watermarked 校样.
    `url_of`: each stop's web address, printed under its title. Raises NarrationError
    (before anything is written) when the hall is unknown or a character cannot be set."""
    source = narration_source(corpus, hall_id, settings=settings, proof=proof, url_of=url_of)
    hall = corpus.halls[hall_id]
    typeset(source, out, root=corpus.root, title=f"{hall.name}讲解词", imposition="none")
    return out


def narration_source(
    corpus: Corpus,
    hall_id: str,
    *,
    settings: Settings,
    proof: bool,
    url_of: Callable[[Panel], str] | None = None,
) -> str:
    """The Typst source of the script (what `make_narration` compiles)."""
    hall = corpus.halls.get(hall_id)
    if hall is None:
        known = "、".join(corpus.halls) or "（没有展厅）"
        message = f"没有展厅“{hall_id}”；现有：{known}"
        raise NarrationError([diagnostic("E-REF-ITEM", Location("stories/halls"), message)])
    audience = Audience.PROOF if proof else Audience.PRODUCTION
    found = tour(corpus, hall, audience, settings)
    problems = _glyphs(found)
    if problems:
        raise NarrationError(problems)
    return _env.get_template("narration.typ.j2").render(
        **_context(found, audience, settings, url_of)
    )


def _context(
    found: Tour,
    audience: Audience,
    settings: Settings,
    url_of: Callable[[Panel], str] | None,
) -> dict[str, Any]:
    def stop(s: Stop) -> dict[str, Any]:
        return {
            "number": s.panel.number,
            "title": s.panel.title,
            "paragraphs": paragraphs(s.panel.narration or ""),
            "time": f"约 {duration(s.seconds)}" if s.seconds else "不计时",
            "elapsed": f"累计 {duration(s.elapsed)}",
            "over_time": s.over_time,
            # The panel's text is over its budget (allowed in a proof): said here too.
            "over_budget": f"展板超出字数上限 {s.characters - s.budget} 字"
            if s.over_budget
            else None,
            "badge": audience.badge(s.panel),
            "url": url_of(s.panel) if url_of is not None else None,
        }

    hall = found.hall
    stops = found.stops
    over = sum(1 for s in stops if s.over_time)
    facts = [
        f"讲解点 {len(stops)} 个",
        f"全程约 {duration(found.seconds)}",
        f"按每分钟 {settings.narration.chars_per_minute} 字计",
    ]
    limit = f"每个讲解点不超过 {settings.narration.max_seconds} 秒"
    return {
        "hall": {"name": hall.name, "location": hall.location},
        "summary": "，".join(facts),
        "limit": limit + (f"，超时 {over} 处" if over else ""),
        "over": over,
        "total": f"全程约 {duration(found.seconds)}",
        "proof": audience is Audience.PROOF,
        "zones": [
            {
                "title": z.zone.title,
                "time": f"本单元约 {duration(z.seconds)}",
                "stops": [stop(s) for s in z.stops],
            }
            for z in found.zones
            if z.stops  # a zone with nothing to see has nothing to say
        ],
    }


def _glyphs(found: Tour) -> list[Diagnostic]:
    """E-PRINT-GLYPH for what the script prints from content and its fonts cannot set."""
    hall = found.hall
    only = ("number", "title", "narration")  # what the script prints of a panel
    texts = [*hall_texts(hall), *(t for s in found.stops for t in panel_texts(s.panel, only))]
    try:
        return fonts.glyph_problems(texts)  # the booklet's check: the two CJK faces match
    except fonts.FontMissing as exc:
        return [diagnostic("E-PRINT-GLYPH", hall.origin.at(), f"{exc}，无法排印讲解词")]
