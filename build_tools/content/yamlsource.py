"""YAML with positions: plain Python values plus where every value was written.

PyYAML's composer keeps a mark on every node, so we compose (with libyaml when present)
and turn nodes into values ourselves. That walk is also where YAML's traps are closed:
duplicate keys (PyYAML silently keeps the last one), alias bombs, exotic tags.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from build_tools.diagnostics import Diagnostic, Location, diagnostic

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

FieldPath = tuple[str | int, ...]

# How many nodes one document may expand to; real content is a few hundred.
MAX_NODES = 50_000

_TAG = "tag:yaml.org,2002:"
_COLLECTION_TAGS = {_TAG + "seq", _TAG + "map"}
_constructor = yaml.SafeLoader("")  # used only to build scalars (ints, bools, nulls)

_FULLWIDTH_KEY = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_]*)\s*：")


@dataclass(frozen=True, slots=True)
class Position:
    line: int  # 1-based, in the whole file
    column: int  # 1-based, in characters


@dataclass(slots=True)
class SourceMap:
    """Where each value (and each mapping key) of a document was written.

    Holds PyYAML's marks as they come and converts only the few that are reported:
    a large corpus has hundreds of thousands of values and a handful of problems.
    """

    line_offset: int = 0
    values: dict[FieldPath, Any] = field(default_factory=dict)
    keys: dict[FieldPath, Any] = field(default_factory=dict)

    def value(self, path: FieldPath) -> Position | None:
        mark = self.values.get(path)
        return None if mark is None else self._position(mark)

    def key(self, path: FieldPath) -> Position | None:
        mark = self.keys.get(path)
        return None if mark is None else self._position(mark)

    def _position(self, mark: yaml.Mark) -> Position:
        return Position(mark.line + 1 + self.line_offset, mark.column + 1)


@dataclass(slots=True)
class YamlDocument:
    data: Any
    source_map: SourceMap
    diagnostics: list[Diagnostic]
    ok: bool  # False when the text could not be parsed at all


class _TooManyNodes(Exception):
    pass


class _Walker:
    def __init__(self, path: str, line_offset: int) -> None:
        self.path = path
        self.line_offset = line_offset
        self.map = SourceMap(line_offset)
        self.diagnostics: list[Diagnostic] = []
        self.budget = MAX_NODES

    def position(self, mark: yaml.Mark) -> Position:
        return Position(mark.line + 1 + self.line_offset, mark.column + 1)

    def location(self, mark: yaml.Mark) -> Location:
        pos = self.position(mark)
        return Location(self.path, pos.line, pos.column)

    def walk(self, node: yaml.Node, path: FieldPath) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise _TooManyNodes
        self.map.values.setdefault(path, node.start_mark)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if node.tag not in _COLLECTION_TAGS and not isinstance(node, yaml.ScalarNode):
            self.diagnostics.append(
                diagnostic(
                    "E-YAML-TAG",
                    self.location(node.start_mark),
                    f"不支持的 YAML 标签“{node.tag}”，请直接写值",
                )
            )
            return None
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.MappingNode)
        result: dict[Any, Any] = {}
        first_seen: dict[Any, yaml.Mark] = {}
        for key_node, value_node in node.value:
            key = self.walk_key(key_node)
            if key in first_seen:
                where = self.position(first_seen[key])
                self.diagnostics.append(
                    diagnostic(
                        "E-YAML-DUPLICATE-KEY",
                        self.location(key_node.start_mark),
                        f"字段“{key}”重复出现，第 {where.line} 行已经写过一次；"
                        "只能保留一个（否则前一个会被悄悄覆盖）",
                    )
                )
                continue
            first_seen[key] = key_node.start_mark
            self.map.keys[(*path, key)] = key_node.start_mark
            result[key] = self.walk(value_node, (*path, key))
        return result

    def walk_key(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            value = self.scalar(node)
            return value if isinstance(value, str) else str(value)
        self.diagnostics.append(
            diagnostic("E-FM-NOT-MAPPING", self.location(node.start_mark), "字段名必须是简单的文字")
        )
        return f"<{node.id}@{node.start_mark.line}>"

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        if tag == _TAG + "str":
            return node.value
        if tag == _TAG + "timestamp":
            return node.value  # dates keep their written form; the model parses them
        if tag in (_TAG + "int", _TAG + "float", _TAG + "bool", _TAG + "null"):
            return _constructor.construct_object(node)
        self.diagnostics.append(
            diagnostic(
                "E-YAML-TAG",
                self.location(node.start_mark),
                f"不支持的 YAML 标签“{tag}”，请直接写值",
            )
        )
        return node.value


def parse_yaml(
    text: str, path: str, line_offset: int = 0, field_names: Collection[str] | None = None
) -> YamlDocument:
    """Parse one YAML document. `line_offset` is the number of file lines before `text`.

    `field_names`, when given, are the keys a full-width colon (`date：1958`) is looked
    for; otherwise any ASCII word is. Knowing the fields keeps `AI：人工智能` inside a
    block of text from being taken for a broken key."""
    walker = _Walker(path, line_offset)
    colon_hints = list(_fullwidth_colons(text, path, line_offset, field_names))
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        return YamlDocument(
            None, walker.map, colon_hints or [_syntax_error(exc, text, walker)], False
        )
    except yaml.YAMLError as exc:  # no mark: still say which file
        message = f"YAML 无法解析：{exc}"
        return YamlDocument(
            None, walker.map, [diagnostic("E-YAML-SYNTAX", Location(path), message)], False
        )
    if node is None:
        return YamlDocument(None, walker.map, colon_hints, not colon_hints)
    try:
        data = walker.walk(node, ())
    except _TooManyNodes:
        loc = walker.location(node.start_mark)
        message = f"YAML 别名（& 和 *）展开后超过 {MAX_NODES} 个值，已拒绝处理；请直接写出内容"
        return YamlDocument(None, walker.map, [diagnostic("E-YAML-ALIAS", loc, message)], False)
    return YamlDocument(data, walker.map, colon_hints + walker.diagnostics, not colon_hints)


def _fullwidth_colons(
    text: str, path: str, line_offset: int, field_names: Collection[str] | None
) -> Iterator[Diagnostic]:
    if "：" not in text:
        return
    for number, line in enumerate(text.split("\n"), start=1):
        match = _FULLWIDTH_KEY.match(line)
        if match and (field_names is None or match.group(2) in field_names):
            column = len(match.group(0))  # the colon itself
            key = match.group(2)
            yield diagnostic(
                "E-YAML-FULLWIDTH-COLON",
                Location(path, number + line_offset, column),
                f"字段名“{key}”后面用了全角冒号“：”，应改为半角冒号加空格“{key}: ”",
            )


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, walker: _Walker) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    assert mark is not None
    lines = text.split("\n")
    line_text = lines[mark.line] if mark.line < len(lines) else ""
    problem = exc.problem or ""
    if "\t" in problem or "\\t" in problem or "\t" in line_text[: max(mark.column, 0) + 1]:
        tab_line, tab_col = mark.line, line_text.find("\t")
        if tab_col < 0:  # the scanner may stop a line later than the tab
            for i in range(mark.line, -1, -1):
                if "\t" in lines[i]:
                    tab_line, tab_col = i, lines[i].index("\t")
                    break
        loc = Location(walker.path, tab_line + 1 + walker.line_offset, max(tab_col, 0) + 1)
        return diagnostic("E-YAML-TAB", loc, "YAML 中不能用制表符（Tab）缩进或分隔，请改用空格")
    if exc.context and "quoted scalar" in exc.context and exc.context_mark is not None:
        mark = exc.context_mark  # where the quote was opened, not where the file ended
    return diagnostic("E-YAML-SYNTAX", walker.location(mark), _explain(problem, exc))


_PROBLEMS = {
    "could not find expected ':'": "这一行缺少“字段: 值”中的半角冒号",
    "mapping values are not allowed": "这里不能出现“字段: 值”：可能是这一行多了缩进，或者值里有“: ”需要给整个值加引号",
    "did not find expected key": "缩进不齐，或者值里有需要加引号的字符",
    "found undefined alias": "使用了未定义的别名（*）",
    "found unexpected end of stream": "文件意外结束（可能有没闭合的引号或括号）",
    "found unknown escape character": "双引号字符串里有无效的反斜杠转义，请改用单引号",
    "expected <block end>, but found": "缩进不齐或结构不对",
    "found character that cannot start any token": "有不能作为开头的字符（如 @ 或 `），请给值加引号",
    "found a tab character": "不能用制表符（Tab）缩进",
    "expected a single document": "一个文件里只能有一个 YAML 文档（不要在中间再写 ---）",
    "did not find expected '-' indicator": "列表项的缩进不齐",
    "while scanning a quoted scalar": "这里开始的引号没有闭合",
    "did not find expected whitespace or line break": "特殊字符（如 ! & *）开头的值要加引号",
    "while scanning a tag": "以 ! 开头的值要加引号",
    "while scanning an anchor": "以 & 开头的值要加引号",
    "while scanning an alias": "以 * 开头的值要加引号",
    "while parsing a flow": "方括号或花括号没有闭合，或其中的逗号、冒号需要加引号",
}


def _explain(problem: str, exc: yaml.MarkedYAMLError) -> str:
    context = exc.context or ""
    for needle, meaning in _PROBLEMS.items():
        if needle in problem or needle in context:
            return f"YAML 语法错误：{meaning}"
    return "YAML 语法错误：这里的写法无法解析，请检查引号、缩进、冒号和开头的特殊字符（如 ! & * @）"
