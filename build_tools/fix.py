"""`culture fix`: the safe typography fixes, made in place.

Only characters the typography rules call fixable change, and only where the text stands
in the file as it reads (`Prose.exact`): the rest of each file (YAML formatting, comments,
quoting, key order, line ends, a BOM) stays byte for byte. Every fixed file is parsed
again and must give the same values but for the fixed text; one that does not is left as
it was. Nothing here prints or writes: `plan` says what would change, `write` changes it.
"""

from __future__ import annotations

import difflib
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from build_tools.checks import apply_settings
from build_tools.checks.personal import find_personal_data
from build_tools.checks.typography import Finding, fixed_text, message, prose_findings
from build_tools.config import Project
from build_tools.content.corpus import Corpus
from build_tools.content.markdown import parse
from build_tools.content.model import FIELD_NAMES
from build_tools.content.prose import MARKDOWN_FIELDS, Prose
from build_tools.content.sourcefile import SourceError, decode, read_bytes, split_front_matter
from build_tools.content.yamlsource import parse_yaml
from build_tools.diagnostics import Diagnostic, Severity, diagnostic

BOM = b"\xef\xbb\xbf"
_LINE_END = re.compile(r"(\r\n|\r|\n)")


class FixRefused(Exception):
    """A path `culture fix` will not touch (outside the content folder)."""


@dataclass(frozen=True, slots=True)
class Edit:
    line: int  # file line, 1-based
    column: int  # 1-based, in characters
    old: str
    new: str
    code: str


@dataclass(slots=True)
class FileFix:
    """One file: its bytes before and after, the diff, or why it is left unchanged."""

    path: str  # relative to the project root
    old: bytes
    new: bytes
    diff: str
    edits: list[Edit] = field(default_factory=list)
    problem: str = ""  # why nothing was changed, in Chinese


@dataclass(slots=True)
class FixPlan:
    files: list[FileFix] = field(default_factory=list)

    @property
    def changed(self) -> list[FileFix]:
        return [f for f in self.files if not f.problem and f.new != f.old]

    @property
    def problems(self) -> list[FileFix]:
        return [f for f in self.files if f.problem]


# -- which files ------------------------------------------------------------------------------


def scopes(project: Project, paths: Sequence[Path]) -> list[str]:
    """The paths as prefixes relative to the project root ("" for everything); raises
    `FixRefused` for one that leaves the content folder (symlinks followed)."""
    root, content = project.root.resolve(), project.content_dir.resolve()
    found = []
    for path in paths:
        target = path.resolve()
        if target == root:
            found.append("")
        elif target == content or target.is_relative_to(content):
            found.append(target.relative_to(root).as_posix())
        else:
            folder = project.settings.content_dir
            raise FixRefused(f"“{path}”不在 {folder}/ 之中（或链接到了它之外），不会修改")
    return found


def _in_scope(path: str, prefixes: Sequence[str]) -> bool:
    return any(p in ("", ".") or path == p or path.startswith(p + "/") for p in prefixes)


def _writable(project: Project, rel: str) -> str:
    """Why a content file may not be rewritten ("" when it may)."""
    folder = project.settings.content_dir
    file = project.root / rel
    content = project.content_dir.resolve()
    if not file.resolve().is_relative_to(content):
        return f"链接到了 {folder}/ 之外，未修改"
    at = file
    while at != project.content_dir and at != at.parent:
        if at.is_symlink():
            return "是符号链接（或在链接的文件夹中），未修改；请直接修改它指向的文件"
        at = at.parent
    return ""


# -- what to change ---------------------------------------------------------------------------


def plan(
    project: Project, corpus: Corpus, found: Iterable[Diagnostic], paths: Sequence[str]
) -> FixPlan:
    """What `culture fix` would change in the files under `paths` (prefixes from
    `scopes`). `found` is what loading reported: a file with errors is not touched."""
    broken = {d.location.path for d in found if d.severity is Severity.ERROR}
    edits: dict[str, list[Edit]] = {}
    values: dict[str, dict[str, str]] = {}  # path → old field value → fixed value
    candidates: list[tuple[Diagnostic, Edit, Prose, Finding]] = []
    for prose, finding in prose_findings(corpus):
        if not finding.fixable or not _in_scope(prose.path, paths):
            continue
        piece = prose.exact(finding.start, finding.end)
        if piece is None:
            continue
        column = piece.column + finding.start - piece.start
        edit = Edit(piece.line, column, finding.old, finding.new, finding.code)
        diag = diagnostic(finding.code, prose.location(finding.start), message(prose.text, finding))
        candidates.append((diag, edit, prose, finding))
    # Family switched off, exempted lines: as the check would say.
    kept = {
        (d.code, d.location, d.message)
        for d in apply_settings([c[0] for c in candidates], corpus, project.settings)
    }
    by_prose: dict[int, tuple[Prose, list[Finding]]] = {}
    for diag, edit, prose, finding in candidates:
        if (diag.code, diag.location, diag.message) not in kept:
            continue
        edits.setdefault(prose.path, []).append(edit)
        by_prose.setdefault(id(prose), (prose, []))[1].append(finding)
    for prose, fixes in by_prose.values():
        if not prose.markdown:
            values.setdefault(prose.path, {})[prose.text] = fixed_text(prose.text, fixes)
    result = FixPlan()
    for rel in sorted(edits):
        result.files.append(_fix_file(project, rel, edits[rel], values.get(rel, {}), rel in broken))
    return result


def _fix_file(
    project: Project, rel: str, edits: list[Edit], values: dict[str, str], broken: bool
) -> FileFix:
    unique = sorted(
        {(e.line, e.column): e for e in edits}.values(), key=lambda e: (e.line, e.column)
    )
    try:
        raw = read_bytes(project.root / rel, rel)
    except SourceError:
        return FileFix(rel, b"", b"", "", unique, "无法读取，未修改")
    out = FileFix(rel, raw, raw, "", unique)
    if broken:
        out.problem = "文件有错误，未修改；请先运行 culture check 改正错误"
        return out
    out.problem = _writable(project, rel)
    if out.problem:
        return out
    new = _apply(raw, unique)
    if new is None:
        out.problem = "文件中的文字与读到的不一致（可能刚被修改），未修改；请重新运行"
        return out
    if not _same_values(raw, new, rel, values):
        out.problem = (
            "改后文件读出的内容会有改变，为安全起见未修改；请按 culture check 的提示手工修改"
        )
        return out
    out.new = new
    out.diff = _diff(raw, new, rel)
    return out


def _apply(raw: bytes, edits: Sequence[Edit]) -> bytes | None:
    """The file's bytes with the edits made; None when one does not find what it expects.
    Line ends and a BOM are kept as they are; lines are split as the loader splits them."""
    bom = raw.startswith(BOM)
    text = raw[len(BOM) :].decode("utf-8") if bom else raw.decode("utf-8")
    parts = _LINE_END.split(text)  # line, end, line, end, …, line
    by_line: dict[int, list[Edit]] = {}
    for edit in edits:
        by_line.setdefault(edit.line, []).append(edit)
    for number, on_line in by_line.items():
        index = 2 * (number - 1)
        if index >= len(parts):
            return None
        line = parts[index]
        last = len(line) + 1
        for edit in sorted(on_line, key=lambda e: e.column, reverse=True):
            at = edit.column - 1
            if at + len(edit.old) > last or line[at : at + len(edit.old)] != edit.old:
                return None  # overlapping, or the file is not what was loaded
            line = line[:at] + edit.new + line[at + len(edit.old) :]
            last = at
        parts[index] = line
    fixed = "".join(parts).encode("utf-8")
    return BOM + fixed if bom else fixed


def _diff(old: bytes, new: bytes, rel: str) -> str:
    before = decode(old, rel).splitlines(keepends=True)
    after = decode(new, rel).splitlines(keepends=True)
    lines = difflib.unified_diff(before, after, f"a/{rel}", f"b/{rel}")
    return "".join(masked(line) for line in lines)


def masked(line: str) -> str:
    """A line of the diff with any personal data masked, as the check's messages are:
    the diff goes to the terminal and to CI logs (the pre-commit hook)."""
    found = find_personal_data(line)
    for item in sorted(found, key=lambda f: f.start, reverse=True):
        line = line[: item.start] + item.masked + line[item.end :]
    return line


# -- the same values --------------------------------------------------------------------------


def _same_values(old: bytes, new: bytes, rel: str, values: dict[str, str]) -> bool:
    """Whether the fixed file reads as the old one but for the fixed text: the same
    fields in the same order, values equal or fixed as planned, Markdown of the same
    shape, and no problem the old file did not have."""
    try:
        before, after = decode(old, rel), decode(new, rel)
    except SourceError:
        return False
    if before.count("\n") != after.count("\n"):
        return False
    if rel.endswith(".md"):
        try:
            a, b = split_front_matter(before, rel), split_front_matter(after, rel)
        except SourceError:
            return False
        if (a.front_matter_line, a.body_line) != (b.front_matter_line, b.body_line):
            return False
        if _markdown_shape(a.body) != _markdown_shape(b.body):
            return False
        yaml_before, yaml_after, offset = a.front_matter, b.front_matter, a.front_matter_line - 1
    else:
        yaml_before, yaml_after, offset = before, after, 0
    doc_a = parse_yaml(yaml_before, rel, offset, field_names=FIELD_NAMES)
    doc_b = parse_yaml(yaml_after, rel, offset, field_names=FIELD_NAMES)
    if [d.code for d in doc_a.diagnostics] != [d.code for d in doc_b.diagnostics]:
        return False
    return _same(doc_a.data, doc_b.data, values, ())


def _same(a: Any, b: Any, values: dict[str, str], path: tuple[str, ...]) -> bool:
    if isinstance(a, dict):
        return (
            isinstance(b, dict)
            and list(a) == list(b)
            and all(_same(a[k], b[k], values, (*path, str(k))) for k in a)
        )
    if isinstance(a, list):
        return (
            isinstance(b, list)
            and len(a) == len(b)
            and all(_same(x, y, values, path) for x, y in zip(a, b, strict=True))
        )
    if a == b:
        return type(a) is type(b)
    if not isinstance(a, str) or not isinstance(b, str):
        return False
    if path and path[-1] in _MARKDOWN_NAMES:
        return _markdown_shape(a) == _markdown_shape(b)
    if a in values:
        return values[a] == b
    # The model keeps a value stripped (a block's last line end): compare the rest as is.
    core = a.strip()
    if core not in values:
        return False
    at = a.index(core)
    return b == a[:at] + values[core] + a[at + len(core) :]


_MARKDOWN_NAMES = frozenset(name for names in MARKDOWN_FIELDS.values() for name in names)
# What a fix may change in a Markdown token: the words of its text, nothing else.
_CODE = frozenset({"code_inline", "code_block", "fence", "html_inline", "html_block"})


def _markdown_shape(markdown: str) -> list[tuple[Any, ...]]:
    shape: list[tuple[Any, ...]] = []

    def walk(tokens: Iterable[Any]) -> None:
        for t in tokens:
            attrs = tuple(sorted((str(k), str(v)) for k, v in (t.attrs or {}).items()))
            code = t.content if t.type in _CODE else None
            shape.append((t.type, t.tag, t.markup, t.info, attrs, code, t.map))
            if t.children:
                walk(t.children)

    walk(parse(markdown).tokens)
    return shape


# -- writing ----------------------------------------------------------------------------------


def write(root: Path, fix: FileFix, replace: Callable[[str, str], None] = os.replace) -> None:
    """Write one fixed file atomically: a temporary file in the same folder, then a rename."""
    target = root / fix.path
    fd, temp = tempfile.mkstemp(prefix=".culture-fix-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(fix.new)
        os.chmod(temp, target.stat().st_mode & 0o7777)
        replace(temp, str(target))
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
