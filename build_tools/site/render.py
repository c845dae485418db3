"""Markdown bodies to safe HTML.

Bodies are rendered here, once, with raw HTML turned off: an editor's `<script>` comes
out as text (the check reports it too). Links may not use `javascript:`-like schemes,
and images are swapped for their published, resized variants.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from build_tools.site import urls
from build_tools.site.images import ImageCatalog

_SAFE_SCHEME = re.compile(r"^(https?:|mailto:|tel:|#|/|\.|[^:]*$)", re.I)


@dataclass(slots=True)
class RenderContext:
    page_url: str
    source_file: Path  # the file the Markdown was written in (image paths are relative to it)


class _Sanitize(Treeprocessor):
    def __init__(self, md: markdown.Markdown, renderer: BodyRenderer) -> None:
        super().__init__(md)
        self.renderer = renderer

    def run(self, root: ET.Element) -> None:
        ctx = self.renderer.context
        for parent in list(root.iter()):
            for i, child in enumerate(list(parent)):
                if child.tag == "a":
                    href = child.get("href", "")
                    if not _SAFE_SCHEME.match(href.strip()):
                        child.set("href", "#")
                elif child.tag == "img" and ctx is not None:
                    figure = self.renderer.figure_for(child)
                    if parent.tag == "p" and len(parent) == 1 and not (parent.text or "").strip():
                        parent.tag, parent.attrib = "figure", {"class": "culture-figure"}
                        parent.remove(child)
                        for element in figure:
                            parent.append(element)
                    else:
                        parent.remove(child)
                        parent.insert(i, figure[0])


class _NoRawHtml(Extension):
    def __init__(self, renderer: BodyRenderer) -> None:
        super().__init__()
        self.renderer = renderer

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_Sanitize(md, self.renderer), "culture_sanitize", 1)


class BodyRenderer:
    def __init__(self, images: ImageCatalog) -> None:
        self.images = images
        self.context: RenderContext | None = None
        self._md = markdown.Markdown(
            extensions=["footnotes", "tables", "sane_lists", "fenced_code", _NoRawHtml(self)],
            extension_configs={"footnotes": {"BACKLINK_TITLE": "返回正文"}},
            output_format="html",
        )

    def render(self, text: str, page_url: str, source_file: Path) -> Markup:
        self.context = RenderContext(page_url, source_file)
        try:
            self._md.reset()
            return Markup(self._md.convert(text))
        finally:
            self.context = None

    def figure_for(self, img: ET.Element) -> list[ET.Element]:
        """`<img>` (and a caption from its alt text) pointing at the published variants."""
        assert self.context is not None
        alt = img.get("alt", "")
        src = img.get("src", "")
        published = None
        if "://" not in src and not src.startswith(("/", "data:")):
            published = self.images.publish(self.context.source_file.parent / src)
        new = ET.Element("img", {"alt": alt, "loading": "lazy", "decoding": "async"})
        if published is None:
            new.set("src", "")  # the check has reported it; never load from elsewhere
            new.set("class", "culture-missing-image")
        else:
            page = self.context.page_url
            new.set("src", urls.relative(page, published.default.url))
            new.set(
                "srcset",
                ", ".join(f"{urls.relative(page, v.url)} {v.width}w" for v in published.variants),
            )
            new.set("sizes", "(max-width: 600px) 100vw, 720px")
            new.set("width", str(published.default.width))
            new.set("height", str(published.default.height))
        caption = ET.Element("figcaption")
        caption.text = alt
        return [new, caption] if alt else [new]
