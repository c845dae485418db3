"""The examples in the editors' guide are run, so the guide never lies.

The pages in `PAGES` write their examples by one convention, visible to the reader too:

- `文件 `PATH`：` alone in a paragraph, right before a fenced block: the block is the
  whole text of PATH (relative to the project root, e.g. `stories/red/example.md`,
  `stories/terms.yml`, `culture.yml`). Anything may stand between the closing backquote
  and the final full-width colon (`文件 `culture.yml`（项目根目录）：`).
- `已提交的文件 `PATH`：`: the same, and the file is committed to git before what follows
  (for `--changed`: what is committed is not a change).
- `示例文件 `PATH`：`: the block is the file PATH of this repository (a sample such as
  `examples/pre-commit-config.yaml`) exactly as it is; it is compared, not written.
- `运行 `culture …`，输出：` (again anything before the final colon) right before a
  fenced ```text or ```diff block: the command is run in the project, and what it prints,
  stdout then stderr, must be exactly the block's lines. Only the file count of the
  summary line (`检查了 N 个文件`) is not compared: it depends on the project. So an
  example shown as clean (`检查了 12 个文件，没有发现问题。`) must print no finding at all.

Every `##` or `###` heading starts a section on a fresh copy of `tests/fixtures/valid`
(the small sample project); files written in a section stay for the rest of it, and a
command sees what earlier ones wrote (`culture fix`). A section that commits a file or
runs `--changed` is a git repository on `main` with the sample project committed before
its first file is written.

Nothing goes unchecked: in these pages every fenced block is a `sh` block (commands
shown, not run) or a file or output block of this convention; every file must be
followed by a run in its section; fences are never indented (inside a list or a box,
where this test would not see them the way the site shows them).
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from build_tools.cli import main
from tests.sitetools import FIXTURES, PROJECT

GUIDE = PROJECT / "docs" / "guide"
PAGES = ("proofreading.md", "terms.md", "workflow.md")

FENCE = re.compile(r"^```(\S*)\s*$")
FILE_INTRO = re.compile(r"^(文件|已提交的文件|示例文件) `([^`]+)`[^`]*：$")
RUN_INTRO = re.compile(r"^运行 `(culture [^`]+)`[^`]*：$")
HEADING = re.compile(r"^#{2,3} ")
SUMMARY_COUNT = re.compile(r"^检查了 \d+ 个文件")


@dataclass
class Block:
    line: int  # of the opening fence, 1-based
    lang: str
    text: str
    intro: str  # the paragraph right before it


@dataclass
class Step:
    line: int
    kind: str  # "file", "committed", "sample" or "run"
    target: str  # the path, or the command
    text: str


@dataclass
class Section:
    page: str
    title: str
    steps: list[Step] = field(default_factory=list)

    @property
    def uses_git(self) -> bool:
        return any(
            s.kind == "committed" or (s.kind == "run" and "--changed" in s.target)
            for s in self.steps
        )


def blocks(text: str) -> list[tuple[str | None, Block | None]]:
    """The page as headings (str) and fenced blocks, in order."""
    found: list[tuple[str | None, Block | None]] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if HEADING.match(line):
            found.append((line.lstrip("#").strip(), None))
        opening = FENCE.match(line)
        if opening:
            end = next(j for j in range(i + 1, len(lines)) if lines[j].rstrip() == "```")
            before = [x for x in lines[:i] if x.strip()]
            intro = before[-1].strip() if before else ""
            found.append(
                (None, Block(i + 1, opening.group(1), "\n".join(lines[i + 1 : end]), intro))
            )
            i = end
        i += 1
    return found


class NotChecked(Exception):
    """An example of a page that this test could not check (said in Chinese)."""


def sections(page: str) -> list[Section]:
    """The page's sections that have examples; NotChecked for a block outside the
    convention or a file no command follows."""
    text = (GUIDE / page).read_text(encoding="utf-8")
    indented = [n + 1 for n, line in enumerate(text.split("\n")) if re.match(r"^\s+```", line)]
    if indented:
        raise NotChecked(f"{page}: 缩进的代码块（第 {indented} 行），测试看不到它们")
    found = [Section(page, "（开头）")]
    for heading, block in blocks(text):
        if heading is not None:
            found.append(Section(page, heading))
            continue
        assert block is not None
        where = f"{page}:{block.line}"
        if block.lang == "sh":
            continue
        file_intro, run_intro = FILE_INTRO.match(block.intro), RUN_INTRO.match(block.intro)
        if file_intro:
            kind = {"文件": "file", "已提交的文件": "committed", "示例文件": "sample"}[
                file_intro.group(1)
            ]
            found[-1].steps.append(Step(block.line, kind, file_intro.group(2), block.text))
        elif run_intro:
            if block.lang not in ("text", "diff"):
                raise NotChecked(f"{where}: 命令的输出应写成 ```text 或 ```diff")
            found[-1].steps.append(Step(block.line, "run", run_intro.group(1), block.text))
        else:
            raise NotChecked(
                f"{where}: 代码块前没有“文件 `…`：”或“运行 `culture …`，输出：”，"
                "这个示例不会被核对（只显示命令的代码块请写成 ```sh）"
            )
    for section in found:
        last_run = max((n for n, s in enumerate(section.steps) if s.kind == "run"), default=-1)
        unchecked = [s for s in section.steps[last_run + 1 :] if s.kind in ("file", "committed")]
        if unchecked:
            raise NotChecked(
                f"{page}:{unchecked[0].line}: 文件 {unchecked[0].target} 后面没有运行命令和输出，"
                "这个示例不会被核对"
            )
    return [s for s in found if s.steps]


def _collect() -> tuple[list[Section], list[str]]:
    found: list[Section] = []
    problems: list[str] = []
    for page in PAGES:
        try:
            found.extend(sections(page))
        except (NotChecked, OSError) as exc:
            problems.append(str(exc))
    return found, problems


ALL, PROBLEMS = _collect()


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=guide", "-c", "user.email=guide@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def _lines(text: str) -> list[str]:
    lines = [SUMMARY_COUNT.sub("检查了 N 个文件", line.rstrip()) for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return lines


def test_every_example_follows_the_convention():
    assert not PROBLEMS, "\n".join(PROBLEMS)


def test_the_pages_have_examples_and_are_linked_from_the_guide():
    index = (GUIDE / "index.md").read_text(encoding="utf-8")
    nav = (PROJECT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in PAGES:
        assert any(s.page == page for s in ALL), f"{page} 没有核对过的示例"
        assert f"]({page})" in index, f"index.md 没有链接 {page}"
        assert f"guide/{page}" in nav, f"mkdocs.yml 的 nav 里没有 guide/{page}"


@pytest.mark.parametrize("section", ALL, ids=[f"{s.page}:{s.title}" for s in ALL])
def test_guide_example(section: Section, tmp_path, monkeypatch, capsys):
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "valid", root)
    if section.uses_git:
        _git(root, "init", "-q", "-b", "main")
        _git(root, "add", "-A")
        _git(root, "commit", "-q", "-m", "示例项目")
    monkeypatch.chdir(root)
    for step in section.steps:
        where = f"{section.page}:{step.line}"
        if step.kind == "sample":
            sample = (PROJECT / step.target).read_text(encoding="utf-8")
            assert _lines(step.text) == _lines(sample), f"{where}: 与 {step.target} 不一致"
            continue
        if step.kind in ("file", "committed"):
            path = root / step.target
            assert path.resolve().is_relative_to(root.resolve()), where
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(step.text + "\n", encoding="utf-8")
            if step.kind == "committed":
                _git(root, "add", step.target)
                _git(root, "commit", "-q", "-m", step.target)
            continue
        args = shlex.split(step.target)
        assert args[0] == "culture", where
        capsys.readouterr()
        code = main(args[1:])
        out = capsys.readouterr()
        got, expected = _lines(out.out + out.err), _lines(step.text)
        assert got == expected, f"{where}: `{step.target}` 的输出与指南不符"
        errors = any(re.search(r": error [EW]-", line) for line in got)
        assert code == (1 if errors else 0), f"{where}: 退出码 {code}"
