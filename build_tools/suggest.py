"""“Did you mean …?” for misspelled ids, names, fields and choices."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping


def closest(value: str, candidates: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Candidates close to `value`, best first (case-insensitive)."""
    options = list(dict.fromkeys(candidates))
    lowered = {c.lower(): c for c in options}
    found = difflib.get_close_matches(value.lower(), list(lowered), n=n, cutoff=cutoff)
    return [lowered[f] for f in found]


def closest_by_names(value: str, names: Mapping[str, Iterable[str]], n: int = 3) -> list[str]:
    """Keys whose id or any of whose names is close to `value`.

    `names` maps an id to the words people call it by (full name, short name, former
    names), so `第一煤矿` or `老一矿` written where an id belongs still finds `mine-1`.
    """
    exact = [key for key, words in names.items() if value in words]
    if exact:
        return exact[:n]
    by_word: dict[str, str] = {}
    for key, words in names.items():
        by_word.setdefault(key, key)
        for word in words:
            by_word.setdefault(word, key)
    found = closest(value, by_word, n=n * 2)
    contained = [key for word, key in by_word.items() if len(value) >= 2 and value in word]
    return list(dict.fromkeys([by_word[f] for f in found] + contained))[:n]


def did_you_mean(options: list[str], describe: Mapping[str, str] | None = None) -> str:
    """Chinese phrase ‘，是否指 "a"（甲）？’ or '' when nothing is close."""
    if not options:
        return ""
    shown = [
        f"“{o}”" + (f"（{describe[o]}）" if describe and describe.get(o) else "") for o in options
    ]
    return "，是否指 " + " 或 ".join(shown) + "？"
