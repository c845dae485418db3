"""Incremental loading: a project loaded again reads only what changed, hands out the same
item objects for the rest, and a new process starts from `.cache/parsed/` instead of
parsing everything again; a damaged or foreign cache is never trusted."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from build_tools import pipeline
from build_tools.content import filecache, markdown
from build_tools.content.filecache import content_hash

STORY = "stories/red/first-shovel.md"
OTHER = "stories/red/night-shift.md"
PANEL = "stories/halls/main-hall/lamp.md"
NEW_STORY = """---
title: 新来的故事
date: 1960
themes: [艰苦创业]
summary: 摘要。
status: published
---

正文。
"""


@pytest.fixture
def project(valid_tree: Path) -> Path:
    """The valid project without a cache, as if this process had never seen it."""
    shutil.rmtree(valid_tree / ".cache", ignore_errors=True)
    _new_process()
    return valid_tree


def _new_process() -> None:
    filecache.forget()
    markdown.forget()


def _cache(project: Path) -> filecache.FileCache:
    return filecache.for_project(project, project / "stories")


def _edit(project: Path, rel: str, old: str, new: str) -> None:
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _codes(checked: pipeline.Checked, path: str) -> list[str]:
    return [d.code for d in checked.diagnostics if d.location.path == path]


def test_a_second_run_hands_out_the_same_objects(project):
    first = pipeline.run(project)
    second = pipeline.run(project)
    before, after = list(first.corpus.items()), list(second.corpus.items())
    assert len(after) == len(before) > 5
    assert all(a is b for a, b in zip(after, before, strict=True))
    assert all(second.corpus.units[k] is u for k, u in first.corpus.units.items())
    assert all(second.corpus.themes[k] is t for k, t in first.corpus.themes.items())
    assert second.corpus is not first.corpus
    assert second.diagnostics == first.diagnostics
    assert _cache(project).parses == 0


def test_unchanged_files_are_not_even_read_when_their_stat_is_old(project, monkeypatch):
    # Files written a moment ago never have their stat trusted (see the next test); these
    # are as if they were old.
    monkeypatch.setattr(filecache, "_RACY_NS", 0)
    pipeline.run(project)
    pipeline.run(project)
    assert _cache(project).reads == 0
    _edit(project, STORY, "第一锹土", "第一锹")
    pipeline.run(project)
    assert (_cache(project).reads, _cache(project).parses) == (1, 1)


def test_a_recent_stat_is_not_trusted(project):
    pipeline.run(project)
    pipeline.run(project)
    assert _cache(project).reads == len(_cache(project).used) > 0
    assert _cache(project).parses == 0


def test_a_changed_file_is_read_again_and_only_it(project):
    first = pipeline.run(project)
    _edit(project, STORY, "title: 第一锹土", "title: 第一锹土（修订）")
    second = pipeline.run(project)
    old, new = first.corpus.stories["first-shovel"], second.corpus.stories["first-shovel"]
    assert new is not old and new.title == "第一锹土（修订）"
    assert second.corpus.stories["night-shift"] is first.corpus.stories["night-shift"]
    assert _cache(project).parses == 1
    assert second.corpus.digests[STORY] != first.corpus.digests[STORY]


def test_same_size_and_mtime_but_new_bytes_is_still_seen(project, monkeypatch):
    monkeypatch.setattr(filecache, "_RACY_NS", 0)
    pipeline.run(project)
    path = project / STORY
    st = path.stat()
    _edit(project, STORY, "1958-07", "1959-07")  # same length
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # the old mtime put back
    assert path.stat().st_size == st.st_size
    found = pipeline.run(project).corpus.stories["first-shovel"]
    assert str(found.date) == "1959-07"


def test_a_deleted_file_is_gone_and_a_new_one_found(project):
    first = pipeline.run(project)
    (project / OTHER).unlink()
    (project / "stories/red/new-one.md").write_text(NEW_STORY, encoding="utf-8")
    second = pipeline.run(project)
    assert "night-shift" not in second.corpus.stories
    assert OTHER not in second.corpus.digests
    assert second.corpus.stories["new-one"].title == "新来的故事"
    assert second.corpus.stories["first-shovel"] is first.corpus.stories["first-shovel"]


def test_an_error_comes_and_goes_with_the_file(project):
    assert _codes(pipeline.run(project), STORY) == []
    _edit(project, STORY, "date: 1958-07", "date: 1958-13")
    broken = pipeline.run(project)
    assert _codes(broken, STORY) == ["E-DATE-INVALID"]
    assert "first-shovel" not in broken.corpus.stories
    assert _codes(pipeline.run(project), STORY) == ["E-DATE-INVALID"]  # kept with the file
    _edit(project, STORY, "date: 1958-13", "date: 1958-07")
    fixed = pipeline.run(project)
    assert _codes(fixed, STORY) == []
    assert "first-shovel" in fixed.corpus.stories


def test_a_reference_error_follows_the_file_it_points_at(project):
    # Only the craftsman changes, yet the story that names it is reported: checks see all.
    (project / "stories/craftsmen/wang-jian-guo.md").rename(
        project / "stories/craftsmen/wang-jian.md"
    )
    assert "E-REF-CRAFTSMAN" in _codes(pipeline.run(project), STORY)
    (project / "stories/craftsmen/wang-jian.md").rename(
        project / "stories/craftsmen/wang-jian-guo.md"
    )
    assert "E-REF-CRAFTSMAN" not in _codes(pipeline.run(project), STORY)


def test_a_hall_keeps_its_object_and_gets_its_new_panels(project):
    first = pipeline.run(project)
    hall = first.corpus.halls["main-hall"]
    _edit(project, PANEL, "title: 矿灯", "title: 老矿灯")
    second = pipeline.run(project)
    assert second.corpus.halls["main-hall"] is hall
    lamp = next(p for p in hall.panels if p.id == "lamp")
    assert lamp.title == "老矿灯" and lamp.hall == "main-hall"
    assert [p.number for p in hall.panels] == sorted(p.number for p in hall.panels)
    assert len(hall.panels) == len(first.corpus.halls["main-hall"].panels) == 3


def test_digests_name_every_file_and_every_item_points_at_its_own(project):
    corpus = pipeline.run(project).corpus
    for rel in ("stories/units.yml", "stories/themes.yml", "stories/halls/main-hall/hall.yml"):
        assert corpus.digests[rel] == content_hash((project / rel).read_bytes())
    for item in corpus.items():
        assert corpus.digests[item.origin.path] == content_hash(
            (project / item.origin.path).read_bytes()
        )
    for unit in corpus.units.values():
        assert unit.origin.path in corpus.digests
    assert len(corpus.digests) == corpus.files


# -- across processes -----------------------------------------------------------------------


def test_a_new_process_parses_nothing_that_did_not_change(project):
    cold = pipeline.run(project)
    assert _cache(project).parses == cold.corpus.files
    _new_process()
    warm = pipeline.run(project)
    assert _cache(project).parses == 0
    assert warm.diagnostics == cold.diagnostics
    assert [i.model_dump() for i in warm.corpus.items()] == [
        i.model_dump() for i in cold.corpus.items()
    ]
    assert [p.id for p in warm.corpus.halls["main-hall"].panels] == [
        p.id for p in cold.corpus.halls["main-hall"].panels
    ]
    _edit(project, STORY, "第一锹土", "第一锹")
    _new_process()
    pipeline.run(project)
    assert _cache(project).parses == 1


def test_a_new_process_trusts_an_old_stat_and_only_that(project, monkeypatch):
    monkeypatch.setattr(filecache, "_RACY_NS", 0)  # as if every file were old
    pipeline.run(project)
    _new_process()
    pipeline.run(project)
    assert (_cache(project).reads, _cache(project).parses) == (0, 0)
    path = project / STORY
    st = path.stat()
    _edit(project, STORY, "1958-07", "1959-07")  # same size, mtime put back
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    _new_process()
    found = pipeline.run(project).corpus.stories["first-shovel"]
    assert (_cache(project).reads, _cache(project).parses) == (1, 1)
    assert str(found.date) == "1959-07"


def test_a_recent_stat_is_not_trusted_by_a_new_process_either(project):
    pipeline.run(project)
    _new_process()
    pipeline.run(project)
    assert _cache(project).reads == len(_cache(project).used)
    assert _cache(project).parses == 0


def test_what_the_checks_found_in_a_text_is_kept_too(project, monkeypatch):
    _edit(project, STORY, "那年七月", "那年<b>七月</b>")
    assert "E-BODY-HTML" in _codes(pipeline.run(project), STORY)
    _new_process()
    parses: list[str] = []
    real = markdown._parse
    monkeypatch.setattr(markdown, "_parse", lambda text: parses.append(text) or real(text))
    assert "E-BODY-HTML" in _codes(pipeline.run(project), STORY)
    assert not [text for text in parses if "七月" in text]


def _buckets(project: Path) -> list[Path]:
    return sorted((project / ".cache/parsed").glob("*.pickle"))


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],
        lambda data: b"",
        lambda data: b"not a pickle at all",
        lambda data: data.replace(b"build_tools.content.model", b"build_tools.content.modex"),
    ],
    ids=["truncated", "empty", "garbage", "foreign-class"],
)
def test_a_damaged_cache_is_ignored_and_rebuilt(project, damage):
    cold = pipeline.run(project)
    buckets = _buckets(project)
    assert buckets
    for bucket in buckets:
        bucket.write_bytes(damage(bucket.read_bytes()))
    _new_process()
    warm = pipeline.run(project)
    assert warm.diagnostics == cold.diagnostics
    assert len(list(warm.corpus.items())) == len(list(cold.corpus.items()))
    assert _cache(project).parses == cold.corpus.files  # nothing was taken from it
    _new_process()
    pipeline.run(project)
    assert _cache(project).parses == 0  # and it was written again


def test_pickle_names_only_our_classes(project):
    pipeline.run(project)
    evil = b"cos\nsystem\n(S'touch /tmp/culture-evil'\ntR."
    for bucket in _buckets(project):
        bucket.write_bytes(evil)
    _new_process()
    pipeline.run(project)
    assert not Path("/tmp/culture-evil").exists()
    assert _cache(project).parses > 0


def test_another_version_of_the_code_does_not_read_the_cache(project, monkeypatch):
    pipeline.run(project)
    old = {p.name for p in _buckets(project)}
    _new_process()
    monkeypatch.setattr(filecache, "version_key", lambda: "0123456789abcdef")
    checked = pipeline.run(project)
    assert _cache(project).parses == checked.corpus.files
    names = {p.name for p in _buckets(project)}
    assert names and not names & old  # the other version's files are pruned
    assert all(name.startswith("0123456789abcdef-") for name in names)


def test_the_version_key_follows_the_model_code(tmp_path):
    code = filecache.model_code()
    assert {"model.py", "load.py", "yamlsource.py", "diagnostics.py"} <= {p.name for p in code}
    copies = []
    for file in code:
        copies.append(tmp_path / file.name)
        shutil.copy(file, copies[-1])
    assert filecache.code_key(copies) == filecache.version_key()
    model = tmp_path / "model.py"
    model.write_bytes(model.read_bytes() + b"\n# changed\n")
    assert filecache.code_key(copies) != filecache.version_key()


def test_the_cache_keeps_only_what_the_last_run_used(project):
    for i in range(30):
        (project / f"stories/red/extra-{i}.md").write_text(NEW_STORY, encoding="utf-8")
    pipeline.run(project)
    many = len(_buckets(project))
    for i in range(30):
        (project / f"stories/red/extra-{i}.md").unlink()
    pipeline.run(project)
    _new_process()
    checked = pipeline.run(project)
    assert _cache(project).parses == 0
    kept = filecache.DiskCache(project)
    entries = {rel for p in _buckets(project) for rel in kept._read(p.stem.split("-")[1])}
    assert entries == set(checked.corpus.digests)
    assert len(_buckets(project)) < many
    assert (project / ".cache/parsed/.gitignore").read_text(encoding="utf-8").endswith("*\n")


def test_a_cache_folder_leading_elsewhere_is_neither_read_nor_written(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / ".cache").symlink_to(elsewhere, target_is_directory=True)
    pipeline.run(project)
    assert list(elsewhere.iterdir()) == []
    _new_process()
    checked = pipeline.run(project)
    assert _cache(project).parses == checked.corpus.files


def test_new_files_parsed_on_two_cores_give_what_one_core_gives(project, monkeypatch):
    for i in range(6):
        (project / f"stories/red/extra-{i}.md").write_text(
            NEW_STORY.replace("新来的故事", f"第{i}个故事").replace("date: 1960", "date: 1960-13")
            if i == 3
            else NEW_STORY.replace("新来的故事", f"第{i}个故事"),
            encoding="utf-8",
        )
    alone = pipeline.run(project)
    one = (sorted(alone.corpus.stories), sorted(map(str, alone.diagnostics)))
    shutil.rmtree(project / ".cache")
    _new_process()
    monkeypatch.setattr(filecache, "PARALLEL_FROM", 2)
    forked = []
    real = filecache._parse_on_two_cores
    monkeypatch.setattr(
        filecache, "_parse_on_two_cores", lambda new, parse: forked.append(1) or real(new, parse)
    )
    both = pipeline.run(project)
    import threading

    assert forked or threading.active_count() > 1  # forked, unless a thread forbade it
    assert (sorted(both.corpus.stories), sorted(map(str, both.diagnostics))) == one
    assert any("E-DATE" in d.code for d in both.diagnostics)  # a broken file's error too
    assert _cache(project).parses >= 6
