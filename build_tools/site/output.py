"""Writing into the site folder, and never outside it.

Every path a writer makes comes, somewhere, from content (ids, aliases, media names). A
compromised account can write `../../x` anywhere a path is made, so each writer asks
`target()` for the file to write, and a path that would leave the folder is refused.
"""

from __future__ import annotations

import os
from pathlib import Path


class UnsafePath(ValueError):
    """A path that would leave the folder it is written into."""


def target(folder: Path, relative: str) -> Path:
    """`folder / relative`, refused when it would end up outside `folder` (after `..`,
    an absolute path, a backslash or a NUL; symlinks inside the folder are not followed
    out either)."""
    if not relative or "\x00" in relative or "\\" in relative or os.path.isabs(relative):
        raise UnsafePath(relative)
    base = Path(os.path.realpath(folder))
    joined = Path(os.path.normpath(base / relative))
    if joined != base and not joined.is_relative_to(base):
        raise UnsafePath(relative)
    parent = Path(os.path.realpath(joined.parent))
    if parent != base and not parent.is_relative_to(base):
        raise UnsafePath(relative)
    return joined


def is_safe(relative: str) -> bool:
    """Whether a site-relative path stays inside the site, judged on the path alone (no
    folder is looked at): what `target()` refuses before it looks at the disk."""
    if not relative or "\x00" in relative or "\\" in relative or os.path.isabs(relative):
        return False
    normal = os.path.normpath(relative)
    if normal in (".", "..") or normal.startswith("../"):
        return False  # the folder itself, or above it
    return not os.path.isabs(normal)
