"""The MkDocs plugin `culture`: a thin adapter from MkDocs' events to the pipeline.

on_startup  → whether this is the live preview (`serve`) or a build;
on_config   → runs the one pipeline (load → link → check, `build_tools.pipeline`) unless
              `culture build` hands over what it has just checked; content errors are
              logged as errors, so `mkdocs build --strict` fails on them as `culture
              check` does; in the preview they go to the terminal and onto the pages
              instead (`preview.py`), and never stop the server;
on_files    → adds every generated page (`pages.generate`, reusing what the last build
              generated) as a virtual file, and starts the search indexer and the
              booklet job, which get the loaded corpus (forked) and work while MkDocs
              renders;
on_nav      → decides which generated pages MkDocs need not render again (their HTML is
              already in the site folder: `incremental.py`), for a dirty build;
on_page_context → a collection page, rendered last, links its PDF only if it was made;
              a hall page, rendered last too, the hall's files that were made;
on_post_build → image variants, alias redirects, the Atom feed, the search index; keeps
              the rendered pages for the next build; the web editor's admin/ when
              `cms.enabled` (build_tools/cms/).
In the preview the search index is made after the pages are served: the browser
reloads without waiting for it. Hand-written files under docs/ win over generated ones
with the same path.
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, Literal

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.utils.meta import get_data

from build_tools import cachedir, pipeline, report
from build_tools.content.audience import Audience
from build_tools.diagnostics import Diagnostic, Severity
from build_tools.print import batch, qr
from build_tools.site import feed, incremental, output, preview, redirects, search, urls
from build_tools.site.images import ImageCatalog
from build_tools.site.incremental import GeneratedFile, GeneratedPage
from build_tools.site.pages import (
    Generation,
    SiteOptions,
    collection_page,
    generate,
    hall_page,
)
from build_tools.site.relations import SiteIndex

log = logging.getLogger("mkdocs.plugins.culture")

ASSETS = Path(__file__).parent / "assets"
STYLESHEET = "assets/culture/culture.css"
SEARCH_SCRIPT = "assets/culture/search.js"
READING_STYLESHEET = "assets/culture/reading.css"  # 大字, 高对比度, 朗读 (reading.js)
READING_SCRIPT = "assets/culture/reading.js"


class CultureConfig(Config):
    drafts = c.Choice(("auto", "show", "hide"), default="auto")  # auto: shown in `serve` only
    page_size = c.Type(int, default=40)
    cache_dir = c.Type(str, default=".cache")  # resized images, booklets, search work
    feed_size = c.Type(int, default=30)
    search = c.Type(bool, default=True)  # Pagefind index + entity index
    booklets = c.Type(bool, default=True)  # every collection as a PDF at collections/<id>.pdf
    # every hall's panels.pdf, narration.pdf and inventory.csv at halls/<hall>/ (not in
    # the live preview: typesetting on every save)
    hall_files = c.Type(bool, default=True)


@dataclass(slots=True)
class _Kept:
    """What this process keeps between builds of one project for one audience (the
    plugin object lives as long as `culture serve`)."""

    generation: Generation | None = None
    rendered: dict[str, str] = field(default_factory=dict)  # src_uri → key, served folder
    # The generated files of the last build, by src_uri, with the Markdown they hold:
    # an unchanged page keeps its File and Page (MkDocs computes a page's URLs anew
    # for every new File, 10k pages: seconds).
    files: dict[str, tuple[str, GeneratedFile]] = field(default_factory=dict)
    entities: BaseProcess | None = None  # the preview's child writing the entity index
    site_dir: str = ""
    site_key: str = ""


class CulturePlugin(BasePlugin[CultureConfig]):
    def __init__(self) -> None:
        self.command: str = "build"
        self.dirty = False
        self._kept: dict[tuple[str, str], _Kept] = {}
        self._generated: dict[str, GeneratedFile] = {}
        self._html_cache: incremental.HtmlCache | None = None
        self._summary: dict[str, int] = {}
        self._cache = Path(".cache")
        self._private_cache: Path | None = None  # when the project's cache is not trusted
        # Set by `culture build`, which has just run the pipeline and reported what it
        # found: the build uses that corpus instead of loading it a second time.
        self.preloaded: pipeline.Checked | None = None
        # What the build itself finds (a booklet that could not be made), for the caller.
        self.build_diagnostics: list[Diagnostic] = []
        self.checked: pipeline.Checked | None = None
        self.images: ImageCatalog | None = None
        self.options = SiteOptions()
        self.site_index: SiteIndex | None = None
        self.problems: dict[str, list[Diagnostic]] = {}
        self.stale: set[str] = set()
        self._html: dict[str, str] = {}
        self._overrides: Path | None = None
        self._collection_pages: dict[str, str] = {}  # src_uri → collection id
        self._hall_pages: dict[str, str] = {}  # src_uri → hall id (its files being made)
        self._hall_plans: list[batch.HallPlan] = []
        self._hall_files: dict[str, dict[str, str]] | None = None  # once known
        self.indexer: search.BackgroundIndexer | None = None
        self.booklets: batch.BookletJob | None = None
        self._failures_reported = False

    @property
    def preview(self) -> bool:
        return self.options.audience is Audience.PREVIEW

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.command = command
        self.dirty = dirty
        if dirty:
            incremental.allow_dirty_builds()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not config.use_directory_urls:
            raise PluginError(
                "culture：需要 use_directory_urls: true（网址由 id 构成，形如 /stories/<id>/）"
            )
        root = Path(config.config_file_path).parent
        # MkDocs keeps one plugin object per process (its plugin cache): what a build
        # found is this build's alone.
        self.build_diagnostics = []
        self._failures_reported = False
        shows_drafts = self.config.drafts == "show" or (
            self.config.drafts == "auto" and self.command == "serve"
        )
        audience = Audience.PREVIEW if shows_drafts else Audience.PRODUCTION
        handed_over = self.preloaded is not None
        checked = self.preloaded or pipeline.run(root)
        self.checked, self.preloaded = checked, None
        try:
            site_url: str | None = qr.site_url(root)  # where the panels' QR codes point
        except qr.QrError:
            site_url = None  # no codes: said once by the build (W-HALL-FILE-SKIPPED)
        self.options = SiteOptions(
            audience=audience,
            page_size=self.config.page_size,
            settings=checked.project.settings,
            site_url=site_url,
        )
        preview.own_logs(log, self.preview)
        if self.preview:
            self.stale = preview.last_good(root).update(checked.corpus)
            self.problems = checked.by_file()
            preview.print_diagnostics(checked.diagnostics, checked.corpus.files)
            # The banner reads the counts from the site (problems/summary.json): pages
            # that were not rendered again show them too.
            config.extra["culture_preview"] = True
            self._summary = preview.banner(checked.diagnostics)
            # Nobody reads the preview's sitemap; at 10k pages it cost a second a save.
            config.theme.static_templates.discard("sitemap.xml")
        elif not handed_over:
            for d in checked.diagnostics:
                # Errors fail a strict build; warnings are the editors' business.
                (log.error if d.severity is Severity.ERROR else log.info)(report.format_text([d]))
        project = checked.project
        self._cache = self._trusted_cache(root)
        qr.load_masks(self._cache)
        self.images = ImageCatalog(project.content_dir, self._cache / "images")
        for sheet in (STYLESHEET, READING_STYLESHEET):
            if sheet not in [str(s) for s in config.extra_css]:
                config.extra_css.append(sheet)
        if READING_SCRIPT not in [str(s) for s in config.extra_javascript]:
            config.extra_javascript.append(c.ExtraScriptValue(READING_SCRIPT))
        if SEARCH_SCRIPT not in [str(s) for s in config.extra_javascript]:
            script = c.ExtraScriptValue(SEARCH_SCRIPT)
            script.type = "module"
            config.extra_javascript.append(script)
        return config

    def on_build_error(self, *, error: Exception) -> None:
        self._stop_jobs()
        # What the site folder holds is no longer known page by page.
        self._state().rendered.clear()

    def on_shutdown(self) -> None:
        self._stop_jobs()
        if self._private_cache is not None:
            shutil.rmtree(self._private_cache, ignore_errors=True)
            self._private_cache = None

    def _stop_jobs(self) -> None:
        if self.booklets is not None:
            self.booklets.close()
            self.booklets = None
        if self.indexer is not None:
            self.indexer.close()
            self.indexer = None
        for kept in self._kept.values():
            if kept.entities is not None and kept.entities.is_alive():
                kept.entities.terminate()
                kept.entities.join()

    def _trusted_cache(self, root: Path) -> Path:
        """`cache_dir`, unless it is a symlink out of the project or holds files committed
        to git (build_tools/cachedir.py): then a private folder for this process."""
        folder = root / self.config.cache_dir
        why = cachedir.problem(root, folder)
        if why is None:
            return folder
        if self._private_cache is None:
            preview.terminal().warning(f"culture：{why}")
            self._private_cache = Path(tempfile.mkdtemp(prefix="culture-cache-"))
        return self._private_cache

    def _state(self) -> _Kept:
        root = str(Path(self.checked.project.root).resolve()) if self.checked else ""
        return self._kept.setdefault((root, str(self.options.audience)), _Kept())

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        assert self.checked is not None and self.images is not None
        corpus = self.checked.corpus
        cache = self._cache
        self._overrides = Path(config.docs_dir) / "overrides" / "culture"
        self.site_index = SiteIndex.build(corpus, self.options.audience)
        kept = self._state()
        if kept.site_dir != config.site_dir:
            # Another folder: none of its pages is known, and a kept File would write
            # where the last build wrote.
            kept.rendered.clear()
            kept.files.clear()
            kept.site_dir = config.site_dir
        if self.config.search and not self.preview:
            # Indexing runs beside MkDocs: a forked process with the corpus, then Pagefind.
            # Forked before the pages are generated: it is a build's long pole, so it starts
            # sooner, and it copies a smaller parent (10k: all processes' peak 3.7 GB, 4.0
            # when forked after the pages are generated).
            # MkDocs has cleaned the site folder by now (a dirty build starts empty).
            self._start_search(Path(config.site_dir))
        plans: list[batch.BookletPlan] = []
        if self.config.booklets and self.options.audience.is_production:
            plans = batch.plan(corpus, self.options.audience)
            self.build_diagnostics += [batch.skipped(p) for p in plans if p.source is None]
        self._hall_plans, self._hall_files = [], None
        if self.config.hall_files and self.command != "serve":
            self._hall_plans, notes = batch.plan_halls(
                corpus,
                self.options.audience,
                self.checked.project.settings,
                self.options.site_url,
                Path(config.site_dir),
            )
            self.build_diagnostics += notes
            self.build_diagnostics += [
                batch.hall_skipped(p) for p in self._hall_plans if p.reason is not None
            ]
        printable = [p for p in plans if p.source is not None]
        if printable or any(p.source is not None for p in self._hall_plans):
            self.booklets = batch.BookletJob(
                corpus, printable, Path(config.site_dir), cache / "booklets", self._hall_plans
            )
        previous = kept.generation
        if previous is None and not self.preview:
            previous = incremental.load_generation(cache, str(self.options.audience))
        generation = generate(
            corpus,
            self.options,
            self.images,
            self._overrides,
            self.site_index,
            problems=self.problems if self.preview else None,
            stale=self.stale,
            previous=previous,
        )
        kept.generation = generation
        log.debug(f"culture：{len(generation.pages)} 个生成页面，{generation.rendered} 个重新生成")
        generated = generation.markdown
        collections = {
            urls.source_path(urls.collection(p.collection)): p.collection.id
            for p in plans
            if p.source is not None
        }
        halls = {urls.source_path(urls.hall(p.hall)): p.hall.id for p in self._hall_plans}
        # Collection and hall pages go last, so that MkDocs renders them after every
        # other page, by when their booklets and files are typeset (see on_page_context).
        ordered = sorted(generated.items(), key=lambda kv: kv[0] in collections or kv[0] in halls)
        self._generated, self._collection_pages, self._hall_pages = {}, {}, {}
        in_nav = _nav_paths(config.nav)
        before, kept.files = kept.files, {}
        for path, markdown in ordered:
            if not output.is_safe(path):
                log.error(f"culture：拒绝生成网站目录之外的页面“{path}”")  # E-ID-INVALID said why
                continue
            if files.get_file_from_path(path) is None:  # a hand-written page wins
                old = before.get(path)
                if old is not None and old[0] is markdown and path not in in_nav:
                    file = old[1]
                else:
                    file = GeneratedFile.generated(config, path, content=markdown)
                    assert isinstance(file, GeneratedFile)
                    if path not in in_nav:
                        GeneratedPage(None, file, config)
                kept.files[path] = (markdown, file)
                files.append(file)
                self._generated[path] = file
                if path in collections:
                    self._collection_pages[path] = collections[path]
                if path in halls:
                    self._hall_pages[path] = halls[path]
        for asset in ASSETS.iterdir():
            files.append(
                GeneratedFile.generated(
                    config, f"assets/culture/{asset.name}", abs_src_path=str(asset)
                )
            )
        return files

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        env.bytecode_cache = incremental.THEME_BYTECODE
        env.globals["culture_blocks"] = incremental.SharedBlocks()
        return env

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Which generated pages need rendering: in a dirty build (`culture build`,
        `culture serve`), one whose HTML is already in the site folder is not rendered
        again. Pages in the nav are always rendered (they make the nav of every page)."""
        in_nav = {page.file.src_uri for page in nav.pages}
        sources: list[object] = []
        for page in nav.pages:
            file = page.file
            if isinstance(file, GeneratedFile) and file.src_uri in self._generated:
                sources.append((file.src_uri, get_data(file.content_string)[1].get("title")))
            elif file.abs_src_path:
                sources.append((file.src_uri, Path(file.abs_src_path).read_bytes()))
        site_key = incremental.site_key(config, [repr(s) for s in sources])
        kept = self._state()
        site = Path(config.site_dir)
        if site_key != kept.site_key:
            kept.rendered.clear()
            kept.site_key = site_key
            for file in files.documentation_pages():  # hand-written: rendered again too
                if not isinstance(file, GeneratedFile):
                    Path(file.abs_dest_path).unlink(missing_ok=True)
        if self.preview:
            for src in set(kept.rendered) - set(self._generated):  # pages that are gone
                kept.rendered.pop(src, None)
                with contextlib.suppress(output.UnsafePath):
                    output.target(site, files_dest(src)).unlink(missing_ok=True)
        self._html_cache = None
        if self.dirty and not self.preview:
            self._html_cache = incremental.HtmlCache(self._cache)
        for src, file in self._generated.items():
            if not file.key or file.key_of != site_key:
                file.key = incremental.page_key(site_key, src, file.content_string)
                file.key_of = site_key
            if src in in_nav or self._late(src) or not self.dirty:
                file.current = False
                continue
            if self._html_cache is not None:
                file.current = self._html_cache.attach(file, site)
            else:
                file.current = (
                    kept.rendered.get(src) == file.key and Path(file.abs_dest_path).is_file()
                )
        return nav

    def on_page_markdown(
        self, markdown: str, /, *, page: Any, config: MkDocsConfig, files: Files
    ) -> str:
        # A generated page is one raw HTML block under its front matter: Markdown would
        # only re-parse every tag of it. Most are GeneratedPage (no Markdown at all);
        # those in the nav were made by MkDocs as plain pages: keep the HTML aside.
        if isinstance(page.file, GeneratedFile) and not isinstance(page, GeneratedPage):
            self._html[page.file.src_uri] = markdown  # a generated page in the nav
            return ""
        return markdown

    def on_page_content(
        self, html: str, /, *, page: Any, config: MkDocsConfig, files: Files
    ) -> str:
        return self._html.pop(page.file.src_uri, html)

    def on_page_context(
        self, context: dict[str, Any], /, *, page: Any, config: MkDocsConfig, nav: Any
    ) -> dict[str, Any]:
        hall_id = self._hall_pages.get(page.file.src_uri)
        if hall_id is not None:
            return self._hall_page_context(context, page, hall_id)
        collection_id = self._collection_pages.get(page.file.src_uri)
        if collection_id is None or self.booklets is None:
            return context
        made = self._booklets_made()
        assert self.checked is not None and self.images is not None
        assert self.site_index is not None
        collection = self.checked.corpus.collections[collection_id]
        _, markdown = collection_page(
            self.checked.corpus,
            self.options,
            self.images,
            self._overrides,
            self.site_index,
            collection,
            booklets=made,
        )
        page.content, _ = get_data(markdown)
        return context

    def _late(self, src: str) -> bool:
        """A page made again once its files are known (rendered last, never kept)."""
        return src in self._collection_pages or src in self._hall_pages

    def _hall_page_context(self, context: dict[str, Any], page: Any, hall_id: str) -> Any:
        assert self.checked is not None and self.images is not None
        assert self.site_index is not None
        _, markdown = hall_page(
            self.checked.corpus,
            self.options,
            self.images,
            self._overrides,
            self.site_index,
            self.checked.corpus.halls[hall_id],
            hall_files=self._hall_files_made(),
        )
        page.content, _ = get_data(markdown)
        return context

    def _hall_files_made(self) -> dict[str, dict[str, str]]:
        """Wait for the print job (once); each hall's files that exist, by name."""
        if self._hall_files is None:
            outcome = self.booklets.finish() if self.booklets is not None else {}
            made: dict[str, dict[str, str]] = {}
            for p in self._hall_plans:
                if p.reason is not None:
                    continue  # reported when planned
                why = outcome.get(p.key) if p.source is not None else None
                if why is not None:
                    self.build_diagnostics.append(batch.hall_skipped(p, why))
                    continue
                made.setdefault(p.hall.id, {})[p.name] = p.file
            self._hall_files = made
        return self._hall_files

    def _booklets_made(self) -> dict[str, str]:
        """Wait for the booklet job (once); the PDFs that exist, by collection id."""
        assert self.booklets is not None
        outcome = self.booklets.finish()
        failed = {cid: why for cid, why in outcome.items() if why is not None}
        if failed and not self._failures_reported:
            self._failures_reported = True
            for p in self.booklets.plans:
                if p.collection.id in failed:
                    self.build_diagnostics.append(batch.skipped(p, failed[p.collection.id]))
        return {
            p.collection.id: p.file for p in self.booklets.plans if p.collection.id not in failed
        }

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        """The preview rebuilds when content, our templates or their overrides change."""
        assert self.checked is not None
        for path in (
            self.checked.project.content_dir,
            Path(__file__).parent / "templates",
            ASSETS,
        ):
            if path.is_dir():
                server.watch(str(path))
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        assert self.checked is not None and self.images is not None
        corpus = self.checked.corpus
        site = Path(config.site_dir)
        self.images.write(site)
        redirects.write(site, corpus, self.options)
        feed.write(site, corpus, self.options, config, size=self.config.feed_size)
        qr.save_masks(self._cache)
        if self.booklets is not None:
            self._booklets_made()
            self._hall_files_made()
            self.booklets.close()
            self.booklets = None
        for d in self.build_diagnostics:
            log.info(report.format_text([d]))
        self._keep_rendered(config)
        if self.preview:
            summary = output.target(site, urls.PROBLEMS + "summary.json")
            summary.parent.mkdir(parents=True, exist_ok=True)
            summary.write_text(json.dumps(self._summary), encoding="utf-8")
            if self.config.search and self.site_index is not None:
                self._index_after_reload(site)
        elif self.indexer is not None and self.site_index is not None:
            self._entities_written()
            self.indexer.finish(site)
            self.indexer = None
        if not self.preview and self.checked.project.settings.cms.enabled:
            self._write_admin(config)

    def _write_admin(self, config: MkDocsConfig) -> None:
        """The web editor (`cms.enabled` in culture.yml): admin/ from the content model."""
        from build_tools.cms.admin import AdminError, SiteInfo, write_admin

        assert self.checked is not None
        try:
            write_admin(
                Path(config.site_dir),
                self.checked.corpus,
                self.checked.project,
                site=SiteInfo.of(config),
            )
        except AdminError as exc:
            raise PluginError(f"culture：网页编辑器（admin/）没有写入：{exc}") from exc

    def _keep_rendered(self, config: MkDocsConfig) -> None:
        """Remember (preview) or cache (`culture build`) the pages MkDocs rendered."""
        kept = self._state()
        site = Path(config.site_dir)
        for src, file in self._generated.items():
            if file.current or self._late(src):
                continue
            kept.rendered[src] = file.key
            if self._html_cache is not None:
                self._html_cache.keep(file, site)
        if self._html_cache is not None:
            self._html_cache.prune()
        if not self.preview and kept.generation is not None:
            incremental.save_generation(self._cache, str(self.options.audience), kept.generation)

    def _start_search(self, site: Path) -> search.BackgroundIndexer:
        """Both search indexes made by forked children: Pagefind's (from the cached one,
        only changed records indexed again) and the names."""
        assert self.site_index is not None
        self._cache.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="search-", dir=self._cache))
        self.indexer = search.BackgroundIndexer(
            self.site_index, work, cache_dir=self._cache / "search"
        )
        self._start_entities(site)
        return self.indexer

    def _start_entities(self, site: Path) -> None:
        """The names (entity index) written into `site` by a forked child: 5 s at 10k
        that neither a build's pages nor the preview's reload wait for."""
        assert self.site_index is not None
        kept = self._state()
        if kept.entities is not None and kept.entities.is_alive():
            kept.entities.terminate()  # a newer save: its own names are written next
            kept.entities.join()
        kept.entities = multiprocessing.get_context("fork").Process(
            target=_write_entities, args=(site, self.site_index), daemon=True
        )
        kept.entities.start()

    def _entities_written(self) -> None:
        kept = self._state()
        child, kept.entities = kept.entities, None
        if child is None:
            return
        child.join()
        if child.exitcode != 0:
            raise search.SearchIndexError(f"写人名索引的进程意外退出（退出码 {child.exitcode}）")

    def _index_after_reload(self, site: Path) -> None:
        """The preview's search index, made after this build has returned (the browser
        reloads at once) from the last one (only changed records are indexed again); a
        newer build stops an index still being made. Until then the site has the last
        index (search may lag a moment behind the pages)."""
        assert self.checked is not None and self.site_index is not None
        if self.indexer is not None:
            self.indexer.close()
            self.indexer = None
        cache = self._cache
        cache.mkdir(parents=True, exist_ok=True)
        if not (site / search.PARTS_FILE).is_file():
            search.install_last(cache / "search", self.site_index.audience, site)
        kept = self._state()
        indexer = self._start_search(site)
        for pid in (indexer.pid, kept.entities.pid if kept.entities else None):
            if pid is not None:
                with contextlib.suppress(OSError):  # the next save's rebuild comes first
                    os.setpriority(os.PRIO_PROCESS, pid, _BACKGROUND_NICE)
        made = indexer.finish_later(site)

        def report(future: Any) -> None:
            if not future.cancelled() and future.exception() is not None:
                log.warning(f"预览的搜索索引没有更新：{future.exception()}")

        made.add_done_callback(report)


_BACKGROUND_NICE = 10


def _write_entities(site: Path, index: SiteIndex) -> None:
    os.setpgid(0, 0)  # Ctrl-C reaches the build or the server, which stops this child
    try:
        search.write_entities(site, index)
    except BaseException as exc:  # a line for people, never a traceback
        sys.stderr.write(f"culture：写人名索引失败（{type(exc).__name__}：{exc}）\n")
        sys.stderr.flush()
        os._exit(1)


def _nav_paths(nav: object) -> set[str]:
    """Every page path the nav of mkdocs.yml names."""
    found: set[str] = set()
    todo = [nav]
    while todo:
        entry = todo.pop()
        if isinstance(entry, str):
            found.add(entry)
        elif isinstance(entry, dict):
            todo.extend(entry.values())
        elif isinstance(entry, list):
            todo.extend(entry)
    return found


def files_dest(src_uri: str) -> str:
    """Where MkDocs writes a generated page (directory URLs): x/index.md → x/index.html."""
    return src_uri[: -len(".md")] + ".html"
