"""What one build keeps for the next: the generated pages, and the HTML MkDocs made of them.

Two kinds of reuse, both decided before MkDocs renders anything:

- the **generation** (`pages.Generation`): a page whose inputs did not change is not
  generated again. The preview keeps it in memory (the plugin lives as long as the
  server); `culture build` keeps it in `<cache>/pages/generation.pickle`.
- the **rendering**: a generated page whose Markdown and whose site-wide inputs (the
  theme, its overrides, `mkdocs.yml`, the hand-written pages that make the nav, the
  versions of MkDocs and Material) are those of a page rendered before is not rendered
  again. MkDocs is asked through its public API: a `dirty` build renders only the files
  whose `File.is_modified()` is true, and `GeneratedFile` answers that from the key.
  The preview's served folder still holds the page; `culture build` links it into the
  new site from `<cache>/html/`, where every page it renders is kept by key.

A generated page never goes through Python-Markdown at all (`GeneratedPage`): it is
front matter and one HTML block, made by our templates.

Nothing here writes outside the cache folder and the site folder being built; the cache
is ours (written by this module, atomically), and a damaged or foreign cache file is
ignored, never trusted.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import shutil
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from build_tools.site import output
from build_tools.site.pages import Generation

log = logging.getLogger("mkdocs.plugins.culture")

# Bumped when what is kept changes shape; a cache of another version is not read.
_FORMAT = 1
_GENERATION = "pages/generation.pickle"
_HTML = "html"


class GeneratedFile(File):
    """A generated page; `current` when its HTML is already in the site folder (kept
    from the preview's last build, or linked from the cache), so that a dirty build
    does not render it again."""

    current: bool = False
    key: str = ""  # what its HTML is made from: site-wide inputs + its own Markdown
    key_of: str = ""  # the site-wide key `key` was made with

    def is_modified(self) -> bool:
        return not self.current


class GeneratedPage(Page):
    """A generated page: its front matter is read as MkDocs reads any page's, and its
    body is already HTML (our templates, content escaped), taken as it is: no
    Python-Markdown pass, which at 10k pages cost more than the templates."""

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if self.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
        self.content = self.markdown
        self.toc = get_toc([])
        self.present_anchor_ids = set()
        self.links_to_anchors = {}


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled theme templates kept for the life of the process: every preview rebuild
    makes a new theme environment, and compiling Material's templates again cost more
    than rendering the changed pages. Jinja checks each template's source checksum, so
    an edited override is compiled afresh."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


THEME_BYTECODE = MemoryBytecodeCache()


class SharedBlocks:
    """Theme blocks that are the same on many pages, rendered once per build.

    Material's nav and tabs depend on the page only through its place in the nav and
    its table of contents: a generated item page has neither (it is not in the nav, and
    its body is one HTML block), so they differ only by where the page is (links are
    relative to its folder) and by what its front matter hides. Made anew every build
    (`on_env`), so a changed nav is never served from here."""

    def __init__(self) -> None:
        self._html: dict[tuple[object, ...], str] = {}

    def key(self, block: str, page: Page | None) -> tuple[object, ...] | None:
        if not isinstance(page, GeneratedPage) or page.toc or page.url is None:
            return None
        hide = page.meta.get("hide") if page.meta else None
        folder = page.url.rstrip("/").rpartition("/")[0]
        return (block, folder, repr(hide))

    def has(self, key: tuple[object, ...]) -> bool:
        return key in self._html

    def get(self, key: tuple[object, ...]) -> str:
        return self._html[key]

    def put(self, key: tuple[object, ...], html: str) -> str:
        self._html[key] = html
        return html


class _SkipDirtyWarning(logging.Filter):
    """MkDocs warns that a dirty build may leave stale navigation; ours decides what is
    current itself (nav pages are always rendered), and in strict mode that warning
    would fail the build."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("A 'dirty' build is being performed")


_dirty_filter = _SkipDirtyWarning()


def allow_dirty_builds() -> None:
    logger = logging.getLogger("mkdocs.commands.build")
    if _dirty_filter not in logger.filters:
        logger.addFilter(_dirty_filter)


def site_key(config: MkDocsConfig, nav_sources: Iterable[str]) -> str:
    """What every rendered page depends on besides its own Markdown: the theme and its
    overrides, `mkdocs.yml`, the options the plugin added, the Markdown of the pages in
    the nav (their titles make the nav on every page), the site's URL, the versions."""
    digest = hashlib.blake2b(digest_size=16)

    def add(*parts: object) -> None:
        for part in parts:
            digest.update(repr(part).encode() + b"\0")

    add(_FORMAT, sys.version_info[:2])
    for package in ("mkdocs", "mkdocs-material", "culture-publishing"):
        try:
            add(package, metadata.version(package))
        except metadata.PackageNotFoundError:
            add(package, None)
    if config.config_file_path:
        add(Path(config.config_file_path).read_bytes())
    add(
        config.site_url,
        config.site_name,
        dict(config.extra),
        [str(s) for s in config.extra_css],
        [str(s) for s in config.extra_javascript],
        dict(config.theme),
    )
    for folder in config.theme.dirs:
        add(folder)
        if Path(folder).resolve().is_relative_to(Path(config.docs_dir).resolve()):
            for path in sorted(Path(folder).rglob("*")):  # the project's overrides
                if path.is_file():
                    add(str(path.relative_to(folder)), path.read_bytes())
    for source in nav_sources:
        add(source)
    return digest.hexdigest()


def page_key(site: str, src_uri: str, markdown: str) -> str:
    return hashlib.blake2b(
        f"{site}\0{src_uri}\0".encode() + markdown.encode(), digest_size=20
    ).hexdigest()


# -- the generation, kept between processes ----------------------------------------------
def load_generation(cache: Path, audience: str) -> Generation | None:
    """The generation the last build left in `cache`, or None (none, another format,
    another audience, or a damaged file)."""
    path = cache / _GENERATION
    try:
        with path.open("rb") as stream:
            # Written by `save_generation` below; even so only our own classes are
            # unpickled (a file planted there cannot run code).
            kept = _Unpickler(stream).load()
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged or truncated cache is rebuilt, never trusted
        log.info(f"culture：缓存文件 {path.name} 无法读取（{type(exc).__name__}），重新生成")
        return None
    if (
        not isinstance(kept, dict)
        or kept.get("format") != _FORMAT
        or kept.get("audience") != audience
        or not isinstance(kept.get("generation"), Generation)
    ):
        return None
    return kept["generation"]


class _Unpickler(pickle.Unpickler):
    _ALLOWED = frozenset(
        {("build_tools.site.pages", "Generation"), ("build_tools.site.pages", "Made")}
    )

    def find_class(self, module: str, name: str) -> object:
        if (module, name) in self._ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of the cache")


def save_generation(cache: Path, audience: str, generation: Generation) -> None:
    path = cache / _GENERATION
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with partial.open("wb") as stream:
            pickle.dump(
                {"format": _FORMAT, "audience": audience, "generation": generation},
                stream,
                protocol=pickle.HIGHEST_PROTOCOL,
            )
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


# -- rendered pages ---------------------------------------------------------------------
class HtmlCache:
    """Rendered pages by key in `<cache>/html/`, linked into a new site (never written
    through: the site and the cache share the file, and neither is ever written again
    in place)."""

    def __init__(self, cache: Path) -> None:
        self.folder = cache / _HTML
        self.used: set[str] = set()
        self._folders: set[Path] = set()

    def _entry(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.html"

    def attach(self, file: GeneratedFile, site: Path) -> bool:
        """Put the cached HTML for `file` into `site` (a new, empty folder that this
        build made: nothing in it is a link it did not make); True when there was one."""
        entry = self._entry(file.key)
        if not output.is_safe(file.dest_uri):
            return False
        dest = site / file.dest_uri
        if dest.parent not in self._folders:
            dest.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(dest.parent)
        try:
            os.link(entry, dest)
        except FileNotFoundError:
            return False  # not cached
        except FileExistsError:
            dest.unlink()
            os.link(entry, dest)
        except OSError:
            if not entry.is_file():
                return False
            shutil.copyfile(entry, dest)
        self.used.add(file.key)
        return True

    def keep(self, file: GeneratedFile, site: Path) -> None:
        """Keep what MkDocs rendered for `file` in `site`."""
        try:
            dest = output.target(site, file.dest_uri)
        except output.UnsafePath:
            return
        if not dest.is_file():
            return
        entry = self._entry(file.key)
        self.used.add(file.key)
        if entry.is_file():
            return
        entry.parent.mkdir(parents=True, exist_ok=True)
        partial = entry.with_name(f".{entry.name}.{os.getpid()}.part")
        try:
            os.link(dest, partial)
        except OSError:
            shutil.copyfile(dest, partial)
        partial.replace(entry)

    def prune(self) -> int:
        """Remove what this build did not use; returns how many."""
        removed = 0
        if not self.folder.is_dir():
            return 0
        for shard in self.folder.iterdir():
            if not shard.is_dir() or shard.is_symlink():
                continue
            for entry in shard.iterdir():
                if entry.suffix == ".html" and entry.stem not in self.used:
                    entry.unlink(missing_ok=True)
                    removed += 1
                elif entry.name.endswith(".part"):
                    entry.unlink(missing_ok=True)
        return removed
