"""`culture build` and `culture serve`: MkDocs driven through its Python API.

A build writes into a temporary folder beside the target and is swapped in only when it
succeeded, so readers never see half a site and a failed build leaves the last good one.
Both are "dirty" builds in MkDocs' sense: the plugin tells MkDocs which generated pages
are already in the folder (linked from the cache, or served since the last save), and
only the others are rendered (`site/incremental.py`).

The preview is MkDocs' own live-reload server, watching with inotify instead of polling
every half second (a save is seen at once, and 10,000 files are not stat'ed twice a
second), rebuilding as soon as the editor's save is complete.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import watchdog.events
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException
from mkdocs.livereload import LiveReloadServer
from watchdog.observers.api import BaseObserver

from build_tools import cachedir
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
        config.plugins.on_startup(command="build", dirty=True)
        try:
            mkdocs_build(config, dirty=True)
        finally:
            config.plugins.on_shutdown()
            if found is not None:
                found.extend(plugin.build_diagnostics)
        root = Path(config.config_file_path).parent
        cache = root / plugin.config.cache_dir
        trash = None if cachedir.problem(root, cache) else cache / "trash"
        _swap_in(staging, target, trash)
    except MkDocsException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed(f"网站生成失败（{exc}），原有网站保持不变") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _swap_in(staging: Path, target: Path, trash: Path | None) -> None:
    """Replace `target` by `staging` with two renames on the same file system. The old
    site is moved into `trash` and removed there by a process of its own: the build is
    done when the new site is in place (removing 12,000 pages took seconds)."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        old.rmdir()
        target.rename(old)
    staging.rename(target)
    if old is None:
        return
    if trash is None:  # no cache folder to be trusted with it
        shutil.rmtree(old, ignore_errors=True)
        return
    try:
        trash.mkdir(parents=True, exist_ok=True)
        binned = Path(tempfile.mkdtemp(prefix="site-", dir=trash))
        old.rename(binned / "old")
    except OSError:  # the cache is elsewhere (another file system): remove it here
        shutil.rmtree(old, ignore_errors=True)
        return
    remover = subprocess.Popen(
        # Everything in the trash, so that what an interrupted removal left goes too.
        [sys.executable, "-c", _EMPTY_TRASH, str(trash)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    _REMOVERS.append(remover)  # kept, so that it is not reported as left running


_REMOVERS: list[subprocess.Popen[bytes]] = []
_EMPTY_TRASH = (
    "import pathlib, shutil, sys\n"
    "for old in pathlib.Path(sys.argv[1]).glob('site-*'):\n"
    "    shutil.rmtree(old, True)\n"
)


# What an editor's save is: the events that change a file (not its being read).
_EDITS = [
    watchdog.events.FileModifiedEvent,
    watchdog.events.FileCreatedEvent,
    watchdog.events.FileDeletedEvent,
    watchdog.events.FileMovedEvent,
    watchdog.events.FileClosedEvent,
    watchdog.events.DirCreatedEvent,
    watchdog.events.DirDeletedEvent,
    watchdog.events.DirMovedEvent,
]
# How long the server waits for a save to finish (more events) before rebuilding.
_SETTLE = 0.03


def _edits_observer() -> BaseObserver | None:
    """An inotify observer that reports only edits; None where inotify is not there."""
    try:
        from watchdog.observers.inotify import InotifyObserver
    except ImportError:  # not Linux: MkDocs' polling observer stays
        return None

    class EditsObserver(InotifyObserver):
        def schedule(self, event_handler, path, *, recursive=False, event_filter=None):  # type: ignore[no-untyped-def]
            return super().schedule(event_handler, path, recursive=recursive, event_filter=_EDITS)

    return EditsObserver()


class PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server, told of a save at once (inotify)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        observer = _edits_observer()
        if observer is not None:
            self.observer = observer
        self.build_delay = _SETTLE


def serve_site(config_file: Path, address: str) -> None:
    """The live preview: drafts and review items shown and badged, rebuilt on save;
    only the pages whose content changed are rendered again."""
    _log_to_stderr()
    logging.getLogger("mkdocs").handlers[-1].setLevel(logging.INFO)
    site_dir = tempfile.mkdtemp(prefix="culture-preview-")
    host, _, port = address.rpartition(":")

    def load() -> MkDocsConfig:
        return load_config(str(config_file), site_dir=site_dir, dev_addr=address)

    config = load()
    config.plugins.on_startup(command="serve", dirty=True)
    mount_path = urlsplit(config.site_url or "/").path or "/"
    serve_url = f"http://{host}:{port}{mount_path}"

    def builder(config: MkDocsConfig | None = None) -> None:
        config = config or load()
        config.site_url = serve_url
        mkdocs_build(config, serve_url=serve_url, dirty=True)

    server = PreviewServer(
        builder=builder, host=host, port=int(port), root=site_dir, mount_path=mount_path
    )

    def error_page(code: int) -> bytes | None:
        page = Path(site_dir) / f"{code}.html"
        return page.read_bytes() if code in (404, 500) and page.is_file() else None

    server.error_handler = error_page
    try:
        builder(config)
        server.watch(config.docs_dir)
        if config.config_file_path:
            server.watch(config.config_file_path)
        server = config.plugins.on_serve(server, config=config, builder=builder)
        for item in config.watch:
            server.watch(item)
        try:
            server.serve()
        except KeyboardInterrupt:
            logging.getLogger("mkdocs").info("Shutting down...")
        finally:
            server.shutdown()
    finally:
        config.plugins.on_shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)
