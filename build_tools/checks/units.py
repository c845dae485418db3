"""The unit tree: parents must not loop back."""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.config import Settings
from build_tools.content.corpus import Corpus
from build_tools.diagnostics import Diagnostic, diagnostic


def check_unit_cycles(corpus: Corpus, settings: Settings) -> Iterator[Diagnostic]:
    reported: set[str] = set()
    for start in corpus.units:
        chain: list[str] = []
        current: str | None = start
        while current in corpus.units and current not in chain:
            chain.append(current)
            current = corpus.units[current].parent
        if current is None or current not in chain:
            continue
        cycle = chain[chain.index(current) :]
        if reported.intersection(cycle):
            continue
        reported.update(cycle)
        first = corpus.units[min(cycle, key=lambda u: corpus.units[u].origin.at().line)]
        loop = " → ".join([*cycle, cycle[0]])
        message = f"单位的上级关系形成了循环：{loop}；请检查 parent"
        yield diagnostic("E-UNIT-CYCLE", first.origin.at("parent"), message)
