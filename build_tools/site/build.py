"""`culture build` and `culture serve`: MkDocs driven through its Python API.

A build writes into a temporary folder beside the target and is swapped in only when it
succeeded, so readers never see half a site and a failed build leaves the last good one.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.commands.serve import serve as mkdocs_serve
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from build_tools.diagnostics import Diagnostic
from build_tools.pipeline import Checked

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's banner is not for editors


class BuildFailed(Exception):
    """A build that produced no site; the message is for people, in Chinese."""


def _log_to_stderr() -> None:
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_culture", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler._culture = True  # type: ignore[attr-defined]
        handler.setLevel(logging.WARNING)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def build_site(
    config_file: Path,
    out: Path | None = None,
    *,
    drafts: bool = False,
    checked: Checked | None = None,
    found: list[Diagnostic] | None = None,
) -> Path:
    """Build the site into `out` (default: `site_dir` of mkdocs.yml) atomically.

    `checked`, when the caller has just run the pipeline, is handed to the plugin
    instead of being loaded again; what the build itself finds (a booklet that could not
    be made) is appended to `found`."""
    _log_to_stderr()
    try:
        config = load_config(str(config_file))
    except MkDocsException as exc:
        raise BuildFailed(f"mkdocs.yml 有误（{exc}），原有网站保持不变") from exc
    target = Path(out) if out is not None else Path(config.site_dir)
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    # mkdtemp makes the folder private (0700); the site must be readable by the web
    # server's user, like any folder made under the user's umask.
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)
    try:
        config = load_config(str(config_file), site_dir=str(staging))
        plugin = config.plugins["culture"]
        if drafts:
            plugin.config.drafts = "show"
        plugin.preloaded = checked
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(config)
        finally:
            config.plugins.on_shutdown()
            if found is not None:
                found.extend(plugin.build_diagnostics)
        _swap_in(staging, target)
    except MkDocsException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed(f"网站生成失败（{exc}），原有网站保持不变") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _swap_in(staging: Path, target: Path) -> None:
    """Replace `target` by `staging` with two renames on the same file system."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        old.rmdir()
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def serve_site(config_file: Path, address: str) -> None:
    """The live preview: drafts and review items shown and badged, rebuilt on save."""
    _log_to_stderr()
    logging.getLogger("mkdocs").handlers[-1].setLevel(logging.INFO)
    mkdocs_serve(config_file=str(config_file), livereload=True, dev_addr=address)
