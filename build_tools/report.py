"""Format diagnostics for people (text), tools (JSON) and CI (GitHub annotations, GitLab
Code Quality)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable

from build_tools.diagnostics import Diagnostic, Severity

FORMATS = ("text", "json", "github", "gitlab")


def _position(d: Diagnostic) -> str:
    loc = d.location
    parts = [loc.path]
    if loc.line:
        parts.append(str(loc.line))
        if loc.column:
            parts.append(str(loc.column))
    return ":".join(parts)


def format_text(diagnostics: Iterable[Diagnostic]) -> str:
    lines = [f"{_position(d)}: {d.severity} {d.code} {d.message}" for d in diagnostics]
    return "\n".join(lines)


def format_json(diagnostics: Iterable[Diagnostic]) -> str:
    items = [
        {
            "path": d.location.path,
            "line": d.location.line,
            "column": d.location.column,
            "severity": str(d.severity),
            "code": d.code,
            "message": d.message,
        }
        for d in diagnostics
    ]
    return json.dumps(items, ensure_ascii=False, indent=2)


def _escape_github(value: str, *, property_value: bool = False) -> str:
    # https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_github(diagnostics: Iterable[Diagnostic]) -> str:
    lines = []
    for d in diagnostics:
        loc = d.location
        props = [f"file={_escape_github(loc.path, property_value=True)}"]
        if loc.line:
            props.append(f"line={loc.line}")
        if loc.column:
            props.append(f"col={loc.column}")
        props.append(f"title={_escape_github(d.code, property_value=True)}")
        lines.append(f"::{d.severity} {','.join(props)}::{_escape_github(d.message)}")
    return "\n".join(lines)


# GitLab's scale is info, minor, major, critical, blocker. An error stops `culture build`,
# so nothing of the merge request can be published: critical, above the major that code
# linters use for theirs. Blocker is left to tools that stop the merge itself. A warning
# never stops anything: minor.
GITLAB_SEVERITY: dict[Severity, str] = {Severity.ERROR: "critical", Severity.WARNING: "minor"}


def _gitlab_fingerprint(d: Diagnostic, occurrence: int) -> str:
    # Code, file and message, not the line: a problem that moves down a line when text is
    # added above it is the same problem, not a new one in the merge request. The same
    # problem twice in one file is told apart by its occurrence (first, second, …).
    parts = [d.code, d.location.path, d.message]
    if occurrence > 1:
        parts.append(str(occurrence))
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


def format_gitlab(diagnostics: Iterable[Diagnostic]) -> str:
    """A GitLab Code Quality report (the Code Climate subset GitLab reads), a JSON array."""
    seen: Counter[tuple[str, str, str]] = Counter()
    items = []
    for d in sorted(diagnostics, key=lambda d: d.sort_key):
        key = (d.code, d.location.path, d.message)
        seen[key] += 1
        items.append(
            {
                "description": d.message,
                "check_name": d.code,
                "fingerprint": _gitlab_fingerprint(d, seen[key]),
                "severity": GITLAB_SEVERITY[d.severity],
                "location": {
                    "path": d.location.path.removeprefix("./"),
                    "lines": {"begin": max(d.location.line, 1)},
                },
            }
        )
    return json.dumps(items, ensure_ascii=False, indent=2)


def format_diagnostics(diagnostics: list[Diagnostic], fmt: str) -> str:
    formatters = {
        "text": format_text,
        "json": format_json,
        "github": format_github,
        "gitlab": format_gitlab,
    }
    return formatters[fmt](diagnostics)


def summary_line(diagnostics: Iterable[Diagnostic], files: int) -> str:
    diagnostics = list(diagnostics)
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    if not diagnostics:
        return f"检查了 {files} 个文件，没有发现问题。"
    return f"检查了 {files} 个文件：{errors} 个错误，{warnings} 个警告。"
