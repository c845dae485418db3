"""The `culture cms` command's arguments (kept light: the generator loads on use)."""

from __future__ import annotations

import argparse


def add_command(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "cms",
        help="生成网页编辑器（Decap CMS）的 admin/，或在本机试用它",
        description="根据内容模型生成网页编辑器（Decap CMS）：把 admin/（index.html、config.yml "
        "和编辑器程序）写进网站文件夹，编辑通过公司 GitLab 的合并请求提交。"
        "加 --serve 则在本机试用：不连 GitLab，保存的内容直接写进当前项目的 stories/。",
    )
    parser.add_argument(
        "--out",
        metavar="文件夹",
        help="把 admin/ 写进这个文件夹（默认：网站文件夹，即 mkdocs.yml 的 site_dir）",
    )
    parser.add_argument(
        "--serve",
        action="store_true",
        help="本地试用：启动 decap-server 和本机网页服务，编辑内容直接写入工作区",
    )
    parser.add_argument(
        "--address",
        default="127.0.0.1:8080",
        metavar="地址:端口",
        help="--serve 的地址，只能是本机地址（默认 127.0.0.1:8080）",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from build_tools.cms.cli import run as run_cms

    return run_cms(args)
