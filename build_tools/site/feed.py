"""The Atom feed of newly published stories (feed.xml)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from feedgen.feed import FeedGenerator
from mkdocs.config.defaults import MkDocsConfig

from build_tools.content.audience import Audience
from build_tools.content.corpus import Corpus
from build_tools.site import urls
from build_tools.site.pages import SiteOptions

FEED = "feed.xml"


def write(
    site: Path, corpus: Corpus, options: SiteOptions, config: MkDocsConfig, size: int
) -> None:
    base = (config.site_url or "/").rstrip("/") + "/"
    # A feed is always for production readers, whatever the build shows.
    stories = [s for s in corpus.stories.values() if Audience.PRODUCTION.shows(s)]
    stories.sort(key=lambda s: ((s.published or s.date).as_date(), s.id), reverse=True)
    generator = FeedGenerator()
    generator.id(base)
    generator.title(f"{config.site_name} · 红色故事")
    generator.subtitle("新发布的红色故事")
    generator.link(href=base, rel="alternate")
    generator.link(href=base + FEED, rel="self")
    generator.language("zh-CN")
    newest = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    for story in reversed(stories[:size]):  # feedgen prepends
        when = dt.datetime.combine((story.published or story.date).as_date(), dt.time(), dt.UTC)
        newest = max(newest, when)
        entry = generator.add_entry()
        entry.id(base + urls.story(story))
        entry.title(story.title)
        entry.link(href=base + urls.story(story))
        entry.summary(story.summary)
        entry.published(when)
        entry.updated(when)
        if story.author:
            entry.author({"name": story.author})
    generator.updated(newest)
    generator.atom_file(str(site / FEED), pretty=True)
