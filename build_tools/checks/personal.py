"""Personal data that must never be published: resident ID numbers, phone numbers, bank
card numbers, e-mail addresses.

`find_personal_data` reads one string and returns what it found, masked; the check runs it
over every piece of prose a reader sees (`content/prose.py`: body text nodes and the
values of reader-visible fields) and over the targets of `mailto:` and `tel:` links, which
a reader does not see as text but the page carries.

Numbers are matched with lookarounds over ASCII digits and letters, never `\\b` (which sees
no boundary between a Chinese character and a digit), and only where nothing but a
number of that shape can stand: an ID must pass the GB 11643 check digit and hold a real
birth date, a bank card must pass Luhn and follow a word such as 卡号, a landline must be
written with its area code set apart. Messages only ever carry the masked value, so CI
logs never hold the number itself.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote

from stdnum import luhn
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from build_tools.checks.bodies import markdown_texts
from build_tools.config import Settings
from build_tools.content.corpus import Corpus
from build_tools.content.markdown import links
from build_tools.content.prose import Prose, corpus_prose
from build_tools.diagnostics import Diagnostic, Location, diagnostic


@dataclass(frozen=True, slots=True)
class Found:
    """`text[start:end]` is personal data of kind `code`; `masked` is safe to print."""

    start: int
    end: int
    code: str
    masked: str
    kind: str  # what it is, in the reader's words: 身份证号码, 手机号码, 电话号码…


# -- shapes ---------------------------------------------------------------------------------

# Not inside a longer run of digits or letters (`ZL201510234567.8`, `HX-13812345678`), nor
# right after a run joined by a dash or a point (`2008-01-15`, `3.14159265`).
_BEFORE = r"(?<![0-9A-Za-z])(?<![0-9A-Za-z][-.])"
_AFTER = r"(?![0-9A-Za-z])(?![-.][0-9A-Za-z])"
# A number followed by a unit is a quantity, not a phone (`15000000000 元`, `1380000 吨`).
_NO_UNIT = r"(?!\s?(?:元|万|亿|吨|千|公里|米|平方|立方|度|千瓦|个|件|台|辆|人|次|年|%|％))"

_DATE = r"(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
_ID18 = re.compile(
    _BEFORE + r"[1-9][0-9]{5}(?P<s>[ ]?)" + _DATE + r"(?P=s)[0-9]{3}[0-9Xx]" + _AFTER
)
# Old 15-digit IDs (YYMMDD, no check digit): only right after 身份证, see `_near`.
_ID15 = re.compile(
    _BEFORE + r"[1-9][0-9]{5}[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}" + _AFTER
)
_MOBILE = re.compile(
    _BEFORE
    + r"(?:(?:\+|00)86[ -]?)?1[3-9][0-9](?P<s>[ -]?)[0-9]{4}(?P=s)[0-9]{4}"
    + _AFTER
    + _NO_UNIT
)
# 010, 02x, 0xxx; then a subscriber number (never starting 0 or 1), the area code set apart
# by a dash, a space or parentheses: without that, a run of 11 digits is anything.
_LANDLINE = re.compile(
    r"(?:" + _BEFORE + r"0(?:10|2[0-9]|[3-9][0-9]{2})[- ]|\(0(?:10|2[0-9]|[3-9][0-9]{2})\) ?)"
    r"[2-9][0-9]{6,7}(?:(?:-|转|ext\.?)[0-9]{1,5})?" + _AFTER + _NO_UNIT
)
_CARD = re.compile(
    _BEFORE
    + r"(?:[0-9]{16,19}"
    + r"|[0-9]{4}(?P<s>[ -])[0-9]{4}(?P=s)[0-9]{4}(?P=s)[0-9]{4}(?:(?P=s)[0-9]{1,3})?)"
    + _AFTER
)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
    r"\.[A-Za-z]{2,}(?![A-Za-z0-9-])"
)

# Words a bank card number or an old ID follows, and how far before the number they may
# stand (`银行卡号：`, `工资卡账号为 `, `身份证（旧）号码`).
_CARD_WORDS = re.compile(r"卡号|账号|帐号|账户|帐户|银行卡|储蓄卡|信用卡|借记卡|存折")
_ID_WORDS = re.compile(r"身份证")
_WINDOW = 20
# Province codes of the first two digits (GB/T 2260; 81–83 Hong Kong, Macao, Taiwan
# residence permits): a number starting otherwise is no ID, whatever its check digit.
_PROVINCES = frozenset(
    re.findall(
        "[0-9]{2}",
        "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
        "50 51 52 53 54 61 62 63 64 65 71 81 82 83",
    )
)

# Nothing to find without seven digits close together or an @: most texts stop here.
_CANDIDATE = re.compile(r"[0-9０-９](?:[ \-－]?[0-9０-９]){6}|[@＠]")
# Full-width forms read as their ASCII ones (one character for one, so offsets hold): a
# number or address typed with an input method is still the number or the address.
_WIDE = re.compile("[\uff01-\uff5e]")
_NARROW = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)})


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isascii() and (ch.isdigit() or ch in "Xx")).upper()


def _near(words: re.Pattern[str], text: str, start: int) -> bool:
    return words.search(text, max(0, start - _WINDOW), start) is not None


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        born = datetime.date(year, month, day)
    except ValueError:
        return False
    return datetime.date(1900, 1, 1) <= born <= datetime.date.today()


def _is_id18(number: str) -> bool:
    if number[:2] not in _PROVINCES:
        return False
    try:
        ric.get_birth_date(number)  # raises on 2 月 30 日
    except ValidationError:
        return False
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    # Not ric.is_valid: it also wants the county in its table, and an ID of a county since
    # renamed (or a made-up test one) is still an ID.
    return ric.calc_check_digit(number) == number[-1] and _real_date(year, month, day)


def _is_id15(number: str) -> bool:
    year, month, day = 1900 + int(number[6:8]), int(number[8:10]), int(number[10:12])
    return number[:2] in _PROVINCES and _real_date(year, month, day)


# -- masks ----------------------------------------------------------------------------------


def _mask_middle(digits: str, head: int, tail: int) -> str:
    return digits[:head] + "*" * (len(digits) - head - tail) + digits[-tail:]


def mask_phone(digits: str) -> str:
    """`138****5678`; a landline keeps its area code and last two digits (`0351-*****56`)."""
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if digits.startswith("1") and len(digits) == 11:
        return _mask_middle(digits, 3, 4)
    area = 3 if digits[1] in "12" else 4
    return digits[:area] + "-" + _mask_middle(digits[area:], 0, 2)


def mask_email(address: str) -> str:
    """`z***@example.com`: the domain says whose mailbox it is, not who."""
    local, _, domain = address.partition("@")
    return local[:1] + "***@" + domain


# -- finding --------------------------------------------------------------------------------


def find_personal_data(text: str) -> list[Found]:
    """Every ID, phone, bank card number and e-mail address in `text`, in order. Where
    shapes overlap the stronger evidence wins: an ID (check digit and date) over a card
    (Luhn), a card over a phone."""
    if not _CANDIDATE.search(text):
        return []
    if _WIDE.search(text):
        text = text.translate(_NARROW)
    found: list[Found] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, code: str, masked: str, kind: str) -> None:
        if any(start < e and s < end for s, e in taken):
            return
        taken.append((start, end))
        found.append(Found(start, end, code, masked, kind))

    for match in _ID18.finditer(text):
        number = _digits(match.group())
        if _is_id18(number):
            add(match.start(), match.end(), "E-PII-ID", _mask_middle(number, 6, 4), "身份证号码")
    for match in _ID15.finditer(text):
        number = match.group()
        if _is_id15(number) and _near(_ID_WORDS, text, match.start()):
            add(match.start(), match.end(), "E-PII-ID", _mask_middle(number, 6, 4), "身份证号码")
    for match in _CARD.finditer(text):
        number = _digits(match.group())
        if luhn.is_valid(number) and _near(_CARD_WORDS, text, match.start()):
            add(match.start(), match.end(), "E-PII-BANK", _mask_middle(number, 4, 4), "银行卡号")
    for match in _MOBILE.finditer(text):
        masked = mask_phone(_digits(match.group()))
        add(match.start(), match.end(), "E-PII-PHONE", masked, "手机号码")
    for match in _LANDLINE.finditer(text):
        digits = _digits(re.split(r"-(?=[0-9]{1,5}$)|转|ext", match.group())[0])
        add(match.start(), match.end(), "E-PII-PHONE", mask_phone(digits), "电话号码")
    if "@" in text:
        for match in _EMAIL.finditer(text):
            address = match.group()
            add(match.start(), match.end(), "E-PII-EMAIL", mask_email(address), "电子邮件地址")
    found.sort(key=lambda f: f.start)
    return found


def find_in_link(href: str) -> Found | None:
    """The personal data a `mailto:` or `tel:` link points to (positions are in `href`)."""
    scheme, _, rest = href.partition(":")
    scheme = scheme.strip().lower()
    target = unquote(rest).split("?", 1)[0].strip()
    if scheme == "mailto" and "@" in target:
        return Found(0, len(href), "E-PII-EMAIL", mask_email(target), "电子邮件地址")
    if scheme == "tel":
        digits = _digits(target.translate(_NARROW))
        if len(digits) >= 7:
            return Found(0, len(href), "E-PII-PHONE", mask_phone(digits), "电话号码")
    return None


# -- the check ------------------------------------------------------------------------------


def _message(found: Found, where: str, markdown: bool) -> str:
    shown = f"{where}中有{found.kind}“{found.masked}”：个人信息不能发布，"
    if found.code == "E-PII-ID":
        return shown + "请删去或改写（如“身份证号码略”）"
    if found.code == "E-PII-BANK":
        return shown + "请删去或改写（如“银行卡号略”）"
    ignore = (
        f"在这一段前加一行 [//]: # (culture: ignore {found.code})"
        if markdown
        else f"在这个字段的行尾加注释 # culture: ignore {found.code}"
    )
    if found.code == "E-PII-EMAIL":
        return shown + f"请删去；确是单位的公共邮箱、可以公开的，请{ignore}"
    return shown + f"请删去或改写（如“联系电话略”）；确是单位对外公开的电话，请{ignore}"


def _where(prose: Prose) -> str:
    return "正文" if prose.field == "body" else f"{prose.field} 字段"


def check_personal_data(corpus: Corpus, settings: Settings) -> Iterator[Diagnostic]:
    seen: set[tuple[str, int, str, str]] = set()
    for prose in corpus_prose(corpus):
        for found in find_personal_data(prose.text):
            where = prose.location(found.start)
            seen.add((where.path, where.line, found.code, found.masked))
            message = _message(found, _where(prose), prose.markdown)
            yield diagnostic(found.code, where, message)
    # Link targets are no prose, but the page carries them (`<a@b.cn>` is only a target).
    for path, body in markdown_texts(corpus):
        if "@" not in body.markdown and "tel:" not in body.markdown:
            continue
        if corpus.scope is not None and path not in corpus.scope:
            continue
        for link in links(body.markdown):
            found = find_in_link(link.href)
            if found is None:
                continue
            where = Location(path, body.line + link.line - 1, link.column)
            if (path, where.line, found.code, found.masked) in seen:
                continue  # its visible text, the same address, is reported already
            message = _message(found, "链接", True)
            yield diagnostic(found.code, where, message)
