"""Reading a source file: bytes → text (UTF-8 with or without BOM, any line ends) and the
split of a Markdown file into its YAML front matter and body."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from build_tools.diagnostics import Diagnostic, Location, diagnostic

_ENCODING_NAMES = {
    "gb2312": "GB2312/GBK",
    "gbk": "GBK",
    "gb18030": "GB18030（GBK）",
    "big5": "Big5（繁体）",
    "utf_16": "UTF-16",
    "utf_16_le": "UTF-16",
    "utf_16_be": "UTF-16",
    "cp1252": "Windows-1252",
    "latin_1": "Latin-1",
}


class SourceError(Exception):
    """A file that cannot become text or content; carries the diagnostic to report."""

    def __init__(self, diag: Diagnostic) -> None:
        super().__init__(diag.message)
        self.diagnostic = diag


# A story is a few KB; a content file this large is something pasted by mistake (or
# hostile), and is refused before it is parsed.
MAX_FILE_BYTES = 1024 * 1024


def read_text(file: Path, rel: str) -> str:
    """Decode a content file. A BOM and CRLF/CR line ends are accepted quietly."""
    return decode(read_bytes(file, rel), rel)


def read_bytes(file: Path, rel: str) -> bytes:
    """A content file's bytes, refused when it is over the limit."""
    try:
        with file.open("rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            # Never more than the limit, whatever the size says (a file may grow); asking
            # for the limit itself would allocate 1 MB for every few-KB story.
            raw = stream.read(min(size, MAX_FILE_BYTES) + 1)
            if len(raw) > MAX_FILE_BYTES:
                size = max(size, len(raw))
    except OSError as exc:
        raise SourceError(
            diagnostic("E-FILE-UNREADABLE", Location(rel), f"无法读取文件：{_os_reason(exc)}")
        ) from exc
    if len(raw) > MAX_FILE_BYTES:
        message = (
            f"文件有 {_megabytes(size)}，超过内容文件的上限 {_megabytes(MAX_FILE_BYTES)}，"
            "未读取；请检查是否误粘贴了别的内容，很长的稿子请分成几篇"
        )
        raise SourceError(diagnostic("E-FILE-TOO-LARGE", Location(rel), message))
    return raw


def decode(raw: bytes, rel: str) -> str:
    """The text of a content file's bytes (what it says depends on the bytes alone)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(_encoding_error(raw, exc, rel)) from exc
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise SourceError(diagnostic("E-FILE-EMPTY", Location(rel, 1, 1), "文件是空的"))
    return text


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "没有读取权限"
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹"
    if isinstance(exc, FileNotFoundError):
        return "文件不存在（可能是失效的链接）"
    return f"系统错误（errno {exc.errno}）"


def _encoding_error(raw: bytes, exc: UnicodeDecodeError, rel: str) -> Diagnostic:
    line = raw.count(b"\n", 0, exc.start) + 1
    guess = None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        guess = "UTF-16"
    else:
        best = from_bytes(raw[:65536]).best()
        if best is not None:
            guess = _ENCODING_NAMES.get(best.encoding, best.encoding.upper())
    said = f"（看起来是 {guess} 编码）" if guess else ""
    message = (
        f"文件不是 UTF-8 编码{said}，第 {line} 行起无法读取；"
        "请用编辑器“另存为 UTF-8”（VS Code：右下角编码 → 通过编码保存 → UTF-8）"
    )
    return diagnostic("E-FILE-ENCODING", Location(rel, line, 1), message)


@dataclass(frozen=True, slots=True)
class MarkdownFile:
    front_matter: str
    front_matter_line: int  # file line of the first YAML line
    body: str
    body_line: int  # file line where the body starts


_FENCE = re.compile(r"^---[ \t]*$")
_END = re.compile(r"^(---|\.\.\.)[ \t]*$")
# Look-alikes of the closing fence typed with an input method.
_FAKE_FENCE = re.compile(r"^\s*(—{2,}|－{3,}|-{2}|-{4,}|―{2,})\s*$")


def split_front_matter(text: str, rel: str) -> MarkdownFile:
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if not _FENCE.match(lines[start]):
        first = lines[start].strip()
        hint = ""
        if _FAKE_FENCE.match(first):
            hint = f"第一行“{first}”不是三个半角减号，应写 ---"
        else:
            hint = (
                "文件应以一行 --- 开头，接着写 title、date 等字段，再以一行 --- 结束，然后才是正文"
            )
        raise SourceError(
            diagnostic("E-FM-MISSING", Location(rel, start + 1, 1), f"缺少 front matter：{hint}")
        )
    for i in range(start + 1, len(lines)):
        if _END.match(lines[i]):
            return MarkdownFile(
                front_matter="\n".join(lines[start + 1 : i]),
                front_matter_line=start + 2,
                body="\n".join(lines[i + 1 :]),
                body_line=i + 2,
            )
    message = f"front matter 从第 {start + 1} 行的 --- 开始，但没有用一行 --- 结束"
    for i in range(start + 1, len(lines)):
        if _FAKE_FENCE.match(lines[i]):
            message += f"；第 {i + 1} 行的“{lines[i].strip()}”是否想写 ---？"
            break
    raise SourceError(diagnostic("E-FM-UNTERMINATED", Location(rel, start + 1, 1), message))
