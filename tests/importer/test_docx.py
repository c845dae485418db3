"""From Word to Markdown, below the command: notes, links, escaping, titles, hostile
documents."""

from __future__ import annotations

import zipfile
from io import BytesIO

import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from PIL import Image

from build_tools.importer import body, clean, docx, pictures
from build_tools.importer.source import Refused, read_submission
from tests.importer.conftest import W, centred


def markdown(document) -> str:
    out = BytesIO()
    document.save(out)
    converted = docx.convert(out.getvalue(), 10)
    return body.Renderer(converted.notes, lambda i: f"{i}.png").render(
        clean.clean(converted.blocks)
    )


def hyperlink(paragraph, url: str, text: str) -> None:
    rid = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def test_endnotes_are_footnotes_too():
    d = Document()
    p = d.add_paragraph("正文有尾注")
    ref = OxmlElement("w:endnoteReference")
    ref.set(qn("w:id"), "1")
    p.add_run()._r.append(ref)
    xml = (
        f'<w:endnotes xmlns:w="{W}"><w:endnote w:id="1"><w:p><w:r><w:t>尾注内容</w:t>'
        "</w:r></w:p></w:endnote></w:endnotes>"
    )
    ct = "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml"
    d.part.relate_to(
        Part(PackURI("/word/endnotes.xml"), ct, xml.encode(), d.part.package), RT.ENDNOTES
    )
    assert markdown(d) == "正文有尾注[^1]\n\n[^1]: 尾注内容\n"


def test_only_web_and_mail_links_are_kept():
    d = Document()
    p = d.add_paragraph("见")
    hyperlink(p, "https://example.com/a(b)", "网站")
    hyperlink(p, "javascript:alert(1)", "坏链接")
    assert markdown(d) == "见[网站](https://example.com/a%28b%29)坏链接\n"


def test_markdown_characters_in_the_text_stay_text():
    d = Document()
    d.add_paragraph("* 星号 _下划线_ [方括号] <b>")
    d.add_paragraph("# 井号开头")
    d.add_paragraph("1985. 年份开头")
    assert markdown(d) == (
        "\\* 星号 \\_下划线\\_ \\[方括号\\] \\<b\\>\n\n\\# 井号开头\n\n1985\\. 年份开头\n"
    )


def test_bold_with_quotes_closes_in_commonmark():
    d = Document()
    p = d.add_paragraph("他说")
    p.add_run("“干就完了”").bold = True
    p.add_run("然后走了。")
    assert markdown(d) == "他说“**干就完了**”然后走了。\n"


def test_bold_short_line_is_a_subheading_but_a_bold_name_is_not():
    d = Document()
    d.add_paragraph("开头一段。")
    d.add_paragraph().add_run("井下的第一夜").bold = True
    d.add_paragraph().add_run("王建国").bold = True
    assert markdown(d) == "开头一段。\n\n## 井下的第一夜\n\n**王建国**\n"


def test_a_paragraph_stopping_at_a_comma_goes_on_in_the_next():
    d = Document()
    d.add_paragraph("　　2008年1月，一场冰雪灾害袭击了矿区，")
    d.add_paragraph("抢修队连夜出发。")
    d.add_paragraph("第二天清晨，线路恢复了供电。")
    assert markdown(d) == (
        "2008年1月，一场冰雪灾害袭击了矿区，抢修队连夜出发。\n\n第二天清晨，线路恢复了供电。\n"
    )


def test_title_from_the_document_properties_when_the_text_has_none(tmp_path):
    from build_tools.importer import fields

    d = Document()
    d.core_properties.title = "属性里的标题"
    d.add_paragraph("正文第一段，不居中，也不是标题样式。")
    out = BytesIO()
    d.save(out)
    converted = docx.convert(out.getvalue(), 10)
    assert converted.core_title == "属性里的标题"
    recognised = fields.recognise(
        clean.clean(converted.blocks), "story", None, converted.core_title
    )  # type: ignore[arg-type]
    assert recognised.values["title"] == "属性里的标题"
    assert "取自文档属性，请核对" in recognised.found[0]


def test_a_centred_long_line_is_not_a_title():
    from build_tools.importer import fields

    d = Document()
    centred(d, "这是一段居中的很长的文字，" * 5)
    out = BytesIO()
    d.save(out)
    converted = docx.convert(out.getvalue(), 10)
    recognised = fields.recognise(clean.clean(converted.blocks), "story", None)  # type: ignore[arg-type]
    assert (
        recognised.values["title"] == "未命名"
    )  # nothing to go by: the command uses the file name


def test_nesting_is_bounded(tmp_path):
    d = Document()
    table = d.add_table(rows=1, cols=1)
    for _ in range(15):
        table = table.cell(0, 0).add_table(rows=1, cols=1)
    out = BytesIO()
    d.save(out)
    with pytest.raises(Refused, match="嵌套超过"):
        docx.convert(out.getvalue(), 10)


def test_broken_document_xml_is_a_message(tmp_path):
    bad = tmp_path / "坏.docx"
    source = BytesIO()
    Document().save(source)
    with zipfile.ZipFile(source) as good, zipfile.ZipFile(bad, "w") as broken:
        for info in good.infolist():
            data = good.read(info)
            broken.writestr(
                info, b"<w:document><unclosed>" if info.filename == "word/document.xml" else data
            )
    with pytest.raises(Refused, match="无法读取 Word 内容"):
        docx.convert(read_submission(bad), 10)


def test_a_decompression_bomb_is_refused_from_its_header():
    out = BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG")  # 100 million pixels in a few KB
    assert len(out.getvalue()) < 100_000
    with pytest.raises(pictures.PictureProblem, match="像素太多（10000×10000）"):
        pictures.reencode(out.getvalue())


def test_a_picture_that_is_not_one_is_a_message():
    with pytest.raises(pictures.PictureProblem, match="格式无法识别"):
        pictures.reencode(b"\x01\x00\x00\x00EMF picture bytes")


def test_large_photos_are_made_smaller_and_turned_upright():
    image = Image.new("RGB", (5000, 100), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # shown rotated 90°
    out = BytesIO()
    image.save(out, "JPEG", exif=exif)
    encoded = pictures.reencode(out.getvalue())
    assert (encoded.width, encoded.height) == (80, 4000)
    with Image.open(BytesIO(encoded.data)) as saved:
        assert not saved.getexif()


def test_a_first_section_heading_is_not_taken_for_the_title():
    from build_tools.importer import fields

    d = Document()
    d.add_heading("一、初到矿山", level=1)
    d.add_paragraph("正文。")
    d.add_heading("二、扎根", level=1)
    out = BytesIO()
    d.save(out)
    converted = docx.convert(out.getvalue(), 10)
    recognised = fields.recognise(clean.clean(converted.blocks), "story", None, "", "我的投稿")  # type: ignore[arg-type]
    assert recognised.values["title"] == "我的投稿"
    assert "取自文件名，请核对" in recognised.found[0]
    assert [b.text for b in recognised.blocks if isinstance(b, docx.Heading)] == [
        "一、初到矿山",
        "二、扎根",
    ]
