"""Search records: one per item the site shows, made from the corpus, and the small HTML
file per record that Pagefind's CLI reads.

Records are made from the corpus, not scraped from the pages: only what an item says is
indexed, never nav, footer or listings. A record also lists whole the names it is about
(`Record.keys`), so a name costs the browser one index chunk, not one per bigram.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from build_tools.content.markdown import plain_text
from build_tools.content.model import Item
from build_tools.content.taxonomies import TAXONOMIES
from build_tools.site import urls
from build_tools.site.relations import SiteIndex
from build_tools.site.search.chinese import cjk_bigrams


@dataclass(frozen=True, slots=True)
class Record:
    """One search result: what Pagefind indexes and shows for an item."""

    url: str  # site-relative
    type: str  # 故事 / 工匠 / 展板 / 故事集 / 其他
    title: str
    date: str
    text: list[str]  # what a reader sees on the page, one paragraph each
    filters: dict[str, list[str]]
    # Names the record is about (people, its unit by every name, themes), indexed whole
    # as well: a query that is such a name asks Pagefind for one word, not its bigrams.
    keys: list[str]


@dataclass(frozen=True, slots=True)
class Written:
    """What `write_records` wrote: the number of parts, and the records it refused."""

    parts: int  # 0 for a site with nothing to index yet
    records: int = 0
    refused: list[str] = field(default_factory=list)  # one message each, in Chinese


def _text(*parts: str | None) -> list[str]:
    lines: list[str] = []
    for part in parts:
        lines += [line.strip() for line in (part or "").splitlines() if line.strip()]
    return lines


def _distinct(*names: str) -> list[str]:
    return list(dict.fromkeys(name for name in names if name))


def filters(index: SiteIndex, item: Item, type_label: str) -> dict[str, list[str]]:
    """The search filters of an item: its type, and the terms it carries in every
    taxonomy that offers a filter (content/taxonomies.py), by their labels."""
    found = {"type": [type_label]}
    for taxonomy in TAXONOMIES:
        if taxonomy.filter and isinstance(item, taxonomy.kind):
            found[taxonomy.filter] = [term.label for term in index.carried(taxonomy, item)]
    return found


def records(index: SiteIndex) -> Iterator[Record]:
    """One record per item `index` shows, in the order the site lists them."""
    corpus = index.corpus
    units = corpus.units
    for story in index.stories:
        unit = units.get(story.unit or "")
        people = [p.name for c in story.craftsmen if (p := index.craftsman(c))] + story.people
        yield Record(
            urls.story(story),
            "故事",
            story.title,
            story.date.zh(),
            _text(
                story.summary,  # first: the excerpt when the match is in the title
                story.subtitle,
                plain_text(story.body.markdown),
                "、".join(people),
                story.place,
                unit.name if unit else None,
                "、".join(story.themes),
                story.source,
                story.author,
            ),
            filters(index, story, "故事"),
            _distinct(*people, *(unit.names() if unit else []), *story.themes),
        )
    for person in index.craftsmen:
        unit = units.get(person.unit)
        yield Record(
            urls.craftsman(person),
            "工匠",
            person.name,
            "",
            _text(
                person.summary,
                person.position,
                unit.name if unit else None,
                plain_text(person.body.markdown),
                person.studio,
                person.motto,
                "、".join(person.skills),
                "、".join(h.title for h in person.honors),
                "、".join(p.title for p in person.patents),
            ),
            filters(index, person, "工匠"),
            _distinct(person.name, *(unit.names() if unit else [])),
        )
    for hall in corpus.halls.values():
        if not index.visible(hall):
            continue
        zones = {z.id: z.title for z in hall.zones}
        yield Record(
            urls.hall(hall),
            "其他",
            hall.name,
            "",
            _text(plain_text(hall.intro or ""), hall.location, "、".join(zones.values())),
            {"type": ["其他"]},
            [],
        )
        for panel in index.panels(hall):
            exhibit = panel.exhibit
            yield Record(
                urls.panel(panel),
                "展板",
                f"{panel.number} {panel.title}",
                "",
                _text(
                    plain_text(panel.body.markdown),  # first: what an excerpt shows first
                    panel.narration,
                    zones.get(panel.zone),
                    exhibit.name if exhibit else None,
                    exhibit.material if exhibit else None,
                    exhibit.origin if exhibit else None,
                ),
                {"type": ["展板"]},
                [],
            )
    for collection in corpus.collections.values():
        if not index.visible(collection):
            continue
        titles = [i.title for iid in collection.items if (i := index.item(iid))]
        yield Record(
            urls.collection(collection),
            "故事集",
            collection.title,
            "",
            _text(
                collection.subtitle,
                collection.editor,
                plain_text(collection.foreword or ""),
                "、".join(titles),
            ),
            {"type": ["故事集"]},
            [],
        )


def record_file(folder: Path, url: str) -> Path | None:
    """Where the record for `url` goes: `<folder>/<url>/index.html`, or None when that
    would not be strictly inside `folder` (`..` climbing out, an absolute path, a NUL).
    URLs come from ids, and the check refuses bad ids; this writer does not rely on it.
    The test is on the URL alone, once normalised, so it holds for every part folder."""
    path = os.path.normpath(url) if url else "."
    if "\0" in url or os.path.isabs(path) or path in (".", "..") or path.startswith("../"):
        return None
    return folder / path / "index.html"


def write_records(items: Iterable[Record], work_dir: Path, part_words: int) -> Written:
    """Each record as the small HTML file Pagefind's CLI reads, in folders (parts)
    `part-0`, `part-1`, … of at most `part_words` words each. A record whose URL would
    leave its part's folder is refused, with a message, and not written."""
    from jinja2 import Environment, PackageLoader

    template = Environment(
        loader=PackageLoader("build_tools.site", "templates"), autoescape=True
    ).get_template("search_record.html.j2")
    parts = words = written = 0
    refused: list[str] = []
    for record in items:
        if record_file(work_dir, record.url) is None:
            refused.append(
                f"搜索索引没有收录{record.type}「{record.title}」：它的网址 {record.url!r} "
                "会指向索引文件夹之外"
            )
            continue
        title = cjk_bigrams(record.title)
        paragraphs = [cjk_bigrams(line) for line in record.text]
        size = sum(len(line.split()) for line in [title, *paragraphs])
        if parts == 0 or (words and words + size > part_words):
            parts, words = parts + 1, 0
        words += size
        target = record_file(work_dir / f"part-{parts - 1}", record.url)
        assert target is not None  # the same URL was accepted above, whatever the folder
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            template.render(record=record, title=title, paragraphs=paragraphs), encoding="utf-8"
        )
        written += 1
    return Written(parts, written, refused)
