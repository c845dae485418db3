"""Which characters the booklet's fonts can print: a missing glyph is reported with the
file and line it comes from, before typesetting, instead of printing tofu."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

from build_tools.diagnostics import Diagnostic, Location, diagnostic

BODY_FONT = "Noto Serif CJK SC"
HEADING_FONT = "Noto Sans CJK SC"


class FontMissing(Exception):
    """The font itself is not installed; the message says how to install it."""


@cache
def font_file(family: str) -> Path:
    matcher = shutil.which("fc-match")
    if matcher:
        found = subprocess.run(
            [matcher, "-f", "%{file}\n%{family}", family],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split("\n", 1)
        if len(found) == 2 and family.split()[0] in found[1]:
            return Path(found[0])
    raise FontMissing(
        f"没有安装字体“{family}”；Debian/Ubuntu 上请运行：sudo apt-get install fonts-noto-cjk"
    )


@cache
def covered(family: str) -> frozenset[int]:
    path = font_file(family)
    if path.suffix.lower() == ".ttc":
        fonts = TTCollection(str(path), lazy=True).fonts
        font = next((f for f in fonts if family in str(f["name"].getDebugName(1))), fonts[0])
    else:
        font = TTFont(str(path), lazy=True)
    return frozenset(font.getBestCmap())


# Characters the print font is known to have (tests/print/test_fonts.py checks it against
# the installed font): text made only of these needs no look-up, so `culture check` does
# not load the font's 65,000-glyph table (0.2–0.4 s and ~40 MB) for ordinary content.
_ALWAYS_COVERED = (
    (0x20, 0x7E),  # ASCII
    (0xA0, 0xFF),  # Latin-1
    (0x3000, 0x303F),  # CJK punctuation
    (0x4E00, 0x9FA5),  # the core of the unified ideographs (GB 13000)
    (0xFF01, 0xFF5E),  # full-width forms
    (0x2018, 0x2019),  # ‘ ’
    (0x201C, 0x201D),  # “ ”
    (0x2026, 0x2026),  # …
    (0x2014, 0x2014),  # —
)


def _ordinary(ch: str) -> bool:
    code = ord(ch)
    return code < 32 or any(low <= code <= high for low, high in _ALWAYS_COVERED)


@dataclass(frozen=True, slots=True)
class PrintedText:
    """A piece of content text that a booklet prints, and where its first character was
    written (later lines of it start at column 1)."""

    text: str
    where: Location


def glyph_problems(texts: Iterable[PrintedText], family: str = BODY_FONT) -> list[Diagnostic]:
    """E-PRINT-GLYPH for every character the print font lacks, at the first place each
    text uses it. The one glyph check: the booklet and `culture check` both call it.
    Raises FontMissing when the font itself is not installed."""
    font_file(family)  # a font that is not installed is said at once, whatever the text
    found: list[Diagnostic] = []
    cmap: frozenset[int] | None = None
    for printed in dict.fromkeys(texts):  # the same item in two collections: once
        rare = {ch for ch in set(printed.text) if not _ordinary(ch)}
        if not rare:
            continue
        if cmap is None:
            cmap = covered(family)
        lacking = sorted(ch for ch in rare if ord(ch) not in cmap)
        for ch in lacking:
            for offset, line in enumerate(printed.text.split("\n")):
                column = line.find(ch)
                if column >= 0:
                    start = printed.where
                    where = Location(
                        start.path,
                        start.line + offset,
                        (start.column if offset == 0 else 1) + column,
                    )
                    message = (
                        f"字体 {family} 中没有“{ch}”（U+{ord(ch):04X}）这个字，印出来会是方框；"
                        "请换用常用字或联系排版人员造字"
                    )
                    found.append(diagnostic("E-PRINT-GLYPH", where, message))
                    break
    return found
