"""The exhibition contractor's sheet of a hall (inventory.csv): one row per panel in tour
order, with its text length against its budget, its narration time, the address its QR
code carries and its image file.

UTF-8 with a byte-order mark, so that Excel and WPS read the Chinese as Chinese. The
numbers come from `content/tour.py`, the same as on the site and in the narration script.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from pathlib import Path

from build_tools.content.corpus import Corpus
from build_tools.content.model import PANEL_KIND_LABELS, STATUS_LABELS, Panel
from build_tools.content.tour import Tour

COLUMNS = (
    "编号",
    "单元",
    "类型",
    "标题",
    "字数",
    "字数上限",
    "超出字数上限",
    "讲解时长（秒）",
    "二维码网址",
    "图片文件",
)
STATUS_COLUMN = "状态"  # proofs only: which rows are still 待审

# A cell starting with one of these is a formula to Excel and WPS (CSV injection): such
# text is written with a leading apostrophe, which they show as the text itself.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def image_file(corpus: Corpus, panel: Panel) -> str:
    """The panel's image as a path inside the content folder (media/lamp.jpg), or "" when
    it has none or the resolver refused it."""
    if panel.image is None:
        return ""
    ref = corpus.media(panel.origin.path, panel.image.src)
    if not ref.ok or ref.path is None:
        return ""
    try:
        return ref.path.relative_to(os.path.realpath(corpus.content_dir)).as_posix()
    except ValueError:
        return ""


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def rows(
    tour: Tour,
    *,
    url_of: Callable[[Panel], str],
    image_of: Callable[[Panel], str],
    proof: bool = False,
) -> list[list[str | int]]:
    """The sheet's rows, header first."""
    found: list[list[str | int]] = [[*COLUMNS, *([STATUS_COLUMN] if proof else [])]]
    for stop in tour.stops:
        panel = stop.panel
        row: list[str | int] = [
            _cell(panel.number),
            _cell(stop.zone.title),
            PANEL_KIND_LABELS[panel.panel_kind],
            _cell(panel.title),
            stop.characters,
            stop.budget,
            "是" if stop.over_budget else "否",
            stop.seconds,
            _cell(url_of(panel)),
            _cell(image_of(panel)),
        ]
        if proof:
            row.append(STATUS_LABELS[panel.status])
        found.append(row)
    return found


def write_inventory(
    tour: Tour,
    out: Path,
    *,
    url_of: Callable[[Panel], str],
    image_of: Callable[[Panel], str],
    proof: bool = False,
) -> Path:
    """Write the sheet of `tour` at `out`, written beside it first and then renamed.
    `url_of`: a panel's web address (the QR code's); `image_of`: its image file, e.g.
    `functools.partial(image_file, corpus)`. `proof`: a 状态 column for review rows."""
    table = rows(tour, url_of=url_of, image_of=image_of, proof=proof)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")  # as typeset() does: the file's usual mode
    partial.unlink(missing_ok=True)  # and created afresh ("x"): never through a symlink
    try:
        with partial.open("x", encoding="utf-8-sig", newline="") as file:
            csv.writer(file).writerows(table)
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return out
