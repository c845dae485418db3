"""The image check and the print check of `culture check`: every image field and body
image is judged by the one resolver and `media.inspect`, and what the booklet would stop
on (a character the print font lacks) is said with the file and line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image as PILImage

from build_tools.print import fonts
from tests.content.test_media import jpeg_bytes, png_header


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _found(run, code: str) -> list[tuple[str, int, int]]:
    return [(d["path"], d["line"], d["column"]) for d in run.diagnostics if d["code"] == code]


@pytest.fixture
def hostile(valid_tree: Path) -> Path:
    media = valid_tree / "stories/media"
    (media / "huge.png").write_bytes(png_header(20000, 20000))
    data = jpeg_bytes()
    (media / "cut.jpg").write_bytes(data[: len(data) // 2])
    (media / "note.png").write_text("不是图片\n", encoding="utf-8")
    return valid_tree


def test_every_image_field_is_inspected(hostile, run_check):
    stories = hostile / "stories"
    _edit(
        stories / "red/first-shovel.md",
        "../media/dot.png, caption: 东山坡旧照",
        "../media/huge.png, caption: 东山坡旧照",
    )
    _edit(stories / "craftsmen/wang-jian-guo.md", "../media/dot.png", "../media/cut.jpg")
    _edit(
        stories / "halls/main-hall/lamp.md",
        "../../media/dot.png, caption: 矿工头灯",
        "../../media/note.png, caption: 矿灯",
    )
    (stories / "collections/red-memory.yml").write_text(
        (stories / "collections/red-memory.yml").read_text(encoding="utf-8")
        + "cover: {src: ../../../outside.png, caption: 封面}\n",
        encoding="utf-8",
    )
    run = run_check(hostile)
    assert _found(run, "E-IMAGE-TOO-LARGE") == [("stories/red/first-shovel.md", 10, 14)]
    broken = _found(run, "E-IMAGE-BROKEN")
    assert ("stories/craftsmen/wang-jian-guo.md", 5, 14) in broken
    assert ("stories/halls/main-hall/lamp.md", 7, 14) in broken
    assert _found(run, "E-IMAGE-OUTSIDE") == [("stories/collections/red-memory.yml", 10, 14)]
    assert run.code == 1


def test_body_images_are_inspected_where_they_are_written(hostile, run_check):
    story = hostile / "stories/red/first-shovel.md"
    _edit(
        story,
        "![矿区示意图](../media/dot.png)",
        "![矿区示意图](../media/cut.jpg)\n\n![文字](../media/note.png)",
    )
    (hostile / "stories/media/照片.jpg").write_bytes(jpeg_bytes())
    _edit(
        story,
        "那年七月，东山坡上还是一片荒地。",
        "那年七月，东山坡上还是一片荒地。\n\n![照片](../media/照片.jpg)",
    )
    run = run_check(hostile)
    messages = {d["line"]: d["message"] for d in run.diagnostics if d["code"] == "E-IMAGE-BROKEN"}
    assert sorted(messages) == [18, 20]
    assert "“../media/cut.jpg”已损坏" in messages[18]
    assert "“../media/note.png”不是图片文件" in messages[20]
    # a Chinese file name (URL-encoded by the Markdown parser) is found
    assert not _found(run, "E-IMAGE-MISSING")


def test_an_image_whose_content_and_suffix_disagree_is_broken(valid_tree, run_check):
    out = io.BytesIO()
    PILImage.new("RGB", (8, 8)).save(out, "GIF")
    (valid_tree / "stories/media/dot.png").write_bytes(out.getvalue())
    run = run_check(valid_tree)
    formats = [d for d in run.diagnostics if d["code"] == "E-IMAGE-BROKEN"]
    assert formats and all("“.gif”" in d["message"] for d in formats)
    assert ("stories/red/first-shovel.md", 10, 14) in _found(run, "E-IMAGE-BROKEN")


def _rare() -> str:
    covered = fonts.covered(fonts.BODY_FONT)
    return next(chr(c) for c in range(0x30000, 0x3134F) if c not in covered)


def test_a_character_the_print_font_lacks_is_reported_by_the_check(valid_tree, run_check):
    rare = _rare()
    stories = valid_tree / "stories"
    _edit(stories / "red/first-shovel.md", "title: 第一锹土", f"title: 第一锹{rare}")
    _edit(stories / "units.yml", "name: 第一煤矿", f"name: 第一{rare}矿")
    _edit(stories / "collections/red-memory.yml", "  前言。", f"  前言。\n  第二行有{rare}。")
    _edit(
        stories / "craftsmen/wang-jian-guo.md",
        "王建国的故事。",
        f"王建国的故事。\n\n他的师傅姓{rare}。",
    )
    run = run_check(valid_tree)
    assert sorted(_found(run, "E-PRINT-GLYPH")) == [
        ("stories/collections/red-memory.yml", 6, 5),  # the foreword's second line
        ("stories/craftsmen/wang-jian-guo.md", 14, 6),
        ("stories/red/first-shovel.md", 2, 11),
        ("stories/units.yml", 4, 11),
    ]
    assert all(rare in d["message"] for d in run.diagnostics if d["code"] == "E-PRINT-GLYPH")
    assert run.code == 1


def test_a_story_in_no_collection_is_not_print_checked(valid_tree, run_check):
    _edit(valid_tree / "stories/red/unfinished.md", "---\n\n", f"---\n\n{_rare()}\n\n")
    assert not _found(run_check(valid_tree), "E-PRINT-GLYPH")


def test_a_missing_print_font_is_one_warning_not_a_crash(valid_tree, run_check, monkeypatch):
    def no_font(family: str) -> frozenset[int]:  # as fc-match finds nothing
        raise fonts.FontMissing(
            f"没有安装字体“{family}”；Debian/Ubuntu 上请运行：sudo apt-get install fonts-noto-cjk"
        )

    monkeypatch.setattr(fonts, "font_file", no_font)
    run = run_check(valid_tree)
    [warning] = run.diagnostics
    assert warning["code"] == "W-PRINT-FONT"
    assert warning["path"] == "stories/collections/red-memory.yml"
    assert "fonts-noto-cjk" in warning["message"]
    assert run.code == 0  # the site does not need the font
