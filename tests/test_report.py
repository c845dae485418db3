"""report.py: the GitLab Code Quality report against the fields GitLab reads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema

from build_tools.diagnostics import Diagnostic, Location, Severity
from build_tools.report import format_diagnostics, format_gitlab

# Written from GitLab's "Code Quality report format" (docs.gitlab.com/ci/testing/code_quality/):
# a JSON array of issues, each with these fields; severity one of the five GitLab knows;
# location.path relative, without "./"; location.lines.begin the line, from 1.
GITLAB_CODE_QUALITY_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "minLength": 1, "not": {"pattern": "^(\\./|/)"}},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}


def diag(code: str, path: str, line: int, message: str, severity: Severity = Severity.ERROR):
    return Diagnostic(code, severity, Location(path, line, 3 if line else 0), message)


SAMPLE = [
    diag("E-REF-UNIT", "stories/red/a.md", 5, "未知的单位“mine-9”"),
    diag("W-PHOTO-MISSING", "stories/craftsmen/b.md", 0, "没有照片", Severity.WARNING),
    diag("E-FILE-MISSING", "stories/units.yml", 0, "缺少 units.yml"),
]


def gitlab(diagnostics: list[Diagnostic]) -> list[dict]:
    items = json.loads(format_gitlab(diagnostics))
    jsonschema.validate(items, GITLAB_CODE_QUALITY_SCHEMA)
    return items


def by_code(items: list[dict]) -> dict[str, dict]:
    return {i["check_name"]: i for i in items}


def test_report_has_the_fields_gitlab_reads():
    item = by_code(gitlab(SAMPLE))["E-REF-UNIT"]
    assert item == {
        "description": "未知的单位“mine-9”",
        "check_name": "E-REF-UNIT",
        "fingerprint": item["fingerprint"],
        "severity": "critical",
        "location": {"path": "stories/red/a.md", "lines": {"begin": 5}},
    }


def test_unknown_line_is_line_1():
    lines = {i["check_name"]: i["location"]["lines"]["begin"] for i in gitlab(SAMPLE)}
    assert lines == {"E-REF-UNIT": 5, "W-PHOTO-MISSING": 1, "E-FILE-MISSING": 1}


def test_severity_errors_critical_warnings_minor():
    severity = {i["check_name"]: i["severity"] for i in gitlab(SAMPLE)}
    assert severity == {
        "E-REF-UNIT": "critical",
        "W-PHOTO-MISSING": "minor",
        "E-FILE-MISSING": "critical",
    }


def test_empty_report_is_an_empty_array():
    assert format_gitlab([]) == "[]"
    assert format_diagnostics([], "gitlab") == "[]"


def test_fingerprints_stable_across_runs_and_moved_lines():
    first = gitlab(SAMPLE)
    again = gitlab(list(reversed(SAMPLE)))
    assert {i["fingerprint"] for i in first} == {i["fingerprint"] for i in again}
    moved = gitlab([diag("E-REF-UNIT", "stories/red/a.md", 9, "未知的单位“mine-9”")])
    assert moved[0]["fingerprint"] == by_code(first)["E-REF-UNIT"]["fingerprint"]
    assert moved[0]["location"]["lines"]["begin"] == 9


def test_fingerprints_unique_and_told_apart_by_what_differs():
    same_twice = [
        diag("E-FIELD-EMPTY", "stories/red/a.md", 4, "字段的值为空"),
        diag("E-FIELD-EMPTY", "stories/red/a.md", 8, "字段的值为空"),
        diag("E-FIELD-EMPTY", "stories/red/a.md", 12, "字段的值为空"),
    ]
    others = [
        diag("E-FIELD-EMPTY", "stories/red/b.md", 4, "字段的值为空"),  # other file
        diag("E-FIELD-TYPE", "stories/red/a.md", 4, "字段的值为空"),  # other code
        diag("E-FIELD-EMPTY", "stories/red/a.md", 4, "字段 title 的值为空"),  # other message
    ]
    items = gitlab(same_twice + others + SAMPLE)
    prints = [i["fingerprint"] for i in items]
    assert len(set(prints)) == len(prints)
    # the first of the duplicates keeps the fingerprint it has alone
    alone = gitlab(same_twice[:1])[0]["fingerprint"]
    line_4 = [i for i in items if i["check_name"] == "E-FIELD-EMPTY"]
    assert line_4[0]["location"] == {"path": "stories/red/a.md", "lines": {"begin": 4}}
    assert alone == line_4[0]["fingerprint"]


def test_culture_check_writes_a_valid_report(valid_tree: Path):
    story = valid_tree / "stories/red/first-shovel.md"
    story.write_text(
        story.read_text(encoding="utf-8").replace("unit: mine-1", "unit: mine-9"), encoding="utf-8"
    )
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(
        [sys.executable, "-m", "build_tools.cli", "check", "--format", "gitlab"],
        cwd=valid_tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    items = json.loads(result.stdout)  # nothing else on stdout; the summary is on stderr
    jsonschema.validate(items, GITLAB_CODE_QUALITY_SCHEMA)
    assert [(i["check_name"], i["location"]["path"]) for i in items] == [
        ("E-REF-UNIT", "stories/red/first-shovel.md")
    ]
    assert "1 个错误" in result.stderr
