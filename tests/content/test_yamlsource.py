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
