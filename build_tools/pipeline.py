"""The one pipeline every entry point runs: find the project → load → link → check, once.

`culture check`, `culture build`, `culture serve`, `culture booklet` and a plain
`mkdocs build`/`mkdocs serve` (through the plugin) all call `run()`; what they get is
the same corpus and the same diagnostics, so an error reads the same wherever it shows.
Outputs are then handed the corpus; none of them reads `stories/` again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from build_tools.changes import Scope
from build_tools.checks import run_checks
from build_tools.config import Project, find_root, load_project
from build_tools.content.corpus import Corpus
from build_tools.content.load import collector_paused, load_corpus, store_parsed
from build_tools.diagnostics import Diagnostic, Severity


@dataclass(slots=True)
class Checked:
    """A loaded, linked and checked corpus with everything that was found on the way."""

    project: Project
    corpus: Corpus
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    def by_file(self) -> dict[str, list[Diagnostic]]:
        found: defaultdict[str, list[Diagnostic]] = defaultdict(list)
        for d in self.diagnostics:
            found[d.location.path].append(d)
        return dict(found)


def load(start: Path) -> Checked:
    """Find the project from `start` and load its content, without the checks
    (for commands that only need to know what exists, such as `culture new`)."""
    root, content = find_root(start)
    project, problems = load_project(root, content)
    loaded = load_corpus(project.root, project.content_dir)
    return Checked(project, loaded.corpus, problems + loaded.diagnostics)


def run(
    start: Path, scope: Callable[[Corpus], Scope] | None = None, *, parallel: bool = True
) -> Checked:
    """Load and check everything; diagnostics once each, sorted by file and line.

    Called again in the same process (the preview does, on every save), only the files
    whose bytes changed are read again, and the items of the others are the same objects
    as before; linking and the checks always see the whole corpus.

    `scope`, given the loaded corpus, says what to report on (`culture check --changed`,
    see changes.py): only those findings are kept, and checks that read one file at a
    time read only its files. `parallel`: the per-file families may fork a worker for half
    of the files they have to read (see checks/memo.py)."""
    wanted: Scope | None = None
    with collector_paused():
        checked = load(start)
        if scope is not None:
            wanted = scope(checked.corpus)
            checked.corpus.scope = wanted.files
        settings = checked.project.settings
        found = checked.diagnostics + run_checks(checked.corpus, settings, parallel=parallel)
        store_parsed(checked.corpus)  # with what the checks found, for the next process
    if wanted is not None:
        # A broken culture.yml changes what every check says: always reported.
        found = [d for d in found if wanted.wants(d) or d.code == "E-CONFIG"]
    unique = {(d.code, d.location, d.message): d for d in found}
    checked.diagnostics = sorted(unique.values(), key=lambda d: d.sort_key)
    return checked
