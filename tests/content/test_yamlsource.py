"""YAML with positions: lines and columns as editors count them."""

from __future__ import annotations

import time

from build_tools.content.yamlsource import parse_yaml


def test_positions_count_characters_not_bytes():
    doc = parse_yaml(
        "title: 第一锹土\nunit: 一矿\npeople: [郭长青, 田野]\n", "x.yml", line_offset=1
    )
    assert doc.ok
    assert doc.source_map.value(("title",)).column == 8
    assert doc.source_map.value(("people", 1)).line == 4
    assert doc.source_map.value(("people", 1)).column == 15  # after “[郭长青, ”
    assert doc.source_map.key(("unit",)).line == 3


def test_dates_stay_text_and_numbers_stay_numbers():
    doc = parse_yaml("date: 1958-07-01\nyear: 1958\nflag: true\nempty:\n", "x.yml")
    assert doc.data == {"date": "1958-07-01", "year": 1958, "flag": True, "empty": None}


def test_duplicate_keys_are_reported_not_overwritten():
    doc = parse_yaml("title: 一\ndate: 1958\ntitle: 二\n", "x.yml")
    assert doc.data["title"] == "一"
    [problem] = doc.diagnostics
    assert problem.code == "E-YAML-DUPLICATE-KEY"
    assert (problem.location.line, problem.location.column) == (3, 1)


def test_alias_bomb_is_refused_quickly():
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev, name = chr(96 + i), chr(97 + i)
        levels.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    started = time.perf_counter()
    doc = parse_yaml("\n".join(levels), "bomb.yml")
    assert time.perf_counter() - started < 5  # 9**10 values if expanded
    assert not doc.ok
    assert [d.code for d in doc.diagnostics] == ["E-YAML-ALIAS"]


def test_python_tags_are_not_executed():
    doc = parse_yaml("title: !!python/object/apply:os.system ['echo hi']\n", "x.yml")
    assert not doc.ok or any(d.code in ("E-YAML-TAG", "E-YAML-SYNTAX") for d in doc.diagnostics)


def test_anchors_and_aliases_are_refused_where_they_are_written():
    for text, column in (("people: [&n 郭长青, *n]\n", 10), ("title: &t 标题\n", 8)):
        doc = parse_yaml(text, "x.md", line_offset=1)
        assert not doc.usable and doc.data is None
        [problem] = doc.diagnostics
        assert (problem.code, problem.location.line, problem.location.column) == (
            "E-YAML-ALIAS",
            2,
            column,
        )
    # `*` and `&` inside text are not anchors
    assert parse_yaml('title: "5*3 & 4"\nplace: A&B*C\n', "x.md").ok


def test_curly_quotes_used_as_yaml_quotes_are_reported_and_taken_off():
    doc = parse_yaml("title: “第一锹土”\nsummary: 他说“好”\nthemes: [“艰苦创业”]\n", "x.md")
    assert doc.ok
    assert doc.data == {"title": "第一锹土", "summary": "他说“好”", "themes": ["艰苦创业"]}
    assert [(d.code, d.location.line, d.location.column) for d in doc.diagnostics] == [
        ("E-YAML-CURLY-QUOTE", 1, 8),
        ("E-YAML-CURLY-QUOTE", 3, 10),
    ]


def test_the_tolerant_pass_keeps_real_positions():
    text = "title: 标题\ndate：1958\nsummary: “他说: 好”\nplace：东山\n"
    doc = parse_yaml(text, "x.md", line_offset=1, field_names={"title", "date", "place"})
    assert not doc.ok and doc.repaired and doc.usable
    assert doc.data == {"title": "标题", "date": 1958, "summary": "他说: 好", "place": "东山"}
    assert [(d.code, d.location.line, d.location.column) for d in doc.diagnostics] == [
        ("E-YAML-FULLWIDTH-COLON", 3, 5),
        ("E-YAML-FULLWIDTH-COLON", 5, 6),
        ("E-YAML-CURLY-QUOTE", 4, 10),
    ]
    # after the inserted space, columns are still those of the file as written
    assert doc.source_map.value(("date",)).column == 6
    assert doc.source_map.value(("place",)).column == 7


def test_a_field_that_cannot_be_repaired_is_left_out_and_said_so():
    text = "title: 标题: 冒号\ndate: 1958\nthemes:\n  - 甲\n - 乙\nstatus: draft\n"
    doc = parse_yaml(text, "x.md")
    assert doc.repaired
    assert doc.data == {"date": 1958, "status": "draft"}
    assert doc.skipped_keys() == {"title", "themes"}
    assert [(d.code, d.location.line) for d in doc.diagnostics] == [
        ("E-YAML-SYNTAX", 1),
        ("E-YAML-SYNTAX", 5),
    ]


def test_a_missing_colon_is_reported_on_its_own_line():
    doc = parse_yaml("title 标题\ndate: 1958\n", "x.md")
    [problem] = doc.diagnostics
    assert (problem.location.line, problem.location.column) == (1, 1)
    assert "缺少" in problem.message and "冒号" in problem.message
    assert doc.data == {"date": 1958} and doc.skipped_keys() == {"title"}


def test_tabs_are_reported_once_and_read_as_spaces():
    doc = parse_yaml("themes:\n\t- 甲\n\t- 乙\nsummary: 摘要\n", "x.md")
    assert doc.data == {"themes": ["甲", "乙"], "summary": "摘要"}
    assert [(d.code, d.location.line, d.location.column) for d in doc.diagnostics] == [
        ("E-YAML-TAB", 2, 1)
    ]


def test_entries_left_out_of_a_list_file_are_known_by_id():
    doc = parse_yaml(
        '- id: a\n  name: 甲\n- id: b\n  name: "乙\n- id: c\n  name: 丙\n', "units.yml"
    )
    assert [entry["id"] for entry in doc.data] == ["a", "c"]
    assert doc.skipped_values("id") == ["b"]
