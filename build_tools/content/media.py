"""Where a media file is: one resolver for the check, the site, the search and print.

A `src` is written relative to the file that uses it and must stay inside the content
folder, symlinks included: the resolved path is compared, not the written one. No output
computes a media path itself; each asks `Corpus.media(...)` and gets a `MediaRef`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class MediaProblem(StrEnum):
    EXTERNAL = "external"  # a URL (http:, //host, data:): nothing is loaded from outside
    OUTSIDE = "outside"  # leaves the content folder (../, an absolute path, a symlink)
    MISSING = "missing"  # no such file


@dataclass(frozen=True, slots=True)
class MediaRef:
    src: str  # as the editor wrote it
    written_in: str  # the file it was written in, relative to the project root
    path: Path | None  # the resolved file inside the content folder; None when refused
    problem: MediaProblem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(slots=True)
class MediaResolver:
    root: Path  # project root; `written_in` paths are relative to it
    content_dir: Path
    _known: dict[tuple[str, str], MediaRef] = field(default_factory=dict)
    _content: Path = field(init=False)

    def __post_init__(self) -> None:
        self._content = Path(os.path.realpath(self.content_dir))

    def resolve(self, written_in: str, src: str) -> MediaRef:
        key = (written_in, src)
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = self._resolve(written_in, src)
        return found

    def _resolve(self, written_in: str, src: str) -> MediaRef:
        text = src.strip()
        if "://" in text or text.startswith(("//", "data:")) or ":" in text.split("/", 1)[0]:
            return MediaRef(src, written_in, None, MediaProblem.EXTERNAL)
        if text.startswith("/") or "\\" in text or "\x00" in text:
            return MediaRef(src, written_in, None, MediaProblem.OUTSIDE)
        written = Path(os.path.normpath(self.root / Path(written_in).parent / text))
        real = Path(os.path.realpath(written))
        if not real.is_relative_to(self._content) or not written.is_relative_to(
            Path(os.path.normpath(self.content_dir))
        ):
            return MediaRef(src, written_in, None, MediaProblem.OUTSIDE)
        if not real.is_file():
            return MediaRef(src, written_in, written, MediaProblem.MISSING)
        return MediaRef(src, written_in, real)

    def inside(self, path: Path) -> bool:
        """Whether a file (after following symlinks) is inside the content folder."""
        return Path(os.path.realpath(path)).is_relative_to(self._content)
