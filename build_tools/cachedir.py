"""Whether the project's cache folder may be trusted.

What a build reads back from `.cache/` (parsed files, generated and rendered pages,
booklets, image variants, the search index) goes into the site as it is. The cache is
written by this tool only; but a merge request can commit files, or a symlink, under
`.cache/`: then whoever knows how the keys are made could have a page of their own
linked into the site. So a cache folder that is a symlink leading elsewhere, or that
holds any file tracked by git, is not used at all.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def problem(root: Path, folder: Path) -> str | None:
    """Why `folder` (the cache, inside the project at `root`) must not be used, in
    Chinese; None when it may."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(folder)
    if os.path.commonpath([real_root, real]) != real_root or real == real_root:
        return f"缓存目录 {folder.name} 指向项目之外（符号链接），本次不使用缓存"
    if _tracked(real_root, os.path.relpath(os.path.abspath(folder), os.path.abspath(root))):
        return f"缓存目录 {folder.name} 中有提交进 git 的文件，本次不使用缓存（请从仓库中删除它们）"
    return None


def _tracked(root: str, relative: str) -> bool:
    """Whether git tracks any file under `relative` (False where there is no git).
    Asked on every build (a few ms): a file may be committed while the preview runs."""
    try:
        run = subprocess.run(
            ["git", "-C", root, "ls-files", "-z", "--", relative],
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return run.returncode == 0 and bool(run.stdout.strip(b"\0"))
