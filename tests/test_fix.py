"""`culture fix`: only the fixed characters change, byte for byte; dry runs write nothing;
a second run has nothing left to do; nothing outside `stories/` is touched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from build_tools.cli import main

STORY = "stories/red/first-shovel.md"

# Comments, quoting styles, a flow mapping and a literal block: all must survive as written.
FRONT = (
    "---\n"
    "title: 第一锹土English版   # 标题后的注释\n"
    "date: 1958-07\n"
    "place: '东山坡,南坡'\n"
    "unit: mine-1\n"
    "craftsmen: [wang-jian-guo]\n"
    'people: ["郭长青"]\n'
    "themes: [艰苦创业]\n"
    "summary: |\n"
    "  建矿第一天,郭长青挖下第一锹土...\n"
    "  第二行用了ZL50装载机\n"
    "cover: {src: ../media/dot.png, caption: 东山坡旧照}\n"
    "status: published\n"
    "---\n"
)
BODY = (
    "\n"
    "那年七月,东山坡上还是一片荒地。运行 `a,b...c` 命令...详见 https://example.com/a,b...c 。\n"
    "\n"
    "```\n"
    "中文,English...\n"
    "```\n"
)
FIXED = [
    ("第一锹土English版", "第一锹土 English 版"),
    ("东山坡,南坡", "东山坡，南坡"),
    ("建矿第一天,郭长青挖下第一锹土...", "建矿第一天，郭长青挖下第一锹土……"),
    ("用了ZL50装载机", "用了 ZL50 装载机"),
    ("那年七月,东山坡", "那年七月，东山坡"),
    ("命令...详见", "命令……详见"),
]


def fixed(text: str) -> str:
    for old, new in FIXED:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def fix(project: Path, *args: str, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.chdir(project)
    return main(["fix", *args])


@pytest.mark.parametrize(
    ("newline", "bom"),
    [("\n", b""), ("\r\n", b""), ("\r\n", b"\xef\xbb\xbf")],
    ids=["lf", "crlf", "bom-crlf"],
)
def test_only_the_fixed_characters_change(valid_tree, monkeypatch, capsys, newline, bom):
    text = FRONT + BODY
    story = valid_tree / STORY
    story.write_bytes(bom + text.replace("\n", newline).encode("utf-8"))

    assert fix(valid_tree, monkeypatch=monkeypatch) == 0

    assert story.read_bytes() == bom + fixed(text).replace("\n", newline).encode("utf-8")
    out = capsys.readouterr().out
    assert f"--- a/{STORY}" in out and f"+++ b/{STORY}" in out
    assert "+title: 第一锹土 English 版   # 标题后的注释" in out


def test_code_urls_and_fences_are_untouched(valid_tree, monkeypatch):
    story = valid_tree / STORY
    story.write_text(FRONT + BODY, encoding="utf-8")
    fix(valid_tree, monkeypatch=monkeypatch)
    after = story.read_text(encoding="utf-8")
    assert "`a,b...c`" in after
    assert "https://example.com/a,b...c" in after
    assert "中文,English...\n```" in after


def test_dry_run_writes_nothing(valid_tree, monkeypatch, capsys):
    story = valid_tree / STORY
    story.write_text(FRONT + BODY, encoding="utf-8")
    before = story.read_bytes()
    assert fix(valid_tree, "--dry-run", monkeypatch=monkeypatch) == 0
    assert story.read_bytes() == before
    assert "+place: '东山坡，南坡'" in capsys.readouterr().out
    assert not [p for p in story.parent.iterdir() if p.name.startswith(".culture-fix-")]


def test_a_second_run_has_nothing_to_do_and_the_file_checks_clean(
    valid_tree, monkeypatch, capsys, run_check
):
    story = valid_tree / STORY
    story.write_text(FRONT + BODY, encoding="utf-8")
    assert {d["code"] for d in run_check(valid_tree).diagnostics} >= {
        "W-TYPO-SPACING",
        "W-TYPO-PUNCTUATION",
        "W-TYPO-ELLIPSIS",
    }
    fix(valid_tree, monkeypatch=monkeypatch)
    once = story.read_bytes()
    capsys.readouterr()
    assert fix(valid_tree, monkeypatch=monkeypatch) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "没有可以自动修正的排版问题" in captured.err
    assert story.read_bytes() == once
    assert [d for d in run_check(valid_tree).diagnostics if d["code"].startswith("W-TYPO")] == []


def test_an_exempted_line_is_not_fixed(valid_tree, monkeypatch, run_check):
    story = valid_tree / STORY
    text = FRONT.replace("# 标题后的注释", "# culture: ignore W-TYPO-SPACING") + BODY
    story.write_text(text, encoding="utf-8")
    assert not [d for d in run_check(valid_tree).diagnostics if d["line"] == 2]
    fix(valid_tree, monkeypatch=monkeypatch)
    assert "title: 第一锹土English版" in story.read_text(encoding="utf-8")


def test_only_the_paths_given(valid_tree, monkeypatch):
    story = valid_tree / STORY
    story.write_text(FRONT + BODY, encoding="utf-8")
    before = story.read_bytes()
    assert fix(valid_tree, "stories/craftsmen", monkeypatch=monkeypatch) == 0
    assert story.read_bytes() == before


def test_paths_outside_stories_are_refused(valid_tree, tmp_path, monkeypatch, capsys):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    assert fix(valid_tree, str(outside), monkeypatch=monkeypatch) == 1
    assert "不在 stories/ 之中" in capsys.readouterr().err
    link = valid_tree / "stories/red/away"
    os.symlink(outside, link)
    assert fix(valid_tree, str(link), monkeypatch=monkeypatch) == 1


def test_a_symlinked_story_is_not_written(valid_tree, monkeypatch, capsys):
    real = valid_tree / "stories/media/real.md"  # not a story itself: only read through the link
    real.write_text(FRONT + BODY, encoding="utf-8")
    (valid_tree / STORY).unlink()
    os.symlink(real, valid_tree / STORY)
    before = real.read_bytes()
    assert fix(valid_tree, monkeypatch=monkeypatch) == 1
    assert "符号链接" in capsys.readouterr().err
    assert (valid_tree / STORY).is_symlink()
    assert real.read_bytes() == before  # through the link: refused


def test_a_file_with_errors_is_left_alone(valid_tree, monkeypatch, capsys):
    story = valid_tree / STORY
    story.write_text(FRONT.replace("date: 1958-07", "date: 1958-13") + BODY, encoding="utf-8")
    before = story.read_bytes()
    assert fix(valid_tree, monkeypatch=monkeypatch) == 1
    assert story.read_bytes() == before
    assert "文件有错误" in capsys.readouterr().err


def test_the_diff_never_shows_personal_data(valid_tree, capsys, monkeypatch):
    from build_tools.cli import main

    monkeypatch.chdir(valid_tree)
    story = valid_tree / "stories/red/first-shovel.md"
    text = story.read_text(encoding="utf-8")
    story.write_text(
        text.replace("那年七月，", "那年七月,电话13912345678。\n\n那年七月，"), encoding="utf-8"
    )
    assert main(["fix", "--dry-run", "stories"]) == 0
    out = capsys.readouterr().out
    assert "139****5678" in out and "13912345678" not in out
