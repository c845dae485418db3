"""Format diagnostics for people (text), tools (JSON) and CI (GitHub annotations)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from build_tools.diagnostics import Diagnostic, Severity

FORMATS = ("text", "json", "github")


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


def format_diagnostics(diagnostics: list[Diagnostic], fmt: str) -> str:
    return {"text": format_text, "json": format_json, "github": format_github}[fmt](diagnostics)


def summary_line(diagnostics: Iterable[Diagnostic], files: int) -> str:
    diagnostics = list(diagnostics)
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    if not diagnostics:
        return f"检查了 {files} 个文件，没有发现问题。"
    return f"检查了 {files} 个文件：{errors} 个错误，{warnings} 个警告。"
