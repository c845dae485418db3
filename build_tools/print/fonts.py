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
    cmap = covered(family)
    found: list[Diagnostic] = []
    for printed in dict.fromkeys(texts):  # the same item in two collections: once
        lacking = sorted(ch for ch in set(printed.text) if ord(ch) >= 32 and ord(ch) not in cmap)
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
