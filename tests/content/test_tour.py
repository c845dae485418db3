"""A hall's tour: zones in order, the stops each audience sees, lengths and running time."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_tools import pipeline
from build_tools.config import Narration, PanelBudgets, Settings
from build_tools.content.audience import Audience
from build_tools.content.tour import Tour, narration_seconds, tour

HALL = "stories/halls/main-hall"


def _write(root: Path, name: str, front: str, body: str = "正文。") -> None:
    (root / HALL / name).write_text(f"---\n{front.strip()}\n---\n\n{body}\n", encoding="utf-8")


def _tour(root: Path, audience: Audience = Audience.PRODUCTION, **settings: object) -> Tour:
    checked = pipeline.load(root)
    return tour(checked.corpus, checked.corpus.halls["main-hall"], audience, Settings(**settings))


@pytest.fixture
def hall(valid_tree: Path) -> Path:
    """The valid hall with narration on every panel, a review panel and a draft panel."""
    _write(
        valid_tree,
        "medal.md",
        "number: B-01\nzone: craftsmanship\nkind: exhibit\ntitle: 奖章\n"
        "exhibit: {name: 劳模奖章}\nnarration: " + "奖" * 110 + "\nstatus: published",
        "一枚奖章。",
    )
    _write(
        valid_tree,
        "lamp.md",
        "number: A-02\nzone: origins\nkind: exhibit\ntitle: 矿灯\n"
        "exhibit: {name: 矿工头灯}\nnarration: " + "灯" * 440 + "\nstatus: published",
        "一盏矿灯。",
    )
    _write(
        valid_tree,
        "drill.md",
        "number: A-10\nzone: origins\nkind: exhibit\ntitle: 风钻\nexhibit: {name: 风钻}\n"
        "narration: 这是风钻。\nstatus: review",
    )
    _write(
        valid_tree,
        "plan.md",
        "number: A-03\nzone: origins\nkind: section\ntitle: 规划\nstatus: draft",
    )
    return valid_tree


def test_zones_in_hall_order_with_stops_in_tour_order(hall):
    found = _tour(hall, Audience.PREVIEW)
    assert [z.zone.id for z in found.zones] == ["origins", "craftsmanship"]
    assert [s.panel.number for s in found.zones[0].stops] == ["A-01", "A-02", "A-03", "A-10"]
    assert [s.panel.number for s in found.stops] == ["A-01", "A-02", "A-03", "A-10", "B-01"]
    assert all(s.zone is z.zone for z in found.zones for s in z.stops)


@pytest.mark.parametrize(
    ("audience", "numbers"),
    [
        (Audience.PRODUCTION, ["A-01", "A-02", "B-01"]),
        (Audience.PROOF, ["A-01", "A-02", "A-10", "B-01"]),
        (Audience.PREVIEW, ["A-01", "A-02", "A-03", "A-10", "B-01"]),
    ],
)
def test_the_audience_rule_decides_the_stops(hall, audience, numbers):
    found = _tour(hall, audience)
    assert [s.panel.number for s in found.stops] == numbers
    assert all(audience.shows(s.panel) for s in found.stops)


def test_total_is_the_sum_of_the_stops_and_elapsed_runs_on(hall):
    found = _tour(hall, Audience.PREVIEW)
    stops = found.stops
    assert found.seconds == sum(s.seconds for s in stops)
    assert [z.seconds for z in found.zones] == [
        sum(s.seconds for s in z.stops) for z in found.zones
    ]
    running = 0
    for stop in stops:
        running += stop.seconds
        assert stop.elapsed == running
    assert stops[-1].elapsed == found.seconds


def test_speaking_time_at_the_configured_rate_rounded_up(hall):
    found = _tour(hall)
    by_number = {s.panel.number: s for s in found.stops}
    assert by_number["A-01"].narration_characters == 14  # 各位来宾，欢迎参观企业文化展厅。
    assert by_number["A-01"].seconds == 4  # 14 × 60 / 220 = 3.8
    assert by_number["A-02"].seconds == 120  # 440 at 220 a minute: exactly the limit
    assert not by_number["A-02"].over_time
    assert by_number["B-01"].seconds == 30
    slow = _tour(hall, narration=Narration(chars_per_minute=200))
    assert {s.panel.number: s.seconds for s in slow.stops} == {"A-01": 5, "A-02": 132, "B-01": 33}
    assert [s.panel.number for s in slow.stops if s.over_time] == ["A-02"]
    assert narration_seconds(0, Settings()) == 0


def test_a_stop_without_narration_takes_no_time(hall):
    plan = next(s for s in _tour(hall, Audience.PREVIEW).stops if s.panel.number == "A-03")
    assert (plan.narration_characters, plan.seconds, plan.over_time) == (0, 0, False)


def test_reading_length_and_budget_as_the_budget_check_counts(hall):
    _write(
        hall,
        "lamp.md",
        "number: A-02\nzone: origins\nkind: exhibit\ntitle: 矿灯\nexhibit: {name: 矿工头灯}\n"
        "status: published",
        "**一盏**矿灯，" + "亮" * 20 + "。",
    )
    found = _tour(hall, panel_budgets=PanelBudgets(exhibit=24))
    lamp = next(s for s in found.stops if s.panel.number == "A-02")
    assert (lamp.characters, lamp.budget, lamp.over_budget) == (24, 24, False)
    found = _tour(hall, panel_budgets=PanelBudgets(exhibit=23))
    lamp = next(s for s in found.stops if s.panel.number == "A-02")
    assert (lamp.budget, lamp.over_budget) == (23, True)
    intro = next(s for s in found.stops if s.panel.number == "A-01")
    assert (intro.characters, intro.budget, intro.over_budget) == (4, 500, False)


def test_a_zone_without_visible_panels_is_kept_empty(hall):
    (hall / HALL / "medal.md").unlink()
    found = _tour(hall)
    assert [z.zone.id for z in found.zones] == ["origins", "craftsmanship"]
    assert found.zones[1].stops == ()
    assert found.zones[1].seconds == 0
