"""Dates keep the precision they were written with."""

from __future__ import annotations

import pytest
from pydantic_core import PydanticCustomError

from build_tools.content.dates import PartialDate


@pytest.mark.parametrize(
    ("written", "shown", "precision"),
    [
        (1958, "1958年", "year"),
        ("1958", "1958年", "year"),
        ("1958-07", "1958年7月", "month"),
        ("1958-07-01", "1958年7月1日", "day"),
        ("2024-02-29", "2024年2月29日", "day"),
    ],
)
def test_dates_render_at_their_precision(written, shown, precision):
    date = PartialDate.parse(written)
    assert date.zh() == shown
    assert date.precision == precision
    assert str(date) == str(written)


def test_dates_sort_chronologically_across_precisions():
    dates = [PartialDate.parse(d) for d in ("1985", "1958-07-01", "1958", "1958-07")]
    assert [str(d) for d in sorted(dates)] == ["1958", "1958-07", "1958-07-01", "1985"]


@pytest.mark.parametrize(
    ("written", "code", "says"),
    [
        ("2023-02-30", "E-DATE-INVALID", "只有 28 天"),
        ("2023-13", "E-DATE-INVALID", "月份"),
        ("1958/7/1", "E-DATE-FORMAT", "1958-07-01"),
        ("1958年7月", "E-DATE-FORMAT", "1958-07"),
        ("1958-7-1", "E-DATE-FORMAT", "1958-07-01"),
        ("去年", "E-DATE-FORMAT", "YYYY-MM"),
    ],
)
def test_bad_dates_explain_themselves(written, code, says):
    with pytest.raises(PydanticCustomError) as caught:
        PartialDate.parse(written)
    assert caught.value.type == code
    assert says in caught.value.message()
