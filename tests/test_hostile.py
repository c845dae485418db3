"""Hostile content, all at once, through every entry point: `culture check` reports each
thing with file and line; `culture build` refuses; a plain `mkdocs build` and `culture
serve` finish without a traceback, publish nothing from outside `stories/`, write
nothing outside the site, and no page carries a script link."""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from build_tools.print.fonts import covered
from tests.sitetools import PROJECT, Preview, site_project

SECRET = "机密内容-不应发布"


def _png_header_only(path: Path, width: int, height: int) -> None:
    """A valid PNG claiming width×height pixels (1-bit), compressed to a few KB."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def _story(name: str, body: str, **fields: str) -> str:
    front = {
        "title": name,
        "date": "1970",
        "themes": "[艰苦创业]",
        "summary": "测试用的故事。",
        "status": "published",
        **fields,
    }
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in front.items()) + "---\n\n" + body + "\n"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("hostile")
    outside = base / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(_story("外部故事", SECRET), encoding="utf-8")
    (outside / "secret.png").write_bytes(
        (PROJECT / "stories/media/red/coal-train-winter.jpg").read_bytes()
    )
    hall = outside / "evil-hall"
    hall.mkdir()
    (hall / "hall.yml").write_text("name: 外部展厅\nzones:\n  - id: a\n    title: 甲\n", "utf-8")
    project = site_project(base / "project")
    red, media = project / "stories/red", project / "stories/media"
    rare = next(chr(c) for c in range(0x30000, 0x3134F) if c not in covered("Noto Serif CJK SC"))
    jpeg = (PROJECT / "stories/media/red/coal-train-winter.jpg").read_bytes()
    (media / "truncated.jpg").write_bytes(jpeg[: len(jpeg) // 3])
    (media / "text.png").write_text("这不是图片", encoding="utf-8")
    _png_header_only(media / "bomb.png", 20000, 20000)
    spellings = [
        "javascript&#58;alert(1)",
        "javascript&colon;alert(2)",
        "javascript&#x3a;alert(3)",
        "jav&#x61;script:alert(4)",
    ]
    body = (
        f"[一]({spellings[0]})正文。\n\n脚注[^1]。\n\n[^1]: [二]({spellings[1]})\n\n"
        f"| 甲 |\n|---|\n| [三]({spellings[2]}) |\n\n[外站](//example.com/x)\n\n"
        "控制\x00字符。\n\n" + "- " * 500 + "深\n"
    )
    (red / "links.md").write_text(_story("链接", body), encoding="utf-8")
    bomb = 'people: [&n "' + "长" * 4000 + '"' + ", *n" * 11 + "]"
    (red / "anchors.md").write_text(
        _story("锚点", "正文。").replace("status: published", "status: published\n" + bomb),
        encoding="utf-8",
    )
    (red / "stars.md").write_text(
        _story(
            "星号",
            "*" * 300 + "词" + "*" * 300 + f"，老师傅姓{rare}。",
            aliases='["../../../../escaped"]',
        ),
        encoding="utf-8",
    )
    (red / "images.md").write_text(
        _story(
            "图片",
            "![截断](../media/truncated.jpg)\n\n![文本](../media/text.png)",
            cover="{src: ../media/bomb.png, caption: 炸弹}",
        ),
        encoding="utf-8",
    )
    (red / "cover-outside.md").write_text(
        _story("外部封面", "正文。", cover="{src: ../../../outside/secret.png, caption: 外部}"),
        encoding="utf-8",
    )
    os.symlink(outside / "secret.md", red / "linked.md")
    os.symlink(hall, project / "stories/halls/evil-hall")
    hall_yml = project / "stories/halls/main-hall/hall.yml"
    hall_yml.write_text(
        hall_yml.read_text("utf-8").replace("欢迎参观。", f"欢迎[参观]({spellings[1]})。"), "utf-8"
    )
    collection = project / "stories/collections/red-memory.yml"
    collection.write_text(
        collection.read_text("utf-8").replace("前言。", f"[前言]({spellings[3]})。")
        + "  - stars\n",
        "utf-8",
    )
    return project


def _run(project: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_culture_check_reports_every_hostile_input_with_file_and_line(hostile):
    result = _run(hostile, "build_tools.cli", "check", "--format", "json")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    found = {(d["path"], d["code"]) for d in json.loads(result.stdout)}
    expected = {
        ("stories/red/links.md", "E-BODY-LINK"),
        ("stories/red/links.md", "W-BODY-LINK-EXTERNAL"),
        ("stories/red/links.md", "E-BODY-CONTROL"),
        ("stories/red/links.md", "E-BODY-NESTING"),
        ("stories/red/anchors.md", "E-YAML-ALIAS"),
        ("stories/red/stars.md", "E-BODY-NESTING"),
        ("stories/red/stars.md", "E-ID-INVALID"),
        ("stories/red/stars.md", "E-PRINT-GLYPH"),
        ("stories/red/images.md", "E-IMAGE-TOO-LARGE"),
        ("stories/red/images.md", "E-IMAGE-BROKEN"),
        ("stories/red/cover-outside.md", "E-IMAGE-OUTSIDE"),
        ("stories/red/linked.md", "E-FILE-OUTSIDE"),
        ("stories/halls/evil-hall", "E-FILE-OUTSIDE"),
        ("stories/halls/main-hall/hall.yml", "E-BODY-LINK"),
        ("stories/collections/red-memory.yml", "E-BODY-LINK"),
    }
    assert expected <= found, sorted(expected - found)
    for d in json.loads(result.stdout):
        assert d["path"].startswith("stories/"), d


def test_culture_build_refuses_without_a_traceback(hostile, tmp_path):
    result = _run(hostile, "build_tools.cli", "build", "--out", str(tmp_path / "site"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "内部错误" not in result.stderr
    assert not (tmp_path / "site").exists()


def _leaks(site: Path) -> list[str]:
    problems = []
    secret = (hostile_root := site.parent.parent) / "outside/secret.png"
    secret_bytes = secret.read_bytes()[:4096] if secret.exists() else b"\x00"
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix in (".html", ".xml", ".json", ".js"):
            text = data.decode("utf-8", "replace")
            if SECRET in text or "外部展厅" in text:
                problems.append(f"outside content in {path}")
            for href in re.findall(r'href="([^"]*)"', text):
                if re.match(r"\s*(java|vb)script:|\s*data:", href, re.I):
                    problems.append(f"script link in {path}: {href}")
        elif (
            secret_bytes[:64] in data
            and path.suffix == ".jpg"
            and len(data) == secret.stat().st_size
        ):
            problems.append(f"outside image copied to {path}")
    assert hostile_root.exists()
    return problems


def test_plain_mkdocs_build_is_harmless(hostile):
    before = {p for p in hostile.parent.rglob("*") if ".cache" not in p.parts}
    site = hostile / "site"
    # mkdocs.yml says strict: a plain build stops on the errors; without strict it
    # goes on, and must still be harmless.
    result = _run(hostile, "mkdocs", "build", "--no-strict", "--site-dir", str(site), timeout=600)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.returncode == 0, result.stderr[-3000:]
    assert "E-BODY-LINK" in result.stderr  # the check ran and said so
    assert _leaks(site) == []
    written = {p for p in hostile.parent.rglob("*") if ".cache" not in p.parts} - before
    assert [p for p in written if not p.is_relative_to(site)] == []
    assert (site / "stories/links/index.html").is_file()
    # the booklet whose item cannot be printed is not made, and not linked
    page = (site / "collections/red-memory/index.html").read_text("utf-8")
    assert ".pdf" not in page


def test_strict_mkdocs_build_fails_on_content_errors_with_the_checks_words(hostile, tmp_path):
    result = _run(hostile, "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "s"))
    assert result.returncode != 0
    check = _run(hostile, "build_tools.cli", "check")
    first = check.stdout.splitlines()[0]
    assert first in result.stderr
    assert "Traceback" not in result.stderr


def test_culture_serve_keeps_serving_and_shows_the_problems(hostile):
    preview = Preview(hostile)
    try:
        page = preview.wait_for("stories/links/", lambda t: "culture-problems" in t)
        assert "javascript:" not in page.split("culture-problems", 1)[1].split("</section>")[1]
        assert "E-BODY-LINK" in page
        home = preview.get("")
        assert "culture-preview-banner" in home
        assert SECRET not in home and "外部展厅" not in home
        terminal = preview.terminal()
        assert "Traceback" not in terminal and "appear stuck" not in terminal
        assert "stories/red/linked.md: error E-FILE-OUTSIDE" in terminal
    finally:
        preview.close()
