"""Every problem in one run: a YAML error does not hide field errors, field errors do not
hide reference errors, and none of them hides a problem in the collection listing the
story. Broken items are checked in part and never published."""

from __future__ import annotations

from pathlib import Path

from build_tools import pipeline

# A new editor's first story, with eight ordinary mistakes (line numbers are the file's).
TITLE = "一九八五年三月的那个夜班，三号巷道冒顶，抢修队连夜下井救出了十二名矿工"
EIGHT_MISTAKES = f"""---
title: {TITLE}
date: 1985年3月
place：井下三号巷道
unit: 第一煤矿
craftsmen: [li-si]
themes: [艰苦创业, 奉献精神]
summary: “郭长青说: 先救人！”
cover: {{src: ../media/dot.png}}
status: draft
---

那一夜，三号巷道突然冒顶。
"""

STORY = "stories/red/night-repair.md"
COLLECTION = "stories/collections/red-memory.yml"


def _write(project: Path, rel: str, text: str) -> None:
    (project / rel).write_text(text, encoding="utf-8")


def _append(project: Path, rel: str, text: str) -> None:
    path = project / rel
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _found(run) -> list[tuple[str, str, int, int]]:
    return sorted((d["code"], d["path"], d["line"], d["column"]) for d in run.diagnostics)


def test_one_run_reports_all_eight_mistakes_and_the_collection(valid_tree, run_check):
    assert len(TITLE) == 35
    _write(valid_tree, STORY, EIGHT_MISTAKES)
    _append(valid_tree, COLLECTION, "  - night-repair\n")

    run = run_check(valid_tree)

    assert run.code == 1
    assert _found(run) == sorted(
        [
            ("E-FIELD-TOO-LONG", STORY, 2, 8),  # 35-character title
            ("E-DATE-FORMAT", STORY, 3, 7),  # 1985年3月
            ("E-YAML-FULLWIDTH-COLON", STORY, 4, 6),  # place：
            ("E-REF-UNIT", STORY, 5, 7),  # the unit by its Chinese name
            ("E-REF-CRAFTSMAN", STORY, 6, 13),  # unknown craftsman id
            ("E-REF-THEME", STORY, 7, 16),  # unknown theme
            ("E-YAML-CURLY-QUOTE", STORY, 8, 10),  # “…” used as YAML quotes
            ("W-TYPO-PUNCTUATION", STORY, 8, 15),  # and a half-width colon in Chinese
            ("E-FIELD-MISSING", STORY, 9, 1),  # image without caption
            ("E-COLLECTION-UNPUBLISHED", COLLECTION, 10, 5),  # the draft in the collection
        ]
    )
    said = {d["code"]: d["message"] for d in run.diagnostics}
    assert "35 个字，超过上限 30" in said["E-FIELD-TOO-LONG"]
    assert "1985-03" in said["E-DATE-FORMAT"]
    assert "place: " in said["E-YAML-FULLWIDTH-COLON"]
    assert "mine-1" in said["E-REF-UNIT"] and "id 而不是名称" in said["E-REF-UNIT"]
    assert "li-si" in said["E-REF-CRAFTSMAN"]
    assert "奉献精神" in said["E-REF-THEME"]
    assert "半角引号" in said["E-YAML-CURLY-QUOTE"]
    assert "cover.caption" in said["E-FIELD-MISSING"]
    assert "“night-repair”" in said["E-COLLECTION-UNPUBLISHED"]
    assert "还是草稿" in said["E-COLLECTION-UNPUBLISHED"]


def test_the_broken_story_is_checked_but_never_published(valid_tree):
    _write(valid_tree, STORY, EIGHT_MISTAKES)
    corpus = pipeline.run(valid_tree).corpus
    assert "night-repair" not in corpus.stories
    assert all(item.id != "night-repair" for item in corpus.items())
    partial = corpus.partial[("story", "night-repair")]
    assert (partial.unit, partial.status, partial.place) == ("第一煤矿", "draft", "井下三号巷道")
    assert partial.summary == "郭长青说: 先救人！"
    assert partial.title is None and partial.date is None and partial.cover is None
    assert corpus.is_broken("story", "night-repair")


def test_a_field_left_out_by_the_second_pass_is_not_also_missing(valid_tree, run_check):
    """`summary: 他说: 好` cannot be repaired: that one field is left out, the syntax error
    is reported once, and the rest of the file is still checked."""
    _write(
        valid_tree,
        STORY,
        "---\ntitle: 夜班抢修\ndate: 1985-03\nunit: mine-9\nthemes: [艰苦创业]\n"
        "summary: 他说: 好\nstatus: published\n---\n\n正文。\n",
    )
    run = run_check(valid_tree)
    assert [(c, line) for c, _, line, _ in _found(run)] == [("E-REF-UNIT", 4), ("E-YAML-SYNTAX", 6)]


def test_a_story_that_only_cannot_be_parsed_still_has_its_references_checked(valid_tree, run_check):
    _write(
        valid_tree,
        STORY,
        "---\ntitle: 夜班抢修\ndate: 1985-03\nthemes: [艰苦创业\ncraftsmen: [nobody]\n"
        "summary: 摘要。\nstatus: published\n---\n\n正文。\n",
    )
    run = run_check(valid_tree)
    found = [(c, line, col) for c, _, line, col in _found(run)]
    assert found == [("E-REF-CRAFTSMAN", 5, 13), ("E-YAML-SYNTAX", 4, 9)]
    [syntax] = [d for d in run.diagnostics if d["code"] == "E-YAML-SYNTAX"]
    assert "方括号" in syntax["message"]


def test_references_to_a_broken_item_are_not_reported_again(valid_tree, run_check):
    """The craftsman's file has an error; the story and the collection naming him are fine."""
    path = valid_tree / "stories/craftsmen/wang-jian-guo.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("status: published", "status: publish"),
        encoding="utf-8",
    )
    run = run_check(valid_tree)
    assert [d["code"] for d in run.diagnostics] == ["E-FIELD-CHOICE"]


def test_a_partial_draft_linked_from_a_published_story_is_a_dead_link(valid_tree, run_check):
    path = valid_tree / "stories/craftsmen/wang-jian-guo.md"
    path.write_text(
        path.read_text(encoding="utf-8")
        .replace("status: published", "status: draft")
        .replace("position:", "positon:"),
        encoding="utf-8",
    )
    run = run_check(valid_tree)
    codes = [d["code"] for d in run.diagnostics]
    # the misspelt field (and so the missing one), and the published items linking to it
    assert {"E-FIELD-UNKNOWN", "E-FIELD-MISSING"} <= set(codes)
    unpublished = {d["path"] for d in run.diagnostics if d["code"] == "E-REF-UNPUBLISHED"}
    assert "stories/red/first-shovel.md" in unpublished
    assert any(d["code"] == "E-COLLECTION-UNPUBLISHED" for d in run.diagnostics)


def test_panels_of_a_broken_hall_are_still_checked(valid_tree, run_check):
    hall = valid_tree / "stories/halls/main-hall/hall.yml"
    hall.write_text(hall.read_text(encoding="utf-8").replace("name:", "nmae:"), encoding="utf-8")
    medal = valid_tree / "stories/halls/main-hall/medal.md"
    medal.write_text(
        medal.read_text(encoding="utf-8").replace("wang-jian-guo", "wang-jian"),
        encoding="utf-8",
    )
    run = run_check(valid_tree)
    codes = {(d["code"], d["path"]) for d in run.diagnostics}
    assert ("E-FIELD-UNKNOWN", "stories/halls/main-hall/hall.yml") in codes
    assert ("E-REF-ITEM", "stories/halls/main-hall/medal.md") in codes
    corpus = pipeline.run(valid_tree).corpus
    assert corpus.halls == {} and not list(corpus.panels())


def test_curly_quotes_inside_a_text_are_fine(valid_tree, run_check):
    path = valid_tree / "stories/red/first-shovel.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "summary: 建矿第一天，郭长青挖下第一锹土。", "summary: 他说“挖”，郭长青挖下第一锹土。"
        ),
        encoding="utf-8",
    )
    assert run_check(valid_tree).diagnostics == []


def test_a_unit_whose_entry_is_broken_is_not_unknown_everywhere(valid_tree, run_check):
    units = valid_tree / "stories/units.yml"
    units.write_text(
        units.read_text(encoding="utf-8").replace("name: 第一煤矿", 'name: "第一煤矿'),
        encoding="utf-8",
    )
    run = run_check(valid_tree)
    assert [(d["code"], d["path"], d["line"]) for d in run.diagnostics] == [
        ("E-YAML-SYNTAX", "stories/units.yml", 4)
    ]
    units.write_text(
        units.read_text(encoding="utf-8").replace('name: "第一煤矿', "nmae: 第一煤矿"),
        encoding="utf-8",
    )
    assert {d["code"] for d in run_check(valid_tree).diagnostics} == {
        "E-FIELD-MISSING",
        "E-FIELD-UNKNOWN",
    }
