"""`culture import`: each submission read, recognised, written as a draft, then checked
like any other file; what could not be filled is listed, a folder ends with a table."""

from __future__ import annotations

import os
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from build_tools import pipeline, report
from build_tools.changes import Changes, affected
from build_tools.checks.references import unit_problem
from build_tools.content.corpus import Corpus
from build_tools.diagnostics import Diagnostic, Severity
from build_tools.importer import body, clean, compose, docx, fields, pictures, source, write


@dataclass(frozen=True, slots=True)
class Options:
    kind: str = "story"
    hall: str | None = None
    zone: str | None = None
    unit: str | None = None


@dataclass(slots=True)
class Outcome:
    source: Path
    written: write.Written | None = None
    problem: str | None = None  # why it was not imported
    found: list[str] = field(default_factory=list)
    todo: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def submissions(paths: list[Path]) -> tuple[list[Path], list[Outcome]]:
    """The files to import: those named, and the Word files in the folders named (Word's
    own lock files ~$….docx left out)."""
    files: list[Path] = []
    missing: list[Outcome] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in source.WORD_FORMATS
                and not p.name.startswith(("~$", "."))
            )
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            missing.append(Outcome(path, problem="找不到这个文件"))
    return files, missing


def import_paths(paths: list[Path], options: Options, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    loaded = pipeline.load(Path.cwd())
    corpus = loaded.corpus
    if not corpus.content_dir.is_dir():
        print(
            f"culture import: 找不到内容文件夹 {corpus.content_dir}：请在项目根目录"
            "（有 mkdocs.yml 或 stories/ 的那一层）运行",
            file=sys.stderr,
        )
        return 1
    if options.unit is not None:
        problem = unit_problem(corpus, options.unit)
        if problem:
            print(f"culture import: --unit {problem}", file=sys.stderr)
            return 1
    try:
        planned = write.plan(corpus, options.kind, options.hall, options.zone)
    except write.WriteRefused as exc:
        print(f"culture import: {exc}", file=sys.stderr)
        return 1
    files, outcomes = submissions(paths)
    if not files and not outcomes:
        print("culture import: 没有找到 .docx 文件", file=sys.stderr)
        return 1
    for path in files:
        outcomes.append(_import_one(path, corpus, planned, options))
    written = [o for o in outcomes if o.written]
    found = _check(written, loaded.project.root) if written else {}
    for outcome in outcomes:
        _print_outcome(outcome, found, loaded.project.root, out)
    if len(outcomes) > 1 or any(p.is_dir() for p in paths):
        print(file=out)
        print(_table(outcomes, loaded.project.root), file=out)
    ok = len(written)
    failed = len(outcomes) - ok
    summary = f"导入 {ok} 个文件" + (f"，{failed} 个失败" if failed else "") + "。"
    if ok:
        summary += "新文件都是草稿（status: draft）"
        summary += "，请补充上面列出的内容。" if any(o.todo for o in written) else "。"
    print(summary, file=sys.stderr)
    return 1 if failed else 0


def _import_one(path: Path, corpus: Corpus, planned: write.Planned, options: Options) -> Outcome:
    outcome = Outcome(path)
    try:
        data = source.read_submission(path)
        converted = docx.convert(data, source.MAX_PICTURES)
        blocks = clean.clean(converted.blocks)
        if not blocks:
            raise source.Refused("文档里没有文字，也没有图片，未导入")
        recognised = fields.recognise(
            blocks, planned.kind, corpus, converted.core_title, path.stem.strip()
        )
        planned = write.numbered(corpus, planned)  # each panel of a run its own number
        text = "\n".join(docx.plain_text(b) for b in blocks)
        composed = compose.compose(recognised, planned, options.unit, text)
        figures = _figures(composed)
        item_id, wanted = write.choose_id(
            corpus, planned, compose.name_of(recognised, planned.kind), bool(figures)
        )
        encoded, src_of, picture_notes = _pictures(converted, figures, corpus, planned, item_id)
        _fill_lead_src(composed, src_of)
        markdown = body.Renderer(converted.notes, src_of.get).render(composed.blocks)
        media = write.write_item(
            corpus, planned, item_id, write.front_matter(composed.fields), markdown, encoded
        )
    except (source.Refused, write.WriteRefused) as exc:
        outcome.problem = str(exc)
        return outcome
    except Exception as exc:  # a document we did not foresee: said, and the run goes on
        outcome.problem = (
            f"内部错误（{type(exc).__name__}: {exc}），请把这个文件和这一行报告给维护者"
        )
        return outcome
    write.reserve(corpus, planned)
    outcome.written = write.Written(planned.folder / f"{item_id}.md", item_id, media, wanted)
    outcome.found = recognised.found
    outcome.todo = composed.todo + [
        ("body", f"图片 {n} 的说明（图片下面没有“图为……”一行，正文中写着“{body.MISSING_CAPTION}”）")
        for n, figure in enumerate(figures, 1)
        if not figure.caption and figure is not composed.lead_figure and figure.index in src_of
    ]
    outcome.notes = recognised.notes + picture_notes
    unplaced = len(converted.pictures) - len(figures)
    if unplaced > 0:
        outcome.notes.append(
            f"有 {unplaced} 张图片在表格或标题里，未导入：请另存图片后手工放入正文"
        )
    if converted.skipped_pictures:
        outcome.notes.append(
            f"另有 {converted.skipped_pictures} 张图片超出上限（张数或大小），未导入"
        )
    if planned.kind == "craftsman":
        same = [c for c in corpus.craftsmen.values() if c.name == recognised.values.get("name")]
        for craftsman in same:
            outcome.notes.append(
                f"已有工匠“{craftsman.name}”（{craftsman.origin.path}）：如果是同一个人，"
                "请把新内容并入原文件，再删去新文件"
            )
    if wanted:
        outcome.notes.append(f"id {wanted} 已被占用，改用 {item_id}（请确认不是重复导入）")
    return outcome


def _figures(composed: compose.Composed) -> list[docx.Figure]:
    """Every picture of the item in reading order: the lead one first."""
    found = [composed.lead_figure] if composed.lead_figure else []
    stack = list(composed.blocks)
    while stack:
        block = stack.pop(0)
        if isinstance(block, docx.Figure):
            found.append(block)
        elif isinstance(block, docx.Quote):
            stack = block.blocks + stack
        elif isinstance(block, docx.ListBlock):
            stack = [b for item in block.items for b in item] + stack
    return found


def _pictures(
    converted: docx.Converted,
    figures: list[docx.Figure],
    corpus: Corpus,
    planned: write.Planned,
    item_id: str,
) -> tuple[list[tuple[str, bytes]], dict[int, str], list[str]]:
    """Each picture re-encoded under our name (1.jpg, 2.png …), and its src as written in
    the item file."""
    media_dir = corpus.content_dir / "media" / item_id
    encoded: list[tuple[str, bytes]] = []
    src_of: dict[int, str] = {}
    notes: list[str] = []
    for n, figure in enumerate(figures, 1):
        try:
            picture = pictures.reencode(converted.pictures[figure.index].data)
        except pictures.PictureProblem as exc:
            notes.append(f"图片 {n}{f'（{figure.caption}）' if figure.caption else ''}{exc}")
            continue
        name = f"{len(encoded) + 1}.{picture.extension}"
        encoded.append((name, picture.data))
        src_of[figure.index] = Path(os.path.relpath(media_dir / name, planned.folder)).as_posix()
        alt = converted.pictures[figure.index].alt.strip()
        if not figure.caption and alt and not _generated_alt(alt):
            figure.caption = alt[:200]
    return encoded, src_of, notes


def _generated_alt(alt: str) -> bool:
    """Word's own descriptions (图片 1, Picture 3, 自动生成的说明) say nothing of the picture."""
    lowered = alt.lower()
    return (
        "自动生成" in alt
        or lowered.startswith(("picture", "image", "a picture", "an image", "图片", "图像", "图示"))
        or lowered.endswith((".jpg", ".jpeg", ".png", ".gif", ".bmp", ".emf", ".wmf"))
    )


def _fill_lead_src(composed: compose.Composed, src_of: dict[int, str]) -> None:
    lead = composed.lead_figure
    for i, (key, value, comment) in enumerate(composed.fields):
        if key in ("photo", "image") and isinstance(value, dict):
            if lead is not None and lead.index in src_of:
                composed.fields[i] = (key, {**value, "src": src_of[lead.index]}, comment)
            else:
                del composed.fields[i]
                composed.todo = [t for t in composed.todo if not t[0].startswith(key)]
            return


def _check(written: list[Outcome], root: Path) -> dict[str, list[Diagnostic]]:
    """The check on the new files, as `culture check FILE…` runs it."""
    root = root.resolve()
    present = frozenset(
        o.written.path.resolve().relative_to(root).as_posix() for o in written if o.written
    )
    checked = pipeline.run(
        root, scope=lambda corpus: affected(corpus, Changes(present, frozenset()))
    )
    return checked.by_file()


def _print_outcome(
    outcome: Outcome, found: dict[str, list[Diagnostic]], root: Path, out: TextIO
) -> None:
    name = outcome.source.as_posix()
    if outcome.written is None:
        print(f"{name}：未导入：{outcome.problem}", file=out)
        return
    rel = _rel(outcome.written.path, root)
    media = (
        f"（图片 {len(outcome.written.media)} 张，在 {_rel(outcome.written.media[0].parent, root)}/）"
        if outcome.written.media
        else ""
    )
    print(f"{name} → {rel}{media}", file=out)
    if outcome.found:
        print("  已识别：", file=out)
        for line in outcome.found:
            print(f"    {line}", file=out)
    if outcome.todo:
        print("  待补充：", file=out)
        for key, hint in outcome.todo:
            where = "正文" if key == "body" else f"{key}（{fields.FIELD_LABELS.get(key, key)}）"
            print(f"    {where}：{hint}", file=out)
    for note in outcome.notes:
        print(f"  注意：{note}", file=out)
    diagnostics = found.get(rel, [])
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    if diagnostics:
        print(f"  检查结果（{errors} 个错误，{len(diagnostics) - errors} 个警告）：", file=out)
        for line in report.format_text(diagnostics).split("\n"):
            print(f"    {line}", file=out)
    else:
        print("  检查结果：没有问题", file=out)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table(outcomes: list[Outcome], root: Path) -> str:
    rows = [("文件", "结果", "新文件", "待补充")]
    for o in outcomes:
        if o.written:
            todo = (
                "、".join(dict.fromkeys("正文图片说明" if k == "body" else k for k, _ in o.todo))
                or "—"
            )
            rows.append((o.source.name, "已导入", _rel(o.written.path, root), todo))
        else:
            rows.append((o.source.name, "失败", "—", o.problem or ""))
    widths = [max(_width(row[i]) for row in rows) for i in range(3)]
    lines = []
    for row in rows:
        cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row[:3])]
        lines.append("  ".join([*cells, row[3]]).rstrip())
    return "\n".join(lines)
