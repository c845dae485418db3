"""The `culture import` command's arguments (kept light: the converter loads on use)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_command(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "import",
        help="把 Word 投稿（.docx）转换成草稿文件",
        description="把 Word 投稿（.docx）转换成草稿文件：识别标题、作者、单位、时间等，"
        "图片存到 stories/media/<id>/，不会覆盖已有文件；写好后按 culture check 检查，"
        "并列出还要补充的内容。可以给一个文件夹，一次导入其中所有 .docx。"
        "退出码：0 全部导入，1 有文件未能导入。",
    )
    parser.add_argument("files", nargs="+", metavar="文件或文件夹")
    parser.add_argument(
        "--kind",
        choices=("story", "craftsman", "panel"),
        default="story",
        metavar="类型",
        help="导入为 story 红色故事（默认）/ craftsman 工匠 / panel 展板",
    )
    parser.add_argument("--hall", metavar="展厅id", help="展板所属展厅（只有一个展厅时可省略）")
    parser.add_argument("--zone", metavar="单元id", help="展板所属单元（默认第一个单元）")
    parser.add_argument("--unit", metavar="单位id", help="所属单位 id（优先于文档中的“单位：”）")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from build_tools.importer.run import Options, import_paths

    options = Options(kind=args.kind, hall=args.hall, zone=args.zone, unit=args.unit)
    return import_paths([Path(f) for f in args.files], options)
