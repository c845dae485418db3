"""Every kind of bad input an editor can produce gets a clear message at the right place.

Each case is a folder under `tests/fixtures/bad/`: files laid over a copy of the valid
fixture project, and `expect.yml` saying which diagnostics must come out where.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import FIXTURES

CASES = sorted(p for p in (FIXTURES / "bad").iterdir() if p.is_dir())
CJK = re.compile(r"[\u4e00-\u9fff]")


def _apply(case: Path, project: Path) -> dict:
    meta = yaml.safe_load((case / "expect.yml").read_text(encoding="utf-8"))
    for file in case.rglob("*"):
        if file.is_file() and file.name != "expect.yml":
            target = project / file.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)
    for rel in meta.get("remove", []):
        (project / rel).unlink()
    return meta


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_reported_where_it_is(case, valid_tree, run_check):
    meta = _apply(case, valid_tree)
    run = run_check(valid_tree)

    for want in meta["expect"]:
        matches = [
            d
            for d in run.diagnostics
            if d["code"] == want["code"]
            and d["path"] == want["path"]
            and d["line"] == want.get("line", d["line"])
            and d["column"] == want.get("column", d["column"])
            and want.get("contains", "") in d["message"]
        ]
        assert matches, f"expected {want}, got:\n" + "\n".join(map(str, run.diagnostics))

    for d in run.diagnostics:
        assert CJK.search(d["message"]), f"message not in Chinese: {d}"
        assert not d["path"].startswith("/"), "paths are relative to the project root"
    has_error = any(w["code"].startswith("E-") for w in meta["expect"])
    assert run.code == (1 if has_error else 0)


def test_the_valid_fixture_is_clean(valid_tree, run_check):
    run = run_check(valid_tree)
    assert run.diagnostics == []
    assert run.code == 0


def test_file_order_does_not_matter(valid_tree, run_check):
    """A story referring to a craftsman whose file sorts later still resolves."""
    (valid_tree / "stories/craftsmen/wang-jian-guo.md").rename(
        valid_tree / "stories/craftsmen/zz-wang.md"
    )
    story = valid_tree / "stories/red/first-shovel.md"
    story.write_text(
        story.read_text(encoding="utf-8").replace("wang-jian-guo", "zz-wang"), encoding="utf-8"
    )
    collection = valid_tree / "stories/collections/red-memory.yml"
    collection.write_text(
        collection.read_text(encoding="utf-8").replace("wang-jian-guo", "zz-wang"),
        encoding="utf-8",
    )
    medal = valid_tree / "stories/halls/main-hall/medal.md"
    medal.write_text(medal.read_text(encoding="utf-8").replace("wang-jian-guo", "zz-wang"))
    run = run_check(valid_tree)
    assert run.diagnostics == []


def test_fullwidth_colon_inside_text_is_not_a_broken_key(valid_tree, run_check):
    hall = valid_tree / "stories/halls/main-hall/hall.yml"
    hall.write_text(
        hall.read_text(encoding="utf-8").replace(
            "  欢迎参观。", "  欢迎参观。\n  AI：人工智能展区在二楼。"
        ),
        encoding="utf-8",
    )
    assert run_check(valid_tree).diagnostics == []


def test_unclosed_quote_is_reported_where_it_opens(valid_tree, run_check):
    story = valid_tree / "stories/red/night-shift.md"
    story.write_text(
        story.read_text(encoding="utf-8").replace("title: 夜班", 'title: "夜班'), encoding="utf-8"
    )
    [problem] = run_check(valid_tree).diagnostics
    assert (problem["code"], problem["line"], problem["column"]) == ("E-YAML-SYNTAX", 2, 8)
    assert "引号" in problem["message"]


def test_a_draft_collection_may_list_what_is_not_published_yet(valid_tree, run_check):
    collection = valid_tree / "stories/collections/red-memory.yml"
    text = collection.read_text(encoding="utf-8")
    collection.write_text(text.replace("items:", "status: draft\nitems:\n  - unfinished"), "utf-8")
    codes = run_check(valid_tree).codes()
    assert "E-COLLECTION-UNPUBLISHED" not in codes and "W-COLLECTION-REVIEW" not in codes
    collection.write_text(text.replace("items:", "items:\n  - unfinished"), "utf-8")
    assert "E-COLLECTION-UNPUBLISHED" in run_check(valid_tree).codes()
