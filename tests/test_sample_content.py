"""The sample content under `stories/` is clean and rich enough to show every feature."""

from __future__ import annotations

from collections import Counter

import pytest

from build_tools.cli import check_content
from tests.conftest import PROJECT


@pytest.fixture(scope="module")
def checked():
    return check_content(PROJECT)


def test_sample_content_has_no_errors(checked):
    _, _, found = checked
    errors = [d for d in found if d.severity == "error"]
    assert errors == []


def test_sample_stories_cover_themes_units_and_decades(checked):
    _, corpus, _ = checked
    stories = list(corpus.stories.values())
    assert len(stories) >= 24
    assert len({t for s in stories for t in s.themes}) >= 10
    assert len({s.unit for s in stories if s.unit}) >= 6
    decades = {s.date.decade for s in stories}
    assert set(range(1950, 2030, 10)) <= decades
    precisions = Counter(s.date.precision for s in stories)
    assert precisions["year"] >= 2 and precisions["month"] >= 2
    assert {s.status for s in stories} == {"draft", "review", "published"}
    covers = [s.cover for s in stories if s.cover]
    assert len(covers) >= 3 and all(c.caption for c in covers)


def test_sample_craftsmen_have_honours_patents_studios(checked):
    _, corpus, _ = checked
    people = [c for c in corpus.craftsmen.values() if c.is_published]
    assert len(corpus.craftsmen) >= 8
    assert sum(bool(c.honors) for c in people) >= 8
    assert sum(bool(c.patents) for c in people) >= 3
    assert sum(bool(c.studio) for c in people) >= 3


def test_sample_hall_has_zones_and_panels_in_tour_order(checked):
    _, corpus, _ = checked
    [hall] = corpus.halls.values()
    assert len(hall.zones) >= 3
    assert len(hall.panels) >= 14
    assert {p.panel_kind for p in hall.panels} == {"intro", "section", "exhibit"}
    assert sum(bool(p.narration) for p in hall.panels) > len(hall.panels) / 2
    numbers = [p.number for p in hall.panels]
    assert numbers == sorted(numbers)
    zone_order = [z.id for z in hall.zones]
    visited = [zone_order.index(p.zone) for p in hall.panels]
    assert visited == sorted(visited), "panel numbers follow the zones' visiting order"


def test_sample_collections_list_8_to_12_published_items(checked):
    _, corpus, _ = checked
    assert len(corpus.collections) == 2
    for collection in corpus.collections.values():
        assert 8 <= len(collection.items) <= 12
        assert all(corpus.story_or_craftsman(i).is_published for i in collection.items)
