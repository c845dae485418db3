"""Search: a Pagefind index of every item the site shows, and an entity index for names.

One module per job:

- `chinese`  — 繁体 spellings, the 繁→简 character map, character bigrams;
- `entities` — the names people search for, and the bucketed files the browser reads;
- `records`  — one search record per item, and the HTML file per record Pagefind reads;
- `pagefind` — Pagefind's CLI run on the records, part by part, and the parts installed;
- `incremental` — the index from scratch, or from the cache: the main index of the last
  builds and a delta of the records changed since;
- `indexer`  — all of that in a forked child while MkDocs renders the pages (its doc
  says how the plugin calls it, in a build and in the preview).

Both indexes are made from the one corpus the build loaded (through its `SiteIndex`),
never from `stories/`. The functions `records.records()` and `entities.entities()` are
not re-exported here: they would hide the modules of the same names.
"""

from build_tools.site.search.chinese import cjk_bigrams, simplified_map, traditional
from build_tools.site.search.entities import (
    ENTITIES_DIR,
    T2S_FILE,
    Entity,
    bucket,
    write_entities,
)
from build_tools.site.search.incremental import Built, IndexCache
from build_tools.site.search.indexer import BackgroundIndexer, build_index, install_last
from build_tools.site.search.pagefind import PAGEFIND_DIR, PARTS_FILE, SearchIndexError
from build_tools.site.search.records import Record, Written, write_records

__all__ = [
    "ENTITIES_DIR",
    "PAGEFIND_DIR",
    "PARTS_FILE",
    "T2S_FILE",
    "BackgroundIndexer",
    "Built",
    "Entity",
    "IndexCache",
    "Record",
    "SearchIndexError",
    "Written",
    "bucket",
    "build_index",
    "cjk_bigrams",
    "install_last",
    "simplified_map",
    "traditional",
    "write_entities",
    "write_records",
]
