"""Media files: covers wide enough, files not too heavy, none unused, names a URL keeps;
and nothing followed out of the content folder."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image as PILImage

from build_tools.checks.media import HEAVY_BYTES, suggested_name


def _jpeg(path: Path, size: tuple[int, int], pad_to: int = 0) -> None:
    out = io.BytesIO()
    PILImage.new("RGB", size, (120, 80, 40)).save(out, "JPEG")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())
    if pad_to:
        with path.open("r+b") as f:  # a JPEG ends at its EOI marker; what follows is ignored
            f.truncate(pad_to)


def _story(project: Path, name: str, front: str, body: str = "正文。") -> None:
    (project / f"stories/red/{name}.md").write_text(
        f"---\ntitle: 图片\ndate: 2001\nthemes: [安全生产]\nsummary: 图片。\n{front}"
        f"status: draft\n---\n\n{body}\n",
        encoding="utf-8",
    )


def _media(run) -> list[tuple[str, str, int]]:
    return sorted(
        (d["code"], d["path"], d["line"]) for d in run.diagnostics if "MEDIA" in d["code"]
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("../media/red/dong-shan.jpg", None),
        ("../media/Red/Dong_Shan.JPG", None),  # capitals and underscores travel well
        ("../media/旧照/东山 旧照.png", "../media/jiu-zhao/dong-shan-jiu-zhao.png"),
        ("../media/red/photo (1).JPG", "../media/red/photo-1.jpg"),
        ("../media/red/café.jpg", "../media/red/cafe.jpg"),
        ("../media/red/。。.jpg", "../media/red/image.jpg"),
    ],
)
def test_a_name_is_made_a_slug(path, expected):
    assert suggested_name(path) == expected


def test_a_heavy_image_is_said_where_it_is_referenced(valid_tree, run_check):
    _jpeg(valid_tree / "stories/media/big.jpg", (1600, 1000), pad_to=HEAVY_BYTES + 1)
    _jpeg(valid_tree / "stories/media/fine.jpg", (1600, 1000), pad_to=HEAVY_BYTES)
    _story(valid_tree, "big", "cover: {src: ../media/big.jpg, caption: 大图}\n")
    _story(valid_tree, "fine", "cover: {src: ../media/fine.jpg, caption: 刚好}\n")
    run = run_check(valid_tree)
    assert _media(run) == [("W-MEDIA-HEAVY", "stories/red/big.md", 6)]
    [heavy] = [d for d in run.diagnostics if d["code"] == "W-MEDIA-HEAVY"]
    assert "10.0 MB" in heavy["message"] and heavy["column"] == 14
    assert run.code == 0


def test_a_cover_is_measured_but_a_photo_is_not(valid_tree, run_check):
    _jpeg(valid_tree / "stories/media/narrow.jpg", (799, 1200))
    _jpeg(valid_tree / "stories/media/wide.jpg", (800, 450))
    _story(valid_tree, "narrow", "cover: {src: ../media/narrow.jpg, caption: 窄}\n")
    _story(valid_tree, "wide", "cover: {src: ../media/wide.jpg, caption: 宽}\n")
    person = valid_tree / "stories/craftsmen/wang-jian-guo.md"
    person.write_text(
        person.read_text(encoding="utf-8").replace("dot.png", "narrow.jpg"), encoding="utf-8"
    )
    collection = valid_tree / "stories/collections/red-memory.yml"
    with collection.open("a", encoding="utf-8") as f:
        f.write("cover: {src: ../media/dot.png, caption: 封面}\n")
    run = run_check(valid_tree)
    assert _media(run) == [
        ("W-MEDIA-COVER-SMALL", "stories/collections/red-memory.yml", 10),
        ("W-MEDIA-COVER-SMALL", "stories/red/narrow.md", 6),
    ]


def test_every_kind_of_reference_counts_as_use(valid_tree, run_check):
    media = valid_tree / "stories/media"
    for name in ("intro", "foreword", "panel", "cover", "broken-item", "broken-body"):
        _jpeg(media / f"{name}.jpg", (1200, 800))
    hall = valid_tree / "stories/halls/main-hall/hall.yml"
    hall.write_text(
        hall.read_text(encoding="utf-8").replace(
            "欢迎参观。", "欢迎参观。\n\n  ![展厅](../../media/intro.jpg)"
        ),
        encoding="utf-8",
    )
    collection = valid_tree / "stories/collections/red-memory.yml"
    collection.write_text(
        collection.read_text(encoding="utf-8").replace(
            "  前言。", "  前言。\n\n  ![题图](../media/foreword.jpg)"
        )
        + "cover: {src: ../media/cover.jpg, caption: 封面}\n",
        encoding="utf-8",
    )
    lamp = valid_tree / "stories/halls/main-hall/lamp.md"
    lamp.write_text(
        lamp.read_text(encoding="utf-8").replace(
            "../../media/dot.png, caption: 矿工头灯",
            "../../media/panel.jpg, caption: 矿灯",
        ),
        encoding="utf-8",
    )
    # a story with an error elsewhere still uses its cover; a body whose front matter
    # did not parse still uses its images
    _story(valid_tree, "partial", "cover: {src: ../media/broken-item.jpg, caption: 图}\nplace: [\n")
    (valid_tree / "stories/red/unparsed.md").write_text(
        "---\ntitle: [\n---\n\n![图](../media/broken-body.jpg)\n", encoding="utf-8"
    )
    run = run_check(valid_tree)
    assert _media(run) == []


def test_an_unused_file_is_said_at_the_file_with_its_name(valid_tree, run_check):
    media = valid_tree / "stories/media"
    _jpeg(media / "红色/旧 照.jpg", (1200, 800))
    (media / "notes.txt").write_text("说明", encoding="utf-8")
    (media / ".DS_Store").write_bytes(b"\0")
    run = run_check(valid_tree)
    assert _media(run) == [
        ("W-MEDIA-NAME", "stories/media/红色/旧 照.jpg", 0),
        ("W-MEDIA-UNUSED", "stories/media/notes.txt", 0),
        ("W-MEDIA-UNUSED", "stories/media/红色/旧 照.jpg", 0),
    ]
    [name] = [d for d in run.diagnostics if d["code"] == "W-MEDIA-NAME"]
    assert "media/hong-se/jiu-zhao.jpg" in name["message"]


def test_symlinks_out_of_the_content_folder_are_not_followed(valid_tree, tmp_path, run_check):
    outside = tmp_path / "outside"
    _jpeg(outside / "secret.jpg", (100, 100), pad_to=HEAVY_BYTES * 2)
    _jpeg(outside / "folder/inner.jpg", (100, 100))
    media = valid_tree / "stories/media"
    os.symlink(outside / "secret.jpg", media / "linked.jpg")
    os.symlink(outside / "secret.jpg", media / "unused-link.jpg")
    os.symlink(outside / "folder", media / "linked-folder")
    _story(valid_tree, "linked", "cover: {src: ../media/linked.jpg, caption: 链接}\n")
    run = run_check(valid_tree)
    assert _media(run) == []  # not heavy, not small, not unused: never looked at
    assert [d["code"] for d in run.diagnostics] == ["E-IMAGE-OUTSIDE"]


def test_a_symlink_inside_the_content_folder_is_used_through_its_target(valid_tree, run_check):
    media = valid_tree / "stories/media"
    _jpeg(media / "real.jpg", (1200, 800))
    os.symlink(media / "real.jpg", media / "alias.jpg")
    _story(valid_tree, "alias", "cover: {src: ../media/alias.jpg, caption: 图}\n")
    assert _media(run_check(valid_tree)) == []  # the link and its target: one file, used


def test_media_findings_can_be_exempted_and_switched_off(valid_tree, run_check):
    _jpeg(valid_tree / "stories/media/spare.jpg", (1200, 800))
    _story(
        valid_tree,
        "small",
        "cover: {src: ../media/dot.png, caption: 小}  # culture: ignore W-MEDIA\n",
    )
    assert _media(run_check(valid_tree)) == [("W-MEDIA-UNUSED", "stories/media/spare.jpg", 0)]
    (valid_tree / "culture.yml").write_text("checks:\n  media: off\n", encoding="utf-8")
    assert run_check(valid_tree).diagnostics == []
