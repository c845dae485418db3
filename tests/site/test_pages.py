"""The built site as files: links that resolve, nothing unpublished, safe output."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pikepdf
import pytest
from PIL import Image

from build_tools.cli import check_content
from build_tools.site.build import BuildFailed, build_site
from tests.conftest import PROJECT
from tests.sitetools import site_project


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name in ("href", "src"):
                self.refs.append(value)
            if value and name == "srcset":
                self.refs.extend(part.strip().split(" ")[0] for part in value.split(","))


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


@pytest.fixture(scope="module")
def corpus():
    return check_content(PROJECT)[1]


def test_every_internal_link_and_image_resolves(sample_site):
    broken = []
    for page in _pages(sample_site):
        if page.name == "404.html":
            continue  # served for any URL; its links are absolute from site_url
        parser = _Refs()
        parser.feed(page.read_text(encoding="utf-8"))
        base = "/" + page.relative_to(sample_site).as_posix()
        for ref in parser.refs:
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc or ref.startswith(("#", "mailto:")):
                continue
            target = unquote(urlsplit(urljoin(base, ref)).path)
            path = sample_site / target.lstrip("/")
            if target.endswith("/"):
                path = path / "index.html"
            if not path.exists():
                broken.append(f"{base} → {ref}")
    assert broken == []


def test_nothing_unpublished_reaches_the_production_site(sample_site, corpus):
    hidden = [
        i
        for i in (*corpus.stories.values(), *corpus.craftsmen.values(), *corpus.panels())
        if not i.is_published
    ]
    assert len(hidden) >= 4
    everything = "\n".join(
        p.read_text(encoding="utf-8")
        for p in sample_site.rglob("*")
        if p.suffix in (".html", ".xml") and "guide" not in p.parts  # the guide quotes examples
    )
    for item in hidden:
        assert f"/{item.id}/" not in everything, item.id
        assert item.title not in everything, item.title


def test_feed_lists_published_stories_newest_first(sample_site, corpus):
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.parse(sample_site / "feed.xml").getroot()
    entries = root.findall("a:entry", ns)
    titles = [e.find("a:title", ns).text for e in entries]
    published = {s.title for s in corpus.stories.values() if s.is_published}
    assert titles and set(titles) <= published
    dates = [e.find("a:published", ns).text for e in entries]
    assert dates == sorted(dates, reverse=True)
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    assert 'type="application/atom+xml"' in home


def test_sitemap_lists_pages_and_no_drafts(sample_site, corpus):
    text = (sample_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "/stories/first-shovel-1953/" in text
    assert "/halls/culture-hall/miners-lamp-1958/" in text
    assert "/stories/melon-canteen-1960/" not in text


def test_alias_redirect_page(sample_site):
    html = (sample_site / "stories/night-shift-1985/index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../last-night-shift-1983/">' in html
    assert '<link rel="canonical" href="../last-night-shift-1983/">' in html


def test_the_nav_lists_sections_not_items(sample_site):
    html = (sample_site / "stories/first-shovel-1953/index.html").read_text(encoding="utf-8")
    around = html[html.index("<body") : html.index("<article")] + html[html.index("</article>") :]
    items = re.findall(r'href="[^"]*(?:stories|craftsmen|halls/[a-z0-9-]+)/[a-z0-9-]+/"', around)
    assert items == []
    assert 8 <= around.count('class="md-nav__link') < 40


def test_generated_pages_stay_small(sample_site):
    generated = [p for p in _pages(sample_site) if "guide" not in p.parts]
    largest = max(generated, key=lambda p: p.stat().st_size)
    assert largest.stat().st_size <= 60_000, largest


def test_raw_html_in_a_body_is_shown_as_text_even_if_checks_are_skipped(tmp_path):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    project = site_project(tmp_path / "p")
    story = project / "stories/red/night-shift.md"
    story.write_text(
        story.read_text(encoding="utf-8")
        + "\n<script>alert('x')</script>\n\n[点我](javascript:alert(1))\n\n<img src=x onerror=alert(2)>\n",
        encoding="utf-8",
    )
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site"), strict=False)
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    html = (tmp_path / "site/stories/night-shift/index.html").read_text(encoding="utf-8")
    body = html[html.index('<div class="culture-body">') :]
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body or "&lt;script&gt;" in body
    assert "<script>alert" not in html
    assert "javascript:" not in html
    assert "onerror=alert(2)" not in body.replace("&lt;img src=x onerror=alert(2)&gt;", "")


def _photo_with_gps(path: Path) -> None:
    img = Image.new("RGB", (1600, 1000), (180, 60, 40))
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    gps = {1: "N", 2: (39.0, 54.0, 20.0), 3: "E", 4: (116.0, 23.0, 30.0)}
    exif[0x8825] = gps
    img.save(path, "JPEG", exif=exif)
    assert Image.open(path).getexif().get_ifd(0x8825)


def test_images_are_resized_stripped_and_lazy(tmp_path):
    project = site_project(tmp_path / "p")
    _photo_with_gps(project / "stories/media/gps.jpg")
    story = project / "stories/red/night-shift.md"
    story.write_text(
        story.read_text(encoding="utf-8").replace(
            "status: published",
            "status: published\ncover: {src: ../media/gps.jpg, caption: 带定位的照片}",
        ),
        encoding="utf-8",
    )
    site = build_site(project / "mkdocs.yml", tmp_path / "site")
    variants = sorted((site / "media").glob("gps-*.jpg"))
    assert [v.name for v in variants] == ["gps-1200.jpg", "gps-480.jpg"]
    for variant in variants:
        with Image.open(variant) as img:
            assert img.width in (480, 1200)
            assert not img.getexif(), "EXIF (with GPS) must be stripped"
    original = hashlib.sha1((project / "stories/media/gps.jpg").read_bytes()).hexdigest()
    published = {hashlib.sha1(p.read_bytes()).hexdigest() for p in site.rglob("*") if p.is_file()}
    assert original not in published, "the original is never published"
    html = (site / "stories/night-shift/index.html").read_text(encoding="utf-8")
    img = re.search(r'<img src="../../media/gps-1200.jpg"[^>]*>', html).group(0)
    assert 'width="1200"' in img and 'height="750"' in img and 'loading="lazy"' in img
    assert 'alt="带定位的照片"' in img


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_a_failed_build_leaves_the_last_good_site(tmp_path, capsys, monkeypatch):
    from build_tools.cli import main

    project = site_project(tmp_path / "p")
    monkeypatch.chdir(project)
    stories, docs = _snapshot(project / "stories"), _snapshot(project / "docs")
    assert main(["build"]) == 0
    site = project / "site"
    good = _snapshot(site)
    assert "stories/night-shift/index.html" in good

    # bad content: the check stops the build with the check's own messages
    (project / "stories/red/night-shift.md").write_text("---\ntitle: 坏了\n---\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["build"]) == 1
    out = capsys.readouterr()
    assert "E-FIELD-MISSING" in out.out and "原有网站保持不变" in out.err
    assert _snapshot(site) == good

    # a failure inside MkDocs (a broken template override) leaves no half site either
    (project / "stories/red/night-shift.md").write_text(
        "---\ntitle: 夜班\ndate: 1985\nthemes: [安全生产]\nsummary: 摘要。\nstatus: published\n---\n\n正文。\n",
        encoding="utf-8",
    )
    overrides = project / "docs/overrides/culture"
    overrides.mkdir(parents=True)
    (overrides / "story.md.j2").write_text("{% if %}", encoding="utf-8")
    with pytest.raises(Exception):  # noqa: B017 - the template error itself
        build_site(project / "mkdocs.yml")
    assert _snapshot(site) == good
    assert not [p for p in project.iterdir() if p.name.startswith(".site.")], (
        "staging folders are cleaned up"
    )

    # the build never wrote into stories/ or docs/ (other than what this test wrote)
    assert set(_snapshot(project / "docs")) - set(docs) == {"overrides/culture/story.md.j2"}
    assert set(_snapshot(project / "stories")) == set(stories)


def test_a_project_template_overrides_ours(tmp_path):
    project = site_project(tmp_path / "p")
    overrides = project / "docs/overrides/culture"
    overrides.mkdir(parents=True)
    (overrides / "home.md.j2").write_text(
        '{% extends "_page.md.j2" %}{% set title = "首页" %}{% set kind = "home" %}'
        "{% block content %}<h1>本单位自己的首页</h1>{% endblock %}",
        encoding="utf-8",
    )
    site = build_site(project / "mkdocs.yml", tmp_path / "site")
    assert "本单位自己的首页" in (site / "index.html").read_text(encoding="utf-8")
    assert not (site / "overrides").exists()


def test_build_failures_are_reported_in_chinese(tmp_path):
    project = site_project(tmp_path / "p")
    (project / "mkdocs.yml").write_text("site_name: [\n", encoding="utf-8")
    with pytest.raises(BuildFailed, match=re.escape("mkdocs.yml 有误")):
        build_site(project / "mkdocs.yml", tmp_path / "site")


def test_collection_page_offers_its_booklet(sample_site, corpus):
    html = (sample_site / "collections/red-memory-1/index.html").read_text(encoding="utf-8")
    assert 'href="../red-memory-1.pdf"' in html
    pdf = sample_site / "collections/red-memory-1.pdf"
    with pikepdf.open(pdf) as document:
        assert len(document.pages) > 10
        first = document.pages[0].MediaBox
        assert round(float(first[2])) == 420  # A5 pages in reading order, not imposed
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for item_id in corpus.collections["red-memory-1"].items:
        assert corpus.stories[item_id].title in text


def test_the_site_can_be_read_by_the_web_server(sample_site):
    # A web server runs as its own user (www-data): the built site must be readable by
    # others, as any folder made under the usual umask, not private to whoever built it.
    mask = os.umask(0)
    os.umask(mask)
    expected = 0o777 & ~mask
    assert stat.S_IMODE(sample_site.stat().st_mode) == expected
    for folder in (sample_site / "pagefind", sample_site / "stories"):
        assert stat.S_IMODE(folder.stat().st_mode) & 0o005 == expected & 0o005
