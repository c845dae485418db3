"""Ids: the file-name rule, aliases that collide, and well-formed vocabularies.

Items whose front matter has other errors (partial items) are checked too. Ids and
aliases are only ever compared here, never made into paths: URLs are built from them
later, by writers that refuse a path leaving their folder.
"""

from __future__ import annotations

from collections.abc import Iterator

from slugify import slugify

from build_tools.config import Settings
from build_tools.content.corpus import Corpus
from build_tools.content.model import ID_RE, Item, Panel
from build_tools.diagnostics import Diagnostic, Location, diagnostic
from build_tools.site.urls import HALL_RESERVED


def _id_hint(value: str) -> str:
    suggestion = slugify(value)
    return f"，可改为“{suggestion}”" if suggestion and suggestion != value else ""


_RULE = "只能用小写字母、数字和单个连字符（如 first-shovel-1953）"


_KINDS = ("story", "craftsman", "hall", "panel", "collection")


def _loaded(corpus: Corpus) -> Iterator[Item]:
    for kind in _KINDS:
        yield from corpus.loaded(kind)


def check_item_ids(corpus: Corpus, settings: Settings) -> Iterator[Diagnostic]:
    for item in _loaded(corpus):
        if not ID_RE.match(item.id):
            where = Location(item.origin.path, 1, 1)
            what = "展厅文件夹名" if item.kind == "hall" else "文件名"
            message = f"{what}“{item.id}”不能用作 id：{_RULE}{_id_hint(item.id)}"
            yield diagnostic("E-ID-INVALID", where, message)
        reserved = _reserved(item)
        if reserved:
            where = Location(item.origin.path, 1, 1)
            message = (
                f"展板不能叫“{item.id}”：展厅网址下的“{item.id}/”是{reserved}；请给文件改个名字"
            )
            yield diagnostic("E-ID-INVALID", where, message)


def _reserved(item: Item) -> str | None:
    """What the site uses a panel's would-be URL for, if it does (the 讲解模式 page)."""
    if isinstance(item, Panel) and item.id in HALL_RESERVED:
        return "讲解模式页面"
    return None


def _peers(corpus: Corpus, item: Item) -> dict[str, Item]:
    """Items whose ids share a URL space with `item`'s."""
    if isinstance(item, Panel):
        hall = corpus.halls.get(item.hall)
        return {panel.id: panel for panel in hall.panels} if hall else {}
    return {
        "story": corpus.stories,
        "craftsman": corpus.craftsmen,
        "collection": corpus.collections,
        "hall": corpus.halls,
    }.get(item.kind, {})  # type: ignore[return-value]


def check_aliases(corpus: Corpus, settings: Settings) -> Iterator[Diagnostic]:
    seen: dict[tuple[str, str], Item] = {}
    for item in _loaded(corpus):
        aliases: list[str] = getattr(item, "aliases", None) or []
        if not aliases:
            continue
        peers = _peers(corpus, item)
        scope = f"{item.hall}/" if isinstance(item, Panel) else ""
        for i, alias in enumerate(aliases):
            where = item.origin.at("aliases", i)
            if not ID_RE.match(alias):
                message = f"曾用 id“{alias}”不符合 id 规则：{_RULE}"
                yield diagnostic("E-ID-INVALID", where, message)
            if isinstance(item, Panel) and alias in HALL_RESERVED:
                message = f"曾用 id 不能是“{alias}”：展厅网址下的“{alias}/”是讲解模式页面"
                yield diagnostic("E-ID-INVALID", where, message)
            if alias == item.id:
                message = f"曾用 id“{alias}”就是现在的 id，请删去"
                yield diagnostic("E-ID-DUPLICATE", where, message)
                continue
            if alias in peers:
                other = peers[alias]
                message = (
                    f"曾用 id“{alias}”与现有的{other.kind_label}（{other.origin.path}）重名，"
                    "旧网址无法跳转"
                )
                yield diagnostic("E-ID-DUPLICATE", where, message)
                continue
            first = seen.setdefault((item.kind, scope + alias), item)
            if first is not item:
                message = (
                    f"曾用 id“{alias}”也写在 {first.origin.path} 的 aliases 中，旧网址只能跳到一处"
                )
                yield diagnostic("E-ID-DUPLICATE", where, message)


def check_vocabularies(corpus: Corpus, settings: Settings) -> Iterator[Diagnostic]:
    for unit in corpus.units.values():
        if not ID_RE.match(unit.id):
            message = f"单位 id“{unit.id}”不符合规则：{_RULE}{_id_hint(unit.id)}"
            yield diagnostic("E-ID-INVALID", unit.origin.at("id"), message)
    for theme in corpus.themes.values():
        if not ID_RE.match(theme.slug):
            message = f"主题 slug“{theme.slug}”不符合规则：{_RULE}{_id_hint(theme.slug)}"
            yield diagnostic("E-ID-INVALID", theme.origin.at("slug"), message)
    for hall in corpus.loaded("hall"):
        seen: dict[str, int] = {}
        for i, zone in enumerate(getattr(hall, "zones", None) or []):
            where = hall.origin.at("zones", i, "id")
            if not ID_RE.match(zone.id):
                message = f"单元 id“{zone.id}”不符合规则：{_RULE}{_id_hint(zone.id)}"
                yield diagnostic("E-ID-INVALID", where, message)
            if zone.id in seen:
                first = hall.origin.at("zones", seen[zone.id], "id")
                message = f"单元 id“{zone.id}”重复，第 {first.line} 行已经用过"
                yield diagnostic("E-ID-DUPLICATE", where, message)
            seen.setdefault(zone.id, i)
