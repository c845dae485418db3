"""The booklets of a site build: planned from the checked corpus, typeset in a forked
job that never re-reads stories/, and one failing booklet never failing the others."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

from build_tools.content.audience import Audience
from build_tools.pipeline import run
from build_tools.print import batch
from build_tools.site.build import build_site
from tests.conftest import FIXTURES
from tests.sitetools import site_project


def _corpus(tmp_path: Path, **changes: str):
    project = site_project(tmp_path / "project")
    for name, (old, new) in changes.items():
        path = project / "stories" / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return project, run(project).corpus


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout


def test_a_review_item_makes_a_plan_with_its_reason_and_a_warning(tmp_path):
    _, corpus = _corpus(tmp_path, **{"red/night-shift.md": ("status: published", "status: review")})
    (plan,) = batch.plan(corpus, Audience.PRODUCTION)
    assert plan.source is None and "night-shift" in plan.reason
    warning = batch.skipped(plan)
    assert warning.code == "W-BOOKLET-SKIPPED" and warning.severity == "warning"
    assert warning.location.path == "stories/collections/red-memory.yml"
    assert warning.location.line == 8  # the item's line in the collection


def test_a_draft_collection_is_never_planned_for_production(tmp_path):
    _, corpus = _corpus(
        tmp_path, **{"collections/red-memory.yml": ("editor:", "status: draft\neditor:")}
    )
    assert batch.plan(corpus, Audience.PRODUCTION) == []
    assert [p.collection.id for p in batch.plan(corpus, Audience.PREVIEW)] == ["red-memory"]


def test_the_job_typesets_the_corpus_it_was_handed_not_the_files(tmp_path):
    _, corpus = _corpus(tmp_path)
    collection = corpus.collections["red-memory"]
    # Changed in memory only: a job that re-read stories/ would print the old title.
    corpus.collections["red-memory"] = renamed = collection.model_copy(
        update={"title": "内存中的书名"}
    )
    renamed.attach(collection.id, collection.origin)
    plans = batch.plan(corpus, Audience.PRODUCTION)
    shutil.rmtree(tmp_path / "project/stories/red")  # nothing left to re-read
    job = batch.BookletJob(corpus, plans, tmp_path / "site", tmp_path / "cache")
    assert job.finish() == {"red-memory": None}
    job.close()
    assert "内存中的书名" in _pdf_text(tmp_path / "site/collections/red-memory.pdf")


def test_one_failing_booklet_does_not_fail_the_others(tmp_path):
    _, corpus = _corpus(tmp_path)
    (good,) = batch.jobs(batch.plan(corpus, Audience.PRODUCTION))
    broken = replace(
        good, collection_id="other", source="#let x = (\n", file="collections/other.pdf"
    )
    outcome = batch.make_all(corpus.root, [broken, good], tmp_path / "site", tmp_path / "cache")
    assert outcome["red-memory"] is None
    assert outcome["other"] and "排版失败" in outcome["other"]
    assert (tmp_path / "site/collections/red-memory.pdf").is_file()
    assert not (tmp_path / "site/collections/other.pdf").exists()


def test_a_job_after_typesetting_in_this_process_does_not_hang(tmp_path):
    """Typst's thread pool is alive once this process has typeset; the job must still
    finish (a forked child inherited the pool dead and hung)."""
    _, corpus = _corpus(tmp_path)
    todo = batch.jobs(batch.plan(corpus, Audience.PRODUCTION))
    batch.make_all(corpus.root, todo, tmp_path / "first", tmp_path / "cache-1")
    job = batch.BookletJob(
        corpus, batch.plan(corpus, Audience.PRODUCTION), tmp_path / "site", tmp_path / "cache-2"
    )
    try:
        assert job.finish(timeout=120) == {"red-memory": None}
    finally:
        job.close()


def test_a_review_item_leaves_no_dead_link_on_the_collection_page(tmp_path):
    project, _ = _corpus(
        tmp_path, **{"red/night-shift.md": ("status: published", "status: review")}
    )
    found: list = []
    site = build_site(project / "mkdocs.yml", tmp_path / "site", checked=run(project), found=found)
    page = (site / "collections/red-memory/index.html").read_text(encoding="utf-8")
    assert "red-memory.pdf" not in page and "下载 PDF" not in page
    assert not (site / "collections/red-memory.pdf").exists()
    assert "night-shift" not in page  # a review item is not listed in production either
    assert [d.code for d in found] == ["W-BOOKLET-SKIPPED"]


def test_a_booklet_that_was_made_is_linked(tmp_path):
    project, _ = _corpus(tmp_path)
    site = build_site(project / "mkdocs.yml", tmp_path / "site")
    page = (site / "collections/red-memory/index.html").read_text(encoding="utf-8")
    assert 'href="../red-memory.pdf"' in page
    assert (site / "collections/red-memory.pdf").read_bytes().startswith(b"%PDF")


def test_fixture_is_what_the_tests_assume():
    collection = (FIXTURES / "valid/stories/collections/red-memory.yml").read_text(encoding="utf-8")
    assert collection.splitlines()[7].strip() == "- night-shift"


def test_a_draft_collection_prints_only_as_a_proof(tmp_path, capsys, monkeypatch):
    from build_tools.cli import main

    project, _ = _corpus(
        tmp_path, **{"collections/red-memory.yml": ("editor:", "status: draft\neditor:")}
    )
    monkeypatch.chdir(project)
    capsys.readouterr()
    assert main(["booklet", "red-memory", "--out", str(tmp_path / "final.pdf")]) == 1
    assert "只能印校样" in capsys.readouterr().out
    assert not (tmp_path / "final.pdf").exists()
    assert main(["booklet", "red-memory", "--proof", "--out", str(tmp_path / "proof.pdf")]) == 0
    text = _pdf_text(tmp_path / "proof.pdf")  # the watermark is set diagonally: 校 and 样
    assert text.count("校") >= 3 and text.count("样") >= 3
