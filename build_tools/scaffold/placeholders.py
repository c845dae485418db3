"""What the templates of `culture new` write where the editor still has to write.

The publishing gate (`checks/gate.py`) looks for exactly these texts, and a test keeps
them in step with the templates: change a template, change this file.
"""

from __future__ import annotations

# The word pre-filled fields hold until they are written (summary, position).
TO_BE_WRITTEN = "待补充"

# Each template's first sentence of the body (a collection's: of the foreword).
WRITE_HERE: tuple[str, ...] = (
    "在这里写故事正文。",
    "在这里写人物介绍。",
    "在这里写展板上印的文字。",
    "在这里写前言。",
)

# The example values of the templates' commented-out lines, by kind and field (`*` for
# every entry of a list): uncommented but left as they are, they only say what belongs
# there. Examples that may well be true are left out (据口述整理, 党委宣传部, a 2015
# national honour, the year 1958): the gate cannot tell them from a real value.
EXAMPLES: dict[str, dict[tuple[str, ...], str]] = {
    "story": {("place",): "地点", ("people", "*"): "人名", ("author",): "撰稿人"},
    "craftsman": {
        ("photo", "caption"): "照片说明",
        ("skills", "*"): "技能",
        ("patents", "*", "number"): "ZL2020XXXXXXXX.X",
        ("patents", "*", "title"): "专利名称",
        ("achievements", "*", "title"): "成果",
        ("studio",): "某某劳模创新工作室",
        ("motto",): "格言",
    },
    "panel": {
        ("exhibit", "material"): "材质",
        ("exhibit", "size"): "尺寸",
        ("exhibit", "origin"): "来源",
        ("image", "caption"): "图片说明",
        ("narration",): "讲解词",
    },
    "collection": {("subtitle",): "副书名"},
}
