"""Bodies rendered for the site: every Markdown construct the spec allows, no raw HTML."""

from __future__ import annotations

from pathlib import Path

from build_tools.site.images import ImageCatalog
from build_tools.site.render import BodyRenderer


def _render(markdown: str, tmp_path: Path) -> str:
    renderer = BodyRenderer(ImageCatalog(tmp_path, tmp_path / "cache"))
    return str(renderer.render(markdown, "stories/x/", tmp_path / "stories/red/x.md"))


def test_markdown_constructs(tmp_path):
    html = _render(
        "## 小标题\n\n> 引用\n\n- 一\n- 二\n\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n\n"
        "```\n代码 <b>\n```\n\n脚注[^1]。\n\n[^1]: 注。\n",
        tmp_path,
    )
    assert "<h2" in html and "<blockquote>" in html and "<ul>" in html and "<table>" in html
    assert "<pre><code>代码 &lt;b&gt;" in html
    assert 'class="footnote"' in html


def test_raw_html_and_script_links_never_reach_the_page(tmp_path):
    html = _render(
        "<script>alert(1)</script>\n\n[点](javascript:alert(2)) <img src=x onerror=y>\n", tmp_path
    )
    assert "<script" not in html and "<img" not in html
    assert "javascript:" not in html
    assert "&lt;script&gt;" in html
