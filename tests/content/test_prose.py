"""The prose of the corpus: what readers see, and exactly where each character was written."""

from __future__ import annotations

from pathlib import Path

from build_tools import pipeline
from build_tools.content.markdown import forget
from build_tools.content.prose import (
    Placement,
    body_ignores,
    corpus_prose,
    exempted,
    markdown_prose,
)
from build_tools.content.yamlsource import find_ignores, parse_yaml

STORY = "stories/red/first-shovel.md"


def _prose(project: Path) -> list:
    forget()
    return list(corpus_prose(pipeline.load(project).corpus))


def _write_story(project: Path, front: str, body: str) -> None:
    (project / STORY).write_text(f"---\n{front}---\n{body}", encoding="utf-8")


FRONT = """title: 第一锹土
date: 1958-07
unit: mine-1
themes: [艰苦创业]
summary: "建矿第一天"
people: ['郭长青', 杜秋生]
status: draft
"""


def test_every_exact_piece_stands_in_the_file_where_it_says(valid_tree):
    body = (
        "\n那年七月，**东山坡**上还是[一片荒地](other.md)。\n第二行接着写，"
        "见 `code 不算` 和 <https://example.com/x>。\n\n"
        "| 年份 | 事件 |\n|---|---|\n| 1953 | 开工 |\n\n"
        "```\n代码块 不算\n```\n\n- 列表一项\n"
    )
    _write_story(valid_tree, FRONT, body)
    found = _prose(valid_tree)
    assert found
    lines: dict[str, list[str]] = {}
    for prose in found:
        text = lines.setdefault(prose.path, (valid_tree / prose.path).read_text().split("\n"))
        for piece in prose.pieces:
            if piece.exact:
                written = text[piece.line - 1][piece.column - 1 :]
                assert written.startswith(prose.text[piece.start : piece.end]), (prose, piece)
    story = [p for p in found if p.path == STORY]
    texts = [p.text for p in story]
    assert "第一锹土" in texts and "建矿第一天" in texts and "郭长青" in texts
    joined = "\n".join(texts)
    # Code, URLs, ids, dates and Markdown syntax are never prose.
    for absent in ("code 不算", "example.com", "代码块", "mine-1", "1958-07", "other.md", "**"):
        assert absent not in joined
    assert any(t.startswith("那年七月，东山坡上还是一片荒地。") for t in texts)
    assert "列表一项" in texts and "开工" in texts


def test_quoted_value_points_past_its_quote(valid_tree):
    _write_story(valid_tree, FRONT, "\n正文。\n")
    [summary] = [p for p in _prose(valid_tree) if p.path == STORY and p.field == "summary"]
    assert summary.location(0).line == 6 and summary.location(0).column == 11
    assert summary.exact(0, 2) is not None


def test_value_with_escapes_is_found_but_never_exact(valid_tree):
    front = FRONT.replace('summary: "建矿第一天"', 'summary: "建矿\\u7b2c一天"')
    _write_story(valid_tree, front, "\n正文。\n")
    [summary] = [p for p in _prose(valid_tree) if p.path == STORY and p.field == "summary"]
    assert summary.text == "建矿第一天"
    assert summary.exact(0, 2) is None
    assert summary.location(3).line == 6  # reported on its line, even so


def test_literal_block_lines_map_to_their_own_lines(valid_tree):
    hall = valid_tree / "stories/halls/main-hall/hall.yml"
    hall.write_text(
        hall.read_text(encoding="utf-8").replace(
            "intro: |\n  欢迎参观。", "intro: |\n  欢迎参观。\n\n  第二段在这里。"
        ),
        encoding="utf-8",
    )
    intro = [p for p in _prose(valid_tree) if p.field == "intro"]
    assert [p.text for p in intro] == ["欢迎参观。", "第二段在这里。"]
    second = intro[1].location(0)
    assert (second.line, second.column) == (7, 3)


def test_escaped_markdown_text_is_not_exact():
    found = list(markdown_prose("x.md", "body", "一\\*二\n", Placement(10)))
    assert [p.text for p in found] == ["一*二"]
    assert all(piece.line == 10 for p in found for piece in p.pieces)
    assert any(not piece.exact for p in found for piece in p.pieces)


def test_yaml_ignore_comments_cover_their_line_and_the_next_when_alone():
    text = "title: 甲  # culture: ignore W-TYPO-SPACING\n# culture: ignore W-TERM, E-PII\nsummary: 乙\n"
    found = find_ignores(text, 1)
    assert found[2] == ("W-TYPO-SPACING",)
    assert found[3] == ("W-TERM", "E-PII") and found[4] == ("W-TERM", "E-PII")
    assert 5 not in found
    assert parse_yaml(text, "x.md", 1).source_map.ignores == found


def test_body_ignore_comment_covers_the_paragraph_after_it():
    body = "\n[//]: # (culture: ignore W-TYPO)\n第一行\n第二行\n\n另一段\n"
    found = body_ignores(body, 20)
    assert {21, 22, 23} <= found.keys()
    assert 25 not in found
    assert exempted("W-TYPO-SPACING", found[22])
    assert not exempted("W-TYPOS", found[22]) and not exempted("E-PII-ID", found[22])
