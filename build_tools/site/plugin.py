"""The MkDocs plugin `culture`: a thin adapter from MkDocs' events to the site package.

on_startup  → knows whether this is the live preview (drafts shown) or a build;
on_config   → loads and checks the corpus once per build, adds the stylesheet;
on_files    → adds every generated page (`pages.generate_pages`) as a virtual file;
            and starts the search indexer (`search.py`), which works in its own process
            while MkDocs renders;
on_page_markdown/on_page_content → pass a generated page's HTML block through unparsed;
on_post_build → writes image variants, alias redirects, the Atom feed and the search index.
Hand-written files under docs/ win over generated ones with the same path.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Literal

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from build_tools import report
from build_tools.config import load_project
from build_tools.content.corpus import Corpus
from build_tools.content.load import load_corpus
from build_tools.diagnostics import Severity
from build_tools.site import feed, redirects, search
from build_tools.site.images import ImageCatalog
from build_tools.site.pages import SiteOptions, generate_pages
from build_tools.site.relations import SiteIndex

log = logging.getLogger("mkdocs.plugins.culture")

ASSETS = Path(__file__).parent / "assets"
STYLESHEET = "assets/culture/culture.css"
SEARCH_SCRIPT = "assets/culture/search.js"


class CultureConfig(Config):
    drafts = c.Choice(("auto", "show", "hide"), default="auto")  # auto: shown in `serve` only
    page_size = c.Type(int, default=40)
    cache_dir = c.Type(str, default=".cache")  # resized images; search records while indexing
    feed_size = c.Type(int, default=30)
    search = c.Type(bool, default=True)  # Pagefind index + entity index
    booklets = c.Type(bool, default=True)  # every collection as a PDF at collections/<id>.pdf


class CulturePlugin(BasePlugin[CultureConfig]):
    def __init__(self) -> None:
        self.command: str = "build"
        self.corpus: Corpus | None = None
        self.images: ImageCatalog | None = None
        self.options = SiteOptions()
        self._html: dict[str, str] = {}
        # Set by `culture build`, which has just loaded and checked the corpus: saves
        # loading it a second time. Used for one build only.
        self.preloaded: Corpus | None = None
        self.indexer: search.BackgroundIndexer | None = None
        self.site_index: SiteIndex | None = None
        self.booklets: subprocess.Popen[str] | None = None

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not config.use_directory_urls:
            raise PluginError(
                "culture：需要 use_directory_urls: true（网址由 id 构成，形如 /stories/<id>/）"
            )
        root = Path(config.config_file_path).parent
        project, problems = load_project(root)
        if self.preloaded is not None:
            self.corpus, self.preloaded = self.preloaded, None
        else:
            loaded = load_corpus(project.root, project.content_dir)
            for d in problems + loaded.diagnostics:
                # Content errors fail a strict build; warnings are the editors' business.
                (log.error if d.severity is Severity.ERROR else log.info)(report.format_text([d]))
            self.corpus = loaded.corpus
        drafts = self.config.drafts == "show" or (
            self.config.drafts == "auto" and self.command == "serve"
        )
        self.options = SiteOptions(drafts=drafts, page_size=self.config.page_size)
        self.images = ImageCatalog(project.content_dir, root / self.config.cache_dir / "images")
        if STYLESHEET not in [str(s) for s in config.extra_css]:
            config.extra_css.append(STYLESHEET)
        if SEARCH_SCRIPT not in [str(s) for s in config.extra_javascript]:
            script = c.ExtraScriptValue(SEARCH_SCRIPT)
            script.type = "module"
            config.extra_javascript.append(script)
        return config

    def on_build_error(self, *, error: Exception) -> None:
        if self.booklets is not None:
            self.booklets.kill()
            self.booklets = None
        if self.indexer is not None:
            self.indexer.close()
            self.indexer = None

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        assert self.corpus is not None and self.images is not None
        overrides = Path(config.docs_dir) / "overrides" / "culture"
        self.site_index = SiteIndex.build(self.corpus, drafts=self.options.drafts)
        generated = generate_pages(
            self.corpus, self.options, self.images, overrides, self.site_index
        )
        for path, markdown in generated.items():
            if files.get_file_from_path(path) is None:  # a hand-written page wins
                files.append(File.generated(config, path, content=markdown))
        if self.config.search:
            # Indexing runs in Pagefind's own process while MkDocs renders the pages.
            cache = Path(config.config_file_path).parent / self.config.cache_dir
            cache.mkdir(parents=True, exist_ok=True)
            work = Path(tempfile.mkdtemp(prefix="search-", dir=cache))
            root = Path(config.config_file_path).parent
            self.indexer = search.BackgroundIndexer(root, work, drafts=self.options.drafts)
        if self.config.booklets and not self.options.drafts:
            # Typeset in a process of its own while MkDocs renders (drafts never print).
            self.booklets = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "build_tools.print.batch",
                    str(Path(config.config_file_path).parent),
                    str(Path(config.site_dir) / "collections"),
                    str(Path(config.config_file_path).parent / self.config.cache_dir / "booklets"),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        for asset in ASSETS.iterdir():
            files.append(
                File.generated(config, f"assets/culture/{asset.name}", abs_src_path=str(asset))
            )
        return files

    def on_page_markdown(
        self, markdown: str, /, *, page: Any, config: MkDocsConfig, files: Files
    ) -> str:
        # A generated page is one raw HTML block under its front matter: Markdown would
        # only re-parse every tag of it. Keep it aside and skip the parse (10k pages!).
        if page.file.generated_by == "culture":
            self._html[page.file.src_uri] = markdown
            return ""
        return markdown

    def on_page_content(
        self, html: str, /, *, page: Any, config: MkDocsConfig, files: Files
    ) -> str:
        return self._html.pop(page.file.src_uri, html)

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        """The preview rebuilds when content, our templates or their overrides change."""
        root = Path(config.config_file_path).parent
        project, _ = load_project(root)
        for path in (project.content_dir, Path(__file__).parent / "templates", ASSETS):
            if path.is_dir():
                server.watch(str(path))
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        assert self.corpus is not None and self.images is not None
        site = Path(config.site_dir)
        self.images.write(site)
        redirects.write(site, self.corpus, self.options)
        feed.write(site, self.corpus, self.options, config, size=self.config.feed_size)
        if self.booklets is not None:
            output, _ = self.booklets.communicate()
            for line in output.splitlines():
                log.warning(line) if self.booklets.returncode else log.info(line)
            if self.booklets.returncode:
                raise PluginError("culture：生成故事集小册子失败")
            self.booklets = None
        if self.indexer is not None and self.site_index is not None:
            search.write_entities(site, self.corpus, self.site_index)
            self.indexer.finish(site)
            self.indexer = None
