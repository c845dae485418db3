"""The standard-wording dictionary `stories/terms.yml`: what should be written instead of what.

In the style of prh (https://github.com/prh/prh): a list of entries, each saying the
expected wording and the patterns that are wrong for it.

```yaml
- expected: 一带一路倡议
  patterns: [一带一路战略, 一带一路计划]
  note: 官方表述为“倡议”，不用“战略”“计划”
  severity: error            # optional; warning (the default) or error
  specs:                     # optional examples, verified when the dictionary loads
    - from: 积极参与一带一路战略
      to: 积极参与一带一路倡议
```

(A prh file's `version: 1` / `rules:` wrapper is accepted as well.)

Patterns: a pattern written between slashes, `/…/`, is a regular expression in Python's
syntax (no flags after the closing slash); any other pattern is literal text. In a
regular expression's `expected`, `$1`…`$9` stand for its groups, as in prh. Literal
patterns are matched all together in one pass (checks/terms.py); a match is not reported
where the expected wording itself stands around it (a pattern `特色社会主义` inside the
correct `中国特色社会主义`), nor where the replacement would be the text already written.

The file is hostile input like any other: entries, patterns and specs per entry and the
length of a pattern are bounded; a regular expression that does not compile, that can
match the empty string, or that could backtrack for ever (a repetition containing another
repetition or an alternation, a back-reference) is refused with E-TERMS-FILE at its line.
So is a spec whose `from`, with the entry applied, does not give its `to`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator

from build_tools.content.model import MAX_TEXT, Model, Origin
from build_tools.content.validate import validate
from build_tools.content.yamlsource import parse_yaml
from build_tools.diagnostics import Diagnostic, Location, Severity, diagnostic

try:  # the parser behind `re`: the only way to see a pattern's structure
    from re import _parser as _sre  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_parse as _sre  # type: ignore[no-redef]

FILE_NAME = "terms.yml"
MAX_TERMS = 10_000  # entries in one dictionary: a large style guide has a few thousand
MAX_PATTERNS = 50  # patterns of one entry
MAX_SPECS = 20  # examples of one entry
MAX_PATTERN = 100  # characters of one pattern
MAX_NOTE = 500

Pattern = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_PATTERN)
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NOTE)]

_GROUP_REF = re.compile(r"\$(\d)")


class SpecModel(Model):
    from_: Text = Field(alias="from", title="原文示例")
    to: Text = Field(title="改后示例")


class TermModel(Model):
    expected: Text = Field(title="规范写法")
    patterns: list[Pattern] = Field(
        title="不规范写法",
        description="文字原样匹配；写在 /…/ 之间的是正则表达式",
        min_length=1,
        max_length=MAX_PATTERNS,
    )
    note: Note | None = Field(None, title="说明", description="为什么这样写，会写进提示里")
    severity: Literal["warning", "error"] = Field("warning", title="级别")
    specs: list[SpecModel] = Field(default_factory=list, title="示例", max_length=MAX_SPECS)

    @field_validator("patterns", mode="before")
    @classmethod
    def _one_pattern(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value  # prh allows a single string


# -- the dictionary as the checks use it ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TermPattern:
    written: str  # as in the file
    regex: re.Pattern[str] | None  # None: literal text
    location: Location

    @property
    def literal(self) -> str | None:
        return None if self.regex is not None else self.written


@dataclass(frozen=True, slots=True)
class Term:
    expected: str
    patterns: tuple[TermPattern, ...]
    note: str | None
    severity: Severity
    location: Location

    @property
    def code(self) -> str:
        return "E-TERM" if self.severity is Severity.ERROR else "W-TERM"

    def replacement(
        self, text: str, start: int, end: int, match: re.Match[str] | None
    ) -> str | None:
        """What `text[start:end]`, found by one of the patterns, should read; None when it
        is not a finding (the expected wording stands there, or it already reads so)."""
        expected = self.expected
        if match is not None and "$" in expected:
            expected = _GROUP_REF.sub(lambda m: match.group(int(m.group(1))) or "", expected)
        if text[start:end] == expected or covered(text, start, end, expected):
            return None
        return expected

    def apply(self, text: str) -> str:
        """`text` with every finding replaced (what a spec is checked against)."""
        found: list[tuple[int, int, str]] = []
        for pattern in self.patterns:
            for start, end, match in _occurrences(pattern, text):
                better = self.replacement(text, start, end, match)
                if better is not None:
                    found.append((start, end, better))
        out, at = [], 0
        for start, end, better in sorted(found):
            if start < at:
                continue  # overlaps one already replaced
            out.append(text[at:start] + better)
            at = end
        return "".join(out) + text[at:]


def covered(text: str, start: int, end: int, expected: str) -> bool:
    """Whether `expected` is written in `text` around `text[start:end]` (prh's rule: a
    pattern inside the correct wording is no finding)."""
    size = len(expected)
    if size < end - start:
        return False
    at = text.find(expected, max(0, end - size), start + size)
    while 0 <= at <= start:
        if at + size >= end:
            return True
        at = text.find(expected, at + 1, start + size)
    return False


def _occurrences(
    pattern: TermPattern, text: str
) -> Iterator[tuple[int, int, re.Match[str] | None]]:
    if pattern.regex is not None:
        for match in pattern.regex.finditer(text):
            yield match.start(), match.end(), match
        return
    at = text.find(pattern.written)
    while at >= 0:
        yield at, at + len(pattern.written), None
        at = text.find(pattern.written, at + 1)


@dataclass(frozen=True, slots=True)
class Terms:
    """The dictionary as loaded: the entries that are right (a wrong one is reported and
    left out, so one mistake does not switch the whole dictionary off)."""

    path: str
    entries: tuple[Term, ...]
    digest: str  # of the file's text: the checks build their automaton once per digest


# -- loading ----------------------------------------------------------------------------------


def load_terms(text: str, rel: str) -> tuple[Terms, list[Diagnostic]]:
    """Parse and validate a dictionary; every problem is said at its line."""
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
    empty = Terms(rel, (), digest)
    doc = parse_yaml(text, rel)
    problems = list(doc.diagnostics)
    if not doc.usable or doc.data is None:
        return empty, problems
    data, origin = doc.data, Origin(rel, doc.source_map)
    if isinstance(data, dict) and isinstance(data.get("rules"), list):
        unknown = [k for k in data if k not in ("rules", "version")]
        for key in unknown:
            message = f"未知字段“{key}”：词典只有 rules（条目列表）和 version"
            problems.append(diagnostic("E-TERMS-FILE", origin.at(key, key=True), message))
        data, origin = data["rules"], origin.sub("rules")
    if not isinstance(data, list):
        message = f"{FILE_NAME} 应是一个列表，每个条目以“- expected: 规范写法”开头"
        return empty, [*problems, diagnostic("E-TERMS-FILE", Location(rel, 1, 1), message)]
    if len(data) > MAX_TERMS:
        message = f"词典有 {len(data)} 个条目，超过上限 {MAX_TERMS} 个，只读了前 {MAX_TERMS} 个"
        problems.append(diagnostic("E-TERMS-FILE", origin.at(MAX_TERMS), message))
        data = data[:MAX_TERMS]
    entries: list[Term] = []
    seen: dict[str, Location] = {}  # literal pattern → where it was first written
    for i, raw in enumerate(data):
        at = origin.sub(i)
        if not isinstance(raw, dict):
            message = "这里应是一个条目（expected、patterns、note 等“字段: 值”）"
            problems.append(diagnostic("E-TERMS-FILE", at.at(), message))
            continue
        model, wrong = validate(TermModel, raw, at)
        problems.extend(wrong)
        if model is not None:
            term, wrong = _term(model, at, seen)
            problems.extend(wrong)
            if term is not None:
                entries.append(term)
    return Terms(rel, tuple(entries), digest), problems


def _term(
    model: TermModel, at: Origin, seen: dict[str, Location]
) -> tuple[Term | None, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    patterns: list[TermPattern] = []
    for j, written in enumerate(model.patterns):
        where = at.at("patterns", j)
        pattern, problem = _pattern(written, where, model.expected)
        if problem is None and pattern.literal is not None:
            first = seen.setdefault(pattern.literal, where)
            if first is not where:
                problem = (
                    f"不规范写法“{written}”在第 {first.line} 行已经写过，同一写法只能属于一个条目"
                )
        if problem is not None:
            problems.append(diagnostic("E-TERMS-FILE", where, problem))
        else:
            patterns.append(pattern)
    if problems:
        return None, problems
    severity = Severity.ERROR if model.severity == "error" else Severity.WARNING
    term = Term(model.expected, tuple(patterns), model.note, severity, at.at())
    for k, spec in enumerate(model.specs):
        got = term.apply(spec.from_)
        if got != spec.to:
            message = f"示例不符：“{spec.from_}”按这个条目改过后是“{got}”，而不是“{spec.to}”"
            problems.append(diagnostic("E-TERMS-FILE", at.at("specs", k), message))
    return (None if problems else term), problems


def _pattern(written: str, where: Location, expected: str) -> tuple[TermPattern, str | None]:
    """The pattern, and what is wrong with it (None when nothing)."""
    literal = TermPattern(written, None, where)
    if not (len(written) >= 3 and written[0] == written[-1] == "/"):
        if written == expected:
            return literal, f"不规范写法“{written}”和规范写法相同"
        return literal, None
    source = written[1:-1]
    try:
        regex = re.compile(source)
    except re.error as exc:
        return literal, f"正则表达式“{written}”写错了：{_regex_error(exc, source)}"
    except (OverflowError, RecursionError):
        return literal, f"正则表达式“{written}”太复杂，无法使用"
    problem = _risky(source)
    if problem is not None:
        return literal, f"正则表达式“{written}”{problem}"
    for ref in _GROUP_REF.findall(expected):
        if int(ref) > regex.groups:
            return (
                literal,
                f"规范写法中的 ${ref} 没有对应的括号分组（正则表达式只有 {regex.groups} 组）",
            )
    return TermPattern(written, regex, where), None


_RE_ERRORS = {
    "missing ), unterminated subpattern": "圆括号没有闭合",
    "unbalanced parenthesis": "多了右圆括号",
    "nothing to repeat": "* + ? 或 {n,m} 前面没有可重复的内容",
    "multiple repeat": "重复符号连在了一起",
    "unterminated character set": "方括号没有闭合",
    "bad escape": "反斜杠转义不对",
    "bad character range": "方括号中的范围写反了",
}


def _regex_error(exc: re.error, source: str) -> str:
    meaning = next((zh for en, zh in _RE_ERRORS.items() if exc.msg.startswith(en)), exc.msg)
    if exc.pos is not None and exc.pos < len(source):
        meaning += f"（问题在“{source[exc.pos : exc.pos + 10]}”处）"
    return meaning


def _risky(source: str) -> str | None:
    """Why a regular expression is refused: it can match nothing at all, or a text could
    make it try paths without end (Python's `re` has no time limit)."""
    try:
        parsed = _sre.parse(source)
    except Exception:  # compiled above; the parser is private and may differ
        return "无法分析"
    if parsed.getwidth()[0] == 0:
        return "可能匹配空字符串（比如整个都是可选的），这样处处都会报告"
    return _nested(parsed.data, inside_repeat=False)


def _nested(items: Any, inside_repeat: bool) -> str | None:
    for op, arg in items:
        name = str(op)
        if name in ("GROUPREF", "GROUPREF_EXISTS"):
            return "用了反向引用（\\1 这类），词典中不支持"
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            _low, high, body = arg
            repeats = high > 1  # MAXREPEAT for * and +
            if repeats and inside_repeat:
                return "在重复（* + {n,m}）里又套了重复或“|”分支，某些文字会让检查停不下来，请简化"
            found = _nested(body, inside_repeat or repeats)
        elif name == "BRANCH":
            if inside_repeat:
                return "在重复（* + {n,m}）里又套了重复或“|”分支，某些文字会让检查停不下来，请简化"
            found = None
            for branch in arg[1]:
                found = found or _nested(branch, inside_repeat)
        elif name == "SUBPATTERN":
            found = _nested(arg[-1], inside_repeat)
        elif name == "ATOMIC_GROUP":
            found = _nested(arg, inside_repeat)
        elif name in ("ASSERT", "ASSERT_NOT"):
            found = _nested(arg[1], inside_repeat)
        else:
            found = None
        if found:
            return found
    return None
