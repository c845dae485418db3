"""Hostile content given to the loader: each gets a diagnostic naming the file (and the
line, where there is one), never a traceback, and none of it is published.

The fixtures are made here at run time (symlinks, megabyte files) rather than committed.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from build_tools import pipeline

STORY = """---
title: 外来的故事
date: 1960
themes: [艰苦创业]
summary: 摘要。
status: published
---

正文。
"""


def _ids(project: Path) -> set[str]:
    return {item.id for item in pipeline.run(project).corpus.items()}


def _only(run, code: str) -> dict:
    [found] = [d for d in run.diagnostics if d["code"] == code]
    return found


def test_an_alias_bomb_of_48_kb_is_refused_fast(valid_tree, run_check):
    name = "长" * 4000
    text = STORY.replace("date: 1960", f'date: 1960\npeople: [&n "{name}"' + ", *n" * 9000 + "]")
    (valid_tree / "stories/red/bomb.md").write_text(text, encoding="utf-8")
    assert 45_000 < len(text.encode()) < 60_000
    started = time.perf_counter()
    run = run_check(valid_tree)
    assert time.perf_counter() - started < 5
    found = _only(run, "E-YAML-ALIAS")
    assert (found["path"], found["line"], found["column"]) == ("stories/red/bomb.md", 4, 10)
    assert found["message"] == "不能使用 YAML 锚点和别名（& 和 *）：请把内容直接写出来"
    assert [d["code"] for d in run.diagnostics] == ["E-YAML-ALIAS"]
    assert "bomb" not in _ids(valid_tree)


def test_the_node_limit_still_holds_without_aliases(valid_tree, run_check):
    text = STORY.replace("date: 1960", "date: 1960\npeople: [" + "a, " * 60_000 + "a]")
    (valid_tree / "stories/red/many.md").write_text(text, encoding="utf-8")
    found = _only(run_check(valid_tree), "E-FILE-TOO-LARGE")
    assert (found["path"], found["line"]) == ("stories/red/many.md", 2)
    assert "50000" in found["message"]


def test_a_content_file_over_1_mb_is_refused_before_it_is_parsed(valid_tree, run_check):
    body = ("很长的正文。" * 100 + "\n\n") * 700
    (valid_tree / "stories/red/huge.md").write_text(STORY + body, encoding="utf-8")
    run = run_check(valid_tree)
    found = _only(run, "E-FILE-TOO-LARGE")
    assert (found["path"], found["line"]) == ("stories/red/huge.md", 0)
    assert found["message"].startswith("文件有 1.2 MB，超过内容文件的上限 1 MB，未读取")
    assert "huge" not in _ids(valid_tree)


def test_long_texts_are_bounded_too(valid_tree, run_check):
    lamp = valid_tree / "stories/halls/main-hall/lamp.md"
    lamp.write_text(
        lamp.read_text(encoding="utf-8").replace(
            "status: published", "narration: " + "讲" * 20_001 + "\nstatus: published"
        ),
        encoding="utf-8",
    )
    found = _only(run_check(valid_tree), "E-FIELD-TOO-LONG")
    assert found["path"] == "stories/halls/main-hall/lamp.md"
    assert "“narration”（讲解词） 有 20001 个字，超过上限 20000 个字" in found["message"]
    assert "lamp" not in _ids(valid_tree)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder next to the project, outside its stories/."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "secret.md").write_text(STORY, encoding="utf-8")
    (folder / "secret.yml").write_text("title: 外来的书\nitems: [first-shovel]\n", encoding="utf-8")
    hall = folder / "hall"
    hall.mkdir()
    (hall / "hall.yml").write_text(
        "name: 外来的展厅\nzones:\n  - id: a\n    title: 甲\n", encoding="utf-8"
    )
    (hall / "p1.md").write_text(
        "---\nnumber: A-01\nzone: a\nkind: section\ntitle: 展板\nstatus: published\n---\n\n字。\n",
        encoding="utf-8",
    )
    return folder


@pytest.mark.parametrize(
    ("link", "target", "item_id"),
    [
        ("stories/red/outside.md", "secret.md", "outside"),
        ("stories/craftsmen/outside.md", "secret.md", "outside"),
        ("stories/collections/outside.yml", "secret.yml", "outside"),
        ("stories/halls/outside-hall", "hall", "outside-hall"),
    ],
)
def test_a_symlink_leaving_stories_is_not_read(
    valid_tree, run_check, outside, link, target, item_id
):
    (valid_tree / link).symlink_to(outside / target)
    run = run_check(valid_tree)
    found = _only(run, "E-FILE-OUTSIDE")
    assert found["path"] == link
    assert f"“{link}”链接到了 stories/ 之外" in found["message"]
    assert "不会被读取" in found["message"]
    assert [d["code"] for d in run.diagnostics] == ["E-FILE-OUTSIDE"]
    assert item_id not in _ids(valid_tree)
    assert "p1" not in _ids(valid_tree)


def test_a_symlinked_hall_yml_leaving_stories_is_not_read(valid_tree, run_check, outside):
    hall = valid_tree / "stories/halls/main-hall/hall.yml"
    hall.unlink()
    hall.symlink_to(outside / "hall/hall.yml")
    run = run_check(valid_tree)
    assert _only(run, "E-FILE-OUTSIDE")["path"] == "stories/halls/main-hall/hall.yml"
    assert "main-hall" not in _ids(valid_tree)


def test_a_symlink_that_stays_inside_stories_is_fine(valid_tree, run_check):
    drafts = valid_tree / "stories/_drafts"
    drafts.mkdir()
    (drafts / "kept.md").write_text(STORY, encoding="utf-8")
    (valid_tree / "stories/red/kept.md").symlink_to(Path("../_drafts/kept.md"))
    assert run_check(valid_tree).diagnostics == []
    assert "kept" in _ids(valid_tree)


def test_a_dangling_symlink_is_reported_not_skipped(valid_tree, run_check):
    (valid_tree / "stories/red/gone.md").symlink_to(valid_tree / "stories/red/nowhere.md")
    found = _only(run_check(valid_tree), "E-FILE-UNREADABLE")
    assert found["path"] == "stories/red/gone.md"
    assert "失效的链接" in found["message"]


def test_no_path_is_made_from_an_alias(valid_tree, run_check):
    story = valid_tree / "stories/red/first-shovel.md"
    story.write_text(
        story.read_text(encoding="utf-8").replace(
            "status: published", "aliases: [../../../../tmp/x]\nstatus: published"
        ),
        encoding="utf-8",
    )
    before = set(os.listdir(valid_tree.parent))
    run = run_check(valid_tree)
    assert _only(run, "E-ID-INVALID")["line"] == 11
    assert set(os.listdir(valid_tree.parent)) == before
