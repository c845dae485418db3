"""The `culture` command: one function per subcommand.

Exit codes: 0 clean (or warnings only), 1 errors in the content or refused, 2 could not
run (bad arguments, internal failure). Never a traceback.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from build_tools import pipeline, report
from build_tools.changes import Changes, ChangesError, Scope, affected, changed_files
from build_tools.config import Project, find_root
from build_tools.content.corpus import Corpus
from build_tools.diagnostics import Diagnostic, Severity


class _Parser(argparse.ArgumentParser):
    """argparse speaking Chinese."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("add_help", False)
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示帮助并退出")

    def error(self, message: str) -> None:  # type: ignore[override]
        translated = (
            message.replace("the following arguments are required", "缺少参数")
            .replace("argument ", "参数 ")
            .replace("unrecognized arguments", "不认识的参数")
            .replace("invalid choice", "无效的选项")
            .replace("choose from", "可选")
            .replace("expected one argument", "需要一个值")
        )
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: 错误：{translated}\n")


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        return super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


def _open_project(start: Path) -> tuple[Project, Corpus, list[Diagnostic]]:
    loaded = pipeline.load(start)
    return loaded.project, loaded.corpus, loaded.diagnostics


def check_content(
    start: Path, *, parallel: bool = False
) -> tuple[Project, Corpus, list[Diagnostic]]:
    """Load and check everything (the pipeline); diagnostics sorted by file and line."""
    checked = pipeline.run(start, parallel=parallel)
    return checked.project, checked.corpus, checked.diagnostics


# -- culture check -------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    given = [Path(p) for p in args.paths]
    paths = [p for p in given if p.exists()] if given else [Path.cwd()]
    # A path inside the project that is gone (a file deleted or renamed, as pre-commit and
    # `git diff --name-only` pass them) has nothing left to report: skipped. One outside
    # it is a mistake (a typo, the wrong folder): exit 2.
    root, _ = find_root(paths[0] if paths else Path.cwd())
    for path in given:
        if path.exists():
            continue
        if not _inside(path.resolve(), root.resolve()):
            print(f"culture check: 找不到路径 {path}", file=sys.stderr)
            return 2
        print(f"culture check: 跳过不存在的路径 {path}（已删除或改名）", file=sys.stderr)
    start = paths[0] if paths else Path.cwd()
    files = [p for p in given if not p.is_dir()]  # files, and paths that are gone
    if args.changed or args.base is not None or files:
        try:
            checked = pipeline.run(start, scope=_report_scope(args, files, paths), parallel=True)
        except ChangesError as exc:
            print(f"culture check: {exc}", file=sys.stderr)
            return 2
        found = checked.diagnostics
    else:
        project, corpus, found = check_content(start, parallel=True)
        root = project.root.resolve()
        scopes = [p.resolve() for p in paths]
        if not any(s in (root, project.content_dir.resolve()) for s in scopes):
            prefixes = [_relative(s, root) for s in scopes]
            found = [d for d in found if any(_within(d.location.path, p) for p in prefixes)]
        checked = None
    print_report(found, args.format, (checked.corpus if checked else corpus).files)
    return 1 if any(d.severity is Severity.ERROR for d in found) else 0


def _report_scope(
    args: argparse.Namespace, files: list[Path], paths: list[Path]
) -> Callable[[Corpus], Scope]:
    """The files `culture check` reports on when it is given files or `--changed`: those,
    and the files whose references lead to them (a deleted story is reported where it is
    still listed). Folders given as well add everything under them."""

    def scope(corpus: Corpus) -> Scope:
        root = corpus.root.resolve()
        changes = (
            changed_files(corpus.root, corpus.content_dir, args.base)
            if args.changed or args.base is not None
            else Changes(frozenset(), frozenset())
        )
        named = {_relative(Path(os.path.abspath(f)), root): f.exists() for f in files}
        changes = Changes(
            changes.present | {rel for rel, exists in named.items() if exists},
            changes.gone | {rel for rel, exists in named.items() if not exists},
        )
        found = affected(corpus, changes)
        own = set(found.own)
        for folder in (p.resolve() for p in paths if p.is_dir()):
            if folder in (root, corpus.content_dir.resolve()):
                continue  # the whole project: the changes narrow it
            prefix = _relative(folder, root)
            own |= {path for path in corpus.digests if _within(path, prefix)}
        return Scope(frozenset(own), found.referring, found.about)

    return scope


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _within(path: str, prefix: str) -> bool:
    return prefix in (".", "") or path == prefix or path.startswith(prefix.rstrip("/") + "/")


def print_report(found: list[Diagnostic], fmt: str, files: int) -> None:
    text = report.format_diagnostics(found, fmt)
    if text:
        print(text)
    elif fmt == "json":
        print("[]")
    if fmt != "json":
        print(report.summary_line(found, files), file=sys.stderr)


# -- culture new ---------------------------------------------------------------------------


def cmd_new(args: argparse.Namespace) -> int:
    from build_tools.scaffold import NewItem, ScaffoldError, create

    project, corpus, _ = _open_project(Path.cwd())
    request = NewItem(
        kind=args.kind,
        title=args.title,
        hall=args.hall,
        zone=args.zone,
        unit=args.unit,
        theme=args.theme,
    )
    try:
        path = create(corpus, request)
    except ScaffoldError as exc:
        print(f"culture new: {exc}", file=sys.stderr)
        return 1
    print(path.relative_to(project.root).as_posix())
    return 0


# -- culture schema ------------------------------------------------------------------------


def cmd_schema(args: argparse.Namespace) -> int:
    from build_tools.schema import write_schemas

    _, corpus, _ = _open_project(Path.cwd())
    for path in write_schemas(Path(args.out_dir), corpus):
        print(path.as_posix())
    return 0


# -- culture build / serve -----------------------------------------------------------------


def cmd_build(args: argparse.Namespace) -> int:
    checked = pipeline.run(Path.cwd())
    # What is loaded now lives until the build ends. Frozen, the collector no longer
    # walks the corpus again and again while the pages are made (and forked children do
    # not copy the pages it would touch).
    gc.freeze()
    try:
        return _build(args, checked)
    finally:
        gc.unfreeze()


def _build(args: argparse.Namespace, checked: pipeline.Checked) -> int:
    from build_tools.site.build import BuildFailed, build_site

    if checked.errors:
        print(report.format_text(checked.errors))
        print(
            f"culture build: 内容有 {len(checked.errors)} 个错误，未生成网站；原有网站保持不变。",
            file=sys.stderr,
        )
        return 1
    config_file = checked.project.root / "mkdocs.yml"
    if not config_file.is_file():
        print(f"culture build: 找不到 {config_file}", file=sys.stderr)
        return 2
    found = list(checked.diagnostics)  # warnings only, by now
    try:
        out = Path(args.out) if args.out else None
        target = build_site(config_file, out, drafts=args.drafts, checked=checked, found=found)
    except BuildFailed as exc:
        print(f"culture build: {exc}", file=sys.stderr)
        return 1
    if found:
        print(report.format_text(found))
    print(report.summary_line(found, checked.corpus.files), file=sys.stderr)
    print(f"网站已生成：{target}", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from build_tools.site.build import serve_site

    root, _ = find_root(Path.cwd())
    serve_site(root / "mkdocs.yml", args.address)
    return 0


# -- culture fix -----------------------------------------------------------------------------


def cmd_fix(args: argparse.Namespace) -> int:
    from build_tools import fix

    paths = [Path(p) for p in args.paths] or [Path.cwd()]
    for path in paths:
        if not path.exists():
            print(f"culture fix: 找不到路径 {path}", file=sys.stderr)
            return 2
    loaded = pipeline.load(Path.cwd())  # the project is where fix runs; paths only narrow it
    try:
        prefixes = fix.scopes(loaded.project, paths)
    except fix.FixRefused as exc:
        print(f"culture fix: {exc}", file=sys.stderr)
        return 1
    planned = fix.plan(loaded.project, loaded.corpus, loaded.diagnostics, prefixes)
    for file in planned.changed:
        print(file.diff, end="")
        if not args.dry_run:
            fix.write(loaded.project.root, file)
    for file in planned.problems:
        print(f"culture fix: {file.path}：{file.problem}", file=sys.stderr)
    changed = planned.changed
    edits = sum(len(f.edits) for f in changed)
    if not changed:
        summary = "没有可以自动修正的排版问题。"
    elif args.dry_run:
        summary = f"可以自动修正 {len(changed)} 个文件中的 {edits} 处排版问题（未写入）。"
    else:
        summary = f"已修正 {len(changed)} 个文件中的 {edits} 处排版问题。"
    print(summary, file=sys.stderr)
    return 1 if planned.problems else 0


# -- culture booklet ------------------------------------------------------------------------


def cmd_booklet(args: argparse.Namespace) -> int:
    from build_tools.print.booklet import BookletError, BookletOptions, make_booklet

    project, corpus, found = check_content(Path.cwd())
    collection = corpus.collections.get(args.collection)
    if collection is not None:
        own = [d for d in found if d.location.path == collection.origin.path]
        errors = [d for d in own if d.severity is Severity.ERROR]
        # A proof may carry review items; everything else the check says still counts.
        if args.proof:
            errors = [d for d in errors if d.code != "E-COLLECTION-UNPUBLISHED"]
        if errors:
            print(report.format_text(errors))
            print("culture booklet: 故事集有错误，未生成小册子。", file=sys.stderr)
            return 1
    out = (
        Path(args.out)
        if args.out
        else project.root / "site" / "collections" / f"{args.collection}.pdf"
    )
    options = BookletOptions(imposition=args.imposition, proof=args.proof, copies=args.copies)
    try:
        result = make_booklet(corpus, args.collection, out, options)
    except BookletError as exc:
        print(report.format_text(exc.diagnostics))
        print("culture booklet: 未生成小册子。", file=sys.stderr)
        return 1
    if result.diagnostics:
        print(report.format_text(result.diagnostics))
    print(f"小册子已生成：{result.path}（{result.pages} 页）", file=sys.stderr)
    return 0


# -- culture panels -------------------------------------------------------------------------


def cmd_panels(args: argparse.Namespace) -> int:
    import functools
    import shutil
    import tempfile

    from build_tools.content.audience import Audience
    from build_tools.content.tour import tour
    from build_tools.print import qr
    from build_tools.print.booklet import BookletError
    from build_tools.print.inventory import image_file, write_inventory
    from build_tools.print.narration import make_narration
    from build_tools.print.panels import make_panel_proofs
    from build_tools.site import urls

    project, corpus, found = check_content(Path.cwd())
    # The hall's own files: hall.yml and its panels, those that did not load as well.
    folder = f"{_relative(project.content_dir.resolve(), project.root.resolve())}/halls/{args.hall}"
    errors = [d for d in found if d.severity is Severity.ERROR and _within(d.location.path, folder)]
    if args.proof:
        # A proof is how an editor sees a text that is too long on its panel: it is
        # printed, and marked, in all three files.
        errors = [d for d in errors if d.code != "E-PANEL-TOO-LONG"]
    if errors:
        print(report.format_text(errors))
        print("culture panels: 展厅有错误，未生成展板文件。", file=sys.stderr)
        return 1
    hall = corpus.halls.get(args.hall)
    if hall is None:
        known = "、".join(sorted(corpus.halls)) or "（没有展厅）"
        print(f"culture panels: 没有展厅“{args.hall}”；现有：{known}", file=sys.stderr)
        return 1
    try:
        base = qr.site_url(project.root)
    except qr.QrError as exc:
        print(f"culture panels: {exc}", file=sys.stderr)
        return 1
    out = Path(args.out) if args.out else project.root / "site" / urls.hall(hall)
    url_of = functools.partial(qr.panel_url, base)
    settings = project.settings
    out.mkdir(parents=True, exist_ok=True)
    # All three files or none: made in a folder beside them, moved in place at the end.
    with tempfile.TemporaryDirectory(prefix=".panels-", dir=out) as staging:
        made = Path(staging)
        try:
            result = make_panel_proofs(
                corpus,
                hall.id,
                made / "panels.pdf",
                base_url=base,
                proof=args.proof,
                settings=settings,
            )
            make_narration(
                corpus,
                hall.id,
                made / "narration.pdf",
                settings=settings,
                proof=args.proof,
                url_of=url_of,
            )
        except BookletError as exc:
            print(report.format_text(exc.diagnostics))
            print("culture panels: 未生成展板文件。", file=sys.stderr)
            return 1
        audience = Audience.PROOF if args.proof else Audience.PRODUCTION
        write_inventory(
            tour(corpus, hall, audience, settings),
            made / "inventory.csv",
            url_of=url_of,
            image_of=functools.partial(image_file, corpus),
            proof=args.proof,
        )
        for name in ("panels.pdf", "narration.pdf", "inventory.csv"):
            shutil.move(made / name, out / name)
    if result.diagnostics:
        print(report.format_text(result.diagnostics))
    label = "展板校样" if args.proof else "展板"
    print(f"{label}已生成：{out / 'panels.pdf'}（{result.pages} 页）", file=sys.stderr)
    print(f"讲解词已生成：{out / 'narration.pdf'}", file=sys.stderr)
    print(f"展品清单已生成：{out / 'inventory.csv'}", file=sys.stderr)
    return 0


# -- entry point ---------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="culture",
        description="企业文化内容发布工具：检查内容、新建条目、生成网站与印刷品。",
    )
    commands = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    commands.required = True

    check = commands.add_parser(
        "check",
        help="检查 stories/ 中的全部内容，一次列出所有问题",
        description="检查全部内容（字段、日期、引用、图片、展板字数等），一次列出所有问题。"
        "退出码：0 没有错误（可能有警告），1 有错误，2 无法运行。",
    )
    check.add_argument(
        "paths", nargs="*", metavar="路径", help="只报告这些文件或文件夹中的问题（默认：整个项目）"
    )
    check.add_argument(
        "--format",
        choices=report.FORMATS,
        default="text",
        help="输出格式：text 供人阅读，json 供程序读取，github 为 GitHub Actions 注释，"
        "gitlab 为 GitLab 代码质量报告（合并请求中显示）",
    )
    check.add_argument(
        "--changed",
        action="store_true",
        help="只报告相对 git 基准改动过的文件（含未提交和新建的文件），"
        "以及引用了它们的文件；适合提交前检查",
    )
    check.add_argument(
        "--base",
        metavar="版本",
        help="--changed 的比较基准（分支、标签或提交）；默认：当前分支与默认分支（main）的分叉点",
    )
    check.set_defaults(func=cmd_check)

    new = commands.add_parser(
        "new",
        help="按模板新建故事、工匠、展板或故事集",
        description="按模板新建一个草稿文件，id 由标题的拼音生成（第一锹土 → di-yi-qiao-tu），不会覆盖已有文件。",
    )
    new.add_argument(
        "kind",
        choices=("story", "craftsman", "panel", "collection"),
        metavar="类型",
        help="story 红色故事 / craftsman 工匠 / panel 展板 / collection 故事集",
    )
    new.add_argument("title", metavar="标题或姓名")
    new.add_argument("--hall", help="展板所属展厅（只有一个展厅时可省略）")
    new.add_argument("--zone", help="展板所属单元（默认第一个单元）")
    new.add_argument("--unit", help="所属单位 id")
    new.add_argument("--theme", help="故事的主题（默认主题词表中的第一个）")
    new.set_defaults(func=cmd_new)

    schema = commands.add_parser(
        "schema",
        help="为编辑器（VS Code）生成 JSON Schema",
        description="把各类文件的 JSON Schema 写到指定文件夹，供 VS Code 的 YAML 插件做补全和检查。",
    )
    schema.add_argument("out_dir", metavar="输出文件夹")
    schema.set_defaults(func=cmd_schema)
    build = commands.add_parser(
        "build",
        help="检查内容并生成网站（失败时保留原有网站）",
        description="先运行与 culture check 相同的检查，有错误则停止；否则生成网站，成功后才替换原有网站。",
    )
    build.add_argument(
        "--out", metavar="文件夹", help="输出文件夹（默认：mkdocs.yml 中的 site_dir，即 site/）"
    )
    build.add_argument(
        "--drafts", action="store_true", help="同时生成草稿和待审条目（带标记），供内部审阅"
    )
    build.set_defaults(func=cmd_build)

    serve = commands.add_parser(
        "serve",
        help="本地预览网站，保存文件后自动刷新；显示草稿和待审条目",
        description="启动本地预览服务器，修改 stories/ 或 docs/ 后自动重新生成并刷新浏览器。",
    )
    serve.add_argument(
        "--address", default="127.0.0.1:8000", metavar="地址:端口", help="默认 127.0.0.1:8000"
    )
    serve.set_defaults(func=cmd_serve)

    booklet = commands.add_parser(
        "booklet",
        help="把故事集排印成 PDF 小册子",
        description="把一个故事集排印成可交印刷厂的 PDF：封面、前言、目录、正文、版权页；"
        "A5 开本，思源宋体/黑体全部嵌入。",
    )
    booklet.add_argument("collection", metavar="故事集id")
    booklet.add_argument("--out", metavar="文件", help="输出文件（默认 site/collections/<id>.pdf）")
    booklet.add_argument(
        "--imposition",
        choices=("none", "saddle"),
        help="拼版：none 单页；saddle 骑马订（A4 横向，每面两页）",
    )
    booklet.add_argument(
        "--proof", action="store_true", help="校样：加“校样”水印，可以包含待审条目"
    )
    booklet.add_argument("--copies", type=int, metavar="册数", help="印数，印在版权页上")
    booklet.set_defaults(func=cmd_booklet)

    panels = commands.add_parser(
        "panels",
        help="把展厅的展板排印成 PDF 校样，并生成讲解词和展品清单",
        description="按参观顺序把一个展厅已发布的展板排成 panels.pdf（每块一页，按 hall.yml 中的"
        "展板尺寸，3 毫米出血并带裁切线，每页印有指向展板网页的二维码），同时生成讲解词 "
        "narration.pdf 和展品清单 inventory.csv。二维码网址取自 mkdocs.yml 的 site_url。"
        "展厅文件有错误时不生成任何文件。",
    )
    panels.add_argument("hall", metavar="展厅id")
    panels.add_argument(
        "--out", metavar="文件夹", help="输出文件夹（默认 site/halls/<展厅id>/，即展厅网页所在处）"
    )
    panels.add_argument("--proof", action="store_true", help="校样：包括待审展板，每页加“校样”水印")
    panels.set_defaults(func=cmd_panels)

    fixer = commands.add_parser(
        "fix",
        help="自动修正能安全修正的排版问题（空格、标点、省略号等）",
        description="只修正 culture check 报告的、能安全自动修正的排版问题（W-TYPO-…），"
        "只改这些字符，文件的其余部分（YAML 格式、注释、引号、字段顺序、换行符）保持不变；"
        "先显示改动（diff）。退出码：0 没有问题或已修正，1 有文件未能修正或路径被拒绝，2 无法运行。",
    )
    fixer.add_argument(
        "paths", nargs="*", metavar="路径", help="只修正这些文件或文件夹（默认：整个 stories/）"
    )
    fixer.add_argument("--dry-run", action="store_true", help="只显示将要做的改动，不写入文件")
    fixer.set_defaults(func=cmd_fix)

    # The ways content comes in besides git: Word submissions, and the web editor.
    from build_tools.cms.command import add_command as add_cms
    from build_tools.importer.command import add_command as add_import

    add_import(commands)
    add_cms(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("culture: 已中断", file=sys.stderr)
        return 2
    except Exception as exc:  # the one place that turns a bug into a clear line
        print(
            f"culture: 内部错误（{type(exc).__name__}: {exc}），请把这一行报告给维护者",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
