"""`culture check` as editors and CI call it: a real process, real output, real exit codes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from build_tools import cli, pipeline
from tests.conftest import FIXTURES

TEXT_LINE = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (error|warning) [EW]-[A-Z-]+ .+$"
)


def culture(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "build_tools.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def broken_tree(valid_tree: Path) -> Path:
    story = valid_tree / "stories/red/first-shovel.md"
    story.write_text(
        story.read_text(encoding="utf-8").replace("unit: mine-1", "unit: mine-9"), encoding="utf-8"
    )
    return valid_tree


def test_text_output_names_file_line_and_suggestion(broken_tree):
    result = culture("check", cwd=broken_tree)
    assert result.returncode == 1
    assert result.stdout.strip() == (
        "stories/red/first-shovel.md:5:7: error E-REF-UNIT "
        "未知的单位“mine-9”，是否指 “mine-1”（第一煤矿）？"
    )
    assert "1 个错误" in result.stderr
    assert "Traceback" not in result.stderr


def test_json_output_is_pure_json_on_stdout(broken_tree):
    result = culture("check", "--format", "json", cwd=broken_tree)
    assert result.returncode == 1
    items = json.loads(result.stdout)  # nothing else on stdout
    assert items == [
        {
            "path": "stories/red/first-shovel.md",
            "line": 5,
            "column": 7,
            "severity": "error",
            "code": "E-REF-UNIT",
            "message": "未知的单位“mine-9”，是否指 “mine-1”（第一煤矿）？",
        }
    ]


def test_github_annotations(broken_tree):
    result = culture("check", "--format", "github", cwd=broken_tree)
    assert result.returncode == 1
    assert result.stdout.startswith(
        "::error file=stories/red/first-shovel.md,line=5,col=7,title=E-REF-UNIT::未知的单位"
    )


def test_clean_tree_exits_0_and_warnings_do_not_fail(valid_tree):
    result = culture("check", cwd=valid_tree)
    assert result.returncode == 0, result.stdout
    (valid_tree / "stories/craftsmen/wang-jian-guo.md").write_text(
        "---\nname: 王建国\nunit: mine-1\nposition: 司机\nsummary: 简介。\nstatus: published\n---\n\n正文。\n",
        encoding="utf-8",
    )
    result = culture("check", cwd=valid_tree)
    assert result.returncode == 0
    assert "W-PHOTO-MISSING" in result.stdout


def test_paths_limit_what_is_reported_but_references_see_everything(broken_tree):
    (broken_tree / "stories/craftsmen/wang-jian-guo.md").write_text("", encoding="utf-8")
    whole = culture("check", "--format", "json", cwd=broken_tree)
    assert {d["code"] for d in json.loads(whole.stdout)} == {"E-REF-UNIT", "E-FILE-EMPTY"}
    only = culture("check", "--format", "json", "stories/red", cwd=broken_tree)
    assert [d["code"] for d in json.loads(only.stdout)] == ["E-REF-UNIT"]
    one = culture(
        "check", "--format", "json", "stories/craftsmen/wang-jian-guo.md", cwd=broken_tree
    )
    assert [d["code"] for d in json.loads(one.stdout)] == ["E-FILE-EMPTY"]


def test_check_from_a_subfolder_finds_the_project(broken_tree):
    result = culture("check", cwd=broken_tree / "stories" / "red")
    assert result.stdout.startswith("stories/red/first-shovel.md:5:7:")


def test_a_bare_content_tree_can_be_checked(tmp_path):
    tree = tmp_path / "content"
    shutil.copytree(FIXTURES / "valid" / "stories", tree)
    result = culture("check", str(tree), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_line_of_text_output_has_the_promised_shape(tmp_path, valid_tree):
    for case in (FIXTURES / "bad").iterdir():
        for file in case.rglob("*.md"):
            target = valid_tree / file.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)
    result = culture("check", cwd=valid_tree)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) > 20
    for line in lines:
        assert TEXT_LINE.match(line), line


def test_a_path_that_is_gone_is_skipped(broken_tree):
    # pre-commit and `git diff --name-only` pass files deleted or renamed in the commit
    gone = culture("check", "stories/red/deleted.md", cwd=broken_tree)
    assert gone.returncode == 0, gone.stdout + gone.stderr
    assert gone.stdout == ""
    assert "跳过不存在的路径 stories/red/deleted.md" in gone.stderr
    both = culture(
        "check", "stories/red/deleted.md", "stories/red/first-shovel.md", cwd=broken_tree
    )
    assert both.returncode == 1
    assert both.stdout.startswith("stories/red/first-shovel.md:5:7: error E-REF-UNIT")


def test_missing_path_and_bad_arguments_exit_2(valid_tree, tmp_path):
    result = culture("check", str(tmp_path / "elsewhere"), cwd=valid_tree)
    assert result.returncode == 2
    assert "找不到路径" in result.stderr
    result = culture("check", "--format", "xml", cwd=valid_tree)
    assert result.returncode == 2
    assert "无效的选项" in result.stderr


def test_internal_failure_is_one_clear_line_and_exit_2(valid_tree, monkeypatch, capsys):
    def explode(*args, **kwargs):
        raise RuntimeError("磁盘坏了")

    monkeypatch.setattr(pipeline, "load_corpus", explode)
    monkeypatch.chdir(valid_tree)
    assert cli.main(["check"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "内部错误" in err and "磁盘坏了" in err


def test_help_is_in_chinese(valid_tree):
    result = culture("--help", cwd=valid_tree)
    assert result.returncode == 0
    assert "用法：" in result.stdout and "检查" in result.stdout
    result = culture("check", "--help", cwd=valid_tree)
    assert "输出格式" in result.stdout


def test_a_media_path_is_checked_in_its_project(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "valid", project)
    (project / "stories/media/red").mkdir(parents=True, exist_ok=True)
    (project / "stories/media/halls").mkdir(parents=True, exist_ok=True)
    shutil.copy(project / "stories/media/dot.png", project / "stories/media/red/x.png")
    story = project / "stories/red/night-shift.md"
    story.write_text(story.read_text(encoding="utf-8").replace("unit: power-1", "unit: nowhere"))
    result = culture("check", "stories/media/red/x.png", "stories/red/night-shift.md", cwd=project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "E-REF-UNIT" in result.stdout and "E-FILE-MISSING" not in result.stdout
