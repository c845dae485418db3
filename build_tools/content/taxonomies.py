"""Taxonomies as data (Hugo's idea): every way items are grouped, in one table.

A taxonomy says which kind of item it groups, which terms exist, which terms an item
carries, and where the term pages live. Term pages, listings, search filters and the
facets on listings are all driven by `TAXONOMIES`; adding one (人物, 地点 …) is one entry
here plus, at most, one template for its index page.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from build_tools.content.corpus import Corpus
from build_tools.content.model import Craftsman, HonorLevel, Item, Story

HONOR_LEVELS: tuple[str, ...] = typing.get_args(HonorLevel)  # highest first
_LEVEL_SLUGS = dict(zip(HONOR_LEVELS, ("national", "provincial", "group", "company"), strict=True))


@dataclass(frozen=True, slots=True)
class Term:
    key: str  # what items carry: a theme's name, a unit id, "1950", "国家级"
    label: str  # what readers see: 艰苦创业, 第一煤矿, 1950年代, 国家级
    slug: str  # its part of the URL
    description: str = ""
    parent: str | None = None  # a term above it (the unit tree)


@dataclass(frozen=True, slots=True)
class Taxonomy:
    name: str  # "theme"
    label: str  # 主题
    kind: type[Item]  # the items it groups
    base: str  # the folder of its term pages, e.g. "themes/"
    terms: Callable[[Corpus], list[Term]]  # every term, in the order readers see them
    of: Callable[[Item], Iterable[str]]  # the term keys an item carries
    title: str = "{label}"  # a term page's title; {label} is the term's
    lead: str = "{description}"  # the line under it; also {count}, the items listed
    index: str | None = None  # the template of the page listing every term
    filter: str | None = None  # the search filter it offers, by term label
    facet: bool = False  # offered as a filter above listings of its kind
    rollup: bool = False  # a term's page also lists the items of the terms below it
    chronicle: bool = False  # listings grouped by year
    empty_pages: bool = True  # a page even for a term no item carries (yet)
    also: str | None = None  # another taxonomy with the same terms, previewed on the page

    def url(self, term: Term) -> str:
        return f"{self.base}{term.slug}/"


def _themes(corpus: Corpus) -> list[Term]:
    return [Term(t.name, t.name, t.slug, t.description or "") for t in corpus.themes.values()]


def _units(corpus: Corpus) -> list[Term]:
    terms = []
    for unit in corpus.units.values():
        about = [f"简称{unit.short}" if unit.short else "", ""]
        if unit.aliases:
            about[1] = f"曾用名：{'、'.join(unit.aliases)}"
        parent = unit.parent if unit.parent in corpus.units else None
        terms.append(Term(unit.id, unit.name, unit.id, "、".join(x for x in about if x), parent))
    return terms


def _decades(corpus: Corpus) -> list[Term]:
    decades = sorted({s.date.decade for s in corpus.stories.values()})
    return [Term(str(d), f"{d}年代", f"{d}s", f"{d}—{d + 9} 年间") for d in decades]


def _levels(corpus: Corpus) -> list[Term]:
    return [Term(level, level, _LEVEL_SLUGS[level]) for level in HONOR_LEVELS]


def _story(item: Item) -> Story:
    assert isinstance(item, Story)
    return item


def _craftsman(item: Item) -> Craftsman:
    assert isinstance(item, Craftsman)
    return item


TAXONOMIES: tuple[Taxonomy, ...] = (
    Taxonomy(
        "theme",
        "主题",
        Story,
        "themes/",
        _themes,
        lambda i: dict.fromkeys(_story(i).themes),
        title="主题：{label}",
        index="themes.md.j2",
        filter="theme",
    ),
    Taxonomy(
        "unit",
        "单位",
        Story,
        "units/",
        _units,
        lambda i: [u] if (u := _story(i).unit) else [],
        index="units.md.j2",
        filter="unit",
        rollup=True,
        also="craftsman-unit",
    ),
    Taxonomy(
        "decade",
        "年代",
        Story,
        "timeline/",
        _decades,
        lambda i: [str(_story(i).date.decade)],
        lead="{description}的 {count} 个故事，按时间排列。",
        index="timeline.md.j2",
        filter="decade",
        chronicle=True,
        empty_pages=False,
    ),
    Taxonomy(
        "level",
        "荣誉级别",
        Craftsman,
        "craftsmen/levels/",
        _levels,
        lambda i: dict.fromkeys(h.level for h in _craftsman(i).honors),
        title="工匠风采：{label}荣誉",
        facet=True,
    ),
    Taxonomy(
        "craftsman-unit",
        "单位",
        Craftsman,
        "craftsmen/units/",
        _units,
        lambda i: [_craftsman(i).unit],
        title="工匠风采：{label}",
        filter="unit",
        facet=True,
        empty_pages=False,
    ),
)

BY_NAME: dict[str, Taxonomy] = {t.name: t for t in TAXONOMIES}
