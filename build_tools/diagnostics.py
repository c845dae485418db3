"""Diagnostics: what a check found, where, and how bad it is.

Every code the pipeline can report is declared here once, with its severity and a short
Chinese description; the editors' guide lists the same catalogue (a test keeps the two in
step). Formatting for people, JSON and CI annotations lives in `report.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a file; `path` is relative to the project root, line and column start at 1
    (0 means unknown). Columns count characters, not bytes."""

    path: str
    line: int = 0
    column: int = 0


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    location: Location
    message: str

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.code)


E, W = Severity.ERROR, Severity.WARNING

# code → (severity, 简要说明)
CODES: dict[str, tuple[Severity, str]] = {
    # files and encodings
    "E-FILE-EMPTY": (E, "文件是空的"),
    "E-FILE-ENCODING": (E, "文件不是 UTF-8 编码"),
    "E-FILE-UNREADABLE": (E, "文件无法读取"),
    "E-FILE-MISSING": (E, "缺少必需的文件（如 units.yml）"),
    "E-FILE-OUTSIDE": (E, "内容文件或文件夹链接到了 stories/ 之外"),
    "E-FILE-TOO-LARGE": (E, "文件太大"),
    "W-FILE-UNKNOWN": (W, "不认识的文件，已忽略"),
    # front matter and YAML
    "E-FM-MISSING": (E, "Markdown 文件开头缺少 front matter（--- 包起来的 YAML）"),
    "E-FM-UNTERMINATED": (E, "front matter 没有结束的 ---"),
    "E-FM-NOT-MAPPING": (E, "front matter 或 YAML 文件的内容不是“字段: 值”的映射"),
    "E-YAML-SYNTAX": (E, "YAML 语法错误"),
    "E-YAML-TAB": (E, "YAML 中使用了制表符（Tab）"),
    "E-YAML-FULLWIDTH-COLON": (E, "字段名后用了全角冒号“：”"),
    "E-YAML-DUPLICATE-KEY": (E, "同一个字段写了两次"),
    "E-YAML-ALIAS": (E, "YAML 锚点和别名（& 和 *）不能使用"),
    "E-YAML-CURLY-QUOTE": (E, "用中文引号“”代替了 YAML 的半角引号"),
    "E-YAML-TAG": (E, "不支持的 YAML 标签"),
    # fields
    "E-FIELD-MISSING": (E, "缺少必填字段"),
    "E-FIELD-UNKNOWN": (E, "未知字段"),
    "E-FIELD-TYPE": (E, "字段的值类型不对"),
    "E-FIELD-EMPTY": (E, "字段的值为空"),
    "E-FIELD-TOO-LONG": (E, "文字超过长度上限"),
    "E-FIELD-COUNT": (E, "列表的条目数不符合要求"),
    "E-FIELD-CHOICE": (E, "值不在可选范围内"),
    "E-FIELD-VALUE": (E, "值不符合要求"),
    "W-FIELD-DUPLICATE-ENTRY": (W, "列表中有重复的条目"),
    "W-PLACEHOLDER": (W, "还留着模板中的“待补充”"),
    "E-DATE-FORMAT": (E, "日期格式不对"),
    "E-DATE-INVALID": (E, "日期不存在"),
    # ids and references
    "E-ID-INVALID": (E, "id 不符合规则"),
    "E-ID-DUPLICATE": (E, "id 重复"),
    "E-REF-UNIT": (E, "引用了不存在的单位"),
    "E-REF-THEME": (E, "引用了不存在的主题"),
    "E-REF-CRAFTSMAN": (E, "引用了不存在的工匠"),
    "E-REF-ITEM": (E, "引用了不存在的故事或工匠"),
    "E-REF-ZONE": (E, "展板引用了展厅中不存在的单元"),
    "E-REF-UNPUBLISHED": (E, "已发布的条目引用了未发布的条目"),
    "E-UNIT-CYCLE": (E, "单位的上级关系形成了循环"),
    # bodies and images
    "E-BODY-HTML": (E, "正文中有 HTML 代码"),
    "W-BODY-EMPTY": (W, "正文是空的"),
    "E-BODY-LINK": (E, "链接使用了不安全的协议（如 javascript:）"),
    "W-BODY-LINK-EXTERNAL": (W, "链接指向其他网站，内网读者可能打不开"),
    "E-BODY-CONTROL": (E, "文字中有看不见的控制字符"),
    "E-BODY-NESTING": (E, "Markdown 嵌套过深"),
    "W-BODY-HEADING": (W, "正文标题跳级，或者用了一级标题"),
    "E-IMAGE-ALT": (E, "正文图片缺少说明文字"),
    "W-IMAGE-ALT-PLACEHOLDER": (W, "图片说明只是“图片”“照片”之类的占位词"),
    "E-IMAGE-OUTSIDE": (E, "图片路径指到了 stories/ 之外"),
    "E-IMAGE-MISSING": (E, "图片文件不存在"),
    "E-IMAGE-FORMAT": (E, "不支持的图片格式"),
    "E-IMAGE-BROKEN": (E, "图片文件损坏，或者不是图片"),
    "E-IMAGE-TOO-LARGE": (E, "图片像素太多"),
    "W-PHOTO-MISSING": (W, "工匠没有照片"),
    # exhibition halls
    "E-PANEL-NUMBER-DUPLICATE": (E, "展板编号重复"),
    "E-PANEL-EXHIBIT-MISSING": (E, "展品说明缺少展品信息"),
    "E-PANEL-TOO-LONG": (E, "展板文字超过字数预算"),
    "W-NARRATION-LONG": (W, "讲解词时间过长"),
    "W-HALL-EMPTY-ZONE": (W, "展厅单元中没有展板"),
    "W-PANEL-NO-IMAGE": (W, "展品说明没有图片"),
    "W-PANEL-DUPLICATE-TEXT": (W, "两块展板的正文完全相同"),
    "W-PANEL-RELATED-UNPUBLISHED": (W, "待审的展板关联了未发布的故事或工匠"),
    # collections
    "E-COLLECTION-UNPUBLISHED": (E, "故事集收录了草稿"),
    "W-COLLECTION-REVIEW": (W, "故事集收录了待审条目"),
    "W-COLLECTION-EMPTY": (W, "故事集还没有条目"),
    "W-BOOKLET-SKIPPED": (W, "这次生成网站时没有生成这本小册子"),
    "W-HALL-FILE-SKIPPED": (W, "这次生成网站时没有生成展厅的展板校样、讲解词或展品清单"),
    # print
    "E-PRINT-GLYPH": (E, "印刷字体中没有这个字"),
    "W-PRINT-FONT": (W, "没有安装印刷字体，无法检查小册子的用字"),
    "W-PRINT-IMAGE-DPI": (W, "图片分辨率不够印刷"),
    # configuration
    "E-CONFIG": (E, "配置文件 culture.yml 有误"),
    # typography (checks/typography.py)
    "W-TYPO-SPACING": (W, "中文与英文、数字之间的空格不对"),
    "W-TYPO-PUNCTUATION": (W, "中文里用了半角标点"),
    "W-TYPO-WIDTH": (W, "用了全角的字母或数字"),
    "W-TYPO-PAIR": (W, "引号或括号不成对，或者混用"),
    "W-TYPO-REPEAT": (W, "标点重复"),
    "W-TYPO-ELLIPSIS": (W, "省略号写法不对"),
    "W-TYPO-DASH": (W, "破折号写法不对"),
    # standard wording (checks/terms.py)
    "W-TERM": (W, "不规范的表述"),
    "E-TERM": (E, "不规范的表述（必须改）"),
    "W-TERM-UNIT": (W, "用了单位的旧名称"),
    "E-TERMS-FILE": (E, "规范表述词典 terms.yml 有误"),
    # personal data (checks/personal.py)
    "E-PII-ID": (E, "文字中有身份证号码"),
    "E-PII-PHONE": (E, "文字中有手机号或电话号码"),
    "E-PII-BANK": (E, "文字中有银行卡号"),
    "E-PII-EMAIL": (E, "文字中有电子邮件地址"),
    # the publishing gate (checks/gate.py)
    "E-PLACEHOLDER": (E, "已发布的条目还留着模板中的占位文字"),
    "E-TEMPLATE-DEFAULT": (E, "已发布的条目还留着模板预填的值"),
    "W-FILE-WORD": (W, "stories/ 中放了 Word 文件"),
    # media files (checks/media.py)
    "W-MEDIA-COVER-SMALL": (W, "封面图片宽度不够"),
    "W-MEDIA-HEAVY": (W, "图片文件太大"),
    "W-MEDIA-UNUSED": (W, "media/ 中的文件没有被引用"),
    "W-MEDIA-NAME": (W, "文件名中有空格或中文"),
}


def with_severity(found: Diagnostic, severity: Severity) -> Diagnostic:
    """The same finding at another severity (as `culture.yml` asks for its family)."""
    return Diagnostic(found.code, severity, found.location, found.message)


def diagnostic(code: str, location: Location, message: str) -> Diagnostic:
    """Make a diagnostic whose severity comes from the catalogue."""
    severity, _ = CODES[code]
    return Diagnostic(code, severity, location, message)
