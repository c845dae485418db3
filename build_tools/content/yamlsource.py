"""YAML with positions: plain Python values plus where every value was written.

PyYAML's composer keeps a mark on every node, so we compose (with libyaml when present)
and turn nodes into values ourselves. That walk is also where YAML's traps are closed:
duplicate keys (PyYAML silently keeps the last one), anchors and aliases (refused: content
never needs them, and they can blow a small file up into a huge page), exotic tags, and
curly quotes typed where YAML quotes were meant.

A text that cannot be parsed gets a tolerant second pass: a copy is repaired line by line
(full-width colons after field names, curly quotes around a value, tabs in indentation)
and, where no repair is known, the top-level field holding the bad line is left out; the
copy keeps every line where it was, so positions are still those of the real file. The
document then says what it could read (`repaired`) and what it left out (`skipped`).
"""

from __future__ import annotations

import io
import pickle
import re
from collections.abc import Collection
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

# How many times the tolerant pass re-parses one document before it gives up.
MAX_REPAIRS = 20

_TAG = "tag:yaml.org,2002:"
_COLLECTION_TAGS = {_TAG + "seq", _TAG + "map"}
_constructor = yaml.SafeLoader("")  # used only to build scalars (ints, bools, nulls)

_FULLWIDTH_KEY = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_]*)\s*：")
# A value wrapped in curly quotes where YAML quotes were meant: after `key: `, `- `,
# `[`, `,` or `{`, and followed only by the end of the line, a comment or `,]}`.
_CURLY_VALUE = re.compile(
    r"(?:(?<=:\s)|(?<=^-\s)|(?<=[\[{,]))(\s*)“([^“”\n]*)”(?=\s*(?:$|#|[,\]}]))"
)
_LIST_ITEM = re.compile(r"^(\s*)-\s+")
_TOP_KEY = re.compile(r"^(?:-\s+)?([A-Za-z_][A-Za-z0-9_]*)")
_KEY_LINE = re.compile(r"""^\s*(?:-\s+)*(?:"[^"]*"|'[^']*'|[^\s:#"'][^:]*?)\s*:(?:\s|$)""")
CURLY_QUOTE_MESSAGE = '值用中文引号“”括了起来：YAML 只认半角引号，请改成 "…"，或者去掉引号'
ALIAS_MESSAGE = "不能使用 YAML 锚点和别名（& 和 *）：请把内容直接写出来"


@dataclass(frozen=True, slots=True)
class Position:
    line: int  # 1-based, in the whole file
    column: int  # 1-based, in characters


@dataclass(slots=True)
class SourceMap:
    """Where each value (and each mapping key) of a document was written.

    Holds the 0-based (line, column) of PyYAML's marks and converts only the few that are
    reported: a large corpus has hundreds of thousands of values and a handful of
    problems. Plain pairs, not the marks themselves, so that a map is cheap to keep in
    the loader's cache.
    """

    line_offset: int = 0
    values: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)
    # Characters the tolerant pass inserted: line → columns (0-based, in the repaired
    # text), so that positions are still counted in the file as written.
    inserted: dict[int, list[int]] = field(default_factory=dict)
    # Text values written as they read (no quotes doubled, no escapes, no folding):
    # path → (line, column, indent), 0-based, where the value's text starts. `indent` is
    # -1 for a value on one line; for a literal block (`|`) line i of the value is file
    # line `line + i` from column `indent`. What the checks point into and `fix` edits.
    verbatim: dict[FieldPath, tuple[int, int, int]] = field(default_factory=dict)
    # `# culture: ignore CODE …` comments: file line (1-based) → the codes it exempts.
    ignores: dict[int, tuple[str, ...]] = field(default_factory=dict)
    # `values` and `keys` as kept in the loader's cache, until a position is asked for.
    _packed: bytes | None = field(default=None, init=False, repr=False, compare=False)

    def __reduce__(self) -> tuple[Any, ...]:
        # For the loader's cache: the positions travel as one string, unpacked only when
        # one is asked for (few items of a run report anything; a story has 40 positions).
        packed = self._packed
        if packed is None:
            packed = pickle.dumps(
                (self.values, self.keys, self.verbatim), protocol=pickle.HIGHEST_PROTOCOL
            )
        return (packed_source_map, (self.line_offset, packed, self.inserted, self.ignores))

    def __getattr__(self, name: str) -> Any:
        # Only for a map from the cache, whose positions are not unpacked yet.
        if name not in ("values", "keys", "verbatim") or self._packed is None:
            raise AttributeError(name)
        self.values, self.keys, self.verbatim = _PlainData(io.BytesIO(self._packed)).load()
        self._packed = None
        return getattr(self, name)

    def value(self, path: FieldPath) -> Position | None:
        mark = self.values.get(path)
        return None if mark is None else self._position(mark)

    def key(self, path: FieldPath) -> Position | None:
        mark = self.keys.get(path)
        return None if mark is None else self._position(mark)

    def _position(self, mark: tuple[int, int]) -> Position:
        return self.position(*mark)

    def position(self, line: int, column: int) -> Position:
        """File position of a 0-based line and column of the parsed text."""
        if self.inserted and line in self.inserted:
            column -= sum(1 for at in self.inserted[line] if at < column)
        return Position(line + 1 + self.line_offset, column + 1)


def packed_source_map(
    line_offset: int,
    packed: bytes,
    inserted: dict[int, list[int]],
    ignores: dict[int, tuple[str, ...]],
) -> SourceMap:
    """A source map from the loader's cache, its positions still packed."""
    found = object.__new__(SourceMap)
    found.line_offset, found.inserted, found._packed = line_offset, inserted, packed
    found.ignores = ignores
    return found


# `# culture: ignore W-TYPO-SPACING E-PII-PHONE`: codes (or code prefixes such as
# `W-TYPO`) separated by spaces or commas.
IGNORE_COMMENT = re.compile(
    r"(?:^|\s)#\s*culture:\s*ignore\s+([A-Z][A-Z0-9-]*(?:[\s,，]+[A-Z][A-Z0-9-]*)*)"
)


def find_ignores(text: str, line_offset: int) -> dict[int, tuple[str, ...]]:
    """The lines `# culture: ignore …` comments exempt: their own line, and the next one
    when the comment stands on a line by itself."""
    found: dict[int, tuple[str, ...]] = {}
    if "culture:" not in text:
        return found
    for number, line in enumerate(text.split("\n")):
        match = IGNORE_COMMENT.search(line)
        if match is None:
            continue
        codes = tuple(re.split(r"[\s,，]+", match.group(1).strip()))
        lines = [number, number + 1] if not line[: match.start()].strip() else [number]
        for at in lines:
            found[at + 1 + line_offset] = found.get(at + 1 + line_offset, ()) + codes
    return found


class _PlainData(pickle.Unpickler):
    """Tuples, dicts, numbers and strings: nothing that names a class or a function."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name} in a source map")


@dataclass(slots=True)
class YamlDocument:
    data: Any
    source_map: SourceMap
    diagnostics: list[Diagnostic]
    ok: bool  # False when the text as written could not be parsed
    repaired: bool = False  # `data` was read from a repaired copy by the tolerant pass
    skipped: tuple[str, ...] = ()  # lines the tolerant pass had to leave out

    @property
    def usable(self) -> bool:
        """Whether `data` says what the file says (as written, or as repaired)."""
        return self.ok or self.repaired

    def skipped_keys(self) -> frozenset[str]:
        """Top-level fields whose lines were left out: not to be reported as missing."""
        return frozenset(
            m.group(1) for line in self.skipped if line[:1].strip() and (m := _TOP_KEY.match(line))
        )

    def skipped_values(self, key: str) -> list[str]:
        """Values of `key: value` in the lines left out (the ids of list entries)."""
        pattern = re.compile(rf"^\s*(?:-\s+)?{re.escape(key)}\s*[:：]\s*(\S.*?)\s*$")
        return [m.group(1).strip("\"'“”") for line in self.skipped if (m := pattern.match(line))]


class _TooManyNodes(Exception):
    pass


class _Refused(Exception):
    """Text that is not parsed at all (anchors and aliases); carries the diagnostic."""

    def __init__(self, diag: Diagnostic) -> None:
        super().__init__(diag.message)
        self.diagnostic = diag


class _Walker:
    def __init__(self, path: str, source_map: SourceMap, lines: list[str]) -> None:
        self.path = path
        self.map = source_map
        self.lines = lines
        self.diagnostics: list[Diagnostic] = []
        self.budget = MAX_NODES

    def location(self, mark: yaml.Mark) -> Location:
        pos = self.map.position(mark.line, mark.column)
        return Location(self.path, pos.line, pos.column)

    def walk(self, node: yaml.Node, path: FieldPath) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise _TooManyNodes
        mark = node.start_mark
        self.map.values.setdefault(path, (mark.line, mark.column))
        if isinstance(node, yaml.ScalarNode):
            value = self.scalar(node)
            if isinstance(value, str) and value and node.tag == _TAG + "str":
                self.note_verbatim(node, value, path)
            return value
        if node.tag not in _COLLECTION_TAGS:
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
                where = self.location(first_seen[key])
                self.diagnostics.append(
                    diagnostic(
                        "E-YAML-DUPLICATE-KEY",
                        self.location(key_node.start_mark),
                        f"字段“{key}”重复出现，第 {where.line} 行已经写过一次；"
                        "只能保留一个（否则前一个会被悄悄覆盖）",
                    )
                )
                continue
            mark = first_seen[key] = key_node.start_mark
            self.map.keys[(*path, key)] = (mark.line, mark.column)
            result[key] = self.walk(value_node, (*path, key))
        return result

    def note_verbatim(self, node: yaml.ScalarNode, value: str, path: FieldPath) -> None:
        start, end = node.start_mark, node.end_mark
        if start.line in self.map.inserted:
            return  # repaired by the tolerant pass: not as written
        if node.style in (None, "", "'", '"') and start.line == end.line:
            quotes = 2 if node.style else 0  # libyaml says "" for a plain scalar
            # Any escape, doubled quote or trimmed space makes the source longer.
            if end.column - start.column - quotes == len(value) and value == node.value:
                self.map.verbatim[path] = (start.line, start.column + quotes // 2, -1)
        elif node.style == "|" and start.line + 1 < len(self.lines):
            first = self.lines[start.line + 1]
            indent = len(first) - len(first.lstrip(" "))
            rows = value.split("\n")
            if rows and rows[-1] == "":
                rows.pop()
            source = self.lines[start.line + 1 : start.line + 1 + len(rows)]
            if len(source) == len(rows) and all(
                row == line[indent:] or (not row and not line.strip())
                for row, line in zip(rows, source, strict=True)
            ):
                self.map.verbatim[path] = (start.line + 1, indent, indent)

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
            value: str = node.value
            if value[:1] == "“" and not node.style and _curly_wrapped(value):
                # `title: “第一锹土”`: the quotes were meant as YAML's, not as text.
                loc = self.location(node.start_mark)
                self.diagnostics.append(diagnostic("E-YAML-CURLY-QUOTE", loc, CURLY_QUOTE_MESSAGE))
                return value[1:-1]
            return value
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


def _curly_wrapped(value: str) -> bool:
    return (
        len(value) >= 2
        and value[0] == "“"
        and value[-1] == "”"
        and "“" not in value[1:-1]
        and "”" not in value[1:-1]
    )


def parse_yaml(
    text: str, path: str, line_offset: int = 0, field_names: Collection[str] | None = None
) -> YamlDocument:
    """Parse one YAML document. `line_offset` is the number of file lines before `text`.

    `field_names`, when given, are the keys a full-width colon (`date：1958`) is looked
    for; otherwise any ASCII word is. Knowing the fields keeps `AI：人工智能` inside a
    block of text from being taken for a broken key."""
    source_map = SourceMap(line_offset)
    source_map.ignores = find_ignores(text, line_offset)
    colons = _FullwidthColons(text, path, source_map, field_names)
    if not colons.found:
        try:
            node = _compose(text, path, source_map)
        except _Refused as refused:
            return YamlDocument(None, source_map, [refused.diagnostic], False)
        except yaml.MarkedYAMLError:
            pass  # the tolerant pass below says what is wrong
        except yaml.YAMLError as exc:  # no mark: still say which file
            return _unparsed(exc, path, source_map)
        else:
            return _walk(node, path, source_map, [], ok=True, text=text)
    return _TolerantPass(text, path, source_map, colons).run()


def _compose(text: str, path: str, source_map: SourceMap) -> yaml.Node | None:
    if "&" in text or "*" in text:
        _refuse_anchors(text, path, source_map)
    return yaml.compose(text, Loader=_Loader)


def _refuse_anchors(text: str, path: str, source_map: SourceMap) -> None:
    """Anchors and aliases are refused before anything is built from them."""
    for token in yaml.scan(text, Loader=_Loader):
        if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
            pos = source_map.position(token.start_mark.line, token.start_mark.column)
            where = Location(path, pos.line, pos.column)
            raise _Refused(diagnostic("E-YAML-ALIAS", where, ALIAS_MESSAGE))


def _walk(
    node: yaml.Node | None,
    path: str,
    source_map: SourceMap,
    found: list[Diagnostic],
    *,
    ok: bool,
    text: str,
    skipped: tuple[str, ...] = (),
) -> YamlDocument:
    if node is None:
        return YamlDocument(None, source_map, found, ok, repaired=not ok, skipped=skipped)
    walker = _Walker(path, source_map, text.split("\n"))
    try:
        data = walker.walk(node, ())
    except _TooManyNodes:
        message = f"YAML 中的值超过 {MAX_NODES} 个，内容文件不需要这么多，已拒绝处理"
        where = walker.location(node.start_mark)
        return YamlDocument(
            None, source_map, [diagnostic("E-FILE-TOO-LARGE", where, message)], False
        )
    return YamlDocument(
        data, source_map, found + walker.diagnostics, ok, repaired=not ok, skipped=skipped
    )


def _unparsed(exc: yaml.YAMLError, path: str, source_map: SourceMap) -> YamlDocument:
    message = f"YAML 无法解析：{exc}"
    return YamlDocument(
        None, source_map, [diagnostic("E-YAML-SYNTAX", Location(path), message)], False
    )


class _FullwidthColons:
    """`date：1958`: found on every line (the parser's own error would point elsewhere),
    and repaired to `date: 1958` for the tolerant pass."""

    def __init__(
        self, text: str, path: str, source_map: SourceMap, field_names: Collection[str] | None
    ) -> None:
        self.found: list[tuple[int, re.Match[str]]] = []
        self.path = path
        self.source_map = source_map
        if "：" not in text:
            return
        for number, line in enumerate(text.split("\n")):
            match = _FULLWIDTH_KEY.match(line)
            if match and (field_names is None or match.group(2) in field_names):
                self.found.append((number, match))

    def repair(self, lines: list[str]) -> list[Diagnostic]:
        problems = []
        for number, match in self.found:
            key, colon = match.group(2), match.end() - 1
            pos = self.source_map.position(number, colon)
            problems.append(
                diagnostic(
                    "E-YAML-FULLWIDTH-COLON",
                    Location(self.path, pos.line, pos.column),
                    f"字段名“{key}”后面用了全角冒号“：”，应改为半角冒号加空格“{key}: ”",
                )
            )
            line = lines[number]
            if line[colon + 1 : colon + 2] in (" ", ""):
                lines[number] = line[:colon] + ":" + line[colon + 1 :]
            else:
                lines[number] = line[:colon] + ": " + line[colon + 1 :]
                self.source_map.inserted.setdefault(number, []).append(colon + 1)
        return problems


class _TolerantPass:
    """Repair a copy of a text that does not parse until it does, saying what was wrong."""

    def __init__(
        self, text: str, path: str, source_map: SourceMap, colons: _FullwidthColons
    ) -> None:
        self.path = path
        self.map = source_map
        self.lines = text.split("\n")
        self.problems = colons.repair(self.lines)
        self.skipped: list[str] = []
        self.touched: set[tuple[str, int]] = set()  # (repair, line): each is tried once
        self.tab_reported = False

    def run(self) -> YamlDocument:
        for _ in range(MAX_REPAIRS):
            text = "\n".join(self.lines)
            try:
                node = _compose(text, self.path, self.map)
            except _Refused as refused:
                return YamlDocument(None, self.map, [*self.problems, refused.diagnostic], False)
            except yaml.MarkedYAMLError as exc:
                if not self.repair(exc):
                    break
                continue
            except yaml.YAMLError as exc:
                return _unparsed(exc, self.path, self.map)
            return _walk(
                node,
                self.path,
                self.map,
                self.problems,
                ok=False,
                text=text,
                skipped=tuple(self.skipped),
            )
        return YamlDocument(None, self.map, self.problems, False)

    def report(self, code: str, line: int, column: int, message: str) -> None:
        pos = self.map.position(line, column)
        found = diagnostic(code, Location(self.path, pos.line, pos.column), message)
        if found not in self.problems:
            self.problems.append(found)

    def repair(self, exc: yaml.MarkedYAMLError) -> bool:
        """Report the error and change the copy so that it parses further; False when
        nothing more can be done."""
        mark = exc.problem_mark or exc.context_mark
        if mark is None:
            return False
        tab = _tab_position(exc, self.lines, mark)
        if tab is not None:
            line, column = tab
            if not self.tab_reported:
                self.report("E-YAML-TAB", line, column, _TAB_MESSAGE)
                self.tab_reported = True
            if ("tab", line) not in self.touched:
                self.touched.add(("tab", line))
                self.lines[line] = _untab(self.lines[line])
                return True
            return self.leave_out(line)
        line = min(mark.line, len(self.lines) - 1)
        if self.unquote_curly(line):
            return True
        line, column, message = _blame(exc, self.lines, mark)
        self.report("E-YAML-SYNTAX", line, column, message)
        return self.leave_out(line)

    def unquote_curly(self, line: int) -> bool:
        if ("curly", line) in self.touched or "“" not in self.lines[line]:
            return False
        self.touched.add(("curly", line))
        text = self.lines[line]
        changed = False
        for match in reversed(list(_CURLY_VALUE.finditer(text))):
            inner = match.group(2)
            quote = (
                '"' if '"' not in inner and "\\" not in inner else "'" if "'" not in inner else ""
            )
            if not quote:
                continue
            start = match.start(2) - 1
            text = text[:start] + quote + inner + quote + text[match.end(2) + 1 :]
            self.report("E-YAML-CURLY-QUOTE", line, start, CURLY_QUOTE_MESSAGE)
            changed = True
        self.lines[line] = text
        return changed

    def leave_out(self, line: int) -> bool:
        """Blank the top-level entry holding `line` (its lines stay, empty)."""
        start = line
        while start > 0 and not _starts_entry(self.lines[start]):
            start -= 1
        end = line + 1
        while end < len(self.lines) and not _starts_entry(self.lines[end]):
            end += 1
        left_out = [text for text in self.lines[start:end] if text.strip()]
        if not left_out:
            return False
        self.skipped.extend(left_out)
        for i in range(start, end):
            self.lines[i] = ""
        return True


def _starts_entry(line: str) -> bool:
    """A line at the left margin that starts a top-level field or list entry."""
    return bool(line) and not line[0].isspace() and not line.startswith("#")


_MISSING_COLON = "这一行缺少“字段: 值”中的半角冒号"
_TAB_MESSAGE = "YAML 中不能用制表符（Tab）缩进或分隔，请改用空格"


def _tab_position(
    exc: yaml.MarkedYAMLError, lines: list[str], mark: yaml.Mark
) -> tuple[int, int] | None:
    line_text = lines[mark.line] if mark.line < len(lines) else ""
    problem = exc.problem or ""
    if not ("\t" in problem or "\\t" in problem or "\t" in line_text[: max(mark.column, 0) + 1]):
        return None
    tab_line, tab_col = mark.line, line_text.find("\t")
    if tab_col < 0:  # the scanner may stop a line later than the tab
        for i in range(min(mark.line, len(lines) - 1), -1, -1):
            if "\t" in lines[i]:
                return i, lines[i].index("\t")
    return tab_line, max(tab_col, 0)


def _untab(line: str) -> str:
    """One space for each tab of the indentation, so columns stay where they were."""
    indent = len(line) - len(line.lstrip(" \t"))
    if "\t" in line[:indent]:
        return line[:indent].replace("\t", " ") + line[indent:]
    return line.replace("\t", " ")


def _blame(exc: yaml.MarkedYAMLError, lines: list[str], mark: yaml.Mark) -> tuple[int, int, str]:
    """The line and column (0-based) an error is reported at, and what to say there."""
    problem = exc.problem or ""
    context = exc.context or ""
    if exc.context_mark is not None and ("quoted scalar" in context or "flow" in context):
        mark = exc.context_mark  # where the quote or bracket was opened, not where it ended
    line = min(mark.line, len(lines) - 1)
    if "mapping values are not allowed" in problem or "could not find expected ':'" in problem:
        before = line - 1
        while before >= 0 and not lines[before].strip():
            before -= 1
        text = lines[before] if before >= 0 else ""
        if (
            _starts_entry(text)
            and not _KEY_LINE.match(text)
            and not _LIST_ITEM.match(text)
            and not text.startswith(("---", "..."))
        ):
            # `title 第一锹土` took the next line along into a key: the colon is missing here
            return before, 0, f"YAML 语法错误：{_MISSING_COLON}"
    return line, mark.column, _explain(problem, exc)


_PROBLEMS = {
    "could not find expected ':'": _MISSING_COLON,
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
