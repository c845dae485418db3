"""Chinese text for search: 繁体 spellings of a name, the 繁→简 character map, bigrams.

Chinese is indexed as overlapping character bigrams (东山坡 → 东山 山坡), the way Lucene's
CJK analyser does, and the browser turns a query into bigrams the same way
(assets/search-worker.js). Measured on the sample queries, Pagefind's own Chinese
segmentation missed phrases and names outright (王建国, 锅底 found nothing), while
bigrams find any substring.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

# The three conversions a reader in Taiwan or Hong Kong may have typed with.
_TRADITIONAL = ("s2t", "s2tw", "s2hk")
# Ideographs, including the supplementary planes where rare characters of names live.
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")


@cache
def _converter(config: str) -> Any:
    import opencc  # loading its dictionaries takes a while: only when a name is converted

    return opencc.OpenCC(config)


def traditional(text: str) -> list[str]:
    """The spellings of `text` a reader in Taiwan or Hong Kong might type."""
    forms = {_converter(c).convert(text) for c in _TRADITIONAL}
    forms.discard(text)
    return sorted(forms)


def simplified_map(texts: Iterable[str]) -> dict[str, str]:
    """Traditional → simplified for every ideograph used in `texts`, so that a 繁体
    query finds simplified pages in the full-text index too."""
    used = {ch for text in texts for ch in text if "\u4e00" <= ch <= "\u9fff"}
    mapping: dict[str, str] = {}
    for ch in sorted(used):  # a form shared by two characters maps the same way every build
        for form in traditional(ch):
            if len(form) == 1 and form != ch:
                mapping.setdefault(form, ch)
    return dict(sorted(mapping.items()))


def cjk_bigrams(text: str) -> str:
    """东山坡上 → “东山 山坡 坡上”; other text is left as it is."""

    def run(match: re.Match[str]) -> str:
        chars = match.group(0)
        pairs = (
            chars if len(chars) == 1 else " ".join(chars[i : i + 2] for i in range(len(chars) - 1))
        )
        return f" {pairs} "

    return _CJK_RUN.sub(run, text)
