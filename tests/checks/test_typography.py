"""The typography rules as pure functions: what they report, what they leave alone, and
what their fixes make of a text."""

from __future__ import annotations

import itertools

import pytest

from build_tools.checks.typography import findings, fixed_text, message


def codes(text: str) -> list[str]:
    return [f.code for f in findings(text)]


@pytest.mark.parametrize(
    ("text", "code", "fixed"),
    [
        ("中文English混排", "W-TYPO-SPACING", "中文 English 混排"),
        ("用了ZL50装载机", "W-TYPO-SPACING", "用了 ZL50 装载机"),
        ("装载机 ，很好", "W-TYPO-SPACING", "装载机，很好"),
        ("他说:好", "W-TYPO-PUNCTUATION", "他说：好"),
        ("很好.中文", "W-TYPO-PUNCTUATION", "很好。中文"),
        ("中文 ,好", "W-TYPO-PUNCTUATION", "中文，好"),
        ("他说:“好”", "W-TYPO-PUNCTUATION", "他说：“好”"),
        ("中文(English)说明", "W-TYPO-PUNCTUATION", "中文（English）说明"),
        ("长３．５米", "W-TYPO-WIDTH", "长3.5米"),
        ("８：３０开会", "W-TYPO-WIDTH", "8:30开会"),
        ("Ａ级", "W-TYPO-WIDTH", "A 级"),
        ("中文！！", "W-TYPO-REPEAT", "中文！"),
        ("好。。走", "W-TYPO-REPEAT", "好。走"),
        ("中文,,好", "W-TYPO-REPEAT", "中文，好"),
        ("他说...好", "W-TYPO-ELLIPSIS", "他说……好"),
        ("他说。。。好", "W-TYPO-ELLIPSIS", "他说……好"),
        ("他说…好", "W-TYPO-ELLIPSIS", "他说……好"),
        ("他--走了", "W-TYPO-DASH", "他——走了"),
        ('“你好"', "W-TYPO-PAIR", "“你好”"),
        ("（中文)", "W-TYPO-PAIR", "（中文）"),
        ("(中文）", "W-TYPO-PAIR", "（中文）"),
    ],
)
def test_reported_and_fixed(text: str, code: str, fixed: str) -> None:
    found = findings(text)
    assert code in [f.code for f in found]
    assert fixed_text(text, found) == fixed
    assert findings(fixed) == [], "a fixed text is clean"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("“你好“", "后一个““”应是“””"),
        ("《书名〉", "不是一对"),
        ("他说“好", "没有对应的“””"),
        ("好”他说", "“””前面没有对应的““”"),
        ("一个—两个", "破折号写作“——”"),
    ],
)
def test_reported_not_fixed(text: str, why: str) -> None:
    found = findings(text)
    assert found and all(not f.fixable for f in found)
    assert why in message(text, found[0])
    assert fixed_text(text, found) == text


@pytest.mark.parametrize(
    "text",
    [
        "1958年7月，河畔电厂第一台6000千瓦机组并网发电。",
        "在 2006 年建成",
        "长3.5米，重1,200吨",
        "1958-07",
        "上午8:30开会",
        "220kV线路，50MW机组，20℃左右",
        "Thomas Edison 是发明家",
        "《矿山志》记载",
        "“他说：‘好’。”",
        "1953—1958年",
        "1953–1958年",
        "1958年—1960年",
        "——白玉兰回忆",
        "他说……好",
        "1. 第一步",
        "第1.2节",
        "O’Brien 先生",
        "English (note) here",
        "Wait... what!!",
        "见 https://example.com/a,b 网站",
        "中文（English）说明",
        "A、B、C 三类",
    ],
)
def test_legitimate_text_passes(text: str) -> None:
    assert findings(text) == [], [(f.code, message(text, f)) for f in findings(text)]


def test_message_quotes_the_text_around_and_the_fix() -> None:
    text = "这是中文English混排的句子"
    first = findings(text)[0]
    assert message(text, first) == (
        "“这是中文English”应写作“这是中文 English”：中文与英文之间加一个空格"
    )


def test_findings_never_overlap() -> None:
    text = "他说,,好...中文English（中文)"
    found = findings(text)
    for a, b in itertools.pairwise(found):
        assert a.end <= b.start
    assert fixed_text(text, found) == "他说，好……中文 English（中文）"


def test_positions_point_at_the_old_text() -> None:
    text = "第一行\n第二行ZL50装载机"
    for f in findings(text):
        assert text[f.start : f.end] == f.old


def test_half_width_quotes_around_chinese_become_full_width():
    from build_tools.checks.typography import findings, fixed_text

    text = '老矿工的"传家宝"是一盏灯'
    found = findings(text)
    quotes = [(f.start, f.new) for f in found if f.code == "W-TYPO-PUNCTUATION"]
    assert quotes == [(4, "“"), (8, "”")]
    assert fixed_text(text, found) == "老矿工的“传家宝”是一盏灯"
    english = findings('他回答 "OK" 就走了')
    assert not [f for f in english if f.code == "W-TYPO-PUNCTUATION"]
