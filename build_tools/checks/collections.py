"""Collections print as booklets: a published collection lists published items only,
each once; a draft or review collection may list what is not published yet.

Collections whose file has other errors, and items whose front matter has errors, are
checked too, for what did validate: a draft listed in a collection is found in the same
run as the typo in that draft's date.
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.config import Settings
from build_tools.content.corpus import Corpus
from build_tools.diagnostics import Diagnostic, diagnostic


def check_collections(corpus: Corpus, settings: Settings) -> Iterator[Diagnostic]:
    for collection in corpus.loaded("collection"):
        items: list[str] | None = getattr(collection, "items", None)
        if items is None:
            continue  # written wrong (or not at all): reported where it is written
        if not items:
            message = f"故事集“{getattr(collection, 'title', None) or collection.id}”还没有条目"
            yield diagnostic("W-COLLECTION-EMPTY", collection.origin.at("items"), message)
        seen: dict[str, int] = {}
        for i, value in enumerate(items):
            where = collection.origin.at("items", i)
            if value in seen:
                first = collection.origin.at("items", seen[value])
                message = f"“{value}”在故事集中出现了两次（第 {first.line} 行已列出）"
                yield diagnostic("W-FIELD-DUPLICATE-ENTRY", where, message)
            seen.setdefault(value, i)
            target = corpus.find_loaded(value)
            status = getattr(target, "status", None)
            if target is None or status is None or status == "published":
                continue
            # A status that did not validate is reported there; judged as the default here.
            if (getattr(collection, "status", None) or "published") != "published":
                continue  # a collection being assembled may list what is not out yet
            if status == "draft":
                message = f"故事集只能收录已发布的条目，“{value}”（{target.origin.path}）还是草稿"
                yield diagnostic("E-COLLECTION-UNPUBLISHED", where, message)
            else:
                message = (
                    f"“{value}”（{target.origin.path}）还在待审：可以先印校样，正式印刷前须发布"
                )
                yield diagnostic("W-COLLECTION-REVIEW", where, message)
