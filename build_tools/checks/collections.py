"""Collections print as booklets: published items only, each once."""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.config import Settings
from build_tools.content.corpus import Corpus
from build_tools.diagnostics import Diagnostic, diagnostic


def check_collections(corpus: Corpus, settings: Settings) -> Iterator[Diagnostic]:
    for collection in corpus.collections.values():
        if not collection.items:
            message = f"故事集“{collection.title}”还没有条目"
            yield diagnostic("W-COLLECTION-EMPTY", collection.origin.at("items"), message)
        seen: dict[str, int] = {}
        for i, value in enumerate(collection.items):
            where = collection.origin.at("items", i)
            if value in seen:
                first = collection.origin.at("items", seen[value])
                message = f"“{value}”在故事集中出现了两次（第 {first.line} 行已列出）"
                yield diagnostic("W-FIELD-DUPLICATE-ENTRY", where, message)
            seen.setdefault(value, i)
            target = corpus.find_item(value)
            if target is None or target.is_published:
                continue
            if target.status == "draft":
                message = f"故事集只能收录已发布的条目，“{value}”（{target.origin.path}）还是草稿"
                yield diagnostic("E-COLLECTION-UNPUBLISHED", where, message)
            else:
                message = (
                    f"“{value}”（{target.origin.path}）还在待审：可以先印校样，正式印刷前须发布"
                )
                yield diagnostic("W-COLLECTION-REVIEW", where, message)
