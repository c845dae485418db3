"""Standard wording: matching the dictionary and units' former names over the prose."""

from __future__ import annotations

from pathlib import Path

from build_tools.checks import terms as check
from build_tools.content.dates import PartialDate
from build_tools.content.model import Origin, Story, Unit
from build_tools.content.prose import Piece, Prose
from build_tools.content.terms import load_terms


def _prose(text: str, owner=None, field: str = "body") -> Prose:
    return Prose("stories/red/x.md", field, text, (Piece(0, len(text), 10, 1, True),), owner)


def _story(date: str) -> Story:
    story = Story.model_construct(date=PartialDate.parse(date))
    story.attach("x", Origin("stories/red/x.md"))
    return story


def _unit(**fields) -> Unit:
    return Unit.model_validate({"id": "mine-1", "name": "第一煤矿", "short": "一矿", **fields})


def _matcher(dictionary: str = "", units=()) -> check.Matcher:
    terms = load_terms(dictionary, "stories/terms.yml")[0] if dictionary else None
    return check.matcher_for(terms, units)


def _found(matcher: check.Matcher, prose: Prose) -> list[tuple[str, int, str]]:
    return [(d.code, d.location.column, d.message) for d in matcher.scan(prose)]


DICTIONARY = (
    "- expected: 中国特色社会主义\n"
    "  patterns: [特色社会主义]\n"
    "- expected: 部署\n"
    "  patterns: [布署]\n"
    "  severity: error\n"
    "  note: 部是安排之意\n"
    "- expected: 新中国成立$1\n"
    "  patterns: ['/(?<![\\u4e00-\\u9fff])建国(以来|后)/']\n"
)


def test_literals_and_regexes_are_found_where_they_are():
    found = _found(_matcher(DICTIONARY), _prose("建国以来，重新布署了设备；坚持特色社会主义。"))
    assert found == [
        ("E-TERM", 8, "“布署”应写作“部署”：部是安排之意"),
        ("W-TERM", 16, "“特色社会主义”应写作“中国特色社会主义”"),
        ("W-TERM", 1, "“建国以来”应写作“新中国成立以来”"),
    ]


def test_no_finding_inside_the_expected_wording_or_a_name():
    matcher = _matcher(DICTIONARY)
    assert _found(matcher, _prose("坚持中国特色社会主义，王建国后来当了队长。")) == []


def test_the_automaton_is_built_once_per_dictionary():
    _matcher(DICTIONARY)
    before = check.builds
    for _ in range(3):
        _matcher(DICTIONARY)  # a dictionary with the same text: kept
    assert check.builds == before
    _matcher(DICTIONARY + "- expected: 竣工\n  patterns: [峻工]\n")
    assert check.builds == before + 1


def test_ten_thousand_literals_in_one_automaton_and_one_pass():
    entries = "".join(
        f"- {{expected: 规范{i:05d}, patterns: [错写{i:05d}]}}\n" for i in range(9000)
    )
    terms, problems = load_terms(entries, "stories/terms.yml")
    assert problems == [] and len(terms.entries) == 9000
    units = [
        Unit.model_validate({"id": f"u-{i}", "name": f"单位{i:04d}", "aliases": [f"旧单位{i:04d}"]})
        for i in range(1000)
    ]
    before = check.builds
    matcher = check.matcher_for(terms, units)
    assert check.builds == before + 1
    assert len(matcher.targets) == 10_000 and matcher.any_regex is None
    text = "开头" + "正常的文字。" * 2000 + "错写08999和旧单位0999。"
    found = _found(matcher, _prose(text))
    assert [code for code, *_ in found] == ["W-TERM", "W-TERM-UNIT"]
    assert "“错写08999”应写作“规范08999”" in found[0][2]
    check.matcher_for(terms, units)
    assert check.builds == before + 1  # the next run reuses it


def test_former_unit_name_without_a_rename_date_is_always_reported():
    matcher = _matcher(units=[_unit(aliases=["红旗煤矿"])])
    [(code, column, message)] = _found(matcher, _prose("红旗煤矿召开大会。", _story("1960")))
    assert code == "W-TERM-UNIT" and column == 1
    assert "“红旗煤矿”应写作“第一煤矿”" in message and "renamed" in message


def test_former_unit_name_and_the_time_the_text_speaks_of():
    matcher = _matcher(units=[_unit(aliases=["红旗煤矿"], renamed="1990-07")])

    def codes(text: str, date: str | None = "2019") -> list[str]:
        return [c for c, *_ in _found(matcher, _prose(text, _story(date) if date else None))]

    assert codes("红旗煤矿召开大会。") == ["W-TERM-UNIT"]
    assert codes("红旗煤矿召开大会。", "1985") == []  # the story's date
    assert codes("1987年，她分到红旗煤矿。") == []  # a year written before it
    assert codes("1987年，她分到红旗煤矿。2019年，红旗煤矿又招新人。") == ["W-TERM-UNIT"]
    assert codes("红旗煤矿在1985年投产。") == []  # in the same sentence, after it
    assert codes("上世纪八十年代，红旗煤矿是标杆。") == []
    assert codes("1990年，红旗煤矿改名。") == []  # the rename year itself: not held against it
    assert codes("1990年7月1日，红旗煤矿改名。") == []
    assert codes("红旗煤矿召开大会。", None) == ["W-TERM-UNIT"]  # no time known at all


def test_former_unit_name_written_as_one():
    matcher = _matcher(units=[_unit(aliases=["红旗煤矿", "老一矿"], renamed="1990")])

    def codes(text: str) -> list[str]:
        return [c for c, *_ in _found(matcher, _prose(text, _story("2019")))]

    assert codes("原红旗煤矿的工人来了。") == []
    assert codes("当时的红旗煤矿还靠炮采。") == []
    assert codes("红旗煤矿（今第一煤矿）建矿六十年。") == []
    assert codes("第一煤矿的前身红旗煤矿。") == []
    assert codes("红旗煤矿的工人来了。第一煤矿开会。") == ["W-TERM-UNIT"]  # another sentence
    assert codes("老一矿的工人来了。") == ["W-TERM-UNIT"]  # “一矿” inside it is not the new name


def test_year_of_a_list_entry_dates_its_field():
    matcher = _matcher(units=[_unit(aliases=["晋源矿务局"], renamed="2005")])
    person = Story.model_construct()  # any item: only its fields are read
    person.__dict__["honors"] = [type("Honor", (), {"year": 1996})()]
    prose = _prose("晋源矿务局一等功", person, field="honors.0.title")
    assert _found(matcher, prose) == []


def test_units_file_itself_and_ambiguous_names_are_left_alone():
    unit = _unit(aliases=["红旗煤矿"], renamed="1990")
    matcher = _matcher(units=[unit])
    assert _found(matcher, _prose("红旗煤矿", unit, field="name")) == []
    twice = [_unit(aliases=["老矿"]), _unit(id="mine-2", name="第二煤矿", aliases=["老矿"])]
    assert _matcher(units=twice).empty


def test_dictionary_wins_over_a_former_name():
    matcher = _matcher(
        "- expected: 第一煤矿\n  patterns: [红旗煤矿]\n  note: 词典\n",
        [_unit(aliases=["红旗煤矿"])],
    )
    [(code, _, message)] = _found(matcher, _prose("红旗煤矿召开大会。"))
    assert code == "W-TERM" and message.endswith("词典")


def _story_file(root: Path, name: str, front: str, body: str) -> None:
    (root / "stories/red" / name).write_text(
        f"---\ntitle: 测试\ndate: 2019\nthemes: [安全生产]\n{front}\nstatus: published\n---\n\n{body}\n",
        encoding="utf-8",
    )


def test_end_to_end_exemptions_and_switch(valid_tree: Path, run_check):
    (valid_tree / "stories/terms.yml").write_text("- expected: 部署\n  patterns: [布署]\n", "utf-8")
    _story_file(valid_tree, "t.md", "summary: 重新布署。", "重新布署了设备。\n\n老一矿开会。")
    found = {(d["code"], d["line"]) for d in run_check(valid_tree).diagnostics}
    assert found == {("W-TERM", 5), ("W-TERM", 9), ("W-TERM-UNIT", 11)}

    _story_file(
        valid_tree,
        "t.md",
        "summary: 重新布署。  # culture: ignore W-TERM",
        "[//]: # (culture: ignore W-TERM)\n重新布署了设备。\n\n老一矿开会。",
    )
    assert [(d["code"], d["line"]) for d in run_check(valid_tree).diagnostics] == [
        ("W-TERM-UNIT", 12)
    ]

    (valid_tree / "culture.yml").write_text("checks:\n  terms: error\n", "utf-8")
    run = run_check(valid_tree)
    assert [d["severity"] for d in run.diagnostics] == ["error"] and run.code == 1
    (valid_tree / "culture.yml").write_text("checks:\n  terms: off\n", "utf-8")
    assert run_check(valid_tree).diagnostics == []
