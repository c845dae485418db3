"""Kept editorial findings: the same findings as reading everything again, never stale,
never read from a cache folder that is not the project's own."""

from __future__ import annotations

import pickle
from pathlib import Path

from build_tools import pipeline
from build_tools.checks import memo, typography
from build_tools.content import filecache, markdown

STORY = "stories/red/first-shovel.md"
OTHER = "stories/red/night-shift.md"


def _fresh_process() -> None:
    memo._in_process.clear()
    filecache.forget()
    markdown.forget()


def _codes(project: Path) -> list[tuple[str, str, int]]:
    found = pipeline.run(project, parallel=True).diagnostics
    return sorted((d.code, d.location.path, d.location.line) for d in found)


def _edit(project: Path, rel: str, old: str, new: str) -> None:
    path = project / rel
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_kept_findings_are_what_a_full_reading_finds(valid_tree, monkeypatch):
    _edit(valid_tree, STORY, "那年七月，", "那年七月,东山坡用了GPS测量。")
    first = _codes(valid_tree)
    assert ("W-TYPO-PUNCTUATION", STORY, 14) in first and ("W-TYPO-SPACING", STORY, 14) in first
    assert list((valid_tree / ".cache/checks").glob("*.pickle"))

    _fresh_process()
    read: list[str] = []
    real = typography.findings
    monkeypatch.setattr(
        typography, "findings", lambda text, **kw: read.append(text) or real(text, **kw)
    )
    assert _codes(valid_tree) == first  # from .cache/checks/, not one text read again
    assert read == []

    _edit(valid_tree, OTHER, "title: 夜班", "title: 夜班ABC")
    again = _codes(valid_tree)
    assert ("W-TYPO-SPACING", OTHER, 2) in again
    assert read and all("ABC" in t or "夜班" in t for t in read[:1])  # the changed file only
    assert {path for _, path, _ in again if path == STORY} == {STORY}  # kept ones still said


def test_a_fixed_file_is_clean_at_once(valid_tree):
    _edit(valid_tree, STORY, "那年七月，", "那年七月，用了GPS。")
    assert any(code == "W-TYPO-SPACING" for code, _, _ in _codes(valid_tree))
    _edit(valid_tree, STORY, "用了GPS。", "用了 GPS。")
    assert not any(code == "W-TYPO-SPACING" for code, _, _ in _codes(valid_tree))


def test_a_changed_dictionary_is_read_again(valid_tree):
    terms = valid_tree / "stories/terms.yml"
    terms.write_text("- expected: 矿井\n  patterns: [煤井]\n", encoding="utf-8")
    _edit(valid_tree, STORY, "那年七月，", "那年七月，煤井旁边，")
    assert any(code == "W-TERM" for code, _, _ in _codes(valid_tree))
    terms.write_text("- expected: 矿区\n  patterns: [厂区]\n", encoding="utf-8")
    assert not any(code == "W-TERM" for code, _, _ in _codes(valid_tree))


class _Planted:
    def __reduce__(self):
        return (print, ("planted code ran",))


def test_a_planted_findings_file_is_never_run(valid_tree, capsys):
    _codes(valid_tree)
    [kept] = (valid_tree / ".cache/checks").glob("*.pickle")
    kept.write_bytes(pickle.dumps(("culture-findings-1", {STORY: ("x", [_Planted()])})))
    _fresh_process()
    assert _codes(valid_tree) == []  # read as nothing kept: everything checked again
    assert "planted code ran" not in capsys.readouterr().out


def test_two_cores_find_what_one_finds(valid_tree, monkeypatch):
    _edit(valid_tree, STORY, "那年七月，", "那年七月,用了GPS。。")
    _edit(valid_tree, OTHER, "title: 夜班", "title: 夜班ABC")
    monkeypatch.setattr(memo, "PARALLEL_FROM", 10**9)
    alone = _codes(valid_tree)
    _fresh_process()
    for kept in (valid_tree / ".cache/checks").glob("*.pickle"):
        kept.unlink()
    monkeypatch.setattr(memo, "PARALLEL_FROM", 1)
    assert _codes(valid_tree) == alone
    assert len({path for _, path, _ in alone}) >= 2


def test_a_findings_folder_linked_elsewhere_is_never_written(valid_tree, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (valid_tree / ".cache").mkdir(exist_ok=True)
    (valid_tree / ".cache/checks").symlink_to(outside, target_is_directory=True)
    _edit(valid_tree, STORY, "那年七月，", "那年七月，用了GPS。")
    assert any(code == "W-TYPO-SPACING" for code, _, _ in _codes(valid_tree))
    assert list(outside.iterdir()) == []
