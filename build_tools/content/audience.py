"""Who sees what: the one rule every output asks.

Like MkDocs' `InclusionLevel`, an audience is decided once per build, and each item's
visibility follows from its status alone:

- `PREVIEW` (`culture serve`, `culture build --drafts`): everything, drafts and review
  items badged;
- `PRODUCTION` (`culture build`, a plain `mkdocs build`): published items only;
- `PROOF` (`culture booklet --proof`): published and review items, watermarked.

Items without a status (halls, units, themes) are containers and always shown.
"""

from __future__ import annotations

from enum import StrEnum

from build_tools.content.model import STATUS_LABELS


class Audience(StrEnum):
    PREVIEW = "preview"
    PRODUCTION = "production"
    PROOF = "proof"

    def shows(self, item: object) -> bool:
        """Whether this audience may see `item` (and so link to it)."""
        status = getattr(item, "status", "published")
        if self is Audience.PREVIEW:
            return True
        if self is Audience.PROOF:
            return status in ("published", "review")
        return status == "published"

    def prints(self, collection: object) -> bool:
        """Whether a booklet of this collection may be printed for this audience: for
        readers only when the collection is published; a proof of any collection (that
        is what proofs are for). Its items are still chosen by `shows`."""
        return self is not Audience.PRODUCTION or self.shows(collection)

    def badge(self, item: object) -> str | None:
        """The word shown next to an item that is not published yet (草稿, 待审)."""
        status = getattr(item, "status", "published")
        if status == "published" or not self.shows(item):
            return None
        return STATUS_LABELS[status]

    @property
    def is_production(self) -> bool:
        return self is Audience.PRODUCTION

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {Audience.PREVIEW: "预览", Audience.PRODUCTION: "正式", Audience.PROOF: "校样"}
