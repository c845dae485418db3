"""Validate raw YAML data against a model and say what is wrong in Chinese, where it is.

An item that does not validate is still salvaged: the fields that did validate make a
partial item, so that its references and the collections listing it are checked in the
same run (one error must not hide the others).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from build_tools.content.model import Origin
from build_tools.diagnostics import Diagnostic, diagnostic
from build_tools.suggest import closest, did_you_mean

M = TypeVar("M", bound=BaseModel)

_TYPE_NAMES = {
    "string_type": "文字",
    "int_type": "整数",
    "int_parsing": "整数",
    "int_from_float": "整数",
    "bool_type": "是/否（true 或 false）",
    "bool_parsing": "是/否（true 或 false）",
    "list_type": "列表",
    "dict_type": "“字段: 值”的映射",
    "model_type": "“字段: 值”的映射",
    "model_attributes_type": "“字段: 值”的映射",
    "float_type": "数字",
    "float_parsing": "数字",
}
_LIST_HINT = "，写成 [甲, 乙] 或每行一个“- 甲”"


# Longest piece of a wrong value quoted back in a message.
_QUOTE_CHARS = 40


@dataclass(slots=True)
class Validated(Generic[M]):
    item: M | None  # the whole item, when every field is right
    partial: M | None = None  # otherwise: the fields that validated, the others None
    problems: list[Diagnostic] = field(default_factory=list)


def validate(model: type[M], data: Any, origin: Origin) -> tuple[M | None, list[Diagnostic]]:
    checked = validate_item(model, data, origin)
    return checked.item, checked.problems


def validate_item(
    model: type[M], data: Any, origin: Origin, skipped: Collection[str] = ()
) -> Validated[M]:
    """Validate `data`; on failure also build the partial item. `skipped` are fields
    whose lines could not be read (a YAML error already said so): not reported missing."""
    try:
        return Validated(model.model_validate(data))
    except ValidationError as exc:
        errors = exc.errors()
    problems = [
        _translate(model, err, data, origin)
        for err in errors
        if not (err["type"] == "missing" and len(err["loc"]) == 1 and err["loc"][0] in skipped)
    ]
    partial = _salvage(model, data, errors) if isinstance(data, dict) else None
    return Validated(None, partial, problems)


def _salvage(model: type[M], data: dict[str, Any], errors: list[Any]) -> M:
    """The item with the fields that validated; a field that did not is None (not its
    default: `status` that was written wrong is not known to be `published`)."""
    wrong = {err["loc"][0] for err in errors if err["loc"]}
    item = model.model_construct()
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key in data and key not in wrong:
            try:
                model.__pydantic_validator__.validate_assignment(item, name, data[key])
                continue
            except ValidationError:
                pass
        elif key not in data and not info.is_required():
            continue  # the default stands, as it would in a valid item
        item.__dict__[name] = None
    return item


def _quoted(value: Any) -> str:
    text = str(value)
    return text if len(text) <= _QUOTE_CHARS else text[:_QUOTE_CHARS] + "…"


def _describe(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "是/否"
    if isinstance(value, int | float):
        return f"数字 {value}"
    if isinstance(value, str):
        return f"文字“{_quoted(value)}”"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "映射"
    return type(value).__name__


def _label(model: type[BaseModel], loc: Sequence[str | int]) -> str:
    """`"themes"（主题）`, `"honors[2].level"（级别）`."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else part)
    title = _field_title(model, loc)
    return f"“{path}”" + (f"（{title}）" if title else "")


def _field_title(model: type[BaseModel], loc: Sequence[str | int]) -> str | None:
    current: Any = model
    title = None
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = _field_by_key(current, part)
        if info is None:
            return None
        title = info.title
        current = _inner_model(info.annotation)
    return title


def _field_by_key(model: type[BaseModel], key: str) -> Any:
    for name, info in model.model_fields.items():
        if (info.alias or name) == key:
            return info
    return None


def _inner_model(annotation: Any) -> Any:
    """The model inside `list[Honor]`, `Image | None`, `Annotated[...]`."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _inner_model(typing.get_args(annotation)[0])
    if origin in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            inner = _inner_model(arg)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
    return annotation


def _fields_at(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = _field_by_key(current, part) if isinstance(current, type) else None
        if info is None:
            return []
        current = _inner_model(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [info.alias or name for name, info in current.model_fields.items()]
    return []


def _translate(model: type[BaseModel], err: Any, data: Any, origin: Origin) -> Diagnostic:
    loc: tuple[str | int, ...] = tuple(err["loc"])
    kind: str = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    label = _label(model, loc)
    where = origin.at(*loc)

    if kind == "missing":
        parent = loc[:-1]
        where = origin.at(*parent, key=True) if parent else origin.at()
        return diagnostic("E-FIELD-MISSING", where, f"缺少必填字段 {label}")
    if kind == "extra_forbidden":
        name = str(loc[-1])
        known = _fields_at(model, loc[:-1])
        hint = did_you_mean(closest(name, known, n=1))
        if not hint and known:
            hint = "；可用的字段：" + "、".join(known)
        return diagnostic("E-FIELD-UNKNOWN", origin.at(*loc, key=True), f"未知字段“{name}”{hint}")
    if kind.startswith("E-"):  # our own validators say it themselves
        return diagnostic(kind, where, f"{label}：{err['msg']}")
    if value is None or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return diagnostic("E-FIELD-EMPTY", where, f"{label} 不能为空")
    if kind == "string_too_long":
        limit = ctx.get("max_length")
        return diagnostic(
            "E-FIELD-TOO-LONG", where, f"{label} 有 {len(str(value))} 个字，超过上限 {limit} 个字"
        )
    if kind in ("too_short", "too_long"):
        actual = ctx.get("actual_length", len(value) if isinstance(value, list) else "?")
        limit = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        bound = "至少" if kind == "too_short" else "最多"
        return diagnostic("E-FIELD-COUNT", where, f"{label} {bound} {limit} 项，现在有 {actual} 项")
    if kind == "literal_error":
        choices = [
            c.strip(" '") for c in str(ctx.get("expected", "")).replace(" or ", ", ").split(",")
        ]
        hint = did_you_mean(closest(str(value), choices, n=1))
        return diagnostic(
            "E-FIELD-CHOICE",
            where,
            f"{label} 的值“{_quoted(value)}”不在可选范围内（{'、'.join(choices)}）{hint}",
        )
    if kind in _TYPE_NAMES:
        expected = _TYPE_NAMES[kind]
        hint = _LIST_HINT if kind == "list_type" else ""
        return diagnostic(
            "E-FIELD-TYPE", where, f"{label} 应为{expected}，现在是{_describe(value)}{hint}"
        )
    bounds = {
        "greater_than_equal": "不小于",
        "less_than_equal": "不大于",
        "greater_than": "大于",
        "less_than": "小于",
    }
    if kind in bounds:
        limit = next(iter(ctx.values()), "")
        return diagnostic(
            "E-FIELD-VALUE",
            where,
            f"{label} 的值 {_quoted(value)} 不合理，应{bounds[kind]} {limit}",
        )
    message = f"{label} 的值“{_quoted(value)}”不符合要求（{err['msg']}）"
    return diagnostic("E-FIELD-VALUE", where, message)
