"""Bodies rendered for the site: every Markdown construct the spec allows, no raw HTML."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from build_tools.content.media import MediaResolver
from build_tools.site.images import ImageCatalog
from build_tools.site.render import BodyRenderer

SPELLINGS = [
    "javascript:alert(1)",
    "javascript&#58;alert(1)",
    "javascript&colon;alert(1)",
    "javascript&#x3a;alert(1)",
    "jav&#x61;script:alert(1)",
]


def _renderer(tmp_path: Path) -> BodyRenderer:
    content = tmp_path / "stories"
    (content / "red").mkdir(parents=True, exist_ok=True)
    resolver = MediaResolver(tmp_path, content)
    return BodyRenderer(ImageCatalog(content, tmp_path / "cache"), resolver.resolve)


def _render(markdown: str, tmp_path: Path) -> str:
    return str(_renderer(tmp_path).render(markdown, "stories/x/", "stories/red/x.md"))


def _photo(tmp_path: Path, name: str = "photo.jpg") -> None:
    media = tmp_path / "stories/media"
    media.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (1600, 1000), (120, 80, 40)).save(media / name, "JPEG")


def test_markdown_constructs(tmp_path):
    html = _render(
        "## 小标题\n\n> 引用\n\n- 一\n- 二\n\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n\n"
        "```\n代码 <b>\n```\n\n脚注[^1]。\n\n[^1]: 注。\n",
        tmp_path,
    )
    assert "<h2" in html and "<blockquote>" in html and "<ul>" in html and "<table>" in html
    assert "<pre><code>代码 &lt;b&gt;" in html
    assert 'class="footnote"' in html


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("## 甲\n\n### 乙\n\n## 丙", [2, 3, 2]),
        ("# 重复的标题\n\n## 甲", [2, 3]),  # a body's # never makes a second h1
        ("## 甲\n\n#### 跳级\n\n##### 更深\n\n### 回来", [2, 3, 4, 3]),
        ("### 开头就深\n\n###### 最深", [2, 3]),
        ("## 一\n\n### 二\n\n#### 三\n\n##### 四\n\n###### 五", [2, 3, 4, 5, 6]),
    ],
)
def test_body_headings_come_out_in_order_under_the_page_title(tmp_path, written, shown):
    import re

    html = _render(written, tmp_path)
    opened = [int(n) for n in re.findall(r"<h(\d)>", html)]
    assert opened == shown
    assert [int(n) for n in re.findall(r"</h(\d)>", html)] == shown


def test_emphasis_lists_and_footnote_back_links(tmp_path):
    html = _render(
        "*轻* **重** `码`\n\n1. 甲\n2. 乙\n   - 丙\n\n正文[^n]。\n\n[^n]: 注文。\n", tmp_path
    )
    assert "<em>轻</em> <strong>重</strong> <code>码</code>" in html
    assert "<ol>" in html and "<li>丙</li>" in html
    assert '<sup id="fnref:n"><a class="footnote-ref" href="#fn:n">1</a></sup>' in html
    assert '<li id="fn:n">' in html
    assert 'href="#fnref:n" title="返回正文"' in html


def test_a_line_wrapped_inside_chinese_text_is_no_space(tmp_path):
    html = _render("第一行\n接着写。\nEnglish\nwords\n", tmp_path)
    assert "第一行接着写。\nEnglish\nwords" in html


def test_raw_html_and_script_links_never_reach_the_page(tmp_path):
    html = _render(
        "<script>alert(1)</script>\n\n[点](javascript:alert(2)) <img src=x onerror=y>\n", tmp_path
    )
    assert "<script" not in html and "<img" not in html
    assert "javascript:" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_disguised_script_links_are_text_only_everywhere(spelling, tmp_path):
    html = _render(
        f"正文[一]({spelling})。\n\n"
        "| 甲 |\n|---|\n"
        f"| [二]({spelling}) |\n\n"
        "脚注[^1]。\n\n"
        f"[^1]: 注[三]({spelling})。\n",
        tmp_path,
    )
    assert "javascript" not in html.lower() and "<a href" not in html
    assert "正文一。" in html and "<td>二</td>" in html and "注三。" in html


def test_a_script_autolink_is_only_text(tmp_path):
    html = _render("见 <javascript:alert(1)>。\n", tmp_path)
    assert "<a " not in html and "<p>见 javascript:alert(1)。</p>" in html


def test_ordinary_and_external_links_are_kept(tmp_path):
    html = _render(
        "[内](../first-shovel/) [外](https://example.com/x) [邮](mailto:a@b.c)\n", tmp_path
    )
    assert '<a href="../first-shovel/">内</a>' in html
    assert '<a href="https://example.com/x">外</a>' in html
    assert '<a href="mailto:a@b.c">邮</a>' in html


def test_an_image_alone_is_a_figure_with_its_published_variants(tmp_path):
    _photo(tmp_path)
    html = _render(
        "![东山坡旧照](../media/photo.jpg)\n\n文字 ![内联](../media/photo.jpg) 后\n", tmp_path
    )
    figure, rest = html.split("</figure>")
    assert figure.startswith('<figure class="culture-figure"><img alt="东山坡旧照"')
    assert 'srcset="' in figure and " 480w" in figure and 'loading="lazy"' in figure
    assert "<figcaption>东山坡旧照</figcaption>" in figure
    assert "<p>文字 <img " in rest and "<figcaption" not in rest


def test_images_the_resolver_refuses_are_never_published(tmp_path):
    outside = tmp_path / "elsewhere.jpg"
    Image.new("RGB", (10, 10)).save(outside, "JPEG")
    _photo(tmp_path)
    html = _render(
        "![外面](../../elsewhere.jpg)\n\n![网址](https://example.com/a.jpg)\n\n"
        "![没有](../media/none.jpg)\n",
        tmp_path,
    )
    assert html.count('src="" class="culture-missing-image"') == 3
    assert "elsewhere" not in html and "example.com" not in html
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").rglob("elsewhere*"))


@pytest.mark.parametrize(
    "text",
    ["- " * 500 + "深处", "> " * 500 + "深处", "*" * 300 + "深处" + "*" * 300],
    ids=["list", "quote", "stars"],
)
def test_hostile_nesting_renders(text, tmp_path):
    html = _render(text, tmp_path)
    assert html.count("<ul>") <= 50 and html.count("<strong>") <= 20
    if text.startswith("*"):
        assert "深处" in html


def test_control_characters_are_removed(tmp_path):
    assert "这里有看不见的字符" in _render("这里有\x00看不见的\x1b字符\x85\n", tmp_path)
