"""Markdown bodies to safe HTML, from the one parse of `content/markdown.py`.

The HTML is markdown-it's own rendering of the shared token stream, with what the site
decides on top: raw HTML comes out as text (the check reports it too), links the check
calls unsafe come out as their text only, images become figures pointing at their
published, resized variants, and footnotes take the markup MkDocs Material styles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from markupsafe import Markup

from build_tools.content.markdown import (
    LinkProblem,
    image_alt,
    joins_across_break,
    link_problem,
    parse,
    parser_options,
    plain_text,
    written_src,
)
from build_tools.content.media import MediaRef
from build_tools.site import urls
from build_tools.site.images import ImageCatalog

MediaResolve = Callable[[str, str], MediaRef]  # (written_in, src) → the corpus's answer

_Tokens = Sequence[Token]
_Env = dict[str, Any]


def _footnote_key(token: Token) -> str:
    label = token.meta.get("label")
    return str(label) if label is not None else str(token.meta.get("id", 0) + 1)


class _SiteHTML(RendererHTML):
    """markdown-it's HTML rules, walked over the flat token stream (no recursion), with the
    site's rules for what content may not do. Per-call state lives in `env`."""

    def __init__(self, body: BodyRenderer) -> None:
        super().__init__()
        self.body = body

    # -- what content may not do ---------------------------------------------------------
    def html_block(self, tokens: _Tokens, idx: int, options: OptionsDict, env: _Env) -> str:
        return f"<p>{escapeHtml(tokens[idx].content.rstrip())}</p>\n"

    def html_inline(self, tokens: _Tokens, idx: int, options: OptionsDict, env: _Env) -> str:
        return escapeHtml(tokens[idx].content)

    def link_open(self, tokens: _Tokens, idx: int, options: OptionsDict, env: _Env) -> str:
        unsafe = link_problem(str(tokens[idx].attrs.get("href", ""))) is LinkProblem.UNSAFE
        env["links"].append(unsafe)
        return "" if unsafe else self.renderToken(tokens, idx, options, env)

    def link_close(self, tokens: _Tokens, idx: int, options: OptionsDict, env: _Env) -> str:
        unsafe = env["links"].pop() if env["links"] else False
        return "" if unsafe else self.renderToken(tokens, idx, options, env)

    def softbreak(self, tokens: _Tokens, idx: int, options: OptionsDict, env: _Env) -> str:
        # As in the search text: a wrapped line inside Chinese text is no space.
        return "" if joins_across_break(tokens, idx) else "\n"

    # -- headings: in order under the page's one h1, whatever the body wrote --------------
    def heading_open(self, tokens: _Tokens, idx: int, options: OptionsDict, env: _Env) -> str:
        """The check warns about `#` in a body and skipped levels (W-BODY-HEADING); the page
        still gives a screen reader an outline without gaps: a body's headings start at h2
        and each is one below the nearest shallower heading before it."""
        written = int(tokens[idx].tag[1])
        outline: list[tuple[int, int]] = env.setdefault("outline", [])  # (written, shown)
        while outline and outline[-1][0] >= written:
            outline.pop()
        shown = min(outline[-1][1] + 1 if outline else 2, 6)
        outline.append((written, shown))
        return f"<h{shown}>"

    def heading_close(self, tokens: _Tokens, idx: int, options: OptionsDict, env: _Env) -> str:
        return f"</h{env['outline'][-1][1]}>\n"

    # -- images ----------------------------------------------------------------------------
    def paragraph_open(self, tokens: _Tokens, idx: int, options: OptionsDict, env: _Env) -> str:
        if _stands_alone(tokens, idx):
            env["figure"] = True
            return '<figure class="culture-figure">'
        return self.renderToken(tokens, idx, options, env)

    def paragraph_close(self, tokens: _Tokens, idx: int, options: OptionsDict, env: _Env) -> str:
        if env.pop("figure", False):
            return "</figure>\n"
        return self.renderToken(tokens, idx, options, env)

    def image(self, tokens: _Tokens, idx: int, options: OptionsDict, env: _Env) -> str:
        token = tokens[idx]
        alt = image_alt(token)
        img = self.body.img(written_src(token), alt, env["page_url"], env["written_in"])
        if env.get("figure") and alt:
            return f"{img}<figcaption>{escapeHtml(alt)}</figcaption>"
        return img

    # -- footnotes, as Python-Markdown wrote them (the theme's styles expect this) --------
    def footnote_ref(self, tokens: _Tokens, idx: int, options: OptionsDict, env: _Env) -> str:
        token = tokens[idx]
        key = escapeHtml(_footnote_key(token))
        sub = token.meta.get("subId", 0)
        ref_id = f"fnref:{key}" if not sub else f"fnref{sub + 1}:{key}"
        number = token.meta.get("id", 0) + 1
        return f'<sup id="{ref_id}"><a class="footnote-ref" href="#fn:{key}">{number}</a></sup>'

    def footnote_block_open(
        self, tokens: _Tokens, idx: int, options: OptionsDict, env: _Env
    ) -> str:
        return '<div class="footnote">\n<hr />\n<ol>\n'

    def footnote_block_close(
        self, tokens: _Tokens, idx: int, options: OptionsDict, env: _Env
    ) -> str:
        return "</ol>\n</div>\n"

    def footnote_open(self, tokens: _Tokens, idx: int, options: OptionsDict, env: _Env) -> str:
        return f'<li id="fn:{escapeHtml(_footnote_key(tokens[idx]))}">\n'

    def footnote_close(self, tokens: _Tokens, idx: int, options: OptionsDict, env: _Env) -> str:
        return "</li>\n"

    def footnote_anchor(self, tokens: _Tokens, idx: int, options: OptionsDict, env: _Env) -> str:
        token = tokens[idx]
        key = escapeHtml(_footnote_key(token))
        sub = token.meta.get("subId", 0)
        ref_id = f"fnref:{key}" if not sub else f"fnref{sub + 1}:{key}"
        return f'&#160;<a class="footnote-backref" href="#{ref_id}" title="返回正文">&#8617;</a>'


def _stands_alone(tokens: _Tokens, idx: int) -> bool:
    """A paragraph holding one image and nothing else: shown as a figure with a caption."""
    if tokens[idx].hidden or idx + 1 >= len(tokens) or tokens[idx + 1].type != "inline":
        return False
    children = [
        c
        for c in tokens[idx + 1].children or []
        if not (c.type == "text" and not c.content.strip()) and c.type != "softbreak"
    ]
    return len(children) == 1 and children[0].type == "image"


class BodyRenderer:
    def __init__(self, images: ImageCatalog, resolve: MediaResolve) -> None:
        self.images = images
        self.resolve = resolve
        self._html = _SiteHTML(self)

    def render(self, text: str, page_url: str, written_in: str) -> Markup:
        """The HTML of a Markdown text written in `written_in` (relative to the project
        root, as the media resolver takes it), for the page at `page_url`."""
        env: _Env = {"page_url": page_url, "written_in": written_in, "links": []}
        doc = parse(text)
        plain_text(text)  # from this same parse: what search indexes is what is shown
        return Markup(self._html.render(doc.tokens, parser_options(), env))

    def img(self, src: str, alt: str, page_url: str, written_in: str) -> str:
        """`<img>` pointing at the published variants of a body image."""
        ref = self.resolve(written_in, src)
        published = self.images.publish(ref.path) if ref.ok and ref.path else None
        attrs: dict[str, str] = {"alt": alt, "loading": "lazy", "decoding": "async"}
        if published is None:
            # The check has reported it; never load from elsewhere.
            attrs |= {"src": "", "class": "culture-missing-image"}
        else:
            rel = urls.relative
            attrs |= {
                "src": rel(page_url, published.default.url),
                "srcset": ", ".join(
                    f"{rel(page_url, v.url)} {v.width}w" for v in published.variants
                ),
                "sizes": "(max-width: 600px) 100vw, 720px",
                "width": str(published.default.width),
                "height": str(published.default.height),
            }
        return "<img" + "".join(f' {k}="{escapeHtml(v)}"' for k, v in attrs.items()) + " />"
