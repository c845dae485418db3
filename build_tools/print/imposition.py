"""Saddle-stitch imposition: printer spreads, two pages per side of a sheet.

For n pages (padded with blanks before the back cover to a multiple of 4), sheet k
carries pages (n−2k, 2k+1) on its front and (2k+2, n−2k−1) on its back, counted from 1:
folded and nested, the sheets read 1, 2, 3, … n.
"""

from __future__ import annotations

import pikepdf


def saddle_order(pages: int) -> list[tuple[int | None, int | None]]:
    """Spreads in printing order as (left, right) page numbers from 1; None is blank."""
    total = pages + (-pages) % 4
    # Blank pages go before the back cover: the last page stays last.
    numbering: list[int | None] = list(range(1, pages)) + [None] * (total - pages) + [pages]
    spreads: list[tuple[int | None, int | None]] = []
    for k in range(total // 4):
        spreads.append((numbering[total - 1 - 2 * k], numbering[2 * k]))
        spreads.append((numbering[2 * k + 1], numbering[total - 2 - 2 * k]))
    return spreads


def saddle_stitch(document: pikepdf.Pdf) -> pikepdf.Pdf:
    """A new PDF of landscape sheets (twice the page width) in saddle-stitch order."""
    source_pages = list(document.pages)
    width = float(source_pages[0].MediaBox[2]) - float(source_pages[0].MediaBox[0])
    height = float(source_pages[0].MediaBox[3]) - float(source_pages[0].MediaBox[1])
    output = pikepdf.new()
    output.Root.Lang = document.Root.get("/Lang", pikepdf.String("zh-CN"))
    forms = {}
    for left, right in saddle_order(len(source_pages)):
        sheet = output.add_blank_page(page_size=(2 * width, height))
        resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary())
        content = []
        for slot, number in enumerate((left, right)):
            if number is None:
                continue
            if number not in forms:
                forms[number] = output.copy_foreign(source_pages[number - 1].as_form_xobject())
            name = f"/P{number}"
            resources.XObject[name] = forms[number]
            content.append(f"q 1 0 0 1 {slot * width:.3f} 0 cm {name} Do Q")
        sheet.Resources = resources
        sheet.Contents = output.make_stream(" ".join(content).encode())
        sheet.TrimBox = sheet.MediaBox
    return output
