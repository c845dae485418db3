"""A hall to print: the valid fixture's hall with narration on its panels, one panel over
its text budget, one stop over the narration limit, a review and a draft panel, and a
title full of Typst's special characters."""

from __future__ import annotations

from pathlib import Path

HALL = "stories/halls/main-hall"
HOSTILE_TITLE = "矿灯 #1 $x$ *亮* \\ <灯> @库"
HOSTILE_NARRATION = "= 不是标题 #set text(red) 1. 不是列表 // 不是注释 $x^2$ ]) }"


def _panel(root: Path, name: str, front: str, body: str) -> None:
    (root / HALL / name).write_text(f"---\n{front.strip()}\n---\n\n{body}\n", encoding="utf-8")


def exhibition(root: Path) -> Path:
    """Rewrite the hall of the project at `root` (a copy of tests/fixtures/valid)."""
    _panel(
        root,
        "lamp.md",
        f"""
number: A-02
zone: origins
kind: exhibit
title: '{HOSTILE_TITLE}'
exhibit: {{name: 矿工头灯, year: "1958"}}
image: {{src: ../../media/dot.png, caption: 矿灯}}
narration: |
  {HOSTILE_NARRATION}

  {"这盏矿灯照亮了井下的路。" * 8}
status: published
""",
        "矿灯" * 105,  # 210 characters: over the exhibit budget of 200
    )
    _panel(
        root,
        "drill.md",
        "number: A-03\nzone: origins\nkind: exhibit\ntitle: 风钻\nexhibit: {name: 风钻}\n"
        "narration: 这台风钻打通了第一条巷道。\nstatus: review",
        "一台风钻。",
    )
    _panel(
        root,
        "plan.md",
        "number: A-04\nzone: origins\nkind: section\ntitle: 规划\nstatus: draft",
        "草稿。",
    )
    _panel(
        root,
        "medal.md",
        "number: B-01\nzone: craftsmanship\nkind: exhibit\ntitle: 奖章\n"
        "exhibit: {name: 劳模奖章}\nnarration: " + "劳模精神代代相传" * 60 + "\nstatus: published",
        "一枚奖章。",  # 480 characters of narration: 131 seconds, over the limit of 120
    )
    return root
