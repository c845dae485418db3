"""Recognising what submissions write: dates as people write them, label lines with either
colon, units by any of their names, honours."""

from __future__ import annotations

import pytest

from build_tools import pipeline
from build_tools.importer.fields import (
    earliest_year,
    label_fields,
    match_unit,
    parse_date,
    parse_honor,
    split_names,
    to_arabic,
)


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("1985年3月", "1985-03"),
        ("一九八五年三月", "1985-03"),
        ("1985.3", "1985-03"),
        ("1985年3月12日", "1985-03-12"),
        ("一九八五年三月十二日", "1985-03-12"),
        ("二〇〇八年", "2008"),
        ("二○○八年冬", "2008"),
        ("1985-03", "1985-03"),
        ("1985/3/12", "1985-03-12"),
        ("１９８５年１２月", "1985-12"),
        ("1958年", "1958"),
        ("约1963年8月上旬", "1963-08"),
        ("一九九六年十二月三十一日", "1996-12-31"),
    ],
)
def test_dates_keep_the_precision_they_were_written_with(written, iso):
    assert str(parse_date(written)) == iso


@pytest.mark.parametrize("written", ["2023年2月30日", "去年冬天", "20世纪80年代", ""])
def test_impossible_or_vague_dates_are_not_guessed(written):
    assert parse_date(written) is None


def test_chinese_numerals_become_digits_only_in_dates():
    assert to_arabic("一九八五年三月，三个人") == "1985年3月，三个人"


def test_the_earliest_year_is_a_hint_for_the_date():
    assert earliest_year("他二〇〇八年当上班长，一九九二年参加工作。") == 1992
    assert earliest_year("没有年份") is None


@pytest.mark.parametrize("line", ["作者：张三", "作者:张三", "作者 ： 张三", "　　作者：张三　"])
def test_author_line_with_either_colon(line):
    assert label_fields(line) == [("作者", "author", "张三")]


def test_several_labels_on_one_line():
    assert label_fields("撰稿：李明　　单位：一矿  时间：1985年3月") == [
        ("撰稿", "author", "李明"),
        ("单位", "unit", "一矿"),
        ("时间", "date", "1985年3月"),
    ]


def test_author_written_with_a_slash():
    assert label_fields("文／王芳") == [("文", "author", "王芳")]


@pytest.mark.parametrize(
    "line",
    [
        "那天的时间：凌晨三点。",  # not at the start
        "时间" + "过得很快" * 30,  # no colon
        "地点：" + "很长的一段描写" * 20,  # a paragraph, not a label line
        "作者单位：宣传部",  # the writer's, not the story's
    ],
)
def test_prose_is_not_taken_for_a_label_line(line):
    assert label_fields(line) is None


def test_names_are_split_on_any_separator():
    assert split_names("王建国、张秀兰，李明 赵刚;周红") == [
        "王建国",
        "张秀兰",
        "李明",
        "赵刚",
        "周红",
    ]


@pytest.fixture
def corpus(valid_tree):
    return pipeline.load(valid_tree).corpus


@pytest.mark.parametrize(
    ("written", "unit", "how"),
    [
        ("第一煤矿", "mine-1", "全称"),
        ("一矿", "mine-1", "简称"),
        ("老一矿", "mine-1", "曾用名"),
        ("第一煤矿宣传科", "mine-1", "中的“第一煤矿”"),
        ("第一发电厂", "power-1", "全称"),
    ],
)
def test_unit_by_name_short_name_and_former_name(corpus, written, unit, how):
    found = match_unit(corpus, written)
    assert found.id == unit
    assert how in found.how


def test_unknown_unit_says_what_is_close(corpus):
    found = match_unit(corpus, "第一煤")
    assert found.id is None
    assert "没有“第一煤”" in found.how and "mine-1" in found.how


@pytest.mark.parametrize(
    ("written", "honor"),
    [
        ("2015年全国劳动模范", {"title": "全国劳动模范", "year": 2015, "level": "国家级"}),
        (
            "集团公司技术能手（2012年）",
            {"title": "集团公司技术能手", "year": 2012, "level": "集团级"},
        ),
        ("二〇一〇年被授予省首席技师", {"title": "省首席技师", "year": 2010, "level": "省部级"}),
    ],
)
def test_honours_with_year_and_level(written, honor):
    assert parse_honor(written) == honor


def test_honour_without_a_year_is_not_guessed():
    assert parse_honor("全国劳动模范") is None


def test_an_oral_account_is_the_source():
    from build_tools.importer.fields import Recognised, _take

    result = Recognised()
    for label, name, value in label_fields("口述：王建国　整理：李明"):
        _take(result, "story", None, label, name, value)  # type: ignore[arg-type]
    assert result.values == {"source": "据王建国口述整理", "author": "李明"}
