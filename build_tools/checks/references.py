"""References between items: every id must exist, and published items may only point at
published ones (anything else is a dead link in production).

Partial items (front matter with errors) are checked too, for the fields that validated:
a field that did not is None and was reported where it is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from build_tools.config import Settings
from build_tools.content.corpus import Corpus
from build_tools.content.model import (
    STATUS_LABELS,
    Craftsman,
    Hall,
    Item,
    Origin,
    Panel,
    Story,
)
from build_tools.diagnostics import Diagnostic, diagnostic
from build_tools.suggest import closest, closest_by_names, did_you_mean

# A Chinese personal name as written in `people`: two to four characters (an id is ASCII).
PERSON_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")


def unit_problem(corpus: Corpus, value: str) -> str | None:
    """Why `value` is not a unit id, with a suggestion; None if it is (or names a unit
    whose entry is broken, reported there). `culture new --unit` says the same."""
    if value in corpus.units or corpus.is_broken("unit", value):
        return None
    names = corpus.unit_names()
    options = closest_by_names(value, names)
    described = {uid: corpus.units[uid].name for uid in options}
    if any(value in names[uid] for uid in options):
        return f"单位要写 id 而不是名称：“{value}”{did_you_mean(options, described)}"
    return f"未知的单位“{value}”{did_you_mean(options, described)}"


def theme_problem(corpus: Corpus, value: str) -> str | None:
    """Why `value` is not a theme name, with the closest themes, or all of them when none
    is close (the vocabulary is short); None if it is. `culture new --theme` says the same."""
    if value in corpus.themes or corpus.is_broken("theme", value):
        return None
    by_slug = corpus.theme_slugs()
    if value in by_slug:
        options = [by_slug[value].name]
        return f"主题要写中文名称而不是 slug：“{value}”{did_you_mean(options)}"
    options = closest_by_names(value, {name: [t.slug] for name, t in corpus.themes.items()})
    options = options or closest(value, corpus.themes, cutoff=0.3)
    message = f"未知的主题“{value}”（主题须在 themes.yml 中列出）"
    if options:
        return message + did_you_mean(options)
    if corpus.themes:
        return message + f"；可用的主题：{'、'.join(corpus.themes)}"
    return message + "；themes.yml 中还没有主题"


def _unit_ref(corpus: Corpus, value: str, origin: Origin, *path: str | int) -> Iterator[Diagnostic]:
    problem = unit_problem(corpus, value)
    if problem:
        yield diagnostic("E-REF-UNIT", origin.at(*path), problem)


def _theme_ref(corpus: Corpus, value: str, origin: Origin, index: int) -> Iterator[Diagnostic]:
    problem = theme_problem(corpus, value)
    if problem:
        yield diagnostic("E-REF-THEME", origin.at("themes", index), problem)


def _people_names(items: dict[str, Craftsman]) -> dict[str, list[str]]:
    return {cid: [c.name] for cid, c in items.items()}


def item_reference_problem(
    corpus: Corpus, value: str, *, craftsmen_only: bool = False
) -> str | None:
    """Why `value` is not a known story/craftsman id, with a suggestion; None if it is."""
    kinds = ("craftsman",) if craftsmen_only else ("story", "craftsman")
    if craftsmen_only and value in corpus.craftsmen:
        return None
    if not craftsmen_only and corpus.story_or_craftsman(value) is not None:
        return None
    if any(corpus.is_broken(kind, value) or corpus.alias_target(kind, value) for kind in kinds):
        return None  # reported at its own file, or an old id that still redirects
    candidates = _people_names(corpus.craftsmen)
    if not craftsmen_only:
        candidates |= {sid: [s.title] for sid, s in corpus.stories.items()}
    options = closest_by_names(value, candidates)
    described = {oid: (candidates[oid][0]) for oid in options}
    what = "工匠" if craftsmen_only else "故事或工匠"
    if any(value in candidates[o] for o in options):
        return f"这里要写{what}的 id 而不是名字：“{value}”{did_you_mean(options, described)}"
    if craftsmen_only and PERSON_NAME.fullmatch(value):
        # A name with no profile: the person belongs in `people`, not in `craftsmen`.
        return (
            f"“{value}”看起来是人名，不是工匠 id：还没有工匠风采页的人请写进 people"
            f"（如 people: [{value}]）{did_you_mean(options, described)}"
        )
    return f"未知的{what} id“{value}”{did_you_mean(options, described)}"


def _values(item: Item, field: str) -> list[str]:
    """A list field of a valid or partial item (a partial item's bad field is None)."""
    return getattr(item, field, None) or []


def check_references(corpus: Corpus, settings: Settings) -> Iterator[Diagnostic]:
    for unit in corpus.units.values():
        if unit.parent and unit.parent not in corpus.units:
            yield from _unit_ref(corpus, unit.parent, unit.origin, "parent")
    for story in corpus.loaded("story"):
        assert isinstance(story, Story)
        if story.unit:
            yield from _unit_ref(corpus, story.unit, story.origin, "unit")
        themes = _values(story, "themes")
        for i, theme in enumerate(themes):
            yield from _theme_ref(corpus, theme, story.origin, i)
            if theme in themes[:i]:
                message = f"主题“{theme}”写了两次"
                yield diagnostic("W-FIELD-DUPLICATE-ENTRY", story.origin.at("themes", i), message)
        for i, cid in enumerate(_values(story, "craftsmen")):
            problem = item_reference_problem(corpus, cid, craftsmen_only=True)
            if problem:
                yield diagnostic("E-REF-CRAFTSMAN", story.origin.at("craftsmen", i), problem)
    for craftsman in corpus.loaded("craftsman"):
        assert isinstance(craftsman, Craftsman)
        if craftsman.unit:
            yield from _unit_ref(corpus, craftsman.unit, craftsman.origin, "unit")
    for panel in corpus.loaded("panel"):
        assert isinstance(panel, Panel)
        yield from _zone_ref(corpus, panel)
        for i, rid in enumerate(_values(panel, "related")):
            problem = item_reference_problem(corpus, rid)
            if problem:
                yield diagnostic("E-REF-ITEM", panel.origin.at("related", i), problem)
    for collection in corpus.loaded("collection"):
        for i, iid in enumerate(_values(collection, "items")):
            problem = item_reference_problem(corpus, iid)
            if problem:
                yield diagnostic("E-REF-ITEM", collection.origin.at("items", i), problem)


def _zone_ref(corpus: Corpus, panel: Panel) -> Iterator[Diagnostic]:
    hall = corpus.halls.get(panel.hall) or corpus.partial.get(("hall", panel.hall))
    if not isinstance(hall, Hall) or not hall.zones or not panel.zone:
        return  # a hall.yml that did not say its zones is reported there
    zones = {zone.id: zone.title for zone in hall.zones}
    if panel.zone not in zones:
        by_name = {zid: [title] for zid, title in zones.items()}
        options = closest_by_names(panel.zone, by_name)
        message = (
            f"展厅“{hall.name or hall.id}”中没有单元“{panel.zone}”"
            f"（可用：{'、'.join(zones)}）{did_you_mean(options, zones)}"
        )
        yield diagnostic("E-REF-ZONE", panel.origin.at("zone"), message)


def check_unpublished_targets(corpus: Corpus, settings: Settings) -> Iterator[Diagnostic]:
    """A published item linking to a draft or review item makes a dead link in production."""
    sources: list[tuple[Item, str]] = []
    for story in corpus.loaded("story"):
        if getattr(story, "status", None) == "published":
            sources.append((story, "craftsmen"))
    for panel in corpus.loaded("panel"):
        if getattr(panel, "status", None) == "published":
            sources.append((panel, "related"))
    for item, field in sources:
        for i, value in enumerate(_values(item, field)):
            target = corpus.find_loaded(value)
            status = getattr(target, "status", None)
            if target is None or status is None or status == "published":
                continue  # unknown ids are reported by check_references
            label = STATUS_LABELS[status]
            message = (
                f"已发布的{item.kind_label}引用了{label}状态的{target.kind_label}“{value}”"
                f"（{target.origin.path}），正式网站上会成为死链接；"
                "请先发布对方，或暂时删去这个引用"
            )
            yield diagnostic("E-REF-UNPUBLISHED", item.origin.at(field, i), message)
