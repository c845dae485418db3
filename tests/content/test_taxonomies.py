"""Taxonomies are data: the table drives term pages, index pages, facets and URLs."""

from __future__ import annotations

from dataclasses import replace

from build_tools.content import taxonomies
from build_tools.content.audience import Audience
from build_tools.content.model import Story
from build_tools.content.taxonomies import BY_NAME, HONOR_LEVELS, Taxonomy, Term
from build_tools.pipeline import run
from build_tools.site import pages as pages_module
from build_tools.site.images import ImageCatalog
from build_tools.site.pages import SiteOptions, generate
from build_tools.site.relations import SiteIndex
from tests.conftest import PROJECT


def _generate(corpus, tmp_path):
    images = ImageCatalog(corpus.content_dir, tmp_path / "img")
    return generate(corpus, SiteOptions(), images).markdown


def test_every_term_of_every_taxonomy_gets_its_page(tmp_path):
    corpus = run(PROJECT).corpus
    index = SiteIndex.build(corpus, Audience.PRODUCTION)
    generated = _generate(corpus, tmp_path)
    for taxonomy in taxonomies.TAXONOMIES:
        for term in index.terms[taxonomy.name].values():
            if index.members(taxonomy, term.key) or taxonomy.empty_pages:
                assert f"{taxonomy.url(term)}index.md" in generated, (taxonomy.name, term.key)


def test_a_unit_lists_the_stories_of_the_units_below_it(valid_tree):
    corpus = run(valid_tree).corpus
    index = SiteIndex.build(corpus, Audience.PREVIEW)
    unit = BY_NAME["unit"]
    group = {s.id for s in index.members(unit, "group")}
    below = {s.id for key in ("mine-1", "power-1") for s in index.members(unit, key)}
    assert group == below and group
    dates = [s.date for s in index.members(unit, "group")]
    assert dates == sorted(dates)


def test_honour_levels_are_defined_once_and_ordered_highest_first(valid_tree):
    assert HONOR_LEVELS == ("国家级", "省部级", "集团级", "公司级")
    terms = BY_NAME["level"].terms(run(valid_tree).corpus)
    assert [t.key for t in terms] == list(HONOR_LEVELS)
    assert BY_NAME["level"].url(terms[0]) == "craftsmen/levels/national/"


def test_a_new_taxonomy_is_one_entry(tmp_path, monkeypatch, valid_tree):
    """人物 (people named in stories), added as one entry with the generic index page."""

    def people(corpus):
        names = sorted({n for s in corpus.stories.values() for n in s.people})
        return [Term(n, n, f"p{i}") for i, n in enumerate(names)]

    person = Taxonomy(
        "person",
        "人物",
        Story,
        "people/",
        people,
        lambda item: item.people,
        title="人物：{label}",
        index="terms.md.j2",
    )
    table = (*taxonomies.TAXONOMIES, person)
    monkeypatch.setattr(taxonomies, "TAXONOMIES", table)
    monkeypatch.setattr(pages_module, "TAXONOMIES", table)
    monkeypatch.setattr("build_tools.site.relations.TAXONOMIES", table)
    corpus = run(valid_tree).corpus
    generated = _generate(corpus, tmp_path)
    assert "people/index.md" in generated
    assert "郭长青" in generated["people/index.md"]
    page = next(v for k, v in generated.items() if k.startswith("people/p"))
    assert "人物：" in page and "第一锹土" in page


def test_taxonomy_urls_are_where_the_table_says():
    theme = BY_NAME["theme"]
    term = Term("艰苦创业", "艰苦创业", "hard-work")
    assert theme.url(term) == "themes/hard-work/"
    assert replace(theme, base="topics/").url(term) == "topics/hard-work/"
