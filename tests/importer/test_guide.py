"""docs/guide/import.md shows real runs: each is run again here, in a copy of the sample
project, on the submissions the page describes, and must print exactly what it shows.

The page's conventions: `运行 `culture …`，输出：` before a ```text block (stdout then
stderr; the file count of `检查了 N 个文件` is not compared); `生成的文件 `PATH`：` before
a block that must be PATH's whole text; `文件 `PATH`（补齐以后的开头）：` before a front
matter the editor writes over the file's own.
"""

from __future__ import annotations

import re
import shlex
import shutil

import pytest

from build_tools.cli import main
from tests.importer.conftest import messy, typical_story
from tests.sitetools import PROJECT

PAGE = PROJECT / "docs/guide/import.md"
STEP = re.compile(r"^(运行|生成的文件|文件) `([^`]+)`[^`]*：$")
COUNT = re.compile(r"^检查了 \d+ 个文件")


def steps() -> list[tuple[str, str, str]]:
    lines = PAGE.read_text(encoding="utf-8").split("\n")
    found = []
    for i, line in enumerate(lines):
        match = STEP.match(line)
        if match and i + 2 < len(lines) and lines[i + 2].startswith("```"):
            end = lines.index("```", i + 3)
            found.append((match.group(1), match.group(2), "\n".join(lines[i + 3 : end])))
    return found


@pytest.fixture
def sample(tmp_path, monkeypatch):
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(PROJECT / "mkdocs.yml", project)
    shutil.copytree(PROJECT / "stories", project / "stories")
    (project / "投稿/第二批").mkdir(parents=True)
    typical_story(project / "投稿/井下的灯光.docx")
    messy(project / "投稿/第二批/抢修之夜.docx")
    (project / "投稿/第二批/老照片说明.doc").write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    )
    monkeypatch.chdir(project)
    return project


def test_the_page_shows_what_the_commands_print(sample, capsys):
    found = steps()
    assert [kind for kind, _, _ in found] == ["运行", "生成的文件", "文件", "运行", "运行"]
    for kind, target, text in found:
        if kind == "运行":
            capsys.readouterr()
            main(shlex.split(target)[1:])
            captured = capsys.readouterr()
            printed = (captured.out + captured.err).rstrip("\n").split("\n")
            shown = text.split("\n")
            assert [COUNT.sub("检查了 N 个文件", x) for x in printed] == [
                COUNT.sub("检查了 N 个文件", x) for x in shown
            ], target
        elif kind == "生成的文件":
            assert (sample / target).read_text(encoding="utf-8") == text + "\n"
        else:
            path = sample / target
            _, _, body = path.read_text(encoding="utf-8").split("---\n", 2)
            path.write_text(text + "\n" + body, encoding="utf-8")
