"""Typst from the one parse: escaped text, footnotes in place, nothing hostile printed."""

from __future__ import annotations

import pytest

from build_tools.content.markdown import NESTING_LIMIT
from build_tools.print.typst_markup import escape, string, to_typst


def test_special_characters_are_escaped():
    assert escape("#a*b_[c]$") == "\\#a\\*b\\_\\[c\\]\\$"
    assert string('说"好"\n') == '"说\\"好\\"\\n"'


def test_constructs_call_the_template_functions():
    typst = to_typst(
        "## 小标题\n\n*轻* **重** `码`\n\n> 引用\n\n- 甲\n- 乙\n\n1. 丙\n\n"
        "| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n\n---\n\n```\n代码\n```\n"
    )
    assert "#subheading[小标题]" in typst
    assert '#emph[轻] #strong[重] #raw("码")' in typst
    assert "#blockquote[引用]" in typst
    assert "#list([甲], [乙])" in typst and "#enum([丙])" in typst
    assert "#booklet-table(2, [甲], [乙], [1], [2])" in typst
    assert "#section-break()" in typst and '#raw("代码", block: true)' in typst


def test_footnotes_are_printed_where_they_are_referred_to():
    typst = to_typst("正文[^a]，又一处[^b]。\n\n[^a]: 注*一*。\n[^b]: 注二。\n")
    assert typst == "正文#footnote[注#emph[一]。]，又一处#footnote[注二。]。"


def test_images_go_through_the_resolver_with_the_src_as_written():
    seen: list[tuple[str, str]] = []

    def picture(src: str, alt: str) -> str:
        seen.append((src, alt))
        return f"#picture({string(src)}, {string(alt)})"

    typst = to_typst("![旧照](../media/照片.jpg)\n", picture)
    assert seen == [("../media/照片.jpg", "旧照")]
    assert typst == '#picture("../media/照片.jpg", "旧照")'


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "javascript&#58;alert(1)", "jav&#x61;script:alert(1)"]
)
def test_links_print_as_their_text_and_raw_html_as_text(link):
    typst = to_typst(f"[点这里]({link}) <b>粗</b>\n\n<script>x</script>\n")
    assert "javascript" not in typst
    assert typst == f"点这里 {escape('<b>粗</b>')}\n\n{escape('<script>x</script>')}"


def test_hostile_nesting_prints_the_text_shallowly():
    typst = to_typst("*" * 300 + "加粗" + "*" * 300)
    assert "加粗" in typst and typst.count("#strong[") <= NESTING_LIMIT
    assert to_typst("- " * 500 + "深处").count("#list(") <= NESTING_LIMIT + 2


def test_control_characters_are_not_printed():
    assert to_typst("有\x00控\x07制\x85字符") == "有控制字符"
