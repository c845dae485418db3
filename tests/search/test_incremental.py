"""The index kept between builds: a build after a small change indexes only what changed
(a delta), supersedes the main index's old pages, and folds everything into a new main
index when the delta grows; the cache never serves what the records no longer say."""

from __future__ import annotations

import gzip
import json
import shutil
import time
from pathlib import Path

import pytest

from build_tools.content.audience import Audience
from build_tools.content.load import load_corpus
from build_tools.content.model import Body
from build_tools.site.relations import SiteIndex
from build_tools.site.search import BackgroundIndexer, IndexCache, incremental, install_last
from build_tools.site.search.pagefind import page_ids
from build_tools.site.search.records import page_url
from tests.sitetools import FIXTURES


@pytest.fixture
def corpus(tmp_path: Path):
    shutil.copytree(FIXTURES / "valid" / "stories", tmp_path / "project" / "stories")
    project = tmp_path / "project"
    return load_corpus(project, project / "stories").corpus


def _build(corpus, tmp_path: Path, site: str = "site", audience=Audience.PRODUCTION):
    """One build's indexing, with the cache: what was built, the site folder."""
    indexer = BackgroundIndexer(
        SiteIndex.build(corpus, audience), tmp_path / "work", cache_dir=tmp_path / "cache"
    )
    target = tmp_path / site
    indexer.finish(target)
    assert indexer.built is not None
    return indexer.built, target


def _parts(site: Path) -> dict:
    return json.loads((site / "search/parts.json").read_text(encoding="utf-8"))


def _fragments(site: Path) -> dict[str, list[dict]]:
    """Every fragment installed, by page URL (a page may be in two parts)."""
    found: dict[str, list[dict]] = {}
    for path in sorted(site.glob("pagefind*/fragment/*.pf_fragment")):
        fragment = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        fragment["id"] = path.stem
        found.setdefault(page_url(fragment["url"]), []).append(fragment)
    return found


def _shown(site: Path) -> dict[str, dict]:
    """What a reader can find: the fragments the browser does not drop."""
    superseded = set(_parts(site)["superseded"])
    shown = {}
    for url, fragments in _fragments(site).items():
        live = [f for f in fragments if f["id"] not in superseded]
        if live:
            shown[url] = live[-1]
    return shown


def _retitle(corpus, story_id: str, title: str) -> None:
    """A new title: the story's record changes, and its collection's, which lists it."""
    corpus.stories[story_id].title = title


def _rewrite(corpus, story_id: str, text: str) -> None:
    """A new body: only the story's own record changes."""
    story = corpus.stories[story_id]
    story.attach(story.id, story.origin, Body(text, story.body.line))


def test_a_first_build_folds_everything_into_a_main_index(corpus, tmp_path):
    built, site = _build(corpus, tmp_path)
    assert built.how == "fold" and built.kept
    assert _parts(site) == {"parts": 1, "superseded": []}
    assert (
        _shown(site)["stories/first-shovel/"]["meta"]["title"]
        == corpus.stories["first-shovel"].title
    )
    assert not (tmp_path / "work").exists(), "the records are removed by the child"


def test_nothing_changed_installs_the_cached_index_without_pagefind(corpus, tmp_path):
    _build(corpus, tmp_path, "site-1")
    started = time.perf_counter()
    built, site = _build(corpus, tmp_path, "site-2")
    assert built.how == "unchanged" and built.indexed == 0
    assert "pagefind" not in built.seconds
    assert _shown(site).keys() == _shown(tmp_path / "site-1").keys()
    assert time.perf_counter() - started < 5


def test_a_changed_record_goes_into_a_delta_that_supersedes_the_main_page(corpus, tmp_path):
    _, first = _build(corpus, tmp_path, "site-1")
    old_id = _fragments(first)["stories/first-shovel/"][0]["id"]
    _rewrite(corpus, "first-shovel", "井口新立了一块碑。")

    built, site = _build(corpus, tmp_path, "site-2")

    assert built.how == "delta" and built.indexed == 1
    parts = _parts(site)
    assert parts == {"parts": 2, "superseded": [old_id]}
    assert "新立 立了" in _shown(site)["stories/first-shovel/"]["content"]
    # The old page is not installed at all, and the delta holds the changed page only.
    assert not (site / "pagefind/fragment" / f"{old_id}.pf_fragment").exists()
    delta = page_ids(site / "pagefind-1")
    assert list(delta) == ["stories/first-shovel/"]
    assert not (site / "pagefind-1/pagefind.js").exists(), "a merged part needs no script"
    assert _shown(site).keys() == _shown(first).keys()


def test_the_delta_is_made_again_from_the_main_index_not_on_top_of_itself(corpus, tmp_path):
    _build(corpus, tmp_path, "site-1")
    _rewrite(corpus, "first-shovel", "第一次改。")
    _build(corpus, tmp_path, "site-2")
    _rewrite(corpus, "night-shift", "另一篇也改了。")
    built, site = _build(corpus, tmp_path, "site-3")
    assert built.how == "delta" and built.indexed == 2
    assert len(_parts(site)["superseded"]) == 2
    assert set(page_ids(site / "pagefind-1")) == {"stories/first-shovel/", "stories/night-shift/"}

    # The same records again: the cached delta serves, nothing is indexed.
    again, _ = _build(corpus, tmp_path, "site-4")
    assert again.how == "unchanged"
    assert again.bundles == built.bundles


def test_a_record_changed_back_needs_no_delta(corpus, tmp_path):
    title = corpus.stories["first-shovel"].title
    _build(corpus, tmp_path, "site-1")
    _retitle(corpus, "first-shovel", "临时改一下")
    _build(corpus, tmp_path, "site-2")
    _retitle(corpus, "first-shovel", title)
    built, site = _build(corpus, tmp_path, "site-3")
    assert built.how == "unchanged"
    assert _parts(site) == {"parts": 1, "superseded": []}
    assert list((tmp_path / "cache/production").glob("delta-*")) == []


def test_a_body_change_is_seen_without_parsing_every_body(corpus, tmp_path, monkeypatch):
    _build(corpus, tmp_path, "site-1")
    story = corpus.stories["night-shift"]
    story.attach(story.id, story.origin, Body(story.body.markdown + "\n\n新加的一段话。\n", 1))
    made = tmp_path / "made.txt"  # written by the forked child
    real = incremental.records

    def counting(index, **kwargs):
        for record in real(index, **kwargs):
            if "body_text" not in kwargs:
                with made.open("a", encoding="utf-8") as log:
                    log.write(record.url + "\n")
            yield record

    monkeypatch.setattr(incremental, "records", counting)

    built, site = _build(corpus, tmp_path, "site-2")

    assert built.how == "delta"
    assert made.read_text().split() == ["stories/night-shift/"], "only its text is made"
    assert "新加 加的" in _shown(site)["stories/night-shift/"]["content"]


def test_a_record_no_longer_shown_disappears(corpus, tmp_path):
    _, first = _build(corpus, tmp_path, "site-1")
    old_id = _fragments(first)["stories/night-shift/"][0]["id"]
    corpus.stories["night-shift"].status = "draft"

    built, site = _build(corpus, tmp_path, "site-2")

    # Its collection no longer lists it: that record is the delta; the story's page in
    # the main index is only superseded.
    assert built.how == "delta"
    assert set(page_ids(site / "pagefind-1")) == {"collections/red-memory/"}
    assert old_id in _parts(site)["superseded"]
    assert "stories/night-shift/" not in _shown(site)
    assert "stories/night-shift/" not in _fragments(site), "its text is not installed"


def test_a_delta_grown_too_large_is_folded_into_a_new_main_index(corpus, tmp_path, monkeypatch):
    _build(corpus, tmp_path, "site-1")
    monkeypatch.setattr(incremental, "DELTA_WORDS", 10)
    _retitle(corpus, "first-shovel", "一个改得很长很长很长很长很长很长的标题")

    built, site = _build(corpus, tmp_path, "site-2")

    assert built.how == "fold"
    assert _parts(site) == {"parts": 1, "superseded": []}
    assert _shown(site)["stories/first-shovel/"]["meta"]["title"].startswith("一个改得")
    assert len(list((tmp_path / "cache/production").glob("main-*"))) == 1, "old main removed"


def test_many_superseded_pages_fold_too(corpus, tmp_path, monkeypatch):
    _build(corpus, tmp_path, "site-1")
    monkeypatch.setattr(incremental, "DELTA_SUPERSEDED", 1)
    _retitle(corpus, "first-shovel", "改一")
    _retitle(corpus, "night-shift", "改二")
    built, _ = _build(corpus, tmp_path, "site-2")
    assert built.how == "fold"


def test_other_code_or_another_part_size_starts_afresh(corpus, tmp_path, monkeypatch):
    _build(corpus, tmp_path, "site-1")
    monkeypatch.setattr(incremental, "cache_format", lambda: "other code")
    built, _ = _build(corpus, tmp_path, "site-2")
    assert built.how == "fold"
    monkeypatch.setattr(incremental.pagefind, "PART_WORDS", 50)
    built, site = _build(corpus, tmp_path, "site-3")
    assert built.how == "fold" and _parts(site)["parts"] > 1


def test_a_preview_index_never_reaches_a_production_build(corpus, tmp_path):
    _, preview = _build(corpus, tmp_path, "preview", Audience.PREVIEW)
    assert "stories/unfinished/" in _shown(preview)
    built, site = _build(corpus, tmp_path, "production", Audience.PRODUCTION)
    assert built.how == "fold", "each audience has its own cache"
    assert "stories/unfinished/" not in _fragments(site)


def test_a_cache_held_by_another_build_is_not_used(corpus, tmp_path):
    held = IndexCache.open(tmp_path / "cache", Audience.PRODUCTION)
    assert held is not None
    try:
        assert IndexCache.open(tmp_path / "cache", Audience.PRODUCTION) is None
        built, site = _build(corpus, tmp_path)
        assert built.how == "full" and not built.kept
        assert "stories/first-shovel/" in _shown(site)
    finally:
        held.close()
    assert list((tmp_path / "cache/production").iterdir()) == [tmp_path / "cache/production/.lock"]


def test_leftovers_of_a_stopped_build_are_removed(corpus, tmp_path):
    _build(corpus, tmp_path, "site-1")
    root = tmp_path / "cache/production"
    (root / ".main-123").mkdir()
    (root / "delta-456").mkdir()
    (root / ".state.json.new").write_text("{", encoding="utf-8")
    _retitle(corpus, "first-shovel", "又改了")
    _build(corpus, tmp_path, "site-2")
    names = sorted(p.name for p in root.iterdir())
    assert names[:2] == [".lock", "delta-" + names[1].removeprefix("delta-")]
    assert len(names) == 4 and names[2].startswith("main-") and names[3] == "state.json"


def test_install_last_puts_the_cached_index_into_an_empty_site(corpus, tmp_path):
    assert install_last(tmp_path / "cache", Audience.PRODUCTION, tmp_path / "empty") == 0
    _build(corpus, tmp_path, "site-1")
    _retitle(corpus, "first-shovel", "改过")
    _, built_site = _build(corpus, tmp_path, "site-2")

    fresh = tmp_path / "fresh"
    assert install_last(tmp_path / "cache", Audience.PRODUCTION, fresh) == 2
    assert _parts(fresh) == _parts(built_site)
    assert _shown(fresh)["stories/first-shovel/"]["meta"]["title"] == "改过"


def test_finish_later_installs_from_a_thread(corpus, tmp_path):
    indexer = BackgroundIndexer(
        SiteIndex.build(corpus, Audience.PRODUCTION),
        tmp_path / "work",
        cache_dir=tmp_path / "cache",
    )
    future = indexer.finish_later(tmp_path / "site")
    assert future.result(timeout=60) == 1
    assert _parts(tmp_path / "site")["parts"] == 1
    assert not (tmp_path / "work").exists()
    assert IndexCache.open(tmp_path / "cache", Audience.PRODUCTION) is not None, "released"


def test_close_before_the_index_is_ready_cancels_the_install(corpus, tmp_path, monkeypatch):
    fake = tmp_path / "slow-pagefind"
    fake.write_text("#!/bin/sh\nexec sleep 60\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(incremental.pagefind, "executable", lambda: fake)
    indexer = BackgroundIndexer(
        SiteIndex.build(corpus, Audience.PRODUCTION),
        tmp_path / "work",
        cache_dir=tmp_path / "cache",
    )
    future = indexer.finish_later(tmp_path / "site")
    time.sleep(0.5)
    started = time.perf_counter()
    indexer.close()
    assert time.perf_counter() - started < 6
    assert future.cancelled()
    assert not (tmp_path / "site" / "search/parts.json").exists()
    assert not (tmp_path / "work").exists()


def test_a_site_with_nothing_to_index_gets_its_first_record_as_a_delta(corpus, tmp_path):
    for item in [
        *corpus.stories.values(),
        *corpus.craftsmen.values(),
        *corpus.collections.values(),
    ]:
        item.status = "draft"
    corpus.halls.clear()  # halls have no status: always shown
    built, site = _build(corpus, tmp_path, "site-1")
    assert built.how == "fold" and _parts(site) == {"parts": 0, "superseded": []}
    corpus.stories["night-shift"].status = "published"
    built, site = _build(corpus, tmp_path, "site-2")
    assert built.how == "delta" and _parts(site)["parts"] == 1
    assert (site / "pagefind/pagefind.js").is_file(), "the delta is the first part: its script"
    assert list(_shown(site)) == ["stories/night-shift/"]
