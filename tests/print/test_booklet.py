"""The booklet read as a print shop and a reader would: fonts, contents page numbers,
line breaks, justification, imposition, and text that round-trips."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter, defaultdict
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from build_tools.cli import check_content, main
from build_tools.print.booklet import BookletError, BookletOptions, make_booklet
from build_tools.print.fonts import covered
from build_tools.print.imposition import saddle_order, saddle_stitch
from tests.conftest import FIXTURES, PROJECT

NO_START = set("，。、；：？！）》”’")  # GB/T 15834 / clreq: never at the start of a line
NO_END = set("（《“‘")


@pytest.fixture(scope="module")
def corpus():
    return check_content(PROJECT)[1]


@pytest.fixture(scope="module")
def booklet(corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("booklet") / "red-memory-1.pdf"
    make_booklet(corpus, "red-memory-1", out, BookletOptions(imposition="none"))
    return out


def _text(pdf: Path, *pages: int) -> str:
    args = ["pdftotext"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_only_noto_sc_fonts_all_embedded(booklet):
    listing = subprocess.run(
        ["pdffonts", str(booklet)], capture_output=True, text=True, check=True
    ).stdout
    rows = listing.splitlines()[2:]
    assert rows
    for row in rows:
        name, *_ = row.split()
        assert re.search(r"Noto(Serif|Sans)CJKsc", name), row
        assert " yes yes yes " in row, f"not embedded: {row}"


def test_contents_page_numbers_point_where_items_start(booklet, corpus):
    collection = corpus.collections["red-memory-1"]
    titles = [corpus.stories[i].title for i in collection.items]
    with pdfplumber.open(booklet) as pdf:
        pages = pdf.pages
        toc = next(p for p in pages if (p.extract_text() or "").startswith("目录"))
        listed = {}
        for line in (toc.extract_text() or "").splitlines()[1:]:
            match = re.match(r"^(.*?)[\s.]*\u2060?(\d+|[ivx]+)$", line.strip())
            if match:
                listed[match.group(1).strip(" .")] = match.group(2)
        assert [t for t in titles if t in listed] == titles, listed
        for number, page in enumerate(pages):
            words = page.extract_words(extra_attrs=["size"])
            big = "".join(w["text"] for w in words if w["size"] >= 15)
            footer = [w["text"] for w in words if w["top"] > page.height - 15 * 2.83]
            for title in titles:
                if big == title.replace(" ", ""):
                    assert listed[title] in footer, (
                        f"{title}: 目录写 {listed[title]}，实际页脚 {footer}（第 {number + 1} 页）"
                    )
    assert "内部资料" in _text(booklet) and "注意保存" in _text(booklet)


def test_text_round_trips(booklet):
    sentence = "1953年4月12日清晨，东山坡上的霜还没有化开。"
    assert sentence in _flat(_text(booklet))


def _body_lines(page):
    """Lines of body text (no running head, no folio) as lists of characters."""
    lines = defaultdict(list)
    for ch in page.chars:
        if 20 * 2.83 < ch["top"] < page.height - 20 * 2.83 and abs(ch["size"] - 10.5) < 0.2:
            lines[round(ch["top"])].append(ch)
    return [sorted(chars, key=lambda c: c["x0"]) for _, chars in sorted(lines.items())]


def _list_item(line) -> bool:
    text = "".join(c["text"] for c in line[:4])
    return text.startswith("•") or re.match(r"\d+\.", text) is not None


def test_no_forbidden_line_starts_or_ends_and_lines_are_justified(booklet):
    bad, short, full = [], [], 0
    with pdfplumber.open(booklet) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            lines = _body_lines(page)
            if not lines:
                continue
            left = min(line[0]["x0"] for line in lines)
            # The measure's right edge: where most lines end (a line ending in
            # punctuation may hang a little beyond it).
            ends = Counter(round(line[-1]["x1"]) for line in lines)
            right = ends.most_common(1)[0][0]
            for i, line in enumerate(lines):
                first, last = line[0]["text"], line[-1]["text"]
                if first in NO_START or first in "—…":
                    bad.append(f"第 {number} 页以“{first}”开头的行")
                following_first = lines[i + 1][0]["text"] if i + 1 < len(lines) else ""
                if last in "—…" and following_first == last:
                    bad.append(f"第 {number} 页把“{last * 2}”拆在两行")
                if last in NO_END:
                    bad.append(f"第 {number} 页以“{last}”结尾的行")
                following = lines[i + 1] if i + 1 < len(lines) else None
                starts = line[0]["x0"] - left
                # a line of running text (at the margin or indented 2 characters) followed
                # by another at the margin is not the last of its paragraph
                if (
                    following
                    and (starts < 1 or abs(starts - 21) < 1)
                    and following[0]["x0"] - left < 1
                    and not _list_item(line)
                    and not _list_item(following)
                ):
                    full += 1
                    if right - line[-1]["x1"] > 10.5 / 2:
                        short.append(f"第 {number} 页：{''.join(c['text'] for c in line)}")
    assert bad == []
    assert full > 100
    assert len(short) / full <= 0.01, short


def test_bookmarks_title_language_and_trimbox(booklet, corpus):
    with pikepdf.open(booklet) as pdf:
        with pdf.open_outline() as outline:
            names = [item.title for item in outline.root]
        assert "前言" in names
        for item_id in corpus.collections["red-memory-1"].items:
            assert corpus.stories[item_id].title in names
        assert str(pdf.Root.Lang) == "zh-CN"
        assert str(pdf.docinfo.get("/Title")) == "红色记忆（第一辑）"
        page = pdf.pages[0]
        assert [round(float(v)) for v in page.TrimBox] == [0, 0, 420, 595]  # A5 in points


def _numbered_pdf(tmp_path: Path, pages: int) -> pikepdf.Pdf:
    import typst

    source = "#set page(width: 148mm, height: 210mm)\n" + "\n#pagebreak()\n".join(
        f"#align(center + horizon, text(size: 40pt)[P{n}])" for n in range(1, pages + 1)
    )
    path = tmp_path / f"n{pages}.pdf"
    path.write_bytes(typst.compile(source.encode()))
    return pikepdf.open(path)


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        (8, [("P8", "P1"), ("P2", "P7"), ("P6", "P3"), ("P4", "P5")]),
        (
            12,
            [("P12", "P1"), ("P2", "P11"), ("P10", "P3"), ("P4", "P9"), ("P8", "P5"), ("P6", "P7")],
        ),
        (6, [("P6", "P1"), ("P2", ""), ("", "P3"), ("P4", "P5")]),
    ],
)
def test_saddle_stitch_order(tmp_path, pages, expected):
    imposed = saddle_stitch(_numbered_pdf(tmp_path, pages))
    out = tmp_path / "imposed.pdf"
    imposed.save(out)
    seen = []
    with pdfplumber.open(out) as pdf:
        for sheet in pdf.pages:
            assert sheet.width > sheet.height  # landscape: two A5 side by side = A4
            half = sheet.width / 2
            left = (sheet.crop((0, 0, half, sheet.height)).extract_text() or "").strip()
            right = (sheet.crop((half, 0, sheet.width, sheet.height)).extract_text() or "").strip()
            seen.append((left, right))
    assert seen == expected
    assert len(saddle_order(pages)) == len(expected)


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "p"
    shutil.copytree(FIXTURES / "valid", project)
    return project


def test_special_characters_print_literally(tmp_path, capsys, monkeypatch):
    project = _project(tmp_path)
    story = project / "stories/red/night-shift.md"
    story.write_text(
        story.read_text(encoding="utf-8")
        + "\n温度 < 5 度时，#3 机组按 $100 的预算检修，5 * 3 = 15，@ 和 [括号] 也不是命令。\n"
        + '\n他说："开关不会说话。"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(project)
    out = tmp_path / "b.pdf"
    assert main(["booklet", "red-memory", "--out", str(out)]) == 0
    text = _flat(_text(out))
    assert (
        _flat("温度 < 5 度时，#3 机组按 $100 的预算检修，5 * 3 = 15，@ 和 [括号] 也不是命令。")
        in text
    )
    assert "他说：“开关不会说话。”" in text  # straight quotes typed by an editor print as “”


def test_a_missing_glyph_is_reported_with_file_and_line(tmp_path, capsys, monkeypatch):
    rare = next(chr(c) for c in range(0x30000, 0x3134F) if c not in covered("Noto Serif CJK SC"))
    project = _project(tmp_path)
    story = project / "stories/red/night-shift.md"
    story.write_text(story.read_text(encoding="utf-8") + f"\n老师傅姓{rare}。\n", encoding="utf-8")
    monkeypatch.chdir(project)
    out = tmp_path / "b.pdf"
    capsys.readouterr()
    assert main(["booklet", "red-memory", "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert re.search(r"stories/red/night-shift\.md:\d+:\d+: error E-PRINT-GLYPH .*" + rare, printed)
    assert not out.exists()


def test_drafts_stop_a_booklet_but_review_items_make_a_proof(tmp_path, capsys, monkeypatch):
    project = _project(tmp_path)
    collection = project / "stories/collections/red-memory.yml"
    collection.write_text(
        collection.read_text(encoding="utf-8") + "  - unfinished\n", encoding="utf-8"
    )
    monkeypatch.chdir(project)
    capsys.readouterr()
    assert main(["booklet", "red-memory", "--out", str(tmp_path / "b.pdf")]) == 1
    assert "E-COLLECTION-UNPUBLISHED" in capsys.readouterr().out

    draft = project / "stories/red/unfinished.md"
    draft.write_text(
        draft.read_text(encoding="utf-8").replace("status: draft", "status: review"),
        encoding="utf-8",
    )
    assert main(["booklet", "red-memory", "--out", str(tmp_path / "b.pdf")]) == 1
    assert main(["booklet", "red-memory", "--proof", "--out", str(tmp_path / "proof.pdf")]) == 0
    assert "未完成的故事" in _flat(_text(tmp_path / "proof.pdf"))
    with pdfplumber.open(tmp_path / "proof.pdf") as pdf:
        watermark = {c["text"] for page in pdf.pages for c in page.chars if c["size"] > 50}
    assert watermark == {"校", "样"}


def test_booklet_error_for_an_unknown_collection(corpus, tmp_path):
    with pytest.raises(BookletError, match="没有故事集"):
        make_booklet(corpus, "no-such-book", tmp_path / "x.pdf", BookletOptions())


def test_running_heads_book_title_on_versos_item_title_on_rectos(tmp_path, monkeypatch):
    project = _project(tmp_path)
    story = project / "stories/red/night-shift.md"
    paragraph = "夜里十二点，机组的声音格外清楚。值班员一遍遍抄表，把每一个数字都写进记录本。\n\n"
    story.write_text(story.read_text(encoding="utf-8") + paragraph * 60, encoding="utf-8")
    monkeypatch.chdir(project)
    out = tmp_path / "b.pdf"
    assert main(["booklet", "red-memory", "--out", str(out)]) == 0
    heads = {}
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages:
            words = page.extract_words(extra_attrs=["size"])
            head = "".join(w["text"] for w in words if w["top"] < 20 * 2.83 and w["size"] < 9)
            folio = [
                w["text"]
                for w in words
                if w["top"] > page.height - 15 * 2.83 and w["text"].isdigit()
            ]
            if folio:
                heads[int(folio[0])] = head
    story_pages = [n for n in heads if heads[n] == "夜班"]
    assert story_pages and all(n % 2 == 1 for n in story_pages), heads
    assert all(heads[n] == "红色记忆（第一辑）" for n in heads if n % 2 == 0 and heads[n]), heads
    openers = [n for n in heads if not heads[n]]
    assert len(openers) >= 3  # each item's first page has no running head


def test_dashes_and_ellipses_never_start_a_line(tmp_path, monkeypatch):
    project = _project(tmp_path)
    story = project / "stories/red/night-shift.md"
    # The dash or ellipsis falls at every position around the end of the first and
    # second lines:
    # without care, some of these paragraphs would open their second line with it.
    lead = "一二三四五六七八九十" * 8
    paragraphs = [
        prefix + lead[:n] + mark + "接着往下写，再写一些字。" * 3
        for prefix in ("", "夜里十二点，机组的声音格外清楚。")
        for n in range(20, 66)
        for mark in ("——", "……")
    ]
    story.write_text(
        story.read_text(encoding="utf-8") + "\n\n" + "\n\n".join(paragraphs) + "\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(project)
    out = tmp_path / "b.pdf"
    assert main(["booklet", "red-memory", "--out", str(out)]) == 0
    with pdfplumber.open(out) as pdf:
        starts = [line[0]["text"] for page in pdf.pages for line in _body_lines(page)]
    assert "—" not in starts and "…" not in starts
    assert "——接着往下写" in _flat(_text(out))


def test_a_collection_cover_image_is_printed_on_the_cover(tmp_path, monkeypatch, capsys):
    from PIL import Image as PILImage

    project = _project(tmp_path)
    PILImage.new("RGB", (1800, 1200), (160, 40, 30)).save(project / "stories/media/cover.jpg")
    collection = project / "stories/collections/red-memory.yml"
    collection.write_text(
        collection.read_text(encoding="utf-8")
        + "cover: {src: ../media/cover.jpg, caption: 封面}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(project)
    out = tmp_path / "b.pdf"
    assert main(["booklet", "red-memory", "--out", str(out)]) == 0
    assert "cover.jpg" not in capsys.readouterr().out  # 1800 px over 113 mm: no dpi warning
    with pdfplumber.open(out) as pdf:
        assert pdf.pages[0].images, "the cover page shows the image"
        assert not pdf.pages[2].images
