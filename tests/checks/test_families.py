"""Editorial families as `culture.yml` sets them, and lines exempted by comments."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_tools.checks import FAMILIES, family_of
from build_tools.diagnostics import CODES

DRAFT = "stories/red/unfinished.md"


def _placeholder_draft(project: Path, *, comment: str = "", body_comment: str = "") -> None:
    (project / DRAFT).write_text(
        "---\ntitle: 未完成的故事\ndate: 2001-03-04\nthemes: [艰苦创业]\n"
        f"summary: 待补充：一两句话。{comment}\nstatus: draft\n---\n\n"
        f"{body_comment}在这里写故事正文。\n",
        encoding="utf-8",
    )


def _config(project: Path, text: str) -> None:
    (project / "culture.yml").write_text(text, encoding="utf-8")


def _codes(run) -> list[tuple[str, str]]:
    return [(d["code"], d["severity"]) for d in run.diagnostics]


def test_every_family_code_is_a_catalogued_code():
    for family in FAMILIES:
        assert any(family.owns(code) for code in CODES), family.name
    assert family_of("W-TYPO-SPACING").name == "typography"
    assert family_of("E-REF-UNIT") is None  # what breaks a page is no editorial matter


def test_a_family_reports_as_shipped_by_default(valid_tree, run_check):
    _placeholder_draft(valid_tree)
    run = run_check(valid_tree)
    assert ("W-PLACEHOLDER", "warning") in _codes(run) and run.code == 0


@pytest.mark.parametrize("switch", ["off", "false", '"off"'])
def test_a_family_switched_off_reports_nothing(valid_tree, run_check, switch):
    _placeholder_draft(valid_tree)
    _config(valid_tree, f"checks:\n  placeholders: {switch}\n")
    assert run_check(valid_tree).diagnostics == []


def test_a_family_can_be_made_an_error(valid_tree, run_check):
    _placeholder_draft(valid_tree)
    _config(valid_tree, "checks:\n  placeholders: error\n")
    run = run_check(valid_tree)
    assert {sev for code, sev in _codes(run) if code == "W-PLACEHOLDER"} == {"error"}
    assert run.code == 1


def test_an_unknown_family_or_setting_is_a_config_error(valid_tree, run_check):
    _config(valid_tree, "checks:\n  typografy: off\n  terms: loud\n")
    run = run_check(valid_tree)
    problems = [d for d in run.diagnostics if d["code"] == "E-CONFIG"]
    assert {d["line"] for d in problems} == {2, 3}
    assert any("typography" in d["message"] for d in problems)  # a suggestion


def test_front_matter_comment_exempts_its_line_only(valid_tree, run_check):
    _placeholder_draft(valid_tree, comment="  # culture: ignore W-PLACEHOLDER")
    run = run_check(valid_tree)
    lines = [d["line"] for d in run.diagnostics if d["code"] == "W-PLACEHOLDER"]
    assert lines == [9]  # the body's placeholder is on another line: still reported


def test_body_comment_exempts_the_paragraph_after_it(valid_tree, run_check):
    _placeholder_draft(valid_tree, body_comment="[//]: # (culture: ignore W-PLACEHOLDER)\n")
    run = run_check(valid_tree)
    lines = [d["line"] for d in run.diagnostics if d["code"] == "W-PLACEHOLDER"]
    assert lines == [5]


def test_what_breaks_a_page_cannot_be_exempted(valid_tree, run_check):
    story = valid_tree / "stories/red/night-shift.md"
    text = story.read_text(encoding="utf-8")
    start = text.index("unit:")
    end = text.index("\n", start)
    story.write_text(
        text[:start] + "unit: nowhere  # culture: ignore E-REF-UNIT" + text[end:], encoding="utf-8"
    )
    assert "E-REF-UNIT" in [d["code"] for d in run_check(valid_tree).diagnostics]


def test_a_comment_in_a_hall_intro_exempts_what_follows_it(valid_tree, run_check):
    hall = valid_tree / "stories/halls/main-hall/hall.yml"
    text = hall.read_text(encoding="utf-8")
    phone = "  预约讲解请拨 0351-6123456。"
    hall.write_text(text.replace("  欢迎参观。", f"  欢迎参观。\n\n{phone}"), encoding="utf-8")
    assert [d["code"] for d in run_check(valid_tree).diagnostics] == ["E-PII-PHONE"]
    exempt = f"  [//]: # (culture: ignore E-PII-PHONE)\n{phone}"
    hall.write_text(text.replace("  欢迎参观。", f"  欢迎参观。\n\n{exempt}"), encoding="utf-8")
    assert run_check(valid_tree).diagnostics == []
