"""The `culture import` command's arguments (kept light: the converter loads on use)."""

from __future__ import annotations

import argparse


def add_command(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "import",
        help="把 Word 投稿（.docx）转换成草稿文件",
        description="把 Word 投稿（.docx）转换成草稿文件。",
    )
    parser.add_argument("files", nargs="+", metavar="文件")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError  # being written (issue #18)
