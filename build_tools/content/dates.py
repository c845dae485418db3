"""Dates at the precision they were written with: 1958, 1958-07 or 1958-07-01."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import total_ordering
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# Forms editors type by habit; recognised only to suggest the ISO spelling.
_LOOSE = re.compile(
    r"^\s*(\d{4})\s*(?:[年./\-]\s*(\d{1,2})\s*(?:[月./\-]\s*(\d{1,2})\s*日?)?\s*月?)?\s*年?\s*$"
)


@total_ordering
@dataclass(frozen=True, slots=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt by its constructor: quicker than a frozen dataclass's __setstate__.
        return (PartialDate, (self.year, self.month, self.day))

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """1958 sorts before 1958-07, which sorts before 1958-07-01."""
        return (self.year, self.month or 0, self.day or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key < other.sort_key

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def decade(self) -> int:
        return self.year // 10 * 10

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
            if self.day:
                text += f"-{self.day:02d}"
        return text

    def zh(self) -> str:
        """1958年, 1958年7月 or 1958年7月1日."""
        text = f"{self.year}年"
        if self.month:
            text += f"{self.month}月"
            if self.day:
                text += f"{self.day}日"
        return text

    def as_date(self) -> dt.date:
        """The first day this date can mean, for sorting and feeds."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    @classmethod
    def parse(cls, value: Any) -> PartialDate:
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise PydanticCustomError(
                "E-DATE-FORMAT", "日期应写成 YYYY、YYYY-MM 或 YYYY-MM-DD，例如 1958-07"
            )
        text = str(value).strip()
        match = _ISO.match(text)
        if not match:
            raise PydanticCustomError("E-DATE-FORMAT", _format_message(text))
        year, month, day = (int(g) if g else None for g in match.groups())
        _check_exists(text, year, month, day)
        return cls(year, month, day)


def _format_message(text: str) -> str:
    message = f"日期“{text}”的格式不对，应写成 YYYY、YYYY-MM 或 YYYY-MM-DD（如 1958、1958-07、1958-07-01）"
    loose = _LOOSE.match(text)
    if loose:
        year, month, day = (int(g) if g else None for g in loose.groups())
        suggestion = f"{year:04d}" + (f"-{month:02d}" if month else "")
        suggestion += f"-{day:02d}" if month and day else ""
        message += f"，是否指 {suggestion}？"
    return message


def _check_exists(text: str, year: int, month: int | None, day: int | None) -> None:
    if year < 1000:
        raise PydanticCustomError("E-DATE-INVALID", f"日期“{text}”的年份不合理")
    if month is not None and not 1 <= month <= 12:
        raise PydanticCustomError("E-DATE-INVALID", f"日期“{text}”不存在：月份应在 1–12 之间")
    if month is not None and day is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise PydanticCustomError(
                "E-DATE-INVALID", f"日期“{text}”不存在：{year}年{month}月只有 {last} 天"
            )


Date = Annotated[
    PartialDate,
    PlainValidator(PartialDate.parse),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
                {"type": "integer", "minimum": 1000, "maximum": 9999},
            ],
            "description": "日期：YYYY、YYYY-MM 或 YYYY-MM-DD，按写下的精度显示",
            "examples": ["1958", "1958-07", "1958-07-01"],
        }
    ),
]
