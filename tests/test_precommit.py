"""The published pre-commit hooks, run as a content repository uses them: `git commit` in a
scratch repository with `examples/pre-commit-config.yaml`, the hook installed by pre-commit
itself from a copy of this repository (`language: python`, `pip install .`).

Installing the hook's environment takes about half a minute; it is kept in pytest's cache
folder for the next run, as long as the package's files are unchanged.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from stdnum.cn import ric

from tests.sitetools import FIXTURES, PROJECT

HOOKS_FILE = PROJECT / ".pre-commit-hooks.yaml"
EXAMPLE_CONFIG = PROJECT / "examples/pre-commit-config.yaml"
# What `pip install .` needs of this repository, and the hooks file.
PACKAGE_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "build_tools")
FIXED_DATE = "2000-01-01T00:00:00+0000"  # so the same files give the same commit, and env


def _pre_commit() -> Path:
    exe = Path(sys.executable).with_name("pre-commit")
    if exe.is_file() and shutil.which("git"):
        return exe
    if os.environ.get("CI") == "true":
        pytest.fail("pre-commit or git is missing: run build_tools/setup.sh (pip install .[test])")
    pytest.skip("pre-commit or git is missing (pip install -e .[test])")


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return {
        **env,
        "PRE_COMMIT_HOME": str(home),
        "NO_MKDOCS_2_WARNING": "1",
        "PYTHONIOENCODING": "utf-8",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
        "GIT_AUTHOR_DATE": FIXED_DATE,
        "GIT_COMMITTER_DATE": FIXED_DATE,
    }


def _git(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _package_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", *PACKAGE_FILES],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return sorted(PROJECT / p for p in listed if (PROJECT / p).is_file())


def _tool_repo(folder: Path, env: dict[str, str]) -> str:
    """This repository's package as it is on disk, committed into `folder`; its commit id."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for file in _package_files():
        target = folder / file.relative_to(PROJECT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)
    for args in (("init", "-q"), ("add", "."), ("commit", "-q", "-m", "hooks")):
        done = _git(*args, cwd=folder, env=env)
        assert done.returncode == 0, done.stderr
    return _git("rev-parse", "HEAD", cwd=folder, env=env).stdout.strip()


@dataclass
class ContentRepo:
    path: Path
    env: dict[str, str]

    def write(self, relative: str, text: str) -> None:
        (self.path / relative).write_text(text, encoding="utf-8")

    def git(self, *args: str) -> subprocess.CompletedProcess[str]:
        return _git(*args, cwd=self.path, env=self.env)

    @contextmanager
    def left_out(self, relative: str) -> Iterator[None]:
        """Afterwards the file is neither staged nor on disk, whatever the test found."""
        try:
            yield
        finally:
            self.git("rm", "-q", "--cached", "--ignore-unmatch", "--", relative)
            (self.path / relative).unlink(missing_ok=True)

    def commit(self, *paths: str) -> subprocess.CompletedProcess[str]:
        added = self.git("add", "-A", "--", *paths)
        assert added.returncode == 0, added.stderr
        return self.git("commit", "-m", "改动")


@pytest.fixture(scope="module")
def content_repo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ContentRepo]:
    pre_commit = _pre_commit()
    kept = getattr(request.config, "cache", None)  # None with -p no:cacheprovider
    cache = Path(kept.mkdir("pre-commit")) if kept else tmp_path_factory.mktemp("pre-commit")
    env = _env(cache / "home")
    rev = _tool_repo(cache / "tool", env)
    # One environment kept: a new version of the package replaces the last one's.
    stamp = cache / "rev"
    if not stamp.is_file() or stamp.read_text() != rev:
        shutil.rmtree(cache / "home", ignore_errors=True)
        stamp.write_text(rev)

    repo = tmp_path_factory.mktemp("content")
    shutil.copytree(FIXTURES / "valid", repo, dirs_exist_ok=True, ignore=_no_cache)
    config = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    config["repos"][0].update(repo=str(cache / "tool"), rev=rev)
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    content = ContentRepo(repo, env)
    assert content.git("init", "-q").returncode == 0
    installed = subprocess.run(
        [str(pre_commit), "install", "--install-hooks"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    first = content.commit(".")
    assert first.returncode == 0, first.stdout + first.stderr
    yield content


def _no_cache(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if n == ".cache"]


def _resident_id() -> str:
    # A real province (14, Shanxi) with a made-up prefecture (99), a real birth date and the
    # GB 11643 check digit: to the checker, an ID number; to the world, nobody's.
    body = "14990119800101123"
    return body + ric.calc_check_digit(body + "0")


STORY = """---
title: 井下灯火
date: 1962-03
place: 东山坡
unit: mine-1
themes: [艰苦创业]
summary: 夜班的故事。
status: published
---

{body}
"""


def test_a_clean_story_is_committed(content_repo: ContentRepo):
    content_repo.write("stories/red/late-shift.md", STORY.format(body="那天夜里，井下灯火通明。"))
    result = content_repo.commit("stories/red/late-shift.md")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout + result.stderr


def test_typography_is_fixed_and_the_commit_stops_until_added(content_repo: ContentRepo):
    path = "stories/red/comma.md"
    content_repo.write(path, STORY.format(body="那天夜里,井下灯火通明."))
    stopped = content_repo.commit(path)
    output = stopped.stdout + stopped.stderr
    assert stopped.returncode != 0, output
    assert "culture fix" in output and "files were modified by this hook" in output
    fixed = (content_repo.path / path).read_text(encoding="utf-8")
    assert fixed == STORY.format(body="那天夜里，井下灯火通明。")
    again = content_repo.commit(path)
    assert again.returncode == 0, again.stdout + again.stderr


def test_a_resident_id_number_blocks_the_commit(content_repo: ContentRepo):
    number = _resident_id()
    assert ric.calc_check_digit(number) == number[-1]
    body = f"老矿工的身份证号码是 {number}，至今记得。"
    content_repo.write("stories/red/id-number.md", STORY.format(body=body))
    with content_repo.left_out("stories/red/id-number.md"):
        result = content_repo.commit("stories/red/id-number.md")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Failed" in output
    assert "stories/red/id-number.md:" in output
    assert "E-PII-ID" in output
    assert "身份证号码" in output
    assert number not in output  # the message masks it
    assert "id-number.md" not in content_repo.git("log", "--name-only").stdout


def test_a_broken_reference_blocks_the_commit(content_repo: ContentRepo):
    text = STORY.format(body="正文。").replace("unit: mine-1", "unit: mine-9")
    content_repo.write("stories/red/wrong-unit.md", text)
    with content_repo.left_out("stories/red/wrong-unit.md"):
        result = content_repo.commit("stories/red/wrong-unit.md")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "stories/red/wrong-unit.md:5:7: error E-REF-UNIT 未知的单位" in output


def test_renaming_and_deleting_are_committed(content_repo: ContentRepo):
    # pre-commit passes a renamed file by its new name and leaves deleted ones out;
    # `culture check` skips a path that is gone in any case (tests/test_cli.py)
    moved = content_repo.git("mv", "stories/red/unfinished.md", "stories/red/draft.md")
    assert moved.returncode == 0, moved.stderr
    result = content_repo.git("commit", "-m", "改名")
    assert result.returncode == 0, result.stdout + result.stderr
    assert content_repo.git("rm", "-q", "stories/red/draft.md").returncode == 0
    result = content_repo.git("commit", "-m", "删除")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_example_config_uses_the_published_hook():
    hooks = {h["id"]: h for h in yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))}
    for command in ("check", "fix"):
        hook = hooks[f"culture-{command}"]
        assert hook["entry"] == f"culture {command}"
        assert hook["language"] == "python"
        assert hook["files"] == "^stories/"
        assert hook["pass_filenames"] is True
        assert hook["require_serial"] is True
    config = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    used = {h["id"] for repo in config["repos"] for h in repo["hooks"]}
    assert used <= set(hooks)
