"""Search: a Pagefind index of every item, and an entity index for names.

Pagefind (extended) runs as its own process, started when the records are known and
left to work while MkDocs renders the pages, so the two cores work at once. Records are
made from the corpus, not scraped from HTML: only what an item says is indexed, never
nav, footer or listings.

Chinese text is indexed as overlapping character bigrams (东山坡 → 东山 山坡), the way
Lucene's CJK analyser does, in no language (`und`), and the browser turns a query into
bigrams the same way (assets/search-worker.js). Measured on the sample queries,
Pagefind's own Chinese segmentation missed phrases and names outright (王建国, 锅底
found nothing), while bigrams find any substring. A record also lists whole the names
it is about (`Record.keys`), so a name costs the browser one index chunk, not one per
bigram.

`entities()` lists what people search for by name (craftsmen, people, units and their
former names, themes, titles, years) with their 繁体 spellings; the browser matches
those exactly and shows them above the full-text results.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from build_tools.content.corpus import Corpus
from build_tools.content.markdown import plain_text
from build_tools.site import urls
from build_tools.site.relations import SiteIndex

PAGEFIND_DIR = "pagefind"
ENTITIES_DIR = "search/entities"  # hashed buckets: a query loads two small files
T2S_FILE = "search/t2s.json"
# The records are already split into bigrams: "und" (no language) keeps Pagefind from
# segmenting them again as Chinese or stemming them as English.
LANGUAGE = "und"
# Words (bigrams) per Pagefind run. Pagefind holds a whole index in memory: measured,
# 9.7 million words (10,275 records of the 10k benchmark) took 3.1 GB. A larger site is
# indexed in parts, filled one after the other, so the last part is the small one: every
# part costs the browser its own chunk for each query term.
PART_WORDS = 10_000_000
PARTS_FILE = "search/parts.json"


@cache
def _converter(config: str) -> Any:
    import opencc

    return opencc.OpenCC(config)


def traditional(text: str) -> list[str]:
    """The spellings of `text` a reader in Taiwan or Hong Kong might type."""
    forms = {_converter(c).convert(text) for c in ("s2t", "s2tw", "s2hk")}
    forms.discard(text)
    return sorted(forms)


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


def entities(corpus: Corpus, index: SiteIndex) -> list[Entity]:
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
    people: dict[str, list[Any]] = {}
    for story in index.stories:
        for name in story.people:
            people.setdefault(name, []).append(story)
    for name, stories in people.items():
        if any(name == c.name for c in index.craftsmen):
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
    years = sorted({s.date.year for s in index.stories})
    for year in years:
        count = sum(1 for s in index.by_decade.get(year // 10 * 10, []) if s.date.year == year)
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


def simplified_map(corpus: Corpus, index: SiteIndex) -> dict[str, str]:
    """Traditional → simplified characters for every character the site's text uses,
    so that a 繁体 query finds simplified pages in the full-text index too."""
    used: set[str] = set()
    for story in index.stories:
        used.update(story.title, story.summary, story.body.markdown, *story.people)
    for person in index.craftsmen:
        used.update(person.name, person.summary, person.body.markdown)
    for unit in corpus.units.values():
        used.update("".join(unit.names()))
    for hall in corpus.halls.values():
        used.update(hall.name, hall.intro or "")
        for panel in index.panels(hall):
            used.update(panel.title, panel.body.markdown, panel.narration or "")
    for collection in corpus.collections.values():
        used.update(collection.title, collection.foreword or "")
    used = {ch for ch in used if "\u4e00" <= ch <= "\u9fff"}
    mapping: dict[str, str] = {}
    for ch in used:
        for form in traditional(ch):
            if len(form) == 1 and form != ch:
                mapping.setdefault(form, ch)
    return dict(sorted(mapping.items()))


PREFIX_DEPTH = 3  # a query's first characters look up the names that begin so
PREFIX_ROWS = 3  # names the browser shows that merely begin with the query
KEYS_PER_BUCKET = 8  # on average, in one file of the entity index


def bucket(key: str, buckets: int) -> int:
    """The file of the entity index a key (or a query) is in: 32-bit FNV-1a of its
    UTF-8, computed the same way by search.js."""
    value = 0x811C9DC5
    for byte in key.lower().encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value % buckets


def _bucket_count(keys: int) -> int:
    return 1 << max(4, (keys // KEYS_PER_BUCKET).bit_length())


def write_entities(site: Path, corpus: Corpus, index: SiteIndex) -> int:
    """Write the entity index and the 繁→简 map; returns the number of files.

    A query fetches two small files, both always there: `names-<b>` with every entity
    that has the query as a key, and `prefixes-<b>` with, for the query's first
    characters, only the few names beginning with them that the browser would show,
    ranked as it ranks them (not every name with 王, nor every title that begins with
    a year). Files are buckets of a hash of the key, so their number and size stay
    small whatever the site's size, and no lookup ends in a 404."""
    found = entities(corpus, index)
    names: dict[str, dict[int, list[Any]]] = {}
    starting: dict[str, dict[int, list[Any]]] = {}
    for entity in found:
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
    (site / T2S_FILE).write_text(_json(simplified_map(corpus, index)), encoding="utf-8")
    return sum(counts.values()) + 1


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# Ideographs, including the supplementary planes where rare characters of names live.
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")


def cjk_bigrams(text: str) -> str:
    """东山坡上 → “东山 山坡 坡上”; other text is left as it is."""

    def run(match: re.Match[str]) -> str:
        chars = match.group(0)
        pairs = (
            chars if len(chars) == 1 else " ".join(chars[i : i + 2] for i in range(len(chars) - 1))
        )
        return f" {pairs} "

    return _CJK_RUN.sub(run, text)


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


def _text(*parts: str | None) -> list[str]:
    lines: list[str] = []
    for part in parts:
        lines += [line.strip() for line in (part or "").splitlines() if line.strip()]
    return lines


def _distinct(*names: str) -> list[str]:
    return list(dict.fromkeys(name for name in names if name))


def records(corpus: Corpus, index: SiteIndex) -> Iterator[Record]:
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
            {
                "type": ["故事"],
                "theme": list(dict.fromkeys(story.themes)),
                "unit": [unit.name] if unit else [],
                "decade": [f"{story.date.decade}年代"],
            },
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
            {"type": ["工匠"], "unit": [unit.name] if unit else []},
            _distinct(person.name, *(unit.names() if unit else [])),
        )
    for hall in corpus.halls.values():
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


def write_records(items: Iterator[Record], work_dir: Path, part_words: int) -> int:
    """Each record as the small HTML file Pagefind's CLI reads, in folders (parts) of
    at most `part_words` words; returns the number of parts (0 when there is nothing)."""
    from jinja2 import Environment, PackageLoader

    template = Environment(
        loader=PackageLoader("build_tools.site", "templates"), autoescape=True
    ).get_template("search_record.html.j2")
    parts = words = 0
    for record in items:
        title = cjk_bigrams(record.title)
        paragraphs = [cjk_bigrams(line) for line in record.text]
        size = sum(len(line.split()) for line in [title, *paragraphs])
        if parts == 0 or (words and words + size > part_words):
            parts, words = parts + 1, 0
        words += size
        target = work_dir / f"part-{parts - 1}" / record.url / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            template.render(record=record, title=title, paragraphs=paragraphs), encoding="utf-8"
        )
    return parts  # 0 for a site with nothing to index yet


def index_project(
    root: Path, work_dir: Path, output: Path, *, drafts: bool, part_words: int
) -> int:
    """Load the content, write the records and run Pagefind on each part in turn
    (what the background process does); returns the number of parts."""
    from pagefind_bin_extended import get_executable

    from build_tools.config import load_project
    from build_tools.content.load import load_corpus

    project = load_project(root)[0]
    corpus = load_corpus(project.root, project.content_dir).corpus
    parts = write_records(
        records(corpus, SiteIndex.build(corpus, drafts=drafts)), work_dir, part_words
    )
    # Pagefind (jemalloc) keeps freed pages for reuse; returning them at once lowers
    # its peak while it builds the index (measured on the 10k records: 3.9 → 3.1 GB).
    env = {**os.environ, "_RJEM_MALLOC_CONF": "dirty_decay_ms:0,muzzy_decay_ms:0"}
    for i in range(parts):
        subprocess.run(
            [
                str(get_executable()),
                "--site",
                str(work_dir / f"part-{i}"),
                "--output-path",
                str(output / f"part-{i}"),
                "--force-language",
                LANGUAGE,
                "--quiet",
            ],
            check=True,
            env=env,
        )
        _drop_unused(output / f"part-{i}", primary=i == 0)
    output.mkdir(parents=True, exist_ok=True)
    (output / "parts.json").write_text(json.dumps({"parts": parts}), encoding="utf-8")
    return parts


def _drop_unused(bundle: Path, *, primary: bool) -> None:
    """Pagefind writes its own search UIs and worker beside the index; the site uses its
    own UI and worker, and a merged part needs only its index, not the code."""
    unused = ["pagefind-*ui*", "pagefind-highlight.js", "pagefind-worker.js"]
    if not primary:
        unused += ["pagefind.js", "wasm.*"]
    for pattern in unused:
        for path in bundle.glob(pattern):
            path.unlink()


class BackgroundIndexer:
    """The search index made in a process of its own (`python -m build_tools.site.search`),
    started before MkDocs renders the pages, so it works on the second core meanwhile:
    it reads the content, writes one small HTML file per record and runs Pagefind's CLI.

    Pagefind's Python API would do the same work but answers one record per 100 ms.
    Pagefind holds a whole index in memory, so a site larger than `PART_WORDS` is
    indexed in parts, one after the other, and the browser merges the parts
    (`pagefind.mergeIndex`)."""

    def __init__(self, root: Path, work_dir: Path, *, drafts: bool) -> None:
        self.work_dir = work_dir
        self.output = work_dir.with_name(work_dir.name + "-out")
        for folder in (work_dir, self.output):
            shutil.rmtree(folder, ignore_errors=True)
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "build_tools.site.search",
                str(root),
                str(work_dir),
                str(self.output),
                "drafts" if drafts else "published",
                str(PART_WORDS),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def finish(self, site: Path) -> int:
        """Wait for the indexer; the parts go to `pagefind/`, `pagefind-1/`, …"""
        try:
            log, _ = self._process.communicate()
            if self._process.returncode != 0:
                raise RuntimeError(f"Pagefind 建立搜索索引失败：{log.strip()[-500:]}")
            parts = json.loads((self.output / "parts.json").read_text(encoding="utf-8"))["parts"]
            for i in range(parts):
                target = site / (PAGEFIND_DIR if i == 0 else f"{PAGEFIND_DIR}-{i}")
                shutil.rmtree(target, ignore_errors=True)
                shutil.move(str(self.output / f"part-{i}"), str(target))
            (site / PARTS_FILE).parent.mkdir(parents=True, exist_ok=True)
            (site / PARTS_FILE).write_text(json.dumps({"parts": parts}), encoding="utf-8")
            return parts
        finally:
            self.close()

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        shutil.rmtree(self.work_dir, ignore_errors=True)
        shutil.rmtree(self.output, ignore_errors=True)


if __name__ == "__main__":
    root_arg, work_arg, output_arg, which, size = sys.argv[1:6]
    index_project(
        Path(root_arg),
        Path(work_arg),
        Path(output_arg),
        drafts=which == "drafts",
        part_words=int(size),
    )
