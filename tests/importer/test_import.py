"""`culture import` as an editor runs it: Word files in, draft items out, checked; what
has to be filled is listed, and once it is filled `culture check` accepts the file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from PIL import Image

from build_tools.cli import main
from tests.importer.conftest import messy, panel_text, profile, typical_story


def run_import(capsys, *args: str | Path) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["import", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def split(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def fill(path: Path, values: dict) -> None:
    """What the editor does with the list: write the listed fields, nothing else."""
    front, body = split(path)
    front.update(values)
    path.write_text(
        "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + body,
        encoding="utf-8",
    )


def listed(out: str) -> list[str]:
    """The fields under 待补充 in the command's output."""
    block = out.split("待补充：\n", 1)[1] if "待补充：\n" in out else ""
    fields = []
    for line in block.split("\n"):
        if not line.startswith("    ") or line.startswith("     "):
            break
        fields.append(re.split(r"[（：]", line.strip(), maxsplit=1)[0])
    return fields


@pytest.fixture
def project(valid_tree, monkeypatch):
    monkeypatch.chdir(valid_tree)
    return valid_tree


def test_typical_story_fields_and_markdown(project, tmp_path, capsys, run_check):
    source = typical_story(tmp_path / "井下的灯光.docx")
    code, out, _ = run_import(capsys, source)
    assert code == 0
    target = project / "stories/red/jing-xia-de-deng-guang.md"
    assert "→ stories/red/jing-xia-de-deng-guang.md（图片 2 张" in out
    front, body = split(target)
    assert front == {
        "title": "井下的灯光",
        "subtitle": "——记第一煤矿的老矿工们",
        "date": "1985-03",
        "place": "三号井",
        "unit": "mine-1",  # 老一矿, a former name
        "craftsmen": ["wang-jian-guo"],  # bold, and has a profile
        "people": ["张秀兰"],  # bold
        "themes": ["待补充"],
        "summary": "待补充：用一两句话介绍这个故事（不超过 120 个字）。",
        "author": "李明",
        "status": "draft",
    }
    assert body == (
        "\n## 初到矿山\n\n"
        "那年春天，**王建国**和**张秀兰**来到*三号井*，井下只有几盏矿灯。[^1]\n\n"
        "![老矿井口](../media/jing-xia-de-deng-guang/1.jpg)\n\n"
        "### 一盏灯的账\n\n"
        "那一年的产量记在下表中。\n\n"
        "| 年份 | 产量 |\n|---|---|\n| 1984 | 30万吨 |\n| 1985 | 42万吨 |\n\n"
        "![工友们在井下合影](../media/jing-xia-de-deng-guang/2.png)\n\n"
        "> 灯在人在，人在灯亮。\n\n"
        "- 检查矿灯\n- 清点人数\n\n"
        "这盏灯一直亮到今天。\n\n"
        "[^1]: 据《第一煤矿志》第三卷记载。\n"
    )
    assert listed(out) == ["themes", "summary"]
    # The check ran on the new file and its findings are shown with it.
    assert "E-REF-THEME" in out and "W-PLACEHOLDER" in out
    fill(target, {"themes": ["艰苦创业"], "summary": "老矿工们在井下点亮矿灯的故事。"})
    checked = run_check(target)
    assert checked.code == 0, checked.diagnostics
    assert "W-PLACEHOLDER" not in checked.codes()


def test_pictures_are_ours_and_carry_no_exif(project, tmp_path, capsys):
    run_import(capsys, typical_story(tmp_path / "稿件（最终版）.docx"))
    media = project / "stories/media/jing-xia-de-deng-guang"
    assert sorted(p.name for p in media.iterdir()) == ["1.jpg", "2.png"]
    with Image.open(media / "1.jpg") as photo:
        assert photo.size == (64, 48)
        assert not photo.getexif()
        assert "exif" not in photo.info
    assert b"SecretCam" not in (media / "1.jpg").read_bytes()
    with Image.open(media / "2.png") as drawing:
        assert drawing.format == "PNG" and not drawing.getexif()


def test_profile_fields(project, tmp_path, capsys, run_check):
    code, out, _ = run_import(capsys, profile(tmp_path / "profile.docx"), "--kind", "craftsman")
    assert code == 0
    target = project / "stories/craftsmen/zhao-tie-zhu.md"
    front, body = split(target)
    assert front == {
        "name": "赵铁柱",
        "unit": "mine-1",
        "position": "采煤机司机",
        "photo": {"src": "../media/zhao-tie-zhu/1.png", "caption": "赵铁柱在综采工作面"},
        "honors": [
            {"title": "全国劳动模范", "year": 2015, "level": "国家级"},
            {"title": "集团公司技术能手", "year": 2012, "level": "集团级"},
        ],
        "motto": "干一行，爱一行",
        "summary": "待补充：用一两句话介绍这位工匠（不超过 120 个字）。",
        "status": "draft",
    }
    assert body == (
        "\n## 匠心筑梦\n\n"
        "赵铁柱一九九二年参加工作，三十年没离开过工作面。\n\n"
        "他带出的徒弟有二十多人。\n"
    )
    assert listed(out) == ["summary"]
    fill(target, {"summary": "采煤机司机，全国劳动模范。"})
    assert run_check(target).code == 0


def test_messy_submission_is_cleaned(project, tmp_path, capsys, run_check):
    code, out, _ = run_import(capsys, messy(tmp_path / "messy.docx"))
    assert code == 0
    target = project / "stories/red/qiang-xiu-zhi-ye.md"
    front, body = split(target)
    assert front["title"] == "抢修之夜"  # the first short centred line, indent removed
    assert front["author"] == "周红"  # 撰稿:, half-width colon
    assert front["date"] == "1998-07"  # 1998.7
    assert body == (
        "\n## 一、风雪来临\n\n"
        "那天夜里，雪下得很大。\n\n"  # a line break inside a sentence: joined
        "线路工们连夜出发。\n\n"  # a line break and an indent: a new paragraph
        "### （一）三项任务\n\n"
        "1. 检查线路\n2. 更换绝缘子\n3. 恢复供电\n\n"
        "天亮时，灯又亮了。\n"
    )
    assert "\u3000" not in body
    assert listed(out) == ["themes", "summary"]
    fill(target, {"themes": ["安全生产"], "summary": "一场风雪中的抢修。"})
    assert run_check(target).code == 0


def test_missing_date_is_listed_with_a_hint_and_accepted_once_filled(
    project, tmp_path, capsys, run_check
):
    code, out, _ = run_import(capsys, profile(tmp_path / "匠心.docx"))  # a story without 时间：
    assert code == 0
    assert listed(out) == ["date", "themes", "summary"]
    assert "正文中最早的年份是 1992 年" in out
    assert "E-DATE-FORMAT" in out
    target = project / "stories/red/jiang-xin-zhu-meng.md"
    fill(target, {"date": 1992, "themes": ["工匠精神"], "summary": "一位采煤机司机。"})
    assert run_check(target).code == 0


def test_panel_goes_to_the_hall_with_the_next_number(project, tmp_path, capsys, run_check):
    source = panel_text(tmp_path / "矿灯.docx")
    code, out, _ = run_import(capsys, source, source, "--kind", "panel")
    assert code == 0
    first, _ = split(project / "stories/halls/main-hall/lao-kuang-deng.md")
    second, _ = split(project / "stories/halls/main-hall/lao-kuang-deng-2.md")
    assert first["kind"] == "exhibit" and first["zone"] == "origins"
    assert first["exhibit"] == {"name": "铁皮矿灯", "year": "1958", "material": "铁皮"}
    assert first["number"] != second["number"]  # the second is numbered after the first
    assert "id lao-kuang-deng 已被占用，改用 lao-kuang-deng-2" in out
    assert run_check(project / "stories/halls/main-hall/lao-kuang-deng.md").code == 0


def test_never_overwrites(project, tmp_path, capsys):
    source = typical_story(tmp_path / "a.docx")
    existing = project / "stories/red/jing-xia-de-deng-guang.md"
    existing.write_text("编辑自己的文件\n", encoding="utf-8")
    code, out, _ = run_import(capsys, source)
    assert code == 0
    assert existing.read_text(encoding="utf-8") == "编辑自己的文件\n"
    assert (project / "stories/red/jing-xia-de-deng-guang-2.md").is_file()
    assert "id jing-xia-de-deng-guang 已被占用，改用 jing-xia-de-deng-guang-2" in out


def test_an_old_id_is_not_reused(project, tmp_path, capsys):
    """An alias keeps an old URL redirecting: a new item must not take it."""
    story = project / "stories/red/first-shovel.md"
    text = story.read_text(encoding="utf-8")
    story.write_text(
        text.replace("status:", "aliases: [jing-xia-de-deng-guang]\nstatus:", 1), encoding="utf-8"
    )
    run_import(capsys, typical_story(tmp_path / "a.docx"))
    assert not (project / "stories/red/jing-xia-de-deng-guang.md").exists()
    assert (project / "stories/red/jing-xia-de-deng-guang-2.md").exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "旧稿.doc",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
            "请在 Word 或 WPS 中另存为 .docx 后再导入",
        ),
        (
            "稿件.wps",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
            "请在 Word 或 WPS 中另存为 .docx 后再导入",
        ),
        ("改名.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "实际上是旧的 .doc 格式"),
        (
            "加密.docx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"),
            "设了打开密码",
        ),
        ("坏的.docx", b"PK\x03\x04" + bytes(100), "压缩结构已损坏"),
        ("文本.docx", "这不是 Word 文档".encode(), "不是有效的 .docx 文件"),
        ("稿件.pdf", b"%PDF-1.4", "不是 Word 文档（.docx）"),
    ],
)
def test_files_that_cannot_be_imported_say_why(project, tmp_path, capsys, name, data, message):
    bad = tmp_path / name
    bad.write_bytes(data)
    code, out, err = run_import(capsys, bad)
    assert code == 1
    assert f"{bad.as_posix()}：未导入：" in out and message in out
    assert "Traceback" not in out + err
    assert not list((project / "stories/red").glob("*-2.md"))


def test_a_zip_that_is_not_a_document(project, tmp_path, capsys):
    import zipfile

    bad = tmp_path / "压缩包.docx"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("readme.txt", "hello")
    code, out, _ = run_import(capsys, bad)
    assert code == 1 and "没有 Word 正文" in out


def test_declared_sizes_bound_what_a_zip_can_make_us_read(project, tmp_path, capsys, monkeypatch):
    from build_tools.importer import source

    monkeypatch.setattr(source, "MAX_UNPACKED_BYTES", 10_000)
    code, out, _ = run_import(capsys, typical_story(tmp_path / "大.docx"))
    assert code == 1 and "解压后太大" in out
    monkeypatch.setattr(source, "MAX_UNPACKED_BYTES", 200 * 1024 * 1024)
    monkeypatch.setattr(source, "MAX_PICTURES", 1)
    code, out, _ = run_import(capsys, typical_story(tmp_path / "多图.docx"))
    assert code == 1 and "图片太多（2 张，上限 1 张）" in out


def test_a_picture_over_the_pixel_budget_is_left_out(project, tmp_path, capsys, monkeypatch):
    from build_tools.importer import pictures

    monkeypatch.setattr(pictures, "MAX_PIXELS", 2000)  # the 64 × 48 photo is over it
    code, out, _ = run_import(capsys, typical_story(tmp_path / "a.docx"))
    assert code == 0
    assert "图片 1（老矿井口）像素太多（64×48），未导入" in out
    _, body = split(project / "stories/red/jing-xia-de-deng-guang.md")
    assert (
        "老矿井口" not in body
        and "![工友们在井下合影](../media/jing-xia-de-deng-guang/1.png)" in body
    )


def test_a_media_folder_leading_out_of_stories_is_refused(project, tmp_path, capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    media = project / "stories/media"
    for child in media.iterdir():
        child.rename(outside / child.name)
    media.rmdir()
    media.symlink_to(outside, target_is_directory=True)
    code, out, _ = run_import(capsys, typical_story(tmp_path / "a.docx"))
    assert code == 1
    assert "指向 stories/ 之外（符号链接），不会写入" in out
    assert not (project / "stories/red/jing-xia-de-deng-guang.md").exists()
    assert sorted(p.name for p in outside.iterdir()) == ["dot.png"]


def test_a_folder_imports_in_one_run_with_a_table(project, submissions, capsys):
    (submissions / "旧稿.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    (submissions / "~$井下的灯光.docx").write_bytes(b"lock")  # Word's lock file: not a submission
    code, out, err = run_import(capsys, submissions)
    assert code == 1  # one file failed; the others were imported all the same
    table = out.split("\n\n文件")[1].split("\n")
    assert table[0].split() == ["结果", "新文件", "待补充"]
    rows = [row.split(None, 3) for row in table[1:] if row]
    assert rows == [
        ["井下的灯光.docx", "已导入", "stories/red/jing-xia-de-deng-guang.md", "themes、summary"],
        ["抢修.docx", "已导入", "stories/red/qiang-xiu-zhi-ye.md", "themes、summary"],
        [
            "旧稿.doc",
            "失败",
            "—",
            ".doc 是旧格式，无法直接导入：请在 Word 或 WPS 中另存为 .docx 后再导入",
        ],
    ]
    assert "导入 2 个文件，1 个失败" in err


def test_unknown_unit_option_is_refused_before_anything_is_written(project, tmp_path, capsys):
    code, _, err = run_import(capsys, typical_story(tmp_path / "a.docx"), "--unit", "一矿")
    assert code == 1
    assert "--unit 单位要写 id 而不是名称" in err
    assert not (project / "stories/red/jing-xia-de-deng-guang.md").exists()


def test_unit_option_wins(project, tmp_path, capsys):
    run_import(capsys, typical_story(tmp_path / "a.docx"), "--unit", "power-1")
    front, _ = split(project / "stories/red/jing-xia-de-deng-guang.md")
    assert front["unit"] == "power-1"


def test_a_kind_folder_leading_out_of_stories_is_refused(project, tmp_path, capsys):
    outside = tmp_path / "outside-red"
    (project / "stories/red").rename(outside)
    (project / "stories/red").symlink_to(outside, target_is_directory=True)
    code, out, _ = run_import(capsys, messy(tmp_path / "a.docx"))
    assert code == 1
    assert "目标文件夹 stories/red 指向 stories/ 之外（符号链接），不会写入" in out
    assert not (outside / "qiang-xiu-zhi-ye.md").exists()


def test_panel_in_an_unknown_hall_is_refused_with_the_halls(project, tmp_path, capsys):
    code, _, err = run_import(
        capsys, panel_text(tmp_path / "a.docx"), "--kind", "panel", "--hall", "nope"
    )
    assert code == 1
    assert "没有展厅“nope”；现有展厅：main-hall" in err


def test_a_text_longer_than_any_submission_is_refused(project, tmp_path, capsys, monkeypatch):
    from build_tools.importer import docx

    monkeypatch.setattr(docx, "MAX_TEXT_CHARS", 50)
    code, out, _ = run_import(capsys, typical_story(tmp_path / "a.docx"))
    assert code == 1 and "正文太长" in out


def test_outside_a_project_nothing_is_written(tmp_path, monkeypatch, capsys):
    elsewhere = tmp_path / "home"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, _, err = run_import(capsys, messy(tmp_path / "a.docx"))
    assert code == 1 and "找不到内容文件夹" in err
    assert list(elsewhere.iterdir()) == []


def test_a_submission_without_a_title_is_named_after_its_file(project, tmp_path, capsys):
    from docx import Document

    d = Document()
    d.add_paragraph("时间：1960年")
    d.add_paragraph("那年的食堂种出了南瓜。")
    d.save(tmp_path / "食堂南瓜.docx")
    code, out, _ = run_import(capsys, tmp_path / "食堂南瓜.docx")
    assert code == 0
    assert "标题：食堂南瓜（取自文件名，请核对）" in out
    front, _ = split(project / "stories/red/shi-tang-nan-gua.md")
    assert front["title"] == "食堂南瓜" and front["date"] == 1960


def test_an_empty_document_is_not_imported(project, tmp_path, capsys):
    from docx import Document

    Document().save(tmp_path / "空白.docx")
    code, out, _ = run_import(capsys, tmp_path / "空白.docx")
    assert code == 1 and "文档里没有文字，也没有图片，未导入" in out
    assert not (project / "stories/red/kong-bai.md").exists()


def test_pictures_without_a_caption_line(project, tmp_path, capsys):
    from io import BytesIO

    from docx import Document

    from tests.importer.conftest import png

    d = Document()
    d.add_paragraph("两张照片", style="Title")
    d.add_paragraph("时间：1977年")
    shape = d.add_picture(BytesIO(png()))
    shape._inline.docPr.set("descr", "运煤专列出站")  # Word's 替代文字
    d.add_paragraph("正文一段。")
    d.add_picture(BytesIO(png("black")))
    d.add_paragraph("正文又一段。")
    d.save(tmp_path / "a.docx")
    code, out, _ = run_import(capsys, tmp_path / "a.docx")
    assert code == 0
    _, body = split(project / "stories/red/liang-zhang-zhao-pian.md")
    assert "![运煤专列出站](../media/liang-zhang-zhao-pian/1.png)" in body
    assert "![待补充：图片说明](../media/liang-zhang-zhao-pian/2.png)" in body
    assert "正文：图片 2 的说明（图片下面没有“图为……”一行" in out


def test_one_picture_placed_again_and_again_is_read_within_bounds(
    project, tmp_path, capsys, monkeypatch
):
    from io import BytesIO

    from docx import Document

    from build_tools.importer import docx
    from tests.importer.conftest import png

    d = Document()
    d.add_paragraph("重复的图", style="Title")
    picture = png()
    for _ in range(5):
        d.add_picture(BytesIO(picture))  # python-docx stores it once and places it five times
    d.save(tmp_path / "a.docx")
    monkeypatch.setattr(docx, "MAX_PICTURE_BYTES_TOTAL", 3 * len(picture))
    code, out, _ = run_import(capsys, tmp_path / "a.docx")
    assert code == 0
    assert "另有 2 张图片超出上限（张数或大小），未导入" in out
    assert len(list((project / "stories/media/chong-fu-de-tu").iterdir())) == 3
