"""The shared template pieces: written out for speed, they still say the same thing."""

from __future__ import annotations

from functools import partial

import pytest

from build_tools.site import pages, urls
from build_tools.site.pages import Card, Link, Picture

PICTURE = Picture("a.jpg", "a.jpg 360w, b.jpg 720w", 720, 480, "说明<&>", None)


def _render(source: str, **context: object) -> str:
    template = pages._environment(None).from_string(
        '{% from "_macros.j2" import card, cards, chips, link with context %}' + source
    )
    return template.render(href=partial(urls.relative, "stories/page/2/"), **context)


@pytest.mark.parametrize("badge", [None, "草稿", "待审"])
@pytest.mark.parametrize("picture", [None, PICTURE])
def test_a_card_of_cards_is_the_card_macro(badge, picture):
    card = Card("标题<b>", "stories/s-1/", "1958年", "摘要 & 更多", badge, picture)
    plain = Card("标题", "stories/s-2/", "", "", badge, picture)
    for c in (card, plain):
        one = _render("{{ card(c) }}", c=c)
        assert _render("{{ cards([c]) }}", c=c) == f'<div class="culture-cards">\n{one}\n</div>\n'
    assert _render("{{ cards([]) }}") == '<p class="culture-empty">暂无内容。</p>\n'


def test_a_chip_is_a_link_with_the_chip_class():
    links = [Link("艰苦<创业>", "themes/hard-work/"), Link("无链接", None)]
    chips = _render("{{ chips(ls) }}", ls=links)
    each = _render('{% for l in ls %}{{ link(l, "culture-chip") }}{% endfor %}', ls=links)
    assert chips == f'<span class="culture-chips">{each}</span>'
