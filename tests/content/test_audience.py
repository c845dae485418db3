"""The one audience rule: who sees an item follows from its status alone."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from build_tools.content.audience import Audience

DRAFT, REVIEW, PUBLISHED = (SimpleNamespace(status=s) for s in ("draft", "review", "published"))
HALL = SimpleNamespace()  # no status: a container, always shown


@pytest.mark.parametrize(
    ("audience", "seen"),
    [
        (Audience.PREVIEW, {"draft", "review", "published"}),
        (Audience.PROOF, {"review", "published"}),
        (Audience.PRODUCTION, {"published"}),
    ],
)
def test_each_audience_sees_exactly_its_statuses(audience, seen):
    shown = {item.status for item in (DRAFT, REVIEW, PUBLISHED) if audience.shows(item)}
    assert shown == seen
    assert audience.shows(HALL)


def test_badges_name_the_status_only_where_the_item_is_shown_unpublished():
    assert Audience.PREVIEW.badge(DRAFT) == "草稿"
    assert Audience.PREVIEW.badge(REVIEW) == "待审"
    assert Audience.PREVIEW.badge(PUBLISHED) is None
    assert Audience.PROOF.badge(REVIEW) == "待审"
    assert Audience.PROOF.badge(DRAFT) is None  # not shown at all
    assert Audience.PRODUCTION.badge(REVIEW) is None
