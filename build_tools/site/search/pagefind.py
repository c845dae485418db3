"""Pagefind's CLI run on the record files, part by part, and the parts put into the site.

Pagefind's Python API would do the same work but answers one record per 100 ms, so the
CLI (`pagefind[extended]`) runs on the folders of record files. Pagefind holds a whole
index in memory, so a site larger than `PART_WORDS` is indexed in parts, one after the
other, that the browser merges (`pagefind.mergeIndex`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from mkdocs.exceptions import PluginError

PAGEFIND_DIR = "pagefind"
PARTS_FILE = "search/parts.json"
# The records are already split into bigrams: "und" (no language) keeps Pagefind from
# segmenting them again as Chinese or stemming them as English.
LANGUAGE = "und"
# Words (bigrams) per Pagefind run. Measured, 9.7 million words (10,275 records of the
# 10k benchmark) took 3.1 GB. Parts are filled one after the other, so the last part is
# the small one: every part costs the browser its own chunk for each query term.
PART_WORDS = 10_000_000
# Pagefind (jemalloc) keeps freed pages for reuse; returning them at once lowers its
# peak while it builds the index (measured on the 10k records: 3.9 → 3.1 GB).
_MALLOC_CONF = "dirty_decay_ms:0,muzzy_decay_ms:0"
_LOG_TAIL = 500  # characters of Pagefind's output quoted when it fails


class SearchIndexError(PluginError):
    """The search index could not be made; the message is for people, in Chinese.
    A PluginError, so MkDocs prints it as one line and no traceback."""


def executable() -> Path:
    from pagefind_bin_extended import get_executable

    return Path(get_executable())


def index_parts(work_dir: Path, output: Path, parts: int) -> None:
    """Run Pagefind on `work_dir/part-<i>` into `output/part-<i>`, one part at a time
    (two at once would hold two indexes in memory)."""
    env = {**os.environ, "_RJEM_MALLOC_CONF": _MALLOC_CONF}
    for i in range(parts):
        command = [
            str(executable()),
            "--site",
            str(work_dir / f"part-{i}"),
            "--output-path",
            str(output / f"part-{i}"),
            "--force-language",
            LANGUAGE,
            "--quiet",
        ]
        try:
            run = subprocess.run(
                command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
        except OSError as exc:
            raise SearchIndexError(f"无法启动 Pagefind 建立搜索索引：{exc}") from exc
        if run.returncode != 0:
            log = run.stdout.strip()[-_LOG_TAIL:] or "（没有输出）"
            where = f"第 {i + 1}/{parts} 部分，" if parts > 1 else ""
            raise SearchIndexError(
                f"Pagefind 建立搜索索引失败（{where}退出码 {run.returncode}）：{log}"
            )
        drop_unused(output / f"part-{i}", primary=i == 0)


def drop_unused(bundle: Path, *, primary: bool) -> None:
    """Pagefind writes its own search UIs and worker beside the index; the site uses its
    own UI and worker, and a merged part needs only its index, not the code."""
    unused = ["pagefind-*ui*", "pagefind-highlight.js", "pagefind-worker.js"]
    if not primary:
        unused += ["pagefind.js", "wasm.*"]
    for pattern in unused:
        for path in bundle.glob(pattern):
            path.unlink()


def install(output: Path, site: Path, parts: int) -> None:
    """Move the parts into the site (`pagefind/`, `pagefind-1/`, …) and write the parts
    file the browser reads first. Only these fixed names are written in `site`."""
    for i in range(parts):
        target = site / (PAGEFIND_DIR if i == 0 else f"{PAGEFIND_DIR}-{i}")
        shutil.rmtree(target, ignore_errors=True)
        shutil.move(str(output / f"part-{i}"), str(target))
    (site / PARTS_FILE).parent.mkdir(parents=True, exist_ok=True)
    (site / PARTS_FILE).write_text(json.dumps({"parts": parts}), encoding="utf-8")
