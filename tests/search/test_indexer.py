"""The background indexer: it indexes the corpus it is handed, in a forked child, writes
only inside its folders, and reports every failure as a message, never a traceback."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from build_tools.content.audience import Audience
from build_tools.content.load import load_corpus
from build_tools.site.relations import SiteIndex
from build_tools.site.search import BackgroundIndexer, SearchIndexError, incremental, pagefind
from build_tools.site.search.records import page_url, record_file, records
from tests.sitetools import FIXTURES


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the valid fixture, so that a test may change or remove its files."""
    shutil.copytree(FIXTURES / "valid" / "stories", tmp_path / "project" / "stories")
    return tmp_path / "project"


def _index(project: Path, audience: Audience = Audience.PRODUCTION) -> SiteIndex:
    loaded = load_corpus(project, project / "stories")
    return SiteIndex.build(loaded.corpus, audience)


def _indexed(site: Path) -> dict[str, dict]:
    """What Pagefind indexed, by page URL: its fragments, as the browser reads them."""
    found = {}
    for path in site.glob("pagefind*/fragment/*.pf_fragment"):
        data = gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd")
        fragment = json.loads(data)
        found["/" + page_url(fragment["url"])] = fragment
    return found


def _fake_pagefind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    """Pagefind replaced by a shell script; the forked child inherits the change."""
    fake = tmp_path / "fake-pagefind"
    fake.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(pagefind, "executable", lambda: fake)


def test_the_corpus_handed_over_is_what_gets_indexed(project, tmp_path):
    index = _index(project)
    story = index.corpus.stories["first-shovel"]
    story.title = "内存里改过的标题"
    # Neither the files nor the folder are read again: take them away altogether.
    shutil.rmtree(project / "stories")
    site = tmp_path / "site"

    parts = BackgroundIndexer(index, tmp_path / "cache" / "search").finish(site)

    indexed = _indexed(site)
    assert parts == 1
    assert set(indexed) == {"/" + r.url for r in records(index)}
    assert indexed["/stories/first-shovel/"]["meta"]["title"] == "内存里改过的标题"
    assert "/stories/unfinished/" not in indexed, "a draft is not in a production index"
    assert json.loads((site / "search/parts.json").read_text()) == {"parts": 1, "superseded": []}
    assert not (tmp_path / "cache" / "search").exists(), "the work folder is removed"
    assert not (tmp_path / "cache" / "search-out").exists()


def test_the_preview_index_holds_the_drafts_it_shows(project, tmp_path):
    site = tmp_path / "site"
    BackgroundIndexer(_index(project, Audience.PREVIEW), tmp_path / "work").finish(site)
    assert "/stories/unfinished/" in _indexed(site)


@pytest.mark.parametrize(
    "url",
    ["../x/", "stories/../../x/", "/etc/cron.d/", "//host/x/", "", ".", "a/\0b/", "a/./", "a"],
)
def test_a_record_file_outside_its_folder_is_refused(tmp_path, url):
    assert record_file(tmp_path, url) is None


def test_a_record_file_is_inside_its_folder_and_gives_its_url_back(tmp_path):
    target = record_file(tmp_path, "halls/h/p/")
    assert target == tmp_path / "halls/h/p.record.html"
    assert page_url("/" + target.relative_to(tmp_path).as_posix()) == "halls/h/p/"
    # an id "index" must not become index.html, which Pagefind indexes as its folder
    assert record_file(tmp_path, "stories/index/") == tmp_path / "stories/index.record.html"


def test_a_url_leaving_the_work_folder_is_refused_with_a_message(project, tmp_path, caplog):
    corpus = load_corpus(project, project / "stories").corpus
    story = corpus.stories["first-shovel"]
    # An id the check would refuse, reaching the indexer anyway (as under a plain
    # `mkdocs build` before the check ran everywhere).
    story.attach("../../../../escaped", story.origin, story.body)
    index = SiteIndex.build(corpus, Audience.PRODUCTION)
    work = tmp_path / "deep" / "er" / "cache" / "search"
    site = tmp_path / "site"

    indexer_ = BackgroundIndexer(index, work)
    indexer_.finish(site)

    assert not list(tmp_path.rglob("escaped")), "nothing written outside the folders"
    assert len(indexer_.refused) == 1
    assert story.title in indexer_.refused[0] and "不是网站之内的网址" in indexer_.refused[0]
    assert indexer_.refused[0] in caplog.text, "shown as a warning of the build"
    indexed = _indexed(site)
    assert "/stories/night-shift/" in indexed, "the other records are indexed"
    assert not any("escaped" in url for url in indexed)


def test_a_pagefind_failure_comes_back_as_a_message(project, tmp_path, monkeypatch, capfd):
    _fake_pagefind(tmp_path, monkeypatch, "echo '索引写不下去了：磁盘已满' >&2\nexit 3\n")
    work = tmp_path / "work"

    with pytest.raises(SearchIndexError) as failure:
        BackgroundIndexer(_index(project), work).finish(tmp_path / "site")

    message = str(failure.value)
    assert message.startswith("Pagefind 建立搜索索引失败（退出码 3）")
    assert "索引写不下去了：磁盘已满" in message
    assert "Traceback" not in capfd.readouterr().err
    assert not work.exists() and not (tmp_path / "site" / "pagefind").exists()


def test_an_error_in_the_child_comes_back_as_a_message(project, tmp_path, monkeypatch, capfd):
    def broken(index: SiteIndex, **_: object):
        raise ValueError("记录坏了")

    monkeypatch.setattr(incremental, "records", broken)

    with pytest.raises(SearchIndexError, match="建立搜索索引失败（ValueError：记录坏了）"):
        BackgroundIndexer(_index(project), tmp_path / "work").finish(tmp_path / "site")
    assert "Traceback" not in capfd.readouterr().err


def test_close_stops_the_child_and_its_pagefind(project, tmp_path, monkeypatch):
    pid_file = tmp_path / "pagefind.pid"
    _fake_pagefind(tmp_path, monkeypatch, f"echo $$ > {pid_file}\nexec sleep 60\n")
    work = tmp_path / "work"
    running = BackgroundIndexer(_index(project), work)
    deadline = time.monotonic() + 20
    while not pid_file.is_file() or not pid_file.read_text().strip():
        assert time.monotonic() < deadline, "the fake Pagefind never started"
        time.sleep(0.05)
    pid = int(pid_file.read_text())

    started = time.monotonic()
    running.close()

    assert time.monotonic() - started < 5
    assert not _alive(pid), "Pagefind goes with the child"
    assert not work.exists()


def _alive(pid: int) -> bool:
    deadline = time.monotonic() + 5  # a killed orphan may take a moment to be reaped
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return False
        if state in ("Z", "X"):
            return False
        time.sleep(0.05)
    return os.path.exists(f"/proc/{pid}")
