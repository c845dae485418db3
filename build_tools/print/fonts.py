"""Which characters the booklet's fonts can print: a missing glyph is reported with the
file and line it comes from, before typesetting, instead of printing tofu."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

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


def missing(text: str, family: str = BODY_FONT) -> list[str]:
    """Characters of `text` the font has no glyph for (control characters aside)."""
    cmap = covered(family)
    return sorted({ch for ch in text if ord(ch) >= 32 and ord(ch) not in cmap})
