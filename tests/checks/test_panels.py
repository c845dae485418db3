"""Exhibition panels: photos of exhibits, texts copied from another panel, related items a
proof would not show, and the characters the print fonts lack (checks/panels.py and
checks/printing.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_tools import pipeline
from build_tools.checks.printing import check_print_glyphs
from build_tools.config import Settings
from build_tools.print import fonts
from build_tools.scaffold.placeholders import WRITE_HERE
from tests.checks.test_bad_input import _apply
from tests.conftest import FIXTURES

HALL = "stories/halls/main-hall"


def _panel(project: Path, name: str, front: str, body: str, hall: str = HALL) -> None:
    (project / hall / name).write_text(f"---\n{front.strip()}\n---\n\n{body}\n", encoding="utf-8")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _rare() -> str:
    covered = fonts.covered(fonts.BODY_FONT)
    return next(chr(c) for c in range(0x30000, 0x3134F) if c not in covered)


def _found(run, code: str) -> list[tuple[str, int, int]]:
    return [(d["path"], d["line"], d["column"]) for d in run.diagnostics if d["code"] == code]


# -- related items that are not published ------------------------------------------------


def test_a_published_panel_linking_a_draft_is_one_error_not_also_a_warning(valid_tree, run_check):
    _apply(FIXTURES / "bad/published-links-draft", valid_tree)
    codes = run_check(valid_tree).codes()
    assert codes.count("E-REF-UNPUBLISHED") == 1
    assert "W-PANEL-RELATED-UNPUBLISHED" not in codes


def test_a_panel_in_review_relating_to_an_item_in_review_is_warned(valid_tree, run_check):
    _edit(valid_tree / "stories/red/night-shift.md", "status: published", "status: review")
    _edit(valid_tree / f"{HALL}/lamp.md", "status: published", "status: review")
    _edit(valid_tree / f"{HALL}/lamp.md", "related: [first-shovel]", "related: [night-shift]")
    run = run_check(valid_tree)
    [found] = [d for d in run.diagnostics if d["code"] == "W-PANEL-RELATED-UNPUBLISHED"]
    assert (found["path"], found["line"], found["column"]) == (f"{HALL}/lamp.md", 8, 11)
    assert "待审状态的故事“night-shift”" in found["message"]
    assert "死链接" in found["message"]
    assert run.code == 0


def test_a_draft_panel_may_relate_to_anything(valid_tree, run_check):
    _edit(valid_tree / f"{HALL}/lamp.md", "status: published", "status: draft")
    _edit(valid_tree / f"{HALL}/lamp.md", "related: [first-shovel]", "related: [unfinished]")
    assert run_check(valid_tree).diagnostics == []


# -- exhibits without a photo --------------------------------------------------------------


def test_only_exhibits_need_an_image(valid_tree, run_check):
    _edit(
        valid_tree / f"{HALL}/lamp.md", "image: {src: ../../media/dot.png, caption: 矿工头灯}\n", ""
    )
    _edit(valid_tree / f"{HALL}/medal.md", "kind: exhibit", "kind: section")
    _edit(
        valid_tree / f"{HALL}/medal.md",
        "image: {src: ../../media/dot.png, caption: 劳模奖章}\n",
        "",
    )
    _edit(valid_tree / f"{HALL}/medal.md", "exhibit: {name: 劳模奖章}\n", "")
    run = run_check(valid_tree)
    assert _found(run, "W-PANEL-NO-IMAGE") == [(f"{HALL}/lamp.md", 4, 7)]
    assert run.code == 0


def test_an_image_written_wrong_is_reported_once_where_it_is_written(valid_tree, run_check):
    _edit(
        valid_tree / f"{HALL}/lamp.md",
        "image: {src: ../../media/dot.png, caption: 矿工头灯}",
        "image: dot.png",
    )
    codes = run_check(valid_tree).codes()
    assert "E-FIELD-TYPE" in codes
    assert "W-PANEL-NO-IMAGE" not in codes


# -- the same text twice -------------------------------------------------------------------


def test_the_same_text_is_warned_at_the_later_panel_of_the_tour(valid_tree, run_check):
    # Sorted by path the copy comes first; by the tour, A-02 (lamp.md) does.
    _panel(
        valid_tree,
        "a-copy.md",
        "number: B-02\nzone: craftsmanship\nkind: section\ntitle: 又一盏灯\nstatus: draft",
        "一盏\n矿灯。",
    )
    run = run_check(valid_tree)
    [found] = [d for d in run.diagnostics if d["code"] == "W-PANEL-DUPLICATE-TEXT"]
    assert (found["path"], found["line"], found["column"]) == (f"{HALL}/a-copy.md", 9, 1)
    assert f"展板 A-02（{HALL}/lamp.md 第 12 行起）" in found["message"]


def test_panels_not_yet_written_are_placeholders_not_copies(valid_tree, run_check):
    front = "zone: craftsmanship\nkind: section\ntitle: 新展板\nstatus: draft"
    for name, number in (("new-1.md", "B-02"), ("new-2.md", "B-03")):
        _panel(valid_tree, name, f"number: {number}\n{front}", WRITE_HERE[2])
    _panel(valid_tree, "empty-1.md", f"number: B-04\n{front}", "")
    _panel(valid_tree, "empty-2.md", f"number: B-05\n{front}", "")
    codes = run_check(valid_tree).codes()
    assert "W-PLACEHOLDER" in codes
    assert "W-PANEL-DUPLICATE-TEXT" not in codes


# -- characters the print fonts lack -------------------------------------------------------


def test_a_hall_with_printed_panels_has_its_own_texts_checked(valid_tree, run_check):
    rare = _rare()
    _edit(valid_tree / f"{HALL}/hall.yml", "name: 企业文化展厅", f"name: 企业文化{rare}展厅")
    _edit(valid_tree / f"{HALL}/hall.yml", "title: 匠心篇", f"title: 匠心{rare}")
    run = run_check(valid_tree)
    assert sorted(_found(run, "E-PRINT-GLYPH")) == [
        (f"{HALL}/hall.yml", 1, 11),
        (f"{HALL}/hall.yml", 10, 14),
    ]


def test_draft_panels_and_their_halls_are_not_print_checked(valid_tree, run_check):
    rare = _rare()
    for name in ("foreword.md", "lamp.md", "medal.md"):
        _edit(valid_tree / f"{HALL}/{name}", "status: published", "status: draft")
    _edit(valid_tree / f"{HALL}/hall.yml", "name: 企业文化展厅", f"name: 企业文化{rare}展厅")
    _edit(valid_tree / f"{HALL}/lamp.md", "一盏矿灯。", f"一盏{rare}灯。")
    run = run_check(valid_tree)
    assert not _found(run, "E-PRINT-GLYPH")


def _corpus(project: Path):
    return pipeline.load(project).corpus


def test_only_the_files_of_interest_are_print_checked(valid_tree):
    rare = _rare()
    _edit(valid_tree / f"{HALL}/lamp.md", "一盏矿灯。", f"一盏{rare}灯。")
    corpus = _corpus(valid_tree)
    [found] = check_print_glyphs(corpus, Settings())
    assert (found.location.path, found.location.line, found.location.column) == (
        f"{HALL}/lamp.md",
        12,
        3,
    )
    corpus.scope = frozenset({f"{HALL}/medal.md"})
    assert list(check_print_glyphs(corpus, Settings())) == []
    corpus.scope = frozenset({f"{HALL}/lamp.md"})
    assert [d.code for d in check_print_glyphs(corpus, Settings())] == ["E-PRINT-GLYPH"]


@pytest.fixture
def no_font(monkeypatch):
    def missing(family: str) -> frozenset[int]:  # as fc-match finds nothing
        raise fonts.FontMissing(
            f"没有安装字体“{family}”；Debian/Ubuntu 上请运行：sudo apt-get install fonts-noto-cjk"
        )

    monkeypatch.setattr(fonts, "font_file", missing)


def test_a_missing_font_is_said_once_for_panels_and_collections(valid_tree, run_check, no_font):
    [warning] = run_check(valid_tree).diagnostics
    assert warning["code"] == "W-PRINT-FONT"
    assert warning["path"] == "stories/collections/red-memory.yml"
    assert "故事集、展板" in warning["message"]


def test_without_collections_a_missing_font_is_said_at_a_panel(valid_tree, run_check, no_font):
    (valid_tree / "stories/collections/red-memory.yml").unlink()
    [warning] = run_check(valid_tree).diagnostics
    assert warning["code"] == "W-PRINT-FONT"
    assert warning["path"] == f"{HALL}/foreword.md"
    assert "无法检查展板中的字" in warning["message"]
