"""What a save in the web editor writes (the formats of assets/culture-cms.js, run in
node): every file of the sample, read and written back as the editor does, holds the
same items for the checker, field for field."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from build_tools import pipeline
from build_tools.cms.config import decap_config
from build_tools.config import CmsSettings
from tests.sitetools import PROJECT, site_project

HERE = Path(__file__).parent


def _items(root: Path) -> dict[str, dict]:
    corpus = pipeline.load(root).corpus
    found = {}
    for kind in ("stories", "craftsmen", "collections", "halls"):
        for item_id, item in getattr(corpus, kind).items():
            found[f"{kind}/{item_id}"] = item.model_dump(mode="json", by_alias=True)
            if hasattr(item, "body"):
                found[f"{kind}/{item_id}"]["body"] = item.body.markdown.strip()
    for hall in corpus.halls.values():
        for panel in hall.panels:
            found[f"panels/{hall.id}/{panel.id}"] = {
                **panel.model_dump(mode="json", by_alias=True),
                "body": panel.body.markdown.strip(),
            }
    return found


def test_a_save_keeps_every_item_as_it_was(tmp_path, node, npm_packages):
    project = site_project(tmp_path / "project", PROJECT / "stories")
    before = _items(project)
    loaded = pipeline.load(project)
    config = decap_config(loaded.corpus, CmsSettings())
    orders = {}
    files: list[str] = []
    for collection in config["collections"]:
        for entry in collection.get("files", [collection]):
            order = [f["name"] for f in entry["fields"]]
            if "folder" in entry:
                folder = project / entry["folder"]
                orders[str(folder)] = order
                files += [str(p) for p in sorted(folder.glob(f"*.{entry['extension']}"))]
            else:
                orders[str((project / entry["file"]).parent)] = order
                files.append(str(project / entry["file"]))
    (tmp_path / "order.json").write_text(json.dumps(orders), encoding="utf-8")
    assert len(files) > 30
    subprocess.run(
        [node, str(HERE / "formats.js"), str(tmp_path / "order.json"), *files],
        check=True,
        capture_output=True,
        timeout=60,
    )
    after = _items(project)
    assert after.keys() == before.keys()
    for key in before:
        assert after[key] == before[key], key
    checked = pipeline.run(project)
    assert [d for d in checked.diagnostics if d.severity.name == "ERROR"] == []
    shutil.rmtree(project)
