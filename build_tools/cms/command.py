"""The `culture cms` command's arguments (kept light: the generator loads on use)."""

from __future__ import annotations

import argparse


def add_command(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "cms",
        help="生成网页编辑器（Decap CMS）的 admin/",
        description="生成网页编辑器（Decap CMS）的 admin/。",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError  # being written (issue #18)
