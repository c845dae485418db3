"""Search: a Pagefind index fed while MkDocs renders, and an entity index for names.

Pagefind's extended indexer segments Chinese at index time. It runs as its own process,
so pages are handed to it from `on_post_page` while MkDocs goes on rendering: the two
cores work at once instead of one after the other. Only elements marked
`data-pagefind-body` (item pages) are indexed; nav, footer and listings are not.

Pagefind splits a name such as 王建国 into pieces at query time, so a plain set-up
ranks pages that merely contain 王 and 建国 above the person. `entities()` therefore
lists what people search for by name (craftsmen, people, units and their former names,
themes, titles, years) with their 繁体 spellings; the browser matches those exactly and
shows them above the full-text results.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from concurrent.futures import Future
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from build_tools.content.corpus import Corpus
from build_tools.site import urls
from build_tools.site.relations import SiteIndex

PAGEFIND_DIR = "pagefind"
ENTITIES_FILE = "search/entities.json"
BODY_MARKER = "data-pagefind-body"


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
                    f"{name}出现在这个故事中",
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
        used.update(story.title, story.summary, story.body.markdown)
    for person in index.craftsmen:
        used.update(person.name, person.summary, person.body.markdown)
    for unit in corpus.units.values():
        used.update("".join(unit.names()))
    used = {ch for ch in used if "\u4e00" <= ch <= "\u9fff"}
    mapping: dict[str, str] = {}
    for ch in used:
        for form in traditional(ch):
            if len(form) == 1 and form != ch:
                mapping.setdefault(form, ch)
    return dict(sorted(mapping.items()))


def entities_payload(corpus: Corpus, index: SiteIndex) -> dict[str, Any]:
    return {
        "entities": [asdict(e) for e in entities(corpus, index)],
        "t2s": simplified_map(corpus, index),
    }


class BackgroundIndexer:
    """Pagefind's Python API on an event loop of its own, fed page by page."""

    def __init__(self) -> None:
        from pagefind.index import IndexConfig, PagefindIndex

        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="pagefind", daemon=True)
        self._thread.start()
        config = IndexConfig(force_language="zh", keep_index_url=False)
        self._index = self._run(PagefindIndex(config=config).__aenter__())
        self._pending: list[Future[Any]] = []
        self.pages = 0

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def add(self, html: str, url: str) -> None:
        if BODY_MARKER not in html:
            return
        self.pages += 1
        self._pending.append(
            asyncio.run_coroutine_threadsafe(
                self._index.add_html_file(content=html, url="/" + url), self._loop
            )
        )

    def finish(self, site: Path) -> None:
        try:
            for future in self._pending:
                future.result()
            self._run(self._index.write_files(output_path=str(site / PAGEFIND_DIR)))
        finally:
            self.close()

    def close(self) -> None:
        if self._thread.is_alive():
            # Leaving the context "with an exception" stops the service without its
            # automatic write into the working directory; finish() wrote already. The
            # service may have died already: closing must not fail the build.
            with contextlib.suppress(Exception):
                self._run(self._index.__aexit__(BaseException, None, None))
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
