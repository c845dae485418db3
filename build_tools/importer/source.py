"""What a submitted file may be before it is opened: a bounded, unencrypted .docx.

A .docx is a zip of XML, and a zip says how large its members are before they are read.
Everything is judged from that directory: how much XML and how many pictures a file may
make us read, before mammoth or Pillow sees a byte of it. (`zipfile` never hands out more
than a member's declared size; a member that inflates beyond it fails its CRC.)
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

# Word and WPS save a .doc, .wps or .et as an OLE compound file; so is an encrypted .docx.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

MAX_FILE_BYTES = 50 * 1024 * 1024  # a submission with photos is a few MB
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # every member of the zip together, as declared
MAX_XML_BYTES = 20 * 1024 * 1024  # the document's own text part
MAX_MEMBERS = 2000
MAX_PICTURES = 60

SAVE_AS_DOCX = "请在 Word 或 WPS 中另存为 .docx 后再导入"
OLD_FORMATS = {".doc", ".wps", ".dot", ".wpt", ".rtf"}
WORD_FORMATS = {".docx", *OLD_FORMATS}


class Refused(Exception):
    """Why a file was not imported, in Chinese (the file's name is added by the caller)."""


def read_submission(path: Path) -> bytes:
    """The bytes of a .docx that may be opened, or `Refused` saying why not."""
    suffix = path.suffix.lower()
    if suffix in OLD_FORMATS:
        raise Refused(f"{suffix} 是旧格式，无法直接导入：{SAVE_AS_DOCX}")
    if suffix != ".docx":
        raise Refused("不是 Word 文档（.docx），未导入")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise Refused(
                f"文件太大（{size // 1024 // 1024} MB，上限 {MAX_FILE_BYTES // 1024 // 1024} MB）"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise Refused(f"无法读取文件（{exc.strerror or exc}）") from exc
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise Refused("文件设了打开密码：请在 Word 或 WPS 中取消密码、另存后再导入")
        raise Refused(f"文件实际上是旧的 .doc 格式，只是扩展名为 .docx：{SAVE_AS_DOCX}")
    if not data.startswith(ZIP_MAGIC):
        raise Refused("不是有效的 .docx 文件（文件已损坏，或不是 Word 文档）")
    _check_members(data)
    return data


def _check_members(data: bytes) -> None:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise Refused("不是有效的 .docx 文件（压缩结构已损坏）") from exc
    if len(members) > MAX_MEMBERS:
        raise Refused(f"文件内部的部件太多（{len(members)} 个），不像正常的 Word 文档")
    if any(m.flag_bits & 0x1 for m in members):
        raise Refused("文件内容已加密：请在 Word 或 WPS 中取消加密、另存后再导入")
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise Refused(
            f"文件解压后太大（{unpacked // 1024 // 1024} MB，上限 {MAX_UNPACKED_BYTES // 1024 // 1024} MB）"
        )
    names = {m.filename: m for m in members}
    document = names.get("word/document.xml")
    if document is None:
        raise Refused("文件中没有 Word 正文（word/document.xml），可能不是 Word 文档")
    if document.file_size > MAX_XML_BYTES:
        raise Refused("正文部分太大，不像一篇投稿（超过 20 MB 的文字）")
    pictures = [n for n in names if n.startswith("word/media/")]
    if len(pictures) > MAX_PICTURES:
        raise Refused(f"图片太多（{len(pictures)} 张，上限 {MAX_PICTURES} 张）：请分成几篇导入")
