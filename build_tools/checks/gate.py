"""The publishing gate: what a published item may not still hold from its template.

`culture new` writes placeholders (待补充, 在这里写……) and, in commented-out lines,
example values (地点, 格言 …); `scaffold/placeholders.py` lists them. A draft or an item
in review that still holds one is warned about (W-PLACEHOLDER): the editor is still
writing, or the reviewer should see it. A published item is an error: the placeholder
would be read on the site and printed (E-PLACEHOLDER, E-TEMPLATE-DEFAULT).

Only what is provably the template's is reported: pre-filled values that may be true
(today's date, the first unit or theme, the exhibit named as the panel) are not. In a
published item 待补充 is stopped wherever it stands, the editor's own note included.
Every code here belongs to the `placeholders` family and to nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from build_tools.config import Settings
from build_tools.content.corpus import Corpus
from build_tools.content.model import Item
from build_tools.content.prose import MARKDOWN_FIELDS, item_prose
from build_tools.diagnostics import Diagnostic, diagnostic
from build_tools.scaffold.placeholders import EXAMPLES, TO_BE_WRITTEN, WRITE_HERE

GATED = ("story", "craftsman", "panel", "collection")  # what has a template and a status
FieldPath = tuple[str | int, ...]


def check_publishing_gate(corpus: Corpus, settings: Settings) -> Iterator[Diagnostic]:
    for kind in GATED:
        for item in corpus.loaded(kind):
            if corpus.scope is None or item.origin.path in corpus.scope:
                yield from _item_problems(item)


def _item_problems(item: Item) -> Iterator[Diagnostic]:
    # A collection without `status` is published; a partial item whose status did not
    # validate is reported there and treated as unfinished here.
    default = "published" if item.kind == "collection" else "draft"
    status = item.__dict__.get("status", default) or "draft"
    published = status == "published"
    label = item.kind_label
    skip = set(MARKDOWN_FIELDS.get(item.kind, ()))  # read below, as Markdown
    examples = EXAMPLES.get(item.kind, {})
    for path, value in _strings(item, ()) if _fields_may_hold(item, examples) else ():
        if not path or path[0] in skip:
            continue
        name = ".".join(str(p) for p in path if isinstance(p, str))
        if _to_be_written(value, published):
            where = item.origin.at(*path)  # asked only here: positions are unpacked on demand
            if published:
                message = (
                    f"已发布的{label}中，{name} 还是模板中的占位文字“{TO_BE_WRITTEN}……”："
                    "请填写，或先把 status 改回 draft"
                )
                yield diagnostic("E-PLACEHOLDER", where, message)
            else:
                message = f"{name} 还是模板中的占位文字“{TO_BE_WRITTEN}……”，请填写"
                yield diagnostic("W-PLACEHOLDER", where, message)
        elif examples.get(_pattern(path)) == value.strip():
            where = item.origin.at(*path)
            if published:
                message = (
                    f"已发布的{label}中，{name} 还是模板中的示例“{value.strip()}”："
                    "请写上真实内容，或删去这一行"
                )
                yield diagnostic("E-TEMPLATE-DEFAULT", where, message)
            else:
                message = f"{name} 还是模板中的示例“{value.strip()}”，请写上真实内容或删去这一行"
                yield diagnostic("W-PLACEHOLDER", where, message)
    if not _may_hold_placeholder(item, published):
        return  # the common case, decided on the raw text: no Markdown parse for it
    for prose in item_prose(item):
        if not prose.markdown:
            continue  # the fields were read above, the ones readers do not see included
        found = _first_placeholder(prose.text, published)
        if found is None:
            continue
        offset, text = found
        what = "正文" if prose.field == "body" else f" {prose.field} "
        where = prose.location(offset)
        if published:
            whose = "模板的" if text != TO_BE_WRITTEN else ""  # 待补充 may be the editor's own
            message = (
                f"已发布的{label}{what}中还留着{whose}占位文字“{text}”："
                "请换成真正的文字，或先把 status 改回 draft"
            )
            yield diagnostic("E-PLACEHOLDER", where, message)
        else:
            yield diagnostic("W-PLACEHOLDER", where, f"{what}还是模板中的占位文字，请填写")


def _fields_may_hold(item: Item, examples: dict[tuple[str, ...], str]) -> bool:
    """Whether any field could hold a placeholder or an example, asked of the item's JSON
    (made in Rust) before every text of it is walked in Python: most items hold none."""
    try:
        dumped = item.model_dump_json(warnings=False)
    except Exception:  # a partial item pydantic cannot write out: walk it
        return True
    return TO_BE_WRITTEN in dumped or any(f'"{value}"' in dumped for value in examples.values())


def _may_hold_placeholder(item: Item, published: bool) -> bool:
    wanted = (*WRITE_HERE, TO_BE_WRITTEN) if published else WRITE_HERE
    texts = [item.__dict__.get(name) for name in MARKDOWN_FIELDS.get(item.kind, ())]
    if item.kind in ("story", "craftsman", "panel"):
        texts.append(item.body.markdown)
    return any(isinstance(t, str) and any(w in t for w in wanted) for t in texts)


def _to_be_written(value: str, published: bool) -> bool:
    # The templates start a field with it. A draft's own note (资料待补充) is the editor's
    # business until it is published; then it would be read on the site.
    return TO_BE_WRITTEN in value if published else value.strip().startswith(TO_BE_WRITTEN)


def _first_placeholder(text: str, published: bool) -> tuple[int, str] | None:
    """Where the first placeholder in a Markdown text is: a template's sentence, or (in a
    published item) 待补充 anywhere."""
    wanted = (*WRITE_HERE, TO_BE_WRITTEN) if published else WRITE_HERE
    found = [(text.find(p), p) for p in wanted]
    found = [(at, p) for at, p in found if at >= 0]
    return min(found) if found else None


def _strings(value: Any, path: FieldPath) -> Iterator[tuple[FieldPath, str]]:
    """Every text in a model, under the path its YAML keys make (`kind`, not `panel_kind`)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list):
        for i, entry in enumerate(value):
            yield from _strings(entry, (*path, i))
    elif isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            if name not in ("status", "aliases"):  # choices and ids, never a template's text
                yield from _strings(value.__dict__.get(name), (*path, info.alias or name))


def _pattern(path: FieldPath) -> tuple[str, ...]:
    return tuple("*" if isinstance(p, int) else p for p in path)
