"""`culture new`: a valid draft with a pinyin id, never overwriting anything."""

from __future__ import annotations

import datetime as dt

import pytest

from build_tools.cli import main
from build_tools.scaffold import make_id


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("第一锹土", "di-yi-qiao-tu"),
        ("王建国", "wang-jian-guo"),
        ("1985年的夜班", "1985-nian-de-ye-ban"),
    ],
)
def test_ids_come_from_pinyin(title, expected):
    assert make_id(title) == expected


def _new(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["new", *args])
    out = capsys.readouterr()
    return code, out.out.strip(), out.err.strip()


@pytest.mark.parametrize(
    ("args", "path"),
    [
        (("story", "第一锹土"), "stories/red/di-yi-qiao-tu.md"),
        (("craftsman", "李大山"), "stories/craftsmen/li-da-shan.md"),
        (
            ("panel", "老矿车", "--zone", "craftsmanship"),
            "stories/halls/main-hall/lao-kuang-che.md",
        ),
        (("collection", "红色记忆：第二辑"), "stories/collections/hong-se-ji-yi-di-er-ji.yml"),
    ],
)
def test_new_items_are_valid_drafts(args, path, valid_tree, monkeypatch, capsys, run_check):
    monkeypatch.chdir(valid_tree)
    code, out, err = _new(capsys, *args)
    assert (code, out) == (0, path), err
    text = (valid_tree / path).read_text(encoding="utf-8")
    if args[0] != "collection":
        assert "status: draft" in text
    run = run_check(valid_tree)
    assert run.code == 0, run.diagnostics  # a warning (an empty collection) is fine
    assert all(d["severity"] == "warning" for d in run.diagnostics)


def test_story_gets_today_and_title(valid_tree, monkeypatch, capsys):
    monkeypatch.chdir(valid_tree)
    _new(capsys, "story", "标题: 有冒号")
    text = (valid_tree / "stories/red/biao-ti-you-mao-hao.md").read_text(encoding="utf-8")
    assert f"date: {dt.date.today().isoformat()}" in text
    assert 'title: "标题: 有冒号"' in text


def test_panel_numbers_continue_the_zone(valid_tree, monkeypatch, capsys):
    monkeypatch.chdir(valid_tree)
    _new(capsys, "panel", "老矿车")  # zone origins has
    _new(capsys, "panel", "安全帽", "--zone", "craftsmanship")  # B-01 exists
    assert "number: A-03" in (valid_tree / "stories/halls/main-hall/lao-kuang-che.md").read_text()
    assert "number: B-02" in (valid_tree / "stories/halls/main-hall/an-quan-mao.md").read_text()


def test_never_overwrites(valid_tree, monkeypatch, capsys):
    monkeypatch.chdir(valid_tree)
    target = valid_tree / "stories/red/di-yi-qiao-tu.md"
    target.write_text("编辑写了一半的稿子", encoding="utf-8")
    code, _, err = _new(capsys, "story", "第一锹土")
    assert code == 1
    assert "已存在" in err
    assert target.read_text(encoding="utf-8") == "编辑写了一半的稿子"


def test_unknown_hall_is_refused_with_the_list(valid_tree, monkeypatch, capsys):
    monkeypatch.chdir(valid_tree)
    code, _, err = _new(capsys, "panel", "矿灯", "--hall", "no-hall")
    assert code == 1
    assert "main-hall" in err


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("story", "新故事", "--unit", "第一煤矿"), "单位要写 id 而不是名称：“第一煤矿”"),
        (("story", "新故事", "--unit", "mine-9"), "“mine-1”"),
        (("craftsman", "新工匠", "--unit", "nowhere"), "未知的单位“nowhere”"),
        (("story", "新故事", "--theme", "pioneering"), "主题要写中文名称而不是 slug"),
        (("story", "新故事", "--theme", "艰苦创新"), "是否指 “艰苦创业”"),
        (("story", "新故事", "--theme", "乡村振兴"), "可用的主题：艰苦创业、安全生产、工匠精神"),
    ],
)
def test_unknown_unit_or_theme_is_refused_as_the_check_says(
    args, said, valid_tree, monkeypatch, capsys
):
    monkeypatch.chdir(valid_tree)
    before = sorted(p.relative_to(valid_tree) for p in (valid_tree / "stories").rglob("*"))
    code, out, err = _new(capsys, *args)
    assert (code, out) == (1, "")
    assert said in err and err.startswith("culture new: --")
    after = sorted(p.relative_to(valid_tree) for p in (valid_tree / "stories").rglob("*"))
    assert after == before  # nothing written


def test_the_refusal_is_the_checks_own_wording(valid_tree, monkeypatch, capsys, run_check):
    """What `culture new` says of a unit is what `culture check` would say of it."""
    monkeypatch.chdir(valid_tree)
    _, _, err = _new(capsys, "story", "新故事", "--unit", "mine-9")
    story = valid_tree / "stories/red/night-shift.md"
    story.write_text(story.read_text(encoding="utf-8").replace("power-1", "mine-9"), "utf-8")
    [problem] = [d for d in run_check(valid_tree).diagnostics if d["code"] == "E-REF-UNIT"]
    assert err == f"culture new: --unit {problem['message']}"


def test_chosen_unit_and_theme_are_written(valid_tree, monkeypatch, capsys, run_check):
    monkeypatch.chdir(valid_tree)
    code, out, _ = _new(capsys, "story", "新故事", "--unit", "power-1", "--theme", "安全生产")
    text = (valid_tree / out).read_text(encoding="utf-8")
    assert code == 0 and "unit: power-1" in text and "themes: [安全生产]" in text


def test_a_new_collection_is_a_draft(valid_tree, monkeypatch, capsys, run_check):
    """Its foreword is still the template's: a published one would fail the gate."""
    monkeypatch.chdir(valid_tree)
    _, out, _ = _new(capsys, "collection", "红色记忆：第二辑")
    assert "status: draft" in (valid_tree / out).read_text(encoding="utf-8")
    codes = run_check(valid_tree).codes()
    assert "W-PLACEHOLDER" in codes and "E-PLACEHOLDER" not in codes
