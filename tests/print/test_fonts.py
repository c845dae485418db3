"""The glyph check's shortcut is true of the installed print font."""

from __future__ import annotations

from build_tools.diagnostics import Location
from build_tools.print import fonts


def test_every_character_taken_as_ordinary_is_in_the_print_font():
    cmap = fonts.covered(fonts.BODY_FONT)
    for low, high in fonts._ALWAYS_COVERED:
        missing = [hex(c) for c in range(low, high + 1) if c not in cmap]
        assert missing == [], (hex(low), missing[:5])


def test_a_rare_character_is_still_looked_up():
    rare = next(chr(c) for c in range(0x30000, 0x3134F) if c not in fonts.covered(fonts.BODY_FONT))
    texts = [fonts.PrintedText(f"老师傅姓{rare}。", Location("stories/red/x.md", 7, 1))]
    (found,) = fonts.glyph_problems(texts)
    assert found.code == "E-PRINT-GLYPH" and found.location == Location("stories/red/x.md", 7, 5)
    assert (
        fonts.glyph_problems([fonts.PrintedText("第一锹土。“好”……——", Location("x", 1, 1))]) == []
    )
