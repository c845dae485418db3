"""Every collection's booklet for the site, made in a process of its own while MkDocs
renders (`python -m build_tools.print.batch ROOT OUT_DIR CACHE_DIR`).

A booklet is compiled only when its Typst source changed (or an image it uses); the
PDF is otherwise taken from the cache. Collections that cannot be printed yet (an item
not published) are skipped with a note: `culture check` has told the editors why.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sys
from pathlib import Path

from build_tools.config import load_project
from build_tools.content.load import load_corpus
from build_tools.print.booklet import BookletError, BookletOptions, make_booklet, typst_source


def _fingerprint(source: str, root: Path) -> str:
    digest = hashlib.sha256(source.encode("utf-8"))
    for path in sorted(set(re.findall(r'#(?:picture|image)\("(/[^"]+)"', source))):
        stat = (root / path.lstrip("/")).stat()
        digest.update(f"{path}{stat.st_size}{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:20]


def build_all(root: Path, out_dir: Path, cache_dir: Path) -> list[str]:
    project, _ = load_project(root)
    corpus = load_corpus(project.root, project.content_dir).corpus
    notes = []
    out_dir.mkdir(parents=True, exist_ok=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    options = BookletOptions(imposition="none")  # readers download pages in reading order
    for collection in corpus.collections.values():
        source, problems = typst_source(corpus, collection, options)
        if any(d.severity == "error" for d in problems):
            notes.append(f"{collection.id}: 未生成小册子（{problems[0].message}）")
            continue
        cached = cache_dir / f"{collection.id}-{_fingerprint(source, root)}.pdf"
        if not cached.is_file():
            try:
                make_booklet(corpus, collection.id, cached, options)
            except BookletError as exc:
                notes.append(f"{collection.id}: 未生成小册子（{exc}）")
                continue
        shutil.copyfile(cached, out_dir / f"{collection.id}.pdf")
    return notes


if __name__ == "__main__":
    for note in build_all(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])):
        print(note)
