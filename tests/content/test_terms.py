"""The standard-wording dictionary: loading, specs, refused patterns, bounds."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_tools.content.load import load_corpus
from build_tools.content.model import Unit
from build_tools.content.terms import MAX_PATTERN, MAX_TERMS, covered, load_terms
from build_tools.diagnostics import Severity
from build_tools.schema import build_schemas
from tests.conftest import FIXTURES

SAMPLE = FIXTURES.parent.parent / "stories" / "terms.yml"


def _load(text: str):
    return load_terms(text, "stories/terms.yml")


def test_entries_with_literals_regexes_severity_and_positions():
    terms, problems = _load(
        "- expected: 一带一路倡议\n"
        "  patterns: [一带一路战略, /一带一路计划/]\n"
        "  severity: error\n"
        "- expected: 部署\n"
        "  patterns: 布署\n"  # one pattern may be written without a list, as in prh
        "  note: 说明\n"
    )
    assert problems == []
    first, second = terms.entries
    assert first.severity is Severity.ERROR and first.code == "E-TERM"
    assert [p.literal for p in first.patterns] == ["一带一路战略", None]
    assert first.patterns[1].regex is not None and first.patterns[1].location.line == 2
    assert second.code == "W-TERM" and second.note == "说明"
    assert first.location.line == 1


def test_prh_wrapper_is_accepted():
    terms, problems = _load("version: 1\nrules:\n  - expected: 部署\n    patterns: [布署]\n")
    assert problems == [] and terms.entries[0].expected == "部署"


def test_specs_are_verified_and_a_wrong_one_is_said_at_its_line():
    text = (
        "- expected: 竣工\n"
        "  patterns: [峻工]\n"
        "  specs:\n"
        "    - from: 工程峻工\n"
        "      to: 工程竣工\n"
        "    - from: 峻工了\n"
        "      to: 完工了\n"
    )
    terms, [problem] = _load(text)
    assert problem.code == "E-TERMS-FILE" and problem.location.line == 6
    assert "“竣工了”" in problem.message  # what the entry produced
    assert terms.entries == ()  # a broken entry is left out


def test_apply_keeps_the_expected_wording_and_expands_groups():
    terms, problems = _load(
        "- expected: 中国特色社会主义\n"
        "  patterns: [特色社会主义]\n"
        "- expected: $1、国务院\n"
        "  patterns: ['/(党中央|中共中央)国务院/']\n"
    )
    assert problems == []
    socialism, organs = terms.entries
    assert socialism.apply("中国特色社会主义和特色社会主义") == "中国特色社会主义和中国特色社会主义"
    assert organs.apply("中共中央国务院和党中央国务院") == "中共中央、国务院和党中央、国务院"


def test_covered_means_the_expected_text_stands_around_the_match():
    assert covered("中国特色社会主义", 2, 8, "中国特色社会主义")
    assert not covered("走特色社会主义", 1, 7, "中国特色社会主义")
    assert not covered("中国", 0, 2, "国")


@pytest.mark.parametrize(
    ("pattern", "says"),
    [
        ("/一带一路(/", "圆括号没有闭合"),
        ("/布?/", "空字符串"),
        ("/(?=布)/", "空字符串"),
        ("/(按\\s*)+装/", "在重复"),
        ("/(按键|安)*装/", "在重复"),
        ("/(装)\\1/", "反向引用"),
        ("部署", "和规范写法相同"),
    ],
)
def test_refused_patterns(pattern, says):
    terms, [problem] = _load(f"- expected: 部署\n  patterns: ['{pattern}']\n")
    assert problem.code == "E-TERMS-FILE" and says in problem.message
    assert problem.location.line == 2 and terms.entries == ()


def test_bounds():
    long = "字" * (MAX_PATTERN + 1)
    _, [problem] = _load(f"- expected: 部署\n  patterns: [{long}]\n")
    assert problem.code == "E-FIELD-TOO-LONG"
    many = "".join(f"- {{expected: 词{i}, patterns: [错{i}]}}\n" for i in range(MAX_TERMS + 1))
    terms, problems = _load(many)
    # Either the YAML node limit or the entry limit refuses it; never all of it read.
    assert problems and len(terms.entries) <= MAX_TERMS


def test_a_pattern_belongs_to_one_entry():
    _, [problem] = _load(
        "- expected: 竣工\n  patterns: [峻工]\n- expected: 完工\n  patterns: [峻工]\n"
    )
    assert "第 2 行已经写过" in problem.message and problem.location.line == 4


def test_not_a_list():
    terms, [problem] = _load("expected: 部署\n")
    assert problem.code == "E-TERMS-FILE" and terms.entries == ()


def test_the_starter_dictionary_loads_clean():
    terms, problems = load_terms(SAMPLE.read_text(encoding="utf-8"), "stories/terms.yml")
    assert problems == []
    assert len(terms.entries) >= 30
    assert all(t.note for t in terms.entries if t.severity is Severity.ERROR)


def test_the_loader_puts_it_in_the_corpus(valid_tree: Path):
    content = valid_tree / "stories"
    assert load_corpus(valid_tree, content).corpus.terms is None  # the file is optional
    (content / "terms.yml").write_text("- expected: 部署\n  patterns: [布署]\n", "utf-8")
    result = load_corpus(valid_tree, content)
    assert result.corpus.terms is not None and result.corpus.terms.entries[0].expected == "部署"
    assert not [d for d in result.diagnostics if d.code == "W-FILE-UNKNOWN"]


def test_unit_rename_date_is_in_the_model_and_the_schema():
    unit = Unit.model_validate({"id": "mine-2", "name": "第二煤矿", "renamed": "1970-05"})
    assert str(unit.renamed) == "1970-05"
    assert Unit.model_validate({"id": "mine-2", "name": "第二煤矿"}).renamed is None
    prop = build_schemas()["units"]["items"]["$ref"].rsplit("/", 1)[-1]
    units = build_schemas()["units"]["$defs"][prop]["properties"]
    assert units["renamed"]["title"] == "改用现名的日期"
