"""The contractor's sheet opened as Excel, WPS and Python's csv open it."""

from __future__ import annotations

import csv
from functools import partial
from pathlib import Path

import pytest

from build_tools import pipeline
from build_tools.config import Settings
from build_tools.content.audience import Audience
from build_tools.content.tour import tour
from build_tools.print.inventory import COLUMNS, image_file, write_inventory
from tests.print.exhibition import HALL, HOSTILE_TITLE, exhibition


def _url(panel) -> str:
    return f"https://example.cn/halls/{panel.hall}/{panel.id}/"


def _write(project: Path, audience: Audience = Audience.PRODUCTION) -> tuple[Path, list[dict]]:
    corpus = pipeline.load(project).corpus
    found = tour(corpus, corpus.halls["main-hall"], audience, Settings())
    out = write_inventory(
        found,
        project / "out" / "inventory.csv",
        url_of=_url,
        image_of=partial(image_file, corpus),
        proof=audience is Audience.PROOF,
    )
    with out.open(encoding="utf-8-sig", newline="") as file:
        return out, list(csv.DictReader(file))


@pytest.fixture
def project(valid_tree: Path) -> Path:
    return exhibition(valid_tree)


def test_utf8_with_bom_and_chinese_headers(project):
    out, _ = _write(project)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw[3:].decode("utf-8").split("\r\n", 1)[0]
    assert header.split(",") == list(COLUMNS)


def test_rows_match_the_content(project):
    _, rows = _write(project)
    assert [r["编号"] for r in rows] == ["A-01", "A-02", "B-01"]  # review and draft left out
    first, lamp, medal = rows
    assert first == {
        "编号": "A-01",
        "单元": "创业篇",
        "类型": "前言",
        "标题": "前言",
        "字数": "4",
        "字数上限": "500",
        "超出字数上限": "否",
        "讲解时长（秒）": "4",
        "二维码网址": "https://example.cn/halls/main-hall/foreword/",
        "图片文件": "",
    }
    assert lamp["标题"] == HOSTILE_TITLE
    assert lamp["图片文件"] == "media/dot.png"
    assert (medal["单元"], medal["类型"], medal["讲解时长（秒）"]) == ("匠心篇", "展品说明", "131")


def test_the_panel_over_budget_is_flagged(project):
    _, rows = _write(project)
    flagged = {r["编号"]: (r["字数"], r["字数上限"], r["超出字数上限"]) for r in rows}
    assert flagged == {
        "A-01": ("4", "500", "否"),
        "A-02": ("210", "200", "是"),
        "B-01": ("4", "200", "否"),
    }


def test_a_proof_has_review_rows_and_says_so(project):
    _, rows = _write(project, Audience.PROOF)
    assert [(r["编号"], r["状态"]) for r in rows] == [
        ("A-01", "已发布"),
        ("A-02", "已发布"),
        ("A-03", "待审"),
        ("B-01", "已发布"),
    ]


def test_a_title_that_looks_like_a_formula_stays_text(project):
    medal = project / HALL / "medal.md"
    medal.write_text(
        medal.read_text(encoding="utf-8").replace("title: 奖章", "title: '=HYPERLINK(1)'")
    )
    _, rows = _write(project)
    assert rows[-1]["标题"] == "'=HYPERLINK(1)"


def test_written_in_place_and_nowhere_else(project):
    before = {p for p in project.rglob("*") if p.is_file()}
    out, _ = _write(project)
    after = {p for p in project.rglob("*") if p.is_file()}
    assert after - before == {out}
    out2, _ = _write(project)  # replaced whole, no leftovers beside it
    assert out2 == out and sorted(out.parent.iterdir()) == [out]


def test_a_symlink_beside_the_sheet_is_not_followed(project, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched", encoding="utf-8")
    (project / "out").mkdir()
    (project / "out" / "inventory.csv.part").symlink_to(victim)
    _write(project)
    assert victim.read_text(encoding="utf-8") == "untouched"
