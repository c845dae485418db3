"""`culture check --changed`: what a commit changes, and the files that refer to it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from build_tools import pipeline
from build_tools.changes import ChangesError, affected, changed_files
from tests.conftest import FIXTURES

STORY = "stories/red/first-shovel.md"
CRAFTSMAN = "stories/craftsmen/wang-jian-guo.md"


def _git(repo: Path, *args: str) -> str:
    run = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The valid fixture as a git repository on `main`, everything committed."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "valid", project)
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "start")
    return project


def _edit(project: Path, rel: str, old: str, new: str) -> None:
    path = project / rel
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_uncommitted_and_new_files_are_changes(repo):
    _edit(repo, STORY, "第一锹土", "第一锹新土")
    (repo / "stories/red/brand-new.md").write_text("---\ntitle: 新\n---\n", encoding="utf-8")
    changes = changed_files(repo, repo / "stories")
    assert changes.present == {STORY, "stories/red/brand-new.md"}
    assert changes.gone == frozenset()


def test_a_branch_is_compared_with_where_it_left_main(repo):
    _git(repo, "checkout", "-q", "-b", "feature")
    _edit(repo, STORY, "第一锹土", "第一锹新土")
    _git(repo, "commit", "-qam", "edit")
    assert changed_files(repo, repo / "stories").present == {STORY}
    assert changed_files(repo, repo / "stories", "HEAD").present == frozenset()


def test_a_deleted_file_is_reported_where_it_is_still_referenced(repo, run_check, monkeypatch):
    (repo / CRAFTSMAN).unlink()
    changes = changed_files(repo, repo / "stories")
    assert changes.gone == {CRAFTSMAN}
    corpus = pipeline.load(repo).corpus
    scope = affected(corpus, changes)
    assert scope.referring[STORY] == {6}  # craftsmen: [wang-jian-guo]
    monkeypatch.chdir(repo)
    run = run_check("--changed")
    assert any(d["code"] == "E-REF-CRAFTSMAN" and d["path"] == STORY for d in run.diagnostics)
    assert run.code == 1


def test_only_changed_files_are_reported(repo, run_check, monkeypatch):
    _edit(repo, STORY, "date: 1958-07", "date: 1958-13")
    _edit(repo, "stories/red/night-shift.md", "unit: power-1", "unit: nowhere")
    _git(repo, "commit", "-qam", "night shift broken on main")
    _git(repo, "checkout", "-q", "-b", "feature")
    _edit(repo, STORY, "date: 1958-13", "date: 1958-14")
    monkeypatch.chdir(repo)
    run = run_check("--changed")
    assert {d["path"] for d in run.diagnostics} == {STORY}
    assert run_check("--changed", "--base", "HEAD").diagnostics[0]["path"] == STORY
    # the whole project still sees both
    assert {d["path"] for d in run_check().diagnostics} >= {STORY, "stories/red/night-shift.md"}


def test_a_units_change_reaches_every_file_with_a_unit(repo):
    _edit(repo, "stories/units.yml", "mine-1", "mine-one")
    corpus = pipeline.load(repo).corpus
    scope = affected(corpus, changed_files(repo, repo / "stories"))
    assert scope.referring[STORY] == {5} and scope.referring[CRAFTSMAN] == {3}
    assert "W-TERM" in scope.about[STORY]  # a unit's old names are terms


def test_a_file_path_given_that_is_gone_is_skipped_not_an_error(repo, run_check, monkeypatch):
    (repo / CRAFTSMAN).unlink()
    monkeypatch.chdir(repo)
    run = run_check(CRAFTSMAN)
    assert run.code == 1  # what still lists the craftsman
    assert {d["path"] for d in run.diagnostics} == {
        STORY,
        "stories/collections/red-memory.yml",
        "stories/halls/main-hall/medal.md",
    }


def test_without_git_or_with_a_bad_base_it_says_why(tmp_path, repo, capsys):
    from build_tools.cli import main

    plain = tmp_path / "plain"
    shutil.copytree(FIXTURES / "valid", plain)
    with pytest.raises(ChangesError, match="git"):
        changed_files(plain, plain / "stories")
    assert main(["check", "--changed", "--base", "no-such-ref", str(repo)]) == 2
    assert "no-such-ref" in capsys.readouterr().err
