"""The entity index: what people search for by name, and the file format the browser reads.

`entities()` lists craftsmen, people, units with their short and former names, themes,
titles and years, each with its 繁体 spellings; the browser (assets/search.js) matches a
query against them exactly and shows them above the full-text results. They are written
in files bucketed by a hash of the key (`bucket()`), so a query loads two small files
whatever the size of the site.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from build_tools.content.model import Story
from build_tools.site import urls
from build_tools.site.relations import SiteIndex
from build_tools.site.search.chinese import simplified_map, traditional

ENTITIES_DIR = "search/entities"  # hashed buckets: a query loads two small files
T2S_FILE = "search/t2s.json"
PREFIX_DEPTH = 3  # a query's first characters look up the names that begin so
PREFIX_ROWS = 3  # names the browser shows that merely begin with the query
KEYS_PER_BUCKET = 8  # on average, in one file of the entity index


@dataclass(frozen=True, slots=True)
class Entity:
    keys: list[str]  # exact spellings that find it (simplified first)
    type: str  # 故事 / 工匠 / 展板 / 故事集 / 单位 / 主题 / 人物 / 年份 / 其他
    title: str
    url: str  # site-relative
    summary: str
    date: str
    rank: int  # lower first when several match equally


def _keys(*names: str | None) -> list[str]:
    keys: list[str] = []
    for name in names:
        if name:
            keys += [name, *traditional(name)]
    return list(dict.fromkeys(keys))


def entities(index: SiteIndex) -> list[Entity]:
    """Every name the site can be searched by, for the items `index` shows."""
    corpus = index.corpus
    found: list[Entity] = []
    for person in index.craftsmen:
        found.append(
            Entity(
                _keys(person.name),
                "工匠",
                person.name,
                urls.craftsman(person),
                person.summary,
                "",
                0,
            )
        )
    for unit in corpus.units.values():
        found.append(
            Entity(
                _keys(unit.name, unit.short, *unit.aliases),
                "单位",
                unit.name,
                urls.unit(unit),
                "曾用名：" + "、".join(unit.aliases) if unit.aliases else "",
                "",
                1,
            )
        )
    for name, theme in corpus.themes.items():
        if index.by_theme.get(name):
            found.append(
                Entity(_keys(name), "主题", name, urls.theme(theme), theme.description or "", "", 2)
            )
    for story in index.stories:
        found.append(
            Entity(
                _keys(story.title),
                "故事",
                story.title,
                urls.story(story),
                story.summary,
                story.date.zh(),
                3,
            )
        )
    for hall in corpus.halls.values():
        if not index.visible(hall):
            continue
        found.append(Entity(_keys(hall.name), "其他", hall.name, urls.hall(hall), "", "", 4))
        for panel in index.panels(hall):
            found.append(
                Entity(
                    _keys(panel.title, panel.number),
                    "展板",
                    f"{panel.number} {panel.title}",
                    urls.panel(panel),
                    "",
                    "",
                    4,
                )
            )
    for collection in corpus.collections.values():
        if not index.visible(collection):
            continue
        found.append(
            Entity(
                _keys(collection.title),
                "故事集",
                collection.title,
                urls.collection(collection),
                collection.subtitle or "",
                "",
                5,
            )
        )
    people: dict[str, list[Story]] = {}
    for story in index.stories:
        for name in story.people:
            people.setdefault(name, []).append(story)
    craftsmen = {c.name for c in index.craftsmen}
    for name, stories in people.items():
        if name in craftsmen:
            continue
        for story in stories:
            found.append(
                Entity(
                    _keys(name),
                    "人物",
                    story.title,
                    urls.story(story),
                    "",  # the browser says “…出现在这个故事中”
                    story.date.zh(),
                    6,
                )
            )
    per_year = Counter(s.date.year for s in index.stories)
    for year, count in sorted(per_year.items()):
        found.append(
            Entity(
                [str(year), f"{year}年"],
                "年份",
                f"{year}年的故事",
                f"{urls.decade(year)}#y{year}",
                f"共 {count} 篇",
                "",
                7,
            )
        )
    return found


def site_text(index: SiteIndex) -> Iterator[str]:
    """The text of everything `index` shows: the characters the 繁→简 map must cover."""
    corpus = index.corpus
    for story in index.stories:
        yield from (story.title, story.summary, story.body.markdown, *story.people)
    for person in index.craftsmen:
        yield from (person.name, person.summary, person.body.markdown)
    for unit in corpus.units.values():
        yield from unit.names()
    for hall in corpus.halls.values():
        if index.visible(hall):
            yield from (hall.name, hall.intro or "")
            for panel in index.panels(hall):
                yield from (panel.title, panel.body.markdown, panel.narration or "")
    for collection in corpus.collections.values():
        if index.visible(collection):
            yield from (collection.title, collection.foreword or "")


def bucket(key: str, buckets: int) -> int:
    """The file of the entity index a key (or a query) is in: 32-bit FNV-1a of its
    UTF-8, computed the same way by search.js."""
    value = 0x811C9DC5
    for byte in key.lower().encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value % buckets


def _bucket_count(keys: int) -> int:
    return 1 << max(4, (keys // KEYS_PER_BUCKET).bit_length())


def write_entities(site: Path, index: SiteIndex) -> int:
    """Write the entity index and the 繁→简 map of the items `index` shows; returns the
    number of files.

    A query fetches two small files, both always there: `names-<b>` with every entity
    that has the query as a key, and `prefixes-<b>` with, for the query's first
    characters, only the few names beginning with them that the browser would show,
    ranked as it ranks them (not every name with 王, nor every title that begins with
    a year). Files are buckets of a hash of the key, so their number and size stay
    small whatever the site's size, and no lookup ends in a 404."""
    names: dict[str, dict[int, list[Any]]] = {}
    starting: dict[str, dict[int, list[Any]]] = {}
    for entity in entities(index):
        # A row, not an object: [keys, type, title, url, summary, date, rank] (smaller).
        row = [
            entity.keys,
            entity.type,
            entity.title,
            entity.url,
            entity.summary[:40],
            entity.date,
            entity.rank,
        ]
        for key in {k.lower() for k in entity.keys if k}:
            names.setdefault(key, {})[id(row)] = row
            for depth in range(1, min(len(key) - 1, PREFIX_DEPTH) + 1):
                starting.setdefault(key[:depth], {})[id(row)] = row
    folder = site / ENTITIES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    counts = {"names": _bucket_count(len(names)), "prefixes": _bucket_count(len(starting))}
    files: dict[str, dict[int, dict[str, list[list[Any]]]]] = {
        kind: {b: {} for b in range(count)} for kind, count in counts.items()
    }
    for key, rows in names.items():
        files["names"][bucket(key, counts["names"])][key] = list(rows.values())
    for prefix, rows in starting.items():
        best = sorted(rows.values(), key=lambda r: (r[6], len(r[2])))[:PREFIX_ROWS]
        files["prefixes"][bucket(prefix, counts["prefixes"])][prefix] = best
    for kind, buckets in files.items():
        for number, content in buckets.items():
            (folder / f"{kind}-{number}.json").write_text(_json(content), encoding="utf-8")
    (folder / "index.json").write_text(_json({**counts, "depth": PREFIX_DEPTH}), encoding="utf-8")
    (site / T2S_FILE).write_text(_json(simplified_map(site_text(index))), encoding="utf-8")
    return sum(counts.values()) + 1


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
