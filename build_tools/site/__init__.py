"""The intranet site: the corpus rendered as MkDocs pages.

`pages.generate` is a plain function from the corpus to `{path: Markdown}`;
`plugin.CulturePlugin` is the thin MkDocs adapter that feeds those pages to MkDocs and
writes what is not a page (image variants, the feed, redirects).
"""
