"""A hall on the site: its tour at a glance, the panel pages with their QR codes and
narration, the 讲解模式 page, and the hall's files made by `culture build`."""

from __future__ import annotations

import csv
import re
from html import unescape
from pathlib import Path

import pikepdf
import pytest

from build_tools import pipeline
from build_tools.cli import check_content
from build_tools.content.audience import Audience
from build_tools.content.tour import tour
from build_tools.print import qr
from build_tools.site import urls
from build_tools.site.build import build_site
from build_tools.site.images import ImageCatalog
from build_tools.site.pages import Generation, SiteOptions, generate
from tests.conftest import PROJECT
from tests.sitetools import site_project

HALL = "culture-hall"


@pytest.fixture(scope="module")
def checked():
    project, corpus, _ = check_content(PROJECT)
    return project, corpus


@pytest.fixture(scope="module")
def published_tour(checked):
    project, corpus = checked
    return tour(corpus, corpus.halls[HALL], Audience.PRODUCTION, project.settings)


def _read(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def _seconds(duration: str) -> int:
    """45 秒, 1 分 05 秒 → seconds; — → 0."""
    found = re.fullmatch(r"(?:(\d+) 分 ?)?(?:(\d+) 秒)?", duration.strip())
    if duration.strip() == "—" or found is None:
        return 0
    return int(found.group(1) or 0) * 60 + int(found.group(2) or 0)


def test_the_hall_page_shows_the_tour_with_its_total(sample_site, published_tour):
    html = _read(sample_site, urls.hall(HALL))
    tables = re.findall(
        r'<h2 id="([^"]+)">.*?<table class="culture-tour-table">(.*?)</table>', html, re.S
    )
    shown = [z for z in published_tour.zones if z.stops]
    assert [zone for zone, _ in tables] == [z.zone.id for z in shown]
    total = 0
    for (_, table), zone in zip(tables, shown, strict=True):
        body = table[table.index("<tbody") : table.index("</tbody>")]
        rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
        cells = [[_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows]
        assert [c[0] for c in cells] == [s.panel.number for s in zone.stops]
        assert [c[1] for c in cells] == [s.panel.title for s in zone.stops]
        assert [int(c[2]) for c in cells] == [s.characters for s in zone.stops]
        seconds = [_seconds(c[3]) for c in cells]
        assert seconds == [s.seconds for s in zone.stops]
        foot = [
            _text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", table[table.index("<tfoot") :])
        ]
        assert int(foot[0]) == sum(s.characters for s in zone.stops)
        assert _seconds(foot[1]) == sum(seconds)
        total += sum(seconds)
    assert total == published_tour.seconds > 0
    minutes = -(-total // 60)
    assert f"讲解共约 {minutes} 分钟" in _text(html)
    for stop in published_tour.stops:  # every title links to its panel page
        assert f'href="{stop.panel.id}/"' in html


def test_the_hall_page_links_the_halls_files_and_they_exist(sample_site, published_tour):
    html = _read(sample_site, urls.hall(HALL))
    for name in urls.HALL_FILES:
        assert f'href="{name}" download' in html
        assert (sample_site / urls.hall_file(HALL, name)).is_file()
    assert 'href="guide/">讲解模式' in html
    stops = published_tour.stops
    with pikepdf.open(sample_site / urls.hall_file(HALL, "panels.pdf")) as proofs:
        assert len(proofs.pages) == len(stops)  # one page per published panel
    table = (sample_site / urls.hall_file(HALL, "inventory.csv")).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(table.splitlines()))
    assert [r[0] for r in rows[1:]] == [s.panel.number for s in stops]
    base = qr.site_url(PROJECT)
    assert rows[1][8] == qr.panel_url(base, stops[0].panel)


def test_a_panel_page_shows_its_qr_code_and_folded_narration(sample_site, published_tour):
    stop = next(s for s in published_tour.stops if s.panel.narration)
    html = _read(sample_site, urls.panel(stop.panel))
    address = qr.panel_url(qr.site_url(PROJECT), stop.panel)
    figure = re.search(r'<figure class="culture-qr">(.*?)</figure>', html, re.S)
    assert figure is not None
    assert re.search(
        r'role="img" aria-label="[^"]+"><svg [^>]*xmlns="http://www.w3.org/2000/svg"', figure[1]
    )
    assert "用手机扫码可打开本页" in figure[1] and address in figure[1]
    folded = re.search(r'<details class="culture-narration">(.*?)</details>', html, re.S)
    assert folded is not None and "<summary>讲解词" in folded[1]
    first = stop.panel.narration.split("\n")[0].strip()[:10]
    assert first in _text(folded[1])


def test_the_qr_code_on_a_panel_page_scans_to_its_address(
    sample_site, serve, page, published_tour, tmp_path
):
    """As a phone would read it: the code as Chromium shows it, decoded by zbarimg."""
    from tests.print.qrtools import decode_image

    stop = published_tour.stops[0]
    page.goto(serve(sample_site) + urls.panel(stop.panel))
    shot = tmp_path / "qr.png"
    page.locator(".culture-qr__code").screenshot(path=str(shot))
    assert decode_image(shot) == [qr.panel_url(qr.site_url(PROJECT), stop.panel)]


def test_the_guide_page_reads_the_tour_in_order_stop_by_stop(sample_site, published_tour):
    html = _read(sample_site, urls.hall_guide(HALL))
    sections = re.findall(r'<section class="culture-stop" id="([^"]+)".*?</section>', html, re.S)
    stops = published_tour.stops
    assert sections == [f"stop-{s.panel.id}" for s in stops]
    navs = re.findall(r'<nav class="culture-stop__nav"[^>]*>(.*?)</nav>', html, re.S)
    assert len(navs) == len(stops)
    for i, nav in enumerate(navs):
        targets = re.findall(r'href="#([^"]+)"', nav)
        expected = [f"stop-{s.panel.id}" for s in (stops[i - 1 : i] if i else [])]
        expected += [f"stop-{s.panel.id}" for s in stops[i + 1 : i + 2]]
        assert targets == expected
        assert ("上一站" in nav) == (i > 0) and ("下一站" in nav) == (i + 1 < len(stops))
    assert "讲解结束" in navs[-1]
    for stop in stops:
        if stop.panel.narration:
            assert stop.panel.narration.split("\n")[0].strip()[:10] in _text(html)
    # 讲解模式 is reached from its hall, never from the nav
    links = re.findall(r'<a [^>]*class="md-(?:nav|tabs)__link[^>]*>(.*?)</a>', html, re.S)
    assert links and not any("讲解" in link for link in links)


def test_the_guide_page_on_a_phone(page, sample_site, serve, published_tour):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(serve(sample_site) + urls.hall_guide(HALL))
    stops = published_tour.stops
    text = page.locator(".culture-stop__text").first
    root = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    size = text.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 1.25 * root - 0.01
    # the first stop's bar is at the bottom of the screen, its buttons big enough to tap
    nav = page.locator(".culture-stop__nav").first
    box = nav.bounding_box()
    assert box is not None and box["y"] + box["height"] == pytest.approx(740, abs=1)
    button = nav.get_by_role("link", name=re.compile("下一站"))
    assert button.bounding_box()["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    button.click()
    page.wait_for_function("location.hash.length > 1")
    assert page.evaluate("location.hash") == f"#stop-{stops[1].panel.id}"
    second = page.locator(f"#stop-{stops[1].panel.id}")
    top = second.bounding_box()["y"]
    assert 0 <= top < 120  # under the header, not behind it
    # the bar now turns the second stop's pages
    bar = second.locator(".culture-stop__nav")
    assert bar.bounding_box()["y"] + bar.bounding_box()["height"] == pytest.approx(740, abs=1)
    bar.get_by_role("link", name=re.compile("上一站")).click()
    page.wait_for_function(f"location.hash === '#stop-{stops[0].panel.id}'")


# -- a small project: an alias, no site_url -----------------------------------------------


@pytest.fixture(scope="module")
def small_site(tmp_path_factory) -> tuple[Path, list]:
    project = site_project(tmp_path_factory.mktemp("halls") / "project")
    lamp = project / "stories/halls/main-hall/lamp.md"
    text = lamp.read_text(encoding="utf-8")
    lamp.write_text(
        text.replace("status: published", "aliases: [old-lamp]\nstatus: published"),
        encoding="utf-8",
    )
    config = project / "mkdocs.yml"
    config.write_text(
        re.sub(r"(?m)^site_url:.*\n", "", config.read_text(encoding="utf-8")), encoding="utf-8"
    )
    found: list = []
    site = build_site(config, project / "site", found=found)
    return site, found


def test_an_old_panel_url_redirects_to_the_new_one(small_site):
    site, _ = small_site
    html = (site / "halls/main-hall/old-lamp/index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../lamp/">' in html
    assert (site / "halls/main-hall/lamp/index.html").is_file()


def test_without_site_url_the_build_skips_the_proofs_with_one_warning(small_site):
    site, found = small_site
    skipped = [d for d in found if d.code == "W-HALL-FILE-SKIPPED"]
    assert len(skipped) == 1 and "site_url" in skipped[0].message
    assert not (site / "halls/main-hall/panels.pdf").exists()
    assert (site / "halls/main-hall/narration.pdf").is_file()
    assert (site / "halls/main-hall/inventory.csv").is_file()
    hall = _read(site, "halls/main-hall/")
    assert "panels.pdf" not in hall and 'href="narration.pdf"' in hall
    panel = _read(site, "halls/main-hall/lamp/")
    assert "culture-qr" not in panel  # readers see no code and no note for staff


def test_without_site_url_the_preview_says_why_there_is_no_code(tmp_path):
    project = site_project(tmp_path / "project")
    checked = pipeline.run(project)
    images = ImageCatalog(checked.corpus.content_dir, tmp_path / "images")
    options = SiteOptions(audience=Audience.PREVIEW, site_url=None)
    page = generate(checked.corpus, options, images).markdown["halls/main-hall/lamp/index.md"]
    assert "culture-qr-missing" in page and "site_url" in page
    assert "<svg" not in page


# -- incremental generation ------------------------------------------------------------------


def _generate(root: Path, previous: Generation | None) -> Generation:
    checked = pipeline.run(root)
    images = ImageCatalog(checked.corpus.content_dir, root / ".cache" / "images")
    options = SiteOptions(settings=checked.project.settings, site_url="http://intranet.example/")
    return generate(checked.corpus, options, images, previous=previous)


HALL_PAGE, GUIDE_PAGE = "halls/main-hall/index.md", "halls/main-hall/guide/index.md"


@pytest.mark.parametrize(
    ("edit", "showing"),
    [
        (
            ("foreword.md", "各位来宾，欢迎参观企业文化展厅。", "各位来宾好。"),
            [HALL_PAGE, GUIDE_PAGE],
        ),
        (("lamp.md", "一盏矿灯。", "一盏用了二十年的老矿灯。"), [HALL_PAGE]),
        (("lamp.md", "status: published", "status: draft"), [HALL_PAGE, GUIDE_PAGE]),
    ],
    ids=["narration", "body", "unpublished"],
)
def test_an_edited_panel_remakes_the_hall_and_guide_pages(tmp_path, edit, showing):
    project = site_project(tmp_path / "project")
    first = _generate(project, None)
    name, old, new = edit
    path = project / "stories/halls/main-hall" / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    incremental = _generate(project, first)
    full = _generate(project, None)
    assert incremental.markdown == full.markdown
    for page in showing:
        assert full.markdown[page] != first.markdown[page]
