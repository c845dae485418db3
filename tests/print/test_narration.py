"""The narration script read as the guide reads it: stops in order with their times, a
total that is their sum, the over-time mark, proofs, and content printed literally."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest

from build_tools import pipeline
from build_tools.config import Settings
from build_tools.content.audience import Audience
from build_tools.content.tour import tour
from build_tools.print.fonts import covered
from build_tools.print.narration import (
    NarrationError,
    duration,
    make_narration,
    paragraphs,
)
from tests.print.exhibition import HALL, HOSTILE_NARRATION, HOSTILE_TITLE, exhibition

# A stop's time (约 2 分 11 秒), not the zone's (本单元约) nor the tour's (全程约).
STOP_TIME = re.compile(r"(?<![程元])约\s*(?:(\d+)\s*分\s*)?(\d+)\s*秒")
ELAPSED = re.compile(r"累计\s*(?:(\d+)\s*分\s*)?(\d+)\s*秒")
TOTAL = re.compile(r"全程约\s*(?:(\d+)\s*分\s*)?(\d+)\s*秒")


def _seconds(match: re.Match[str]) -> int:
    return int(match.group(1) or 0) * 60 + int(match.group(2))


def _lines(pdf: Path) -> list[str]:
    with pdfplumber.open(pdf) as document:
        return [line for page in document.pages for line in (page.extract_text() or "").split("\n")]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def project(valid_tree: Path) -> Path:
    return exhibition(valid_tree)


def _print(project: Path, *, proof: bool = False, **kwargs: object) -> Path:
    corpus = pipeline.load(project).corpus
    out = project / "out" / "narration.pdf"
    return make_narration(corpus, "main-hall", out, settings=Settings(), proof=proof, **kwargs)


def test_total_time_is_the_sum_of_the_stops(project):
    lines = _lines(_print(project))
    stops = [_seconds(m) for line in lines for m in STOP_TIME.finditer(line)]
    elapsed = [_seconds(m) for line in lines for m in ELAPSED.finditer(line)]
    totals = {_seconds(m) for line in lines for m in TOTAL.finditer(line)}
    corpus = pipeline.load(project).corpus
    expected = tour(corpus, corpus.halls["main-hall"], Audience.PRODUCTION, Settings())
    assert stops == [s.seconds for s in expected.stops]  # B-01
    assert totals == {sum(stops)} == {expected.seconds}
    running = [sum(stops[: i + 1]) for i in range(len(stops))]
    assert elapsed == running


def test_stops_appear_per_zone_in_tour_order(project):
    text = _flat("\n".join(_lines(_print(project))))
    order = ["创业篇", "A-01", "前言", "A-02", "匠心篇", "B-01", "奖章"]
    positions = [text.find(_flat(word)) for word in order]
    assert -1 not in positions and positions == sorted(positions), positions
    assert "讲解点3个" in text and "按每分钟220字计" in text


def test_the_stop_over_the_limit_is_marked(project):
    lines = _lines(_print(project))
    marked = [line for line in lines if "超时" in line and STOP_TIME.search(line)]
    assert len(marked) == 1
    assert _seconds(STOP_TIME.search(marked[0])) == 131  # B-01: 480 characters at 220 a minute
    summary = next(line for line in lines if "每个讲解点不超过" in line)
    assert "120" in summary and "超时1处" in _flat(summary)


def test_no_mark_when_every_stop_is_within_the_limit(valid_tree):
    text = "".join(_lines(_print(valid_tree)))
    assert "超时" not in text
    assert "约 4 秒" in text  # 14 characters


def test_production_leaves_review_and_drafts_out_proof_takes_review_marked(project):
    production = _flat("".join(_lines(_print(project))))
    assert "风钻" not in production and "规划" not in production and "校样" not in production
    proof = _flat("".join(_lines(_print(project, proof=True))))
    assert "风钻" in proof and "待审" in proof and "校样" in proof
    assert "规划" not in proof  # a draft is never printed


def test_content_prints_as_written_never_as_typst(project):
    text = _flat("".join(_lines(_print(project))))
    assert _flat(HOSTILE_TITLE) in text
    assert _flat(HOSTILE_NARRATION) in text


def test_urls_are_printed_when_asked(project):
    text = "".join(_lines(_print(project, url_of=lambda p: f"https://example.cn/{p.id}/")))
    assert "https://example.cn/medal/" in text


def test_nothing_is_written_outside_out(project):
    before = {p for p in project.rglob("*") if p.is_file()}
    pdf = _print(project)
    after = {p for p in project.rglob("*") if p.is_file()}
    assert after - before == {pdf}


def test_an_unknown_hall_and_an_unprintable_character_stop_it(project):
    corpus = pipeline.load(project).corpus
    out = project / "out" / "n.pdf"
    with pytest.raises(NarrationError) as raised:
        make_narration(corpus, "no-hall", out, settings=Settings(), proof=False)
    assert "main-hall" in raised.value.diagnostics[0].message
    rare = next(chr(c) for c in range(0x30000, 0x3134F) if c not in covered("Noto Serif CJK SC"))
    medal = project / HALL / "medal.md"
    medal.write_text(medal.read_text(encoding="utf-8").replace("奖章\n", f"奖章{rare}\n", 1))
    corpus = pipeline.load(project).corpus
    with pytest.raises(NarrationError) as raised:
        make_narration(corpus, "main-hall", out, settings=Settings(), proof=False)
    (found,) = raised.value.diagnostics
    assert found.code == "E-PRINT-GLYPH" and found.location.path == f"{HALL}/medal.md"
    assert not out.exists()


def test_durations_and_paragraphs():
    assert [duration(s) for s in (0, 45, 60, 80, 725)] == [
        "0 秒",
        "45 秒",
        "1 分 00 秒",
        "1 分 20 秒",
        "12 分 05 秒",
    ]
    assert paragraphs("第一行\n接着写。\n\nSecond\nline\n\n\n") == ["第一行接着写。", "Second line"]
