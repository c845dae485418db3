"""Old URLs keep working: a small page at every alias URL that sends readers on."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader

from build_tools.content.corpus import Corpus
from build_tools.site import output, urls
from build_tools.site.pages import SiteOptions
from build_tools.site.pages import redirects as redirect_map

_env = Environment(loader=PackageLoader("build_tools.site", "templates"), autoescape=True)


def write(site: Path, corpus: Corpus, options: SiteOptions) -> int:
    template = _env.get_template("redirect.html.j2")
    written = 0
    for old, new in redirect_map(corpus, options).items():
        try:
            target = output.target(site, f"{old}index.html")
        except output.UnsafePath:
            continue  # an alias such as ../../x: reported by the check (E-ID-INVALID)
        if target.exists():  # never shadow a real page
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            template.render(relative=urls.relative(old, new), new=new), encoding="utf-8"
        )
        written += 1
    return written
