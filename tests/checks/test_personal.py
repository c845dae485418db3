"""Personal data (checks/personal.py): what is found, what is not, and that no message ever
carries the number itself.

Every ID here is made up: a province code with a city code that does not exist (1499xx),
its check digit computed by stdnum, so no real person's number is in the tests.
"""

from __future__ import annotations

import time

import pytest
from stdnum import luhn
from stdnum.cn import ric

from build_tools.checks.personal import find_in_link, find_personal_data
from tests.checks.test_bad_input import _apply
from tests.conftest import FIXTURES


def fake_id(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


def fake_card(first: str) -> str:
    return first + luhn.calc_check_digit(first)


ID = fake_id("14990119850315123")  # 149901198503151232
ID_X = "14990119900101104X"
CARD = fake_card("629999000000001")  # 6299990000000017


def codes(text: str) -> list[tuple[str, str, str]]:
    """(code, the text found, masked) for each finding."""
    return [(f.code, text[f.start : f.end], f.masked) for f in find_personal_data(text)]


def test_the_made_up_numbers_are_what_the_tests_think():
    assert ric.calc_check_digit(ID) == ID[-1] and ric.calc_check_digit(ID_X) == "X"
    assert luhn.is_valid(CARD)


# -- resident ID numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found", "masked"),
    [
        (f"身份证号码{ID}。", ID, "149901********1232"),
        (f"号码 {ID} 已登记", ID, "149901********1232"),
        (f"{ID}", ID, "149901********1232"),
        (f"证号{ID_X}，", ID_X, "149901********104X"),
        (f"证号{ID_X.lower()}，", ID_X.lower(), "149901********104X"),
        (
            f"证号 {ID[:6]} {ID[6:14]} {ID[14:]}",
            f"{ID[:6]} {ID[6:14]} {ID[14:]}",
            "149901********1232",
        ),
        # typed with an input method, in full-width digits
        ("号码" + ID.translate(str.maketrans("0123456789", "０１２３４５６７８９")), None, None),
        ("身份证号：149901850315123", "149901850315123", "149901*****5123"),
    ],
)
def test_ids_are_found_and_masked(text, found, masked):
    [(code, what, shown)] = codes(text)
    assert code == "E-PII-ID"
    if found is not None:
        assert (what, shown) == (found, masked)
    else:
        assert shown == "149901********1232"


@pytest.mark.parametrize(
    "text",
    [
        f"档案编号{ID[:-1]}3",  # check digit wrong
        f"编号{fake_id('14990119850230123')}",  # 2 月 30 日
        f"编号{fake_id('14990120991231123')}",  # born in the future
        f"编号{fake_id('99990119850315123')}",  # no such province
        f"编号{ID}5",  # 19 digits
        f"编号9{ID}",
        f"专利号ZL{ID}",
        f"流水号{ID}.5",
        "编号149901850315123",  # 15 digits, no 身份证 before it
        "身份证号：149901851315123",  # 15 digits, month 13
    ],
)
def test_numbers_that_only_look_like_ids_are_not(text):
    assert [c for c in codes(text) if c[0] == "E-PII-ID"] == []


# -- phones -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("手机13900001234。", "139****1234"),
        ("手机 13900001234 随时打", "139****1234"),
        ("手机139 0000 1234，", "139****1234"),
        ("手机139-0000-1234，", "139****1234"),
        ("拨打+86 139-0000-1234", "139****1234"),
        ("拨打+8613900001234", "139****1234"),
        ("拨打008613900001234", "139****1234"),
        ("手机１３９００００１２３４", "139****1234"),
        ("调度室0351-6123456。", "0351-*****56"),
        ("调度室 0351 6123456。", "0351-*****56"),
        ("调度室(0351)6123456", "0351-*****56"),
        ("调度室（0351）6123456转801", "0351-*****56"),
        ("总机010-62345678-8001", "010-******78"),
        ("电话021-52345678", "021-******78"),
    ],
)
def test_phones_are_found_and_masked(text, masked):
    [(code, _, shown)] = codes(text)
    assert (code, shown) == ("E-PII-PHONE", masked)


@pytest.mark.parametrize(
    "text",
    [
        "2008-01-15这一天",
        "1953-1958年",
        "1953—1958年",
        "12306智能化工作面",
        "专利号ZL201510234567.8",
        "专利号ZL 2018 2 0123456.7",
        "出厂编号SN13900001234",
        "型号MG500/1180-WD",
        "139000012345",  # 12 digits
        "1390000123",  # 10 digits
        "12900001234",  # no mobile starts 12
        "139 00001 234",  # not 3-4-4
        "139-0000 1234",  # separators mixed
        "累计产原煤13800000000吨",
        "投资15000000000元",
        "1,200,000元",
        "2.13900001234",
        "03516123456",  # no separator: any 11 digits
        "010-12345678",  # subscriber numbers never start 1
        "0351-0123456",
        "2024-0315001",
        "内线8801、6123",
        "20240315001",
    ],
)
def test_numbers_that_only_look_like_phones_are_not(text):
    assert codes(text) == []


# -- bank cards ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"银行卡号{CARD}", "6299********0017"),
        (f"工资卡账号：{CARD[:4]} {CARD[4:8]} {CARD[8:12]} {CARD[12:]}", "6299********0017"),
        (f"账户 {CARD[:4]}-{CARD[4:8]}-{CARD[8:12]}-{CARD[12:]}", "6299********0017"),
        (f"卡号为（东山支行）{fake_card('622848000000000012')}", "6228***********0125"),
    ],
)
def test_cards_are_found_and_masked(text, masked):
    [(code, _, shown)] = codes(text)
    assert (code, shown) == ("E-PII-BANK", masked)


@pytest.mark.parametrize(
    "text",
    [
        f"设备资产编号{CARD}",  # Luhn, but nothing says it is a card
        f"银行卡号{CARD[:-1]}8",  # near 卡号, but fails Luhn
        f"银行卡号已经注销，这一段很长很长很长很长很长很长，{CARD}",  # 卡号 too far back
        f"账号{CARD[:4]} {CARD[4:8]}-{CARD[8:12]} {CARD[12:]}",  # separators mixed
    ],
)
def test_numbers_that_only_look_like_cards_are_not(text):
    assert [c for c in codes(text) if c[0] == "E-PII-BANK"] == []


def test_an_id_after_a_card_word_is_an_id():
    [(code, _, _)] = codes(f"账户持有人证件{ID}")
    assert code == "E-PII-ID"


# -- e-mail -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found", "masked"),
    [
        ("来稿请寄zhang.san@example.com。", "zhang.san@example.com", "z***@example.com"),
        (
            "邮箱 li_si+news@mail.example.com.cn，",
            "li_si+news@mail.example.com.cn",
            "l***@mail.example.com.cn",
        ),
        ("QQ邮箱12345678@example.com", "12345678@example.com", "1***@example.com"),
        ("邮箱ｗａｎｇ＠example.com", None, "w***@example.com"),
    ],
)
def test_emails_are_found_and_masked(text, found, masked):
    [(code, what, shown)] = codes(text)
    assert (code, shown) == ("E-PII-EMAIL", masked)
    assert found is None or what == found


@pytest.mark.parametrize("text", ["@王师傅 点赞", "a@b", "邮箱地址略", "见 @example.com"])
def test_what_only_looks_like_an_email_is_not(text):
    assert codes(text) == []


def test_link_targets():
    assert find_in_link("mailto:li.si@example.com?subject=x").masked == "l***@example.com"
    assert find_in_link("MAILTO:li.si%40example.com").masked == "l***@example.com"
    assert find_in_link("tel:+86-139-0000-1234").masked == "139****1234"
    assert find_in_link("tel:110") is None
    assert find_in_link("https://example.com/a@b.cn") is None


# -- the check ----------------------------------------------------------------------------------


def test_several_in_one_text_in_order():
    text = f"郭师傅，手机13900001234，身份证{ID}，邮箱guo@example.com，银行卡号{CARD}。"
    assert [c[0] for c in codes(text)] == ["E-PII-PHONE", "E-PII-ID", "E-PII-EMAIL", "E-PII-BANK"]


def test_no_message_carries_the_value(valid_tree, run_check):
    raw = (
        "149901198503151232",
        "149901850315123",
        "14990119900101104X",
        "13900001234",
        "139 0000 1234",
        "6123456",
        "6299990000000017",
        "6299 9900 0000 0017",
        "6228480000000000125",
        "zhang.san",
        "li.si",
        "wang.wu",
        "zhao.liu",
    )
    for name in ("pii-id", "pii-phone", "pii-bank", "pii-email"):
        _apply(FIXTURES / "bad" / name, valid_tree)
    found = [d for d in run_check(valid_tree).diagnostics if d["code"].startswith("E-PII")]
    assert len(found) >= 16
    for d in found:
        assert not any(value in d["message"] for value in raw), d


def test_a_link_whose_text_is_its_address_is_reported_once(valid_tree, run_check):
    _apply(FIXTURES / "bad" / "pii-email", valid_tree)
    found = [d for d in run_check(valid_tree).diagnostics if d["line"] == 16]
    assert [d["code"] for d in found] == ["E-PII-EMAIL"]


def test_exemption_comments_are_what_keeps_the_exempted_case_clean(valid_tree, run_check):
    _apply(FIXTURES / "clean" / "pii-exempted", valid_tree)
    story = valid_tree / "stories/red/pii-exempted.md"
    text = story.read_text(encoding="utf-8")
    story.write_text(
        text.replace("  # culture: ignore E-PII-EMAIL", "").replace(
            "[//]: # (culture: ignore E-PII-EMAIL E-PII-PHONE)\n", ""
        ),
        encoding="utf-8",
    )
    run = run_check(valid_tree)
    assert sorted(run.codes()) == ["E-PII-EMAIL", "E-PII-EMAIL", "E-PII-PHONE"]
    assert run.code == 1


def test_the_family_can_be_switched_off(valid_tree, run_check):
    _apply(FIXTURES / "bad" / "pii-phone", valid_tree)
    (valid_tree / "culture.yml").write_text("checks:\n  personal_data: off\n", encoding="utf-8")
    assert not [c for c in run_check(valid_tree).codes() if c.startswith("E-PII")]


def test_fast_on_text_without_numbers():
    text = "那年七月，东山坡上还是一片荒地。1958年，矿区开工。" * 200
    started = time.perf_counter()
    for _ in range(1000):
        find_personal_data(text)
    assert time.perf_counter() - started < 2.0
