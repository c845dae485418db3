"""Word submissions made at test time with python-docx: a typical story, a profile, a
messy one, and a panel text; pictures made with Pillow (one carries EXIF with GPS)."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.text.paragraph import Paragraph
from PIL import Image

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def jpeg_with_exif(color: str = "red", size: tuple[int, int] = (64, 48)) -> bytes:
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0131] = "EditorSuite 9"  # Software
    exif[0x8825] = {1: "N", 2: (37.0, 51.0, 0.0)}  # GPS
    out = BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(color: str = "blue", size: tuple[int, int] = (40, 30)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def add_footnotes(document, notes: list[str]) -> None:
    """The footnotes part python-docx has no API for, related from the document."""
    body = "".join(
        f'<w:footnote w:id="{n}"><w:p><w:r><w:footnoteRef/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>'
        for n, text in enumerate(notes, 1)
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
        f"</w:r></w:p></w:footnote>{body}</w:footnotes>"
    )
    part = Part(
        PackURI("/word/footnotes.xml"), FOOTNOTES_CT, xml.encode("utf-8"), document.part.package
    )
    document.part.relate_to(part, RT.FOOTNOTES)


def footnote_ref(paragraph: Paragraph, number: int) -> None:
    run = paragraph.add_run()
    reference = OxmlElement("w:footnoteReference")
    reference.set(qn("w:id"), str(number))
    run._r.append(reference)


def centred(document, text: str) -> Paragraph:
    paragraph = document.add_paragraph(text)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def typical_story(path: Path) -> Path:
    """What a mine's propaganda office sends: title, a subtitle, author/unit/date lines,
    headings, bold names, a footnote, two pictures with captions, a table, a quote, a list."""
    d = Document()
    d.add_paragraph("井下的灯光", style="Title")
    centred(d, "——记第一煤矿的老矿工们")
    d.add_paragraph("作者：李明　　单位：老一矿")
    d.add_paragraph("时间：一九八五年三月")
    d.add_paragraph("地点: 三号井")
    d.add_heading("初到矿山", level=1)
    p = d.add_paragraph("　　那年春天，")
    p.add_run("王建国").bold = True
    p.add_run("和")
    p.add_run("张秀兰").bold = True
    p.add_run("来到")
    p.add_run("三号井").italic = True
    p.add_run("，井下只有几盏矿灯。")
    footnote_ref(p, 1)
    d.add_picture(BytesIO(jpeg_with_exif()), width=Cm(8))
    d.add_paragraph("图1 老矿井口")
    d.add_heading("一盏灯的账", level=2)
    d.add_paragraph("那一年的产量记在下表中。")
    table = d.add_table(rows=3, cols=2)
    for r, (a, b) in enumerate([("年份", "产量"), ("1984", "30万吨"), ("1985", "42万吨")]):
        table.cell(r, 0).text = a
        table.cell(r, 1).text = b
    d.add_picture(BytesIO(png()), width=Cm(8))
    d.add_paragraph("图为工友们在井下合影")
    d.add_paragraph("灯在人在，人在灯亮。", style="Quote")
    d.add_paragraph("检查矿灯", style="List Bullet")
    d.add_paragraph("清点人数", style="List Bullet")
    d.add_paragraph("")
    d.add_paragraph("这盏灯一直亮到今天。")
    add_footnotes(d, ["据《第一煤矿志》第三卷记载。"])
    d.save(path)
    return path


def profile(path: Path) -> Path:
    d = Document()
    d.add_paragraph("匠心筑梦", style="Title")
    d.add_paragraph("姓名：赵铁柱")
    d.add_paragraph("单位：第一煤矿")
    d.add_paragraph("岗位：采煤机司机")
    d.add_paragraph("荣誉：2015年全国劳动模范；2012年集团公司技术能手")
    d.add_paragraph("格言：干一行，爱一行")
    d.add_picture(BytesIO(png("green", (30, 40))), width=Cm(4))
    d.add_paragraph("图为赵铁柱在综采工作面")
    d.add_paragraph("　　赵铁柱一九九二年参加工作，三十年没离开过工作面。")
    d.add_paragraph("　　他带出的徒弟有二十多人。")
    d.save(path)
    return path


def messy(path: Path) -> Path:
    """Typed the way submissions often are: a centred first line in 正文 with full-width
    spaces, empty paragraphs, Shift+Enter inside paragraphs, numbering typed by hand."""
    d = Document()
    centred(d, "　　抢修之夜")
    d.add_paragraph("")
    d.add_paragraph("撰稿:周红")
    d.add_paragraph("时间：1998.7")
    d.add_paragraph("　　")
    d.add_paragraph("一、风雪来临")
    p = d.add_paragraph("　　那天夜里，")
    p.add_run().add_break()
    p.add_run("雪下得很大。")
    p.add_run().add_break()
    p.add_run("　　线路工们连夜出发。")
    d.add_paragraph("")
    d.add_paragraph("（一）三项任务")
    d.add_paragraph("1、检查线路")
    d.add_paragraph("2、更换绝缘子")
    d.add_paragraph("3、恢复供电")
    d.add_paragraph("　　天亮时，灯又亮了。")
    d.save(path)
    return path


def panel_text(path: Path) -> Path:
    d = Document()
    d.add_paragraph("老矿灯", style="Title")
    d.add_paragraph("展品名称：铁皮矿灯　年代：1958　材质：铁皮")
    d.add_paragraph("这盏矿灯陪伴矿工走过了二十年。")
    d.save(path)
    return path


@pytest.fixture
def submissions(tmp_path: Path) -> Path:
    folder = tmp_path / "投稿"
    folder.mkdir()
    typical_story(folder / "井下的灯光.docx")
    messy(folder / "抢修.docx")
    return folder


@pytest.fixture
def make_docx(tmp_path: Path) -> Callable[..., Path]:
    made = tmp_path / "made"
    made.mkdir(exist_ok=True)

    def make(builder: Callable[[Path], Path], name: str) -> Path:
        return builder(made / name)

    return make
