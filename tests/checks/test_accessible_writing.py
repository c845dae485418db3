"""Writing every reader can follow: captions that say what is in the picture, headings
in order under the page's title (`checks/images.py`, `checks/bodies.py`)."""

from __future__ import annotations

import pytest

from build_tools.checks.bodies import _heading_problems
from build_tools.checks.images import is_placeholder
from build_tools.content.model import Body
from tests.checks.test_bad_input import _apply
from tests.conftest import FIXTURES, PROJECT

A11Y_CODES = {"W-IMAGE-ALT-PLACEHOLDER", "W-BODY-HEADING"}


@pytest.mark.parametrize(
    "caption",
    [
        "图片", " 照片 ", "图", "插图", "示意图", "截图", "配图", "图片说明",
        "image", "Image", "IMG", "photo", "PHOTO", "picture", "pic",
        "图片1", "照片 2", "图一", "image2", "Picture_3",
        "IMG_1234", "img-0042.jpg", "DSC0001", "DSCN0001.JPG", "P1010001",
        "图片：", "照片。",
    ],
)  # fmt: skip
def test_placeholder_captions_are_recognised(caption: str) -> None:
    assert is_placeholder(caption)


@pytest.mark.parametrize(
    "caption",
    [
        "王建国", "矿工头灯", "图书馆", "图为1962年的工房", "照片墙前的合影",
        "王建国在综采工作面（示意图）", "示意图：井架的结构", "image of the headframe",
        "P5", "东山坡旧照", "图片中是1962年东山坡的井架",
    ],
)  # fmt: skip
def test_captions_that_say_something_are_not_placeholders(caption: str) -> None:
    assert not is_placeholder(caption)


def _headings(markdown: str, line: int = 10) -> list[tuple[int, str]]:
    return [
        (d.location.line, d.message)
        for d in _heading_problems("stories/red/a.md", Body(markdown, line))
    ]


def test_headings_in_order_are_fine() -> None:
    text = "## 一\n\n### 一之一\n\n#### 细节\n\n## 二\n\n文字\n\n二级\n---\n"
    assert _headings(text) == []


def test_a_skipped_level_is_reported_at_its_line() -> None:
    found = _headings("## 早班\n\n#### 交接班\n\n##### 再下一层\n", line=10)
    assert [line for line, _ in found] == [12]
    assert "## 跳到了 ####" in found[0][1] and "###" in found[0][1]


def test_a_first_heading_below_h2_skips_the_page_title() -> None:
    found = _headings("开头一段。\n\n### 小节\n", line=5)
    assert [line for line, _ in found] == [7]
    assert "页面标题" in found[0][1] and "请改用 ##" in found[0][1]


def test_an_h1_in_the_body_is_reported_also_when_setext() -> None:
    found = _headings("# 题目\n\n正文。\n\n另一题目\n===\n", line=9)
    assert [line for line, _ in found] == [9, 13]
    assert all("一级标题" in message for _, message in found)


def test_hash_signs_that_are_not_headings_are_not_reported() -> None:
    assert _headings("第#3号井，#不是标题\n\n```\n#### 代码\n```\n\n    # 缩进的代码\n") == []


def test_the_sample_and_the_valid_fixture_have_no_findings(run_check, valid_tree) -> None:
    for root in (PROJECT, valid_tree):
        run = run_check(root)
        assert not [d for d in run.diagnostics if d["code"] in A11Y_CODES], root


def test_the_bad_fixtures_give_only_these_findings(valid_tree, run_check) -> None:
    _apply(FIXTURES / "bad" / "a11y-placeholder-captions", valid_tree)
    _apply(FIXTURES / "bad" / "a11y-heading-skip", valid_tree)
    run = run_check(valid_tree)
    assert sorted((d["path"], d["line"], d["code"]) for d in run.diagnostics) == [
        ("stories/halls/main-hall/hall.yml", 7, "W-BODY-HEADING"),
        ("stories/halls/main-hall/lamp.md", 7, "W-IMAGE-ALT-PLACEHOLDER"),
        ("stories/red/photos.md", 8, "W-IMAGE-ALT-PLACEHOLDER"),
        ("stories/red/photos.md", 13, "W-IMAGE-ALT-PLACEHOLDER"),
        ("stories/red/photos.md", 15, "W-IMAGE-ALT-PLACEHOLDER"),
        ("stories/red/shifts.md", 10, "W-BODY-HEADING"),
        ("stories/red/shifts.md", 18, "W-BODY-HEADING"),
    ]
    assert run.code == 0
