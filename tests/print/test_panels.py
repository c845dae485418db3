"""The panel proofs as the print shop and a visitor with a phone would check them: one
page per panel at the hall's size, bleed and crop-mark room, the text on each page, and
every QR code read back to its panel's address (a renamed panel's too)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from build_tools import pipeline
from build_tools.cli import main
from build_tools.content.audience import Audience
from build_tools.content.tour import tour
from build_tools.print import qr
from build_tools.print.panels import PanelsError, make_panel_proofs
from build_tools.site import urls
from build_tools.site.pages import SiteOptions, redirects
from tests.conftest import FIXTURES
from tests.print.qrtools import decode_pdf_pages, tool

BASE = "http://intranet.example/culture/"
MM = 72 / 25.4
BLEED_PT = 3 * MM  # 8.5 pt


def _project(target: Path, *, site_url: str | None = BASE) -> Path:
    shutil.copytree(FIXTURES / "valid" / "stories", target / "stories")
    config = "site_name: 企业文化\n" + (f"site_url: {site_url}\n" if site_url else "")
    (target / "mkdocs.yml").write_text(config, encoding="utf-8")
    hall = target / "stories" / "halls" / "main-hall"
    # Renamed: the lamp's panel was `lamp`; its printed codes must keep working.
    text = (hall / "lamp.md").read_text(encoding="utf-8")
    text = text.replace("status: published", "aliases: [lamp]\nstatus: published")
    if "image:" not in text:
        text = text.replace(
            "exhibit: {", "image: {src: ../../media/dot.png, caption: 矿工头灯}\nexhibit: {"
        )
    (hall / "lantern.md").write_text(text, encoding="utf-8")
    (hall / "lamp.md").unlink()
    (hall / "helmet.md").write_text(
        "---\nnumber: B-02\nzone: craftsmanship\nkind: exhibit\ntitle: 安全帽\n"
        "exhibit: {name: 救护队安全帽, year: 1985}\nstatus: review\n---\n\n一顶安全帽。\n",
        encoding="utf-8",
    )
    return target


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return _project(tmp_path_factory.mktemp("panels") / "project")


@pytest.fixture(scope="module")
def checked(project):
    return pipeline.run(project)


@pytest.fixture(scope="module")
def proofs(checked, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out") / "panels.pdf"
    make_panel_proofs(
        checked.corpus,
        "main-hall",
        out,
        base_url=BASE,
        proof=False,
        settings=checked.project.settings,
    )
    return out


def _panels(checked, audience: Audience = Audience.PRODUCTION):
    hall = checked.corpus.halls["main-hall"]
    return [s.panel for s in tour(checked.corpus, hall, audience, checked.project.settings).stops]


def _page_text(pdf: Path, page: int) -> str:
    done = subprocess.run(
        [tool("pdftotext"), "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return re.sub(r"\s+", "", done.stdout)


def test_every_qr_code_reads_back_as_its_panels_url_in_tour_order(proofs, checked, tmp_path):
    panels = _panels(checked)
    assert [p.number for p in panels] == ["A-01", "A-02", "B-01"]
    found = decode_pdf_pages(proofs, tmp_path, dpi=150)
    assert found == [[BASE + urls.panel(p)] for p in panels]


def test_a_renamed_panels_code_carries_the_new_id_and_the_old_url_redirects(
    proofs, checked, tmp_path
):
    found = decode_pdf_pages(proofs, tmp_path, dpi=150)
    assert [BASE + "halls/main-hall/lantern/"] in found
    assert not any("halls/main-hall/lamp/" in code for page in found for code in page)
    assert redirects(checked.corpus, SiteOptions())["halls/main-hall/lamp/"] == (
        "halls/main-hall/lantern/"
    )


def test_trim_bleed_and_media_boxes(proofs):
    with pikepdf.open(proofs) as pdf:
        assert len(pdf.pages) == 3
        for page in pdf.pages:
            trim = [float(v) for v in page.TrimBox]
            bleed = [float(v) for v in page.BleedBox]
            media = [float(v) for v in page.MediaBox]
            assert trim[2] - trim[0] == pytest.approx(297 * MM, abs=0.05)  # A3 portrait
            assert trim[3] - trim[1] == pytest.approx(420 * MM, abs=0.05)
            grown = [trim[0] - BLEED_PT, trim[1] - BLEED_PT, trim[2] + BLEED_PT, trim[3] + BLEED_PT]
            assert bleed == pytest.approx(grown, abs=0.01)
            # The crop marks stand outside the bleed: the sheet is larger than it.
            assert media[0] < bleed[0] and media[1] < bleed[1]
            assert media[2] > bleed[2] and media[3] > bleed[3]


def test_each_page_shows_number_zone_title_text_exhibit_and_url(proofs):
    page = _page_text(proofs, 2)
    for expected in (
        "A-02",
        "创业篇",
        "展品说明",
        "矿灯",
        "一盏矿灯。",
        "矿工头灯",
        "1958年",
        "铁、玻璃",
        "矿工头灯",
        BASE + "halls/main-hall/lantern/",
    ):
        assert expected in page, expected
    assert "匠心篇" in _page_text(proofs, 3) and "奖章" in _page_text(proofs, 3)
    assert "校" not in page


def test_only_noto_fonts_all_embedded(proofs):
    listing = subprocess.run(
        [tool("pdffonts"), str(proofs)], capture_output=True, text=True, check=True
    ).stdout
    for row in listing.splitlines()[2:]:
        assert re.search(r"Noto(Serif|Sans|SansMono)CJKsc", row), row
        assert " yes yes yes " in row, row


def test_a_proof_has_review_panels_badged_and_every_page_marked(checked, tmp_path):
    out = tmp_path / "panels.pdf"
    result = make_panel_proofs(
        checked.corpus,
        "main-hall",
        out,
        base_url=BASE,
        proof=True,
        settings=checked.project.settings,
    )
    assert result.pages == 4
    texts = [_page_text(out, n) for n in range(1, 5)]
    assert all("校" in t and "样" in t for t in texts)  # rotated: read letter by letter
    assert "安全帽" in texts[3] and "待审" in texts[3]
    assert not any("待审" in t for t in texts[:3])
    assert decode_pdf_pages(out, tmp_path / "png")[3] == [BASE + "halls/main-hall/helmet/"]


def test_panel_size_and_orientation_from_hall_yml(tmp_path):
    root = _project(tmp_path / "project")
    hall_yml = root / "stories" / "halls" / "main-hall" / "hall.yml"
    hall_yml.write_text(
        hall_yml.read_text(encoding="utf-8") + "panel_size: A4\npanel_orientation: landscape\n",
        encoding="utf-8",
    )
    checked = pipeline.run(root)
    out = tmp_path / "panels.pdf"
    make_panel_proofs(checked.corpus, "main-hall", out, base_url=BASE, proof=False)
    with pikepdf.open(out) as pdf:
        trim = [float(v) for v in pdf.pages[0].TrimBox]
    assert (trim[2] - trim[0], trim[3] - trim[1]) == pytest.approx((297 * MM, 210 * MM), abs=0.05)


def test_a_panel_that_runs_over_its_page_is_refused_by_name(tmp_path):
    root = _project(tmp_path / "project")
    panel = root / "stories" / "halls" / "main-hall" / "foreword.md"
    text = panel.read_text(encoding="utf-8")
    panel.write_text(
        text.replace("这是前言。", "\n\n".join(["这是很长的前言。" * 40] * 12)), encoding="utf-8"
    )
    checked = pipeline.run(root)
    out = tmp_path / "panels.pdf"
    with pytest.raises(PanelsError) as raised:
        make_panel_proofs(checked.corpus, "main-hall", out, base_url=BASE, proof=False)
    (found,) = [d for d in raised.value.diagnostics if d.severity == "error"]
    assert found.code == "E-PANEL-TOO-LONG"
    assert found.location.path == "stories/halls/main-hall/foreword.md"
    assert "A-01" in found.message and "一页放不下" in found.message
    assert not out.exists()


def test_hostile_text_is_printed_as_written(tmp_path):
    root = _project(tmp_path / "project")
    panel = root / "stories" / "halls" / "main-hall" / "medal.md"
    text = panel.read_text(encoding="utf-8")
    text = text.replace("title: 奖章", 'title: "#panic(\\"x\\") $x$ [a] \\\\"')
    panel.write_text(
        text.replace("一枚奖章。", "一枚 #set page(width: 1mm) 奖章 `]` *强调*。"), encoding="utf-8"
    )
    checked = pipeline.run(root)
    out = tmp_path / "panels.pdf"
    make_panel_proofs(checked.corpus, "main-hall", out, base_url=BASE, proof=False)
    page = _page_text(out, 3)
    assert '#panic("x")$x$[a]' in page and "#setpage(width:1mm)" in page


# -- culture panels ------------------------------------------------------------------------


def test_command_writes_the_three_files_where_the_hall_page_links_them(
    tmp_path, monkeypatch, capsys
):
    root = _project(tmp_path / "project")
    monkeypatch.chdir(root)
    assert main(["panels", "main-hall"]) == 0
    folder = root / "site" / urls.hall("main-hall")
    assert sorted(p.name for p in folder.iterdir()) == [
        "inventory.csv",
        "narration.pdf",
        "panels.pdf",
    ]
    err = capsys.readouterr().err
    assert "展板已生成" in err and "（3 页）" in err and "讲解词已生成" in err
    assert "halls/main-hall/lantern/" in (folder / "inventory.csv").read_text(encoding="utf-8-sig")


def test_command_refuses_a_hall_with_errors_and_writes_nothing(tmp_path, monkeypatch, capsys):
    root = _project(tmp_path / "project")
    panel = root / "stories" / "halls" / "main-hall" / "medal.md"
    panel.write_text(
        panel.read_text(encoding="utf-8").replace("zone: craftsmanship", "zone: nowhere"),
        encoding="utf-8",
    )
    monkeypatch.chdir(root)
    capsys.readouterr()
    assert main(["panels", "main-hall", "--out", str(tmp_path / "out")]) == 1
    out, err = capsys.readouterr()
    assert re.search(r"^stories/halls/main-hall/medal\.md:\d+:\d+: error E-", out, re.M), out
    assert "未生成展板文件" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("site_url", [None, "http://localhost:8000/"])
def test_command_refuses_without_an_intranet_site_url(tmp_path, monkeypatch, capsys, site_url):
    root = _project(tmp_path / "project", site_url=site_url)
    monkeypatch.chdir(root)
    capsys.readouterr()
    assert main(["panels", "main-hall"]) == 1
    assert "site_url" in capsys.readouterr().err
    assert not (root / "site").exists()


def test_command_names_the_halls_there_are(tmp_path, monkeypatch, capsys):
    root = _project(tmp_path / "project")
    monkeypatch.chdir(root)
    capsys.readouterr()
    assert main(["panels", "no-such-hall"]) == 1
    assert "没有展厅“no-such-hall”；现有：main-hall" in capsys.readouterr().err


def test_site_url_of_the_project_is_what_the_codes_carry(project):
    assert qr.site_url(project) == BASE


def test_an_over_budget_panel_stops_the_panels_but_a_proof_flags_it_in_all_three(
    tmp_path, monkeypatch, capsys
):
    import csv

    import pdfplumber

    root = _project(tmp_path / "project")
    panel = root / "stories" / "halls" / "main-hall" / "medal.md"
    text = panel.read_text(encoding="utf-8")
    panel.write_text(
        text.rstrip() + "\n\n" + "奖章记录了一代人的奋斗。" * 20 + "\n", encoding="utf-8"
    )
    monkeypatch.chdir(root)
    assert main(["panels", "main-hall", "--out", str(tmp_path / "refused")]) == 1
    assert "E-PANEL-TOO-LONG" in capsys.readouterr().out
    out = tmp_path / "proof"
    assert main(["panels", "main-hall", "--proof", "--out", str(out)]) == 0
    number = re.search(r"^number: (\S+)", text, re.M).group(1)
    with pdfplumber.open(out / "panels.pdf") as pdf:
        marked = [p for p in pdf.pages if "超出" in (p.extract_text() or "")]
    assert len(marked) == 1 and number in marked[0].extract_text()
    with pdfplumber.open(out / "narration.pdf") as pdf:
        script = "".join(p.extract_text() or "" for p in pdf.pages)
    assert script.count("展板超出字数上限") == 1
    with (out / "inventory.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = {row["编号"]: row for row in csv.DictReader(f)}
    assert rows[number]["超出字数上限"] == "是"
    assert [r["编号"] for r in rows.values() if r["超出字数上限"] == "是"] == [number]
