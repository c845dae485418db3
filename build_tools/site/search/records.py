"""Search records: one per item the site shows, made from the corpus, and the small HTML
file per record that Pagefind's CLI reads.

Records are made from the corpus, not scraped from the pages: only what an item says is
indexed, never nav, footer or listings. A record also lists whole the names it is about
(`Record.keys`), so a name costs the browser one index chunk, not one per bigram.

A record's file is named after its URL, `stories/<id>/` → `stories/<id>.record.html`, not
`stories/<id>/index.html`: a folder per record cost a mkdir and an rmdir each (10k
stories: seconds to remove, once 18 s on a busy disk). Pagefind indexes the file's path
as its URL; `page_url` turns it back, and the browser does the same (search-worker.js).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Container, Iterable, Iterator
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
    words: int = 0  # what Pagefind will index (bigrams and other words)


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


def records(
    index: SiteIndex,
    body_text: Callable[[str], str] = plain_text,
    wanted: Container[str] | None = None,
) -> Iterator[Record]:
    """One record per item `index` shows, in the order the site lists them.

    `body_text` turns the Markdown of a body into its text (search/cache.py passes a
    digest instead, to tell what changed without parsing a body); `wanted`, when given,
    keeps the records with these URLs only, and skips the others before their text."""
    corpus = index.corpus
    units = corpus.units
    for story in index.stories:
        url = urls.story(story)
        if wanted is not None and url not in wanted:
            continue
        unit = units.get(story.unit or "")
        people = [p.name for c in story.craftsmen if (p := index.craftsman(c))] + story.people
        yield Record(
            url,
            "故事",
            story.title,
            story.date.zh(),
            _text(
                story.summary,  # first: the excerpt when the match is in the title
                story.subtitle,
                body_text(story.body.markdown),
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
        url = urls.craftsman(person)
        if wanted is not None and url not in wanted:
            continue
        unit = units.get(person.unit)
        yield Record(
            url,
            "工匠",
            person.name,
            "",
            _text(
                person.summary,
                person.position,
                unit.name if unit else None,
                body_text(person.body.markdown),
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
        url = urls.hall(hall)
        if wanted is None or url in wanted:
            yield Record(
                url,
                "其他",
                hall.name,
                "",
                _text(body_text(hall.intro or ""), hall.location, "、".join(zones.values())),
                {"type": ["其他"]},
                [],
            )
        for panel in index.panels(hall):
            url = urls.panel(panel)
            if wanted is not None and url not in wanted:
                continue
            exhibit = panel.exhibit
            yield Record(
                url,
                "展板",
                f"{panel.number} {panel.title}",
                "",
                _text(
                    body_text(panel.body.markdown),  # first: what an excerpt shows first
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
        url = urls.collection(collection)
        if wanted is not None and url not in wanted:
            continue
        titles = [i.title for iid in collection.items if (i := index.item(iid))]
        yield Record(
            url,
            "故事集",
            collection.title,
            "",
            _text(
                collection.subtitle,
                collection.editor,
                body_text(collection.foreword or ""),
                "、".join(titles),
            ),
            {"type": ["故事集"]},
            [],
        )


_SUFFIX = ".record.html"  # never "index.html", which Pagefind would index as its folder


def record_file(folder: Path, url: str) -> Path | None:
    """Where the record for `url` goes: `<folder>/stories/<id>.record.html` for
    `stories/<id>/`, or None unless `url` is a plain folder URL strictly inside the site
    (no `..` climbing out, no absolute path, no NUL, nothing to normalise away).
    URLs come from ids, and the check refuses bad ids; this writer does not rely on it.
    The test is on the URL alone, so it holds for every part folder."""
    path = _inside(url)
    return None if path is None else folder / (path + _SUFFIX)


def _inside(url: str) -> str | None:
    path = os.path.normpath(url) if url else "."
    if (
        "\0" in url
        or os.path.isabs(path)
        or path in (".", "..")
        or path.startswith("../")
        or f"{path}/" != url
    ):
        return None
    return path


def page_url(indexed: str) -> str:
    """The record URL of what Pagefind indexed as `/stories/<id>.record.html`."""
    return indexed.lstrip("/").removesuffix(_SUFFIX) + "/"


def refusal(record: Record) -> str | None:
    """Why `record` cannot be indexed (its URL), in Chinese, or None."""
    if _inside(record.url) is not None:
        return None
    return f"搜索索引没有收录{record.type}「{record.title}」：它的网址 {record.url!r} 不是网站之内的网址"


def write_records(items: Iterable[Record], work_dir: Path, part_words: int) -> Written:
    """Each record as the small HTML file Pagefind's CLI reads, in folders (parts)
    `part-0`, `part-1`, … of at most `part_words` words each. A record whose URL would
    leave its part's folder is refused, with a message, and not written."""
    from jinja2 import Environment, PackageLoader

    template = Environment(
        loader=PackageLoader("build_tools.site", "templates"), autoescape=True
    ).get_template("search_record.html.j2")
    parts = words = written = total = 0
    refused: list[str] = []
    folders: set[Path] = set()  # made already: one mkdir per folder, not per record
    for record in items:
        if (why := refusal(record)) is not None:
            refused.append(why)
            continue
        title = cjk_bigrams(record.title)
        paragraphs = [cjk_bigrams(line) for line in record.text]
        size = sum(len(line.split()) for line in [title, *paragraphs])
        if parts == 0 or (words and words + size > part_words):
            parts, words = parts + 1, 0
        words += size
        total += size
        target = record_file(work_dir / f"part-{parts - 1}", record.url)
        assert target is not None  # the same URL was accepted above, whatever the folder
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        target.write_text(
            template.render(record=record, title=title, paragraphs=paragraphs), encoding="utf-8"
        )
        written += 1
    return Written(parts, written, refused, total)
