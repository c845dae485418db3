"""The structure screen readers and keyboard users rely on, on every page the build
writes (issue #17): a skip link to the content as the first stop, the landmarks, one
`h1` and headings in order, images described by their captions or hidden when they only
decorate, and every control named. Read from the built HTML, so every page of the
sample site, of its preview and of a generated 400-story corpus is looked at, not one
page of each kind."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html

HEADINGS = "//h1|//h2|//h3|//h4|//h5|//h6"
CONTROLS = "//a[@href]|//button|//input|//select|//textarea"


def _pages(site: Path) -> list[Path]:
    skip = {"assets", "pagefind", "media"}
    return sorted(
        p
        for p in [*site.rglob("index.html"), site / "404.html"]
        if p.is_file() and not skip & set(p.relative_to(site).parts)
    )


def _redirect(tree) -> bool:
    return bool(tree.xpath("//meta[@http-equiv='refresh']"))


def _hidden(element) -> bool:
    """Hidden from assistive technology: in or under aria-hidden, or a Material toggle."""
    return bool(
        element.xpath("ancestor-or-self::*[@aria-hidden='true' or @hidden]")
        or "md-toggle" in (element.get("class") or "")
        or element.get("type") == "hidden"
    )


def _name(tree, element) -> str:
    """The accessible name, as far as the markup alone tells it."""
    for attribute in ("aria-label", "title", "alt"):
        if (element.get(attribute) or "").strip():
            return element.get(attribute).strip()
    labelled = element.get("aria-labelledby")
    if labelled:
        return " ".join(
            "".join(tree.xpath(f"//*[@id='{i}']//text()")) for i in labelled.split()
        ).strip()
    if element.get("id"):
        label = tree.xpath(f"//label[@for='{element.get('id')}']")
        if label:
            return label[0].text_content().strip()
    text = " ".join(t.strip() for t in element.xpath(".//text()") if t.strip())
    images = " ".join(i.get("alt") or "" for i in element.xpath(".//img"))
    return (text + images).strip()


def problems(site: Path) -> list[str]:
    """One line for every page whose structure a screen reader would stumble on."""
    found = []
    for path in _pages(site):
        where = path.relative_to(site).as_posix()
        tree = html.parse(str(path)).getroot()
        levels = [int(h.tag[1]) for h in tree.xpath(HEADINGS)]
        if levels.count(1) != 1:
            found.append(f"{where}: {levels.count(1)} 个 h1")
        for before, level in zip([0, *levels], levels, strict=False):
            if level > before + 1:
                found.append(f"{where}: h{before} 之后是 h{level}")
                break
        if tree.get("lang") != "zh":
            found.append(f"{where}: html lang={tree.get('lang')!r}")
        if _redirect(tree):
            continue
        for landmark in ("header", "main", "footer", "nav"):
            if not tree.xpath(f"//{landmark}"):
                found.append(f"{where}: 没有 <{landmark}>")
        focusable = [c for c in tree.xpath(CONTROLS) if not _hidden(c)]
        skip = focusable[0] if focusable else None
        if skip is None or "md-skip" not in (skip.get("class") or ""):
            found.append(f"{where}: 第一个可聚焦的元素不是跳转链接")
        elif not tree.xpath(f"//*[@id='{skip.get('href').lstrip('#')}']"):
            found.append(f"{where}: 跳转链接指向 {skip.get('href')}，页面上没有")
        for control in focusable:
            if control.tag == "input" and control.get("type") in ("submit", "button"):
                named = control.get("value") or _name(tree, control)
            else:
                named = _name(tree, control)
            if not named:
                found.append(f"{where}: 没有名称的 {html.tostring(control)[:90]!r}")
        for image in tree.xpath("//img"):
            alt = image.get("alt")
            caption = image.xpath("ancestor::figure[1]/figcaption")
            if alt is None:
                found.append(f"{where}: 图片 {image.get('src')} 没有 alt")
            elif not alt.strip() and not _hidden(image):
                found.append(f"{where}: 装饰图片 {image.get('src')} 没有对读屏软件隐藏")
            elif caption and alt.strip() and not caption[0].text_content().startswith(alt):
                found.append(f"{where}: 图片的 alt 与图注不同：{alt}")
        for svg in tree.xpath("//svg"):
            labelled = svg.get("role") == "img" and _name(tree, svg)
            inside = svg.xpath("ancestor::*[@aria-label or self::a or self::button or self::label]")
            if not (_hidden(svg) or labelled or inside):
                found.append(f"{where}: 图形 svg 既没有名称也没有隐藏")
    return found


@pytest.mark.parametrize("which", ["sample_site", "preview_site", "corpus_400_site"])
def test_every_page_has_the_structure_assistive_technology_needs(request, which):
    site = request.getfixturevalue(which)
    assert len(_pages(site)) > 30
    found = problems(site)
    assert not found, f"{len(found)} 处：\n" + "\n".join(found[:40])


def test_the_check_itself_sees_what_a_screen_reader_would_miss(tmp_path):
    """A page with two h1s, a skipped level, no skip link and an unlabelled image is
    reported for each of them (the test above cannot pass by seeing nothing)."""
    page = tmp_path / "x" / "index.html"
    page.parent.mkdir()
    page.write_text(
        '<!doctype html><html lang="zh"><body><header></header><nav></nav><main>'
        '<a href="/">首页</a><h1>一</h1><h3>三</h3><h1>又一</h1><img src="a.jpg">'
        '<img src="b.jpg" alt=""><button></button><svg></svg>'
        "</main><footer></footer></body></html>",
        encoding="utf-8",
    )
    found = "\n".join(problems(tmp_path))
    for expected in (
        "2 个 h1",
        "h1 之后是 h3",
        "不是跳转链接",
        "a.jpg 没有 alt",
        "b.jpg 没有对读屏软件隐藏",
        "没有名称的 b'<button>",
        "svg 既没有名称",
    ):
        assert expected in found, expected
