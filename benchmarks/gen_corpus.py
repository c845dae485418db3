"""Generate a synthetic content tree for benchmarking the publishing pipeline.

Usage:
    python benchmarks/gen_corpus.py N OUT_DIR [--seed S]

Writes ``OUT_DIR/stories/`` (and nothing else) as a tree that is valid under
CONTENT-SPEC.md v1:

- ``units.yml`` (30 units, some with parents, short names and aliases) and ``themes.yml``
  (20 themes);
- N stories ``red/story-00001.md`` …, N/10 craftsman profiles, max(1, N/1000) halls with
  4 zones and about 40 panels each, max(2, N/500) collections of 10 published items each.

Text is Simplified Chinese, put together from the small vocabulary below with
``random.Random(seed)``, so the same N and seed always give the same tree, byte for byte.
About 90% of items are published; a published item only references published ones, and
every reference names an id that exists. No images are written (image fields are optional).

Only the standard library is used. YAML is written by hand: every string is double-quoted
with ``json.dumps`` (a JSON string is a valid YAML double-quoted scalar); dates are left
unquoted, the way editors write them (``1958``, ``1958-07``, ``1958-07-01``).

OUT_DIR/stories must not exist yet or be empty, so that a tree is never mixed with the
leftovers of an earlier run.
"""

from __future__ import annotations

import argparse
import calendar
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import Any

MIN_STORIES = 20  # below this there are too few published items to fill a collection
PUBLISHED_SHARE = 0.9
BODY_MIN, BODY_MAX = 600, 1500  # characters in a story or profile body
PARAGRAPH_MAX = 260  # characters in one paragraph of a body
PANELS_PER_ZONE = (9, 11)
COLLECTION_SIZE = 10
YEAR_MIN, YEAR_MAX = 1950, 2025
# Panel text caps in characters, punctuation included, so that they sit safely under the
# spec's budgets in Chinese characters (intro 500, section 300, exhibit 200); panel titles
# are at most 12 characters by construction (the budget is 20).
PANEL_BODY_CAP = {"intro": 450, "section": 270, "exhibit": 180}
NARRATION_CAP = 390  # under 400 characters, i.e. under two minutes at 220 a minute

STATUSES_UNPUBLISHED = ("draft", "review")
ZONE_LETTERS = "ABCDEFGH"

# --- organisational units and themes ---------------------------------------------------

# (id, name, short, parent, aliases)
UNITS: tuple[tuple[str, str, str | None, str | None, tuple[str, ...]], ...] = (
    ("group", "晋泰能源集团", "集团公司", None, ("晋泰矿务局", "晋泰煤业公司")),
    ("mine-1", "第一煤矿", "一矿", "group", ("红星煤矿",)),
    ("mine-1-fully-mech", "第一煤矿综采队", "一矿综采队", "mine-1", ()),
    ("mine-1-tunneling", "第一煤矿掘进队", "一矿掘进队", "mine-1", ()),
    ("mine-1-electromech", "第一煤矿机电队", "一矿机电队", "mine-1", ()),
    ("mine-2", "第二煤矿", "二矿", "group", ("东岭煤矿",)),
    ("mine-2-fully-mech", "第二煤矿综采队", "二矿综采队", "mine-2", ()),
    ("mine-2-ventilation", "第二煤矿通风队", "二矿通风队", "mine-2", ()),
    ("mine-3", "第三煤矿", "三矿", "group", ("西沟煤矿",)),
    ("mine-3-tunneling", "第三煤矿掘进队", "三矿掘进队", "mine-3", ()),
    ("mine-4", "第四煤矿", "四矿", "group", ("南山煤矿", "南山井")),
    ("mine-4-transport", "第四煤矿运输队", "四矿运输队", "mine-4", ()),
    ("mine-5", "第五煤矿", "五矿", "group", ()),
    ("power-1", "第一发电厂", "一电厂", "group", ("河湾电厂",)),
    ("power-1-operations", "第一发电厂运行部", "一电厂运行部", "power-1", ()),
    ("power-1-maintenance", "第一发电厂检修部", "一电厂检修部", "power-1", ()),
    ("power-2", "第二发电厂", "二电厂", "group", ()),
    ("washery", "洗选中心", None, "group", ("中心选煤厂",)),
    ("machinery", "机电修造厂", "修造厂", "group", ("机修厂",)),
    ("machinery-casting", "机电修造厂铸造车间", "铸造车间", "machinery", ()),
    ("railway", "铁路运输公司", "运输公司", "group", ("矿务局运输处",)),
    ("railway-locomotive", "铁路运输公司机务段", "机务段", "railway", ()),
    ("new-energy", "新能源公司", None, "group", ()),
    ("new-energy-solar", "新能源公司光伏电站", "光伏电站", "new-energy", ()),
    ("rescue-brigade", "矿山救护大队", "救护队", "group", ()),
    ("research", "煤炭科学研究所", "科研所", "group", ("技术研究室",)),
    ("hospital", "职工医院", None, "group", ("矿务局医院",)),
    ("training", "职工培训中心", "培训中心", "group", ("技工学校",)),
    ("property", "物业服务公司", "物业公司", "group", ()),
    ("union", "集团公司工会", "工会", "group", ()),
)

# (name, slug, description)
THEMES: tuple[tuple[str, str, str], ...] = (
    ("艰苦创业", "pioneering", "建矿建厂初期，在一穷二白中打下基业的故事。"),
    ("党建引领", "party-building", "党组织和党员在关键时刻发挥作用的故事。"),
    ("安全生产", "safety", "把安全放在第一位的人和事。"),
    ("科技创新", "innovation", "技术革新、攻关和发明创造。"),
    ("工匠精神", "craftsmanship", "精益求精、执着专注的手艺人。"),
    ("抢险救灾", "rescue", "危急时刻挺身而出。"),
    ("绿色发展", "green", "治理塌陷区、节能减排和新能源转型。"),
    ("劳动模范", "model-workers", "各级劳动模范和先进工作者。"),
    ("师徒传承", "mentorship", "师傅带徒弟，手艺代代相传。"),
    ("爱岗敬业", "dedication", "平凡岗位上的坚守。"),
    ("改革攻坚", "reform", "体制改革、转型发展中的担当。"),
    ("志愿服务", "volunteering", "职工志愿者、帮扶和公益。"),
    ("团结协作", "teamwork", "班组之间、工友之间拧成一股绳。"),
    ("扶贫帮困", "poverty-relief", "结对帮扶、送温暖和助学。"),
    ("青年突击", "youth-commando", "青年突击队和青年岗位能手。"),
    ("家风传承", "family-values", "几代人扎根矿山的家庭故事。"),
    ("节能降耗", "energy-saving", "省下每一度电、每一吨煤。"),
    ("智能矿山", "smart-mining", "自动化、信息化和无人值守。"),
    ("廉洁自律", "integrity", "清清白白做事、干干净净做人。"),
    ("职工文化", "workers-culture", "文艺、体育和读书活动。"),
)

# --- vocabulary ------------------------------------------------------------------------


def words(text: str) -> tuple[str, ...]:
    """A vocabulary list written as space-separated words."""
    return tuple(text.split())


SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶贺顾"
)
GIVEN = (
    "建国志强国华秀英海军红梅振华玉兰德明桂芳永胜立新春生文涛宝山金凤俊峰晓东秋云铁柱瑞林"
    "卫东丽萍长青明亮福生素珍学军新民慧敏宏伟占山银花世昌"
)
TIMES = words(
    "那年冬天 天刚蒙蒙亮 交接班的时候 连续三个昼夜 会战最紧张的日子里 一场暴雨过后 深夜十一点多 "
    "开春以后 第二天一早 检修间隙 年底冲刺阶段 刚参加工作那会儿 条件最艰苦的时候 任务下达的当天 "
    "试运行的前一晚 入汛以后"
)
SUBJECTS = words(
    "{name} {name} {name} {name}和几名老师傅 {name}带着青年突击队 全队党员 技术员们 班组的小伙子们 "
    "{name}的徒弟们 闻讯赶来的职工 机电队的同志们 老矿工们"
)
ACTIONS = words(
    "扛着工具下到井底 守在设备旁边寸步不离 趴在图纸上反复琢磨 一遍遍测量巷道数据 "
    "顶着风雪抢修供电线路 把铺盖搬进了工房 摸黑排查每一处隐患 用土办法改造旧机器 "
    "在工作面上轮班作业 把故障部件拆开重装 冒着淋水清理积煤 对照说明书逐条试验 "
    "步行几十里去兄弟单位取经 连夜赶制急需的配件 把数据抄满了三个笔记本"
)
RESULTS = words(
    "硬是把耽误的进度抢了回来 终于找到了故障的根源 保证了当月按时出煤 让大家悬着的心落了地 "
    "创下了当时的单班纪录 为后来的技术改造打下了基础 没有发生一起安全事故 把损失降到了最低 "
    "让设备重新转了起来 赢得了全矿职工的称赞 节省了一大笔外购费用 把一道难题变成了一项成果"
)
DETAILS = words(
    "{name}把每一次检修都记在一个小本子上，几十年下来攒了厚厚一摞。 "
    "工友们都说，跟着{name}干活，心里踏实。 {name}常说，手上的活儿骗不了人。 "
    "为了摸清设备的脾气，{name}常常在井下一待就是十几个小时。 "
    "那时候没有现成的经验，一切都要从头学起。 食堂的师傅把热腾腾的饭菜一直送到了井口。 "
    "家里人起初并不理解，后来也成了最坚定的支持者。 这套办法后来在全集团推广开来。"
)
REFLECTIONS = words(
    "多年以后说起这段经历，大家总是轻描淡写。 这样的日子，在当年并不少见。 "
    "那份踏实和执着，一直被后来人记在心里。 许多细节已经记不清了，但那股劲头谁也忘不了。 "
    "这件事后来被写进了矿志。 如今，当年的老设备早已退役，这段故事却一直流传下来。"
)
QUOTES = words(
    "“设备不会说话，可它哪儿不舒服，你得比它先知道。” “安全这根弦，一刻也不能松。” "
    "“活儿交到我手里，就得干出个样子来。” “师傅怎么教我的，我就怎么教徒弟。” "
    "“困难是有的，办法总比困难多。” “多流一滴汗，少出一次错。”"
)
HEADINGS = words(
    "最难的那一夜 一次次试验 师徒之间 不服输的劲头 困难面前 后来的事 传下去的手艺 关键时刻 "
    "从零开始 一本工作笔记 井下的灯光"
)
PLACES = words(
    "第一煤矿二号井 东翼采区 井下四百米水平 选煤楼 铁路专用线 电厂主控室 机修车间 塌陷区复垦地 "
    "救护队训练场 工业广场 南山井口 光伏电站工地"
)
NOUNS = words(
    "不眠之夜 第一锹土 那盏矿灯 一张图纸 最后一班岗 老钳台 接力棒 四十八小时 一封家书 坚守 新线路 "
    "第一度电 红旗"
)
EVENTS = words(
    "井下抢险 首台综采机组投运 大修攻坚 铁路专用线通车 新井开工 救护演练 塌陷区复垦 "
    "技术革新小组成立 电厂并网发电 安全生产一千天"
)
POSSESSIONS = words("他的老钳台 一本工作日志 那台老绞车 三代矿工的家 一把自制扳手")
ROLES = words(
    "采煤机司机 电工 钳工 掘进工 调度员 安全员 绞车司机 技术员 班长 锅炉工 巷修工 焊工 检修工 "
    "通风工 救护队员"
)
SKILLS = words(
    "液压支架故障诊断 采煤机电气检修 变频调速调试 锅炉燃烧调整 焊接工艺 通风系统测定 "
    "皮带机安装调试 机车检修 继电保护整定 瓦斯检测 数控加工"
)
DEVICES = words("皮带机 液压支架 采煤机 绞车 刮板输送机 水泵 锅炉给水泵 机车")
DEVICE_PARTS = words("防跑偏装置 快速拆装工具 在线监测装置 密封结构 保护电路 润滑系统")
HONORS = (
    ("全国劳动模范", "国家级"),
    ("全国五一劳动奖章", "国家级"),
    ("省劳动模范", "省部级"),
    ("省技术能手", "省部级"),
    ("集团公司技术能手", "集团级"),
    ("集团公司首席技师", "集团级"),
    ("公司优秀共产党员", "公司级"),
    ("公司安全生产标兵", "公司级"),
)
SOURCES = words("据口述整理 据档案整理 据当年报道整理 据矿志记载整理 据家属回忆整理")
AUTHOR_DEPTS = words("党委宣传部 集团公司工会 团委 档案馆")
HALL_KINDS = words("企业文化展厅 矿史展览馆 劳模精神展厅 安全教育展厅 工匠精神展厅")
LOCATIONS = words("办公楼一层 职工活动中心二层 档案馆一层 培训中心三层 工业广场东侧")
ZONES = (
    ("origins", "创业篇"),
    ("struggle", "奋斗篇"),
    ("craftsmanship", "匠心篇"),
    ("safety", "安全篇"),
    ("innovation", "创新篇"),
    ("green", "绿色篇"),
    ("heritage", "传承篇"),
    ("future", "未来篇"),
)
ZONE_PHRASES = words("从零起步 风雨兼程 薪火相传 攻坚克难 守护平安 向新而行")
EXHIBITS = words(
    "老式矿灯 手摇电话机 采煤机模型 劳模奖章 工作笔记本 安全帽 手绘巷道图 自制扳手 奖状 老照片集 "
    "计量工具箱 井下信号铃"
)
MATERIALS = words("铁 铜 纸 木 布 塑料 钢")
EXHIBIT_LEADS = words(
    "这件{item}见证了矿山最艰苦的岁月。 {item}是当年井下常见的物件，如今已很难见到。 "
    "这件{item}由职工家属捐赠，保存得相当完好。 {item}上的每一道磨痕，都是一段工作的记忆。"
)
CN_DIGITS = "零一二三四五六七八九"
# The most one step of Prose.body can add: "## heading", "> quote" and a paragraph, each
# followed by a blank line. Aiming that far below BODY_MAX keeps every body within it.
BODY_STEP_MAX = (
    len("## \n\n> \n\n\n\n") + max(map(len, HEADINGS)) + max(map(len, QUOTES)) + PARAGRAPH_MAX
)


@dataclass(frozen=True, slots=True)
class Ref:
    """A story or craftsman as other items see it: id, name (craftsmen only), published."""

    id: str
    name: str
    published: bool


class YamlDate(str):
    """A date that is written unquoted, at the precision it was made with."""

    __slots__ = ()


# --- YAML by hand ----------------------------------------------------------------------


def scalar(value: Any) -> str:
    """One YAML scalar: strings double-quoted (JSON syntax), dates and numbers bare."""
    if isinstance(value, YamlDate):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    raise TypeError(f"no YAML form for {value!r}")


def yaml_mapping(data: dict[str, Any], indent: int = 0) -> list[str]:
    """Block mapping lines; keys whose value is None or empty are left out."""
    pad = " " * indent
    lines: list[str] = []
    for key, value in data.items():
        if value is None or value == [] or value == {}:
            continue
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            lines.extend(yaml_mapping(value, indent + 2))
        elif isinstance(value, list) and isinstance(value[0], dict):
            lines.append(f"{pad}{key}:")
            lines.extend(yaml_sequence(value, indent + 2))
        elif isinstance(value, list):
            lines.append(f"{pad}{key}: [{', '.join(scalar(item) for item in value)}]")
        else:
            lines.append(f"{pad}{key}: {scalar(value)}")
    return lines


def yaml_sequence(items: Sequence[dict[str, Any]], indent: int = 0) -> list[str]:
    """Block sequence of mappings, each item starting with '- '."""
    pad = " " * indent
    lines: list[str] = []
    for item in items:
        sub = yaml_mapping(item, indent + 2)
        sub[0] = f"{pad}- {sub[0].lstrip()}"
        lines.extend(sub)
    return lines


def markdown_file(front: dict[str, Any], body: str) -> str:
    """A Markdown file with YAML front matter."""
    return "---\n" + "\n".join(yaml_mapping(front)) + "\n---\n\n" + body + "\n"


# --- random building blocks ------------------------------------------------------------


def assign_statuses(rng: Random, count: int) -> list[str]:
    """Exactly round((1 - PUBLISHED_SHARE) * count) drafts/reviews, the rest published."""
    statuses = ["published"] * count
    for index in rng.sample(range(count), round((1 - PUBLISHED_SHARE) * count)):
        statuses[index] = rng.choice(STATUSES_UNPUBLISHED)
    return statuses


def full_date(rng: Random, first_year: int, last_year: int) -> YamlDate:
    """A real calendar day between the two years, inclusive."""
    year = rng.randint(first_year, last_year)
    month = rng.randint(1, 12)
    day = rng.randint(1, calendar.monthrange(year, month)[1])
    return YamlDate(f"{year:04d}-{month:02d}-{day:02d}")


def mixed_date(rng: Random, first_year: int, last_year: int) -> YamlDate:
    """A date at year, month or day precision, as historical sources give them."""
    text = full_date(rng, first_year, last_year)
    roll = rng.random()
    return YamlDate(text[:4] if roll < 0.4 else text[:7] if roll < 0.65 else text)


def person_name(rng: Random) -> str:
    """Surname plus a one- or two-character given name: 2 or 3 characters."""
    given = rng.choice(GIVEN)
    if rng.random() >= 0.25:
        second = rng.choice(GIVEN)
        while second == given:  # no doubled character such as 国国
            second = rng.choice(GIVEN)
        given += second
    return rng.choice(SURNAMES) + given


def unique_names(rng: Random, count: int) -> list[str]:
    """Distinct person names (the vocabulary allows some 300,000)."""
    seen: set[str] = set()
    names: list[str] = []
    while len(names) < count:
        name = person_name(rng)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def chinese_number(number: int) -> str:
    """1–99 in Chinese numerals (第十二辑); larger numbers stay Arabic."""
    if not 0 < number < 100:
        return str(number)
    tens, ones = divmod(number, 10)
    text = ("" if tens == 1 else CN_DIGITS[tens]) + "十" if tens else ""
    return text + (CN_DIGITS[ones] if ones else "")


def fitted(make: Callable[[], str], low: int, high: int, fallback: str) -> str:
    """The first text from make() whose length is within [low, high]."""
    for _ in range(50):
        text = make()
        if low <= len(text) <= high:
            return text
    return fallback


class Prose:
    """Chinese sentences, paragraphs and bodies from the vocabulary, driven by one Random."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng

    def sentence(self, name: str) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.15:
            return rng.choice(DETAILS).format(name=name)
        if roll < 0.22:
            return rng.choice(REFLECTIONS)
        result = rng.choice(RESULTS)
        if rng.random() < 0.05:
            result = f"**{result}**"
        subject = rng.choice(SUBJECTS).format(name=name)
        return f"{rng.choice(TIMES)}，{subject}{rng.choice(ACTIONS)}，{result}。"

    def paragraph(self, name: str, max_len: int, sentences: int) -> str:
        """Up to `sentences` sentences, never longer than max_len, at least one sentence."""
        text = self.sentence(name)
        for _ in range(sentences - 1):
            nxt = self.sentence(name)
            if len(text) + len(nxt) > max_len:
                break
            text += nxt
        return text

    def body(self, name: str) -> str:
        """Several paragraphs with a ## subheading, BODY_MIN–BODY_MAX characters in all."""
        rng = self.rng
        target = rng.randint(BODY_MIN, BODY_MAX - BODY_STEP_MAX)
        heading_at = rng.randint(1, 2)
        quote_at = rng.randint(2, 4) if rng.random() < 0.4 else -1
        blocks: list[str] = []
        total = -2  # no blank line before the first block
        index = 0
        while total < target:
            if index == heading_at:
                blocks.append("## " + rng.choice(HEADINGS))
            if index == quote_at:
                blocks.append("> " + rng.choice(QUOTES))
            blocks.append(self.paragraph(name, PARAGRAPH_MAX, rng.randint(3, 5)))
            total = sum(len(block) + 2 for block in blocks) - 2
            index += 1
        return "\n\n".join(blocks)

    def story_title(self, name: str, unit_short: str) -> str:
        rng = self.rng
        templates = (
            lambda: f"{rng.choice(PLACES)}的{rng.choice(NOUNS)}",
            lambda: f"{name}和{rng.choice(POSSESSIONS)}",
            lambda: f"{rng.choice(EVENTS)}——记{unit_short}{rng.choice(ROLES)}{name}",
            lambda: f"{rng.randint(YEAR_MIN, YEAR_MAX)}年，{rng.choice(EVENTS)}",
            lambda: f"{rng.choice(TIMES)}的{rng.choice(NOUNS)}",
        )
        return fitted(lambda: rng.choice(templates)(), 8, 25, f"{name}和{POSSESSIONS[0]}")

    def summary(self, lead: str, name: str) -> str:
        """40–110 characters: an opening clause about lead, then a sentence or two."""
        rng = self.rng

        def make() -> str:
            text = f"{lead}{rng.choice(ACTIONS)}，{rng.choice(RESULTS)}。"
            goal = rng.randint(40, 100)
            while len(text) < goal:
                text += rng.choice(DETAILS + REFLECTIONS).format(name=name)
            return text

        return fitted(make, 40, 110, f"{lead}{ACTIONS[0]}，{RESULTS[0]}。{REFLECTIONS[0]}")


# --- items -----------------------------------------------------------------------------


def units_yaml() -> str:
    items = [
        {"id": uid, "name": name, "short": short, "parent": parent, "aliases": list(aliases)}
        for uid, name, short, parent, aliases in UNITS
    ]
    header = "# 单位目录（基准测试用合成数据）"
    return header + "\n" + "\n".join(yaml_sequence(items)) + "\n"


def themes_yaml() -> str:
    items = [{"name": n, "slug": s, "description": d} for n, s, d in THEMES]
    return "# 主题词表（基准测试用合成数据）\n" + "\n".join(yaml_sequence(items)) + "\n"


def unit_label(unit_index: int) -> str:
    """The name a sentence uses for a unit: its short name when it has one."""
    _, name, short, _, _ = UNITS[unit_index]
    return short or name


def craftsman_file(prose: Prose, ref: Ref, status: str) -> str:
    rng = prose.rng
    unit_index = rng.randrange(1, len(UNITS))
    position = rng.choice(ROLES)
    start = rng.randint(YEAR_MIN, 2005)
    last = min(YEAR_MAX, start + 40)
    honors = [
        {"title": title, "year": rng.randint(start + 3, last), "level": level}
        for title, level in rng.sample(HONORS, rng.randint(0, 3))
    ]
    patents = [
        {
            "number": f"ZL{year}{rng.choice('12')}{rng.randint(0, 9_999_999):07d}.{rng.randint(0, 9)}",
            "title": f"一种{rng.choice(DEVICES)}{rng.choice(DEVICE_PARTS)}",
            "year": year,
        }
        for year in sorted(
            rng.randint(max(start, 1990), YEAR_MAX) for _ in range(rng.randint(0, 2))
        )
    ]
    achievements = [
        {"year": rng.randint(start, last), "title": f"{rng.choice(DEVICES)}{rng.choice(EVENTS)}"}
        for _ in range(rng.randint(0, 3))
    ]
    front = {
        "name": ref.name,
        "unit": UNITS[unit_index][0],
        "position": position,
        "honors": honors,
        "skills": rng.sample(SKILLS, rng.randint(1, 3)),
        "patents": patents,
        "achievements": achievements,
        "studio": f"{ref.name}劳模创新工作室" if honors and rng.random() < 0.5 else None,
        "motto": rng.choice(QUOTES).strip("“”") if rng.random() < 0.6 else None,
        "summary": prose.summary(f"{unit_label(unit_index)}{position}{ref.name}", ref.name),
        "status": status,
        "aliases": [f"old-{ref.id}"] if rng.random() < 0.05 else [],
    }
    return markdown_file(front, prose.body(ref.name))


def pick_craftsmen(rng: Random, published: bool, pool: list[Ref], public: list[Ref]) -> list[Ref]:
    """0–2 profiles a story mentions; a published story mentions only published ones."""
    candidates = public if published else pool
    count = min(len(candidates), rng.choice((0, 0, 1, 1, 2)))
    return rng.sample(candidates, count)


def story_file(prose: Prose, ref: Ref, status: str, mentioned: list[Ref]) -> str:
    rng = prose.rng
    unit_index = rng.randrange(len(UNITS))
    others = [person_name(rng) for _ in range(rng.randint(0, 3))]
    hero = mentioned[0].name if mentioned else (others[0] if others else person_name(rng))
    date = mixed_date(rng, YEAR_MIN, YEAR_MAX)
    year = int(date[:4])
    published_on = None
    if status == "published" and year < YEAR_MAX:
        published_on = full_date(rng, max(year + 1, 2012), YEAR_MAX)
    elif status == "published":  # never before the events themselves
        published_on = YamlDate(f"{YEAR_MAX}-12-31")
    label = unit_label(unit_index)
    front = {
        "title": prose.story_title(hero, label),
        "subtitle": f"记{label}{rng.choice(ROLES)}{hero}" if rng.random() < 0.2 else None,
        "date": date,
        "place": rng.choice(PLACES) if rng.random() < 0.7 else None,
        "unit": UNITS[unit_index][0] if rng.random() < 0.85 else None,
        "craftsmen": [c.id for c in mentioned],
        "people": others,
        "themes": [t[0] for t in rng.sample(THEMES, rng.randint(1, 5))],
        "summary": prose.summary(f"{rng.choice(TIMES)}，{label}的{hero}", hero),
        "source": rng.choice(SOURCES) if rng.random() < 0.6 else None,
        "author": rng.choice(AUTHOR_DEPTS) if rng.random() < 0.5 else person_name(rng),
        "status": status,
        "published": published_on,
        "aliases": [f"old-{ref.id}"] if rng.random() < 0.05 else [],
    }
    return markdown_file(front, prose.body(hero))


def hall_yaml(prose: Prose, zones: list[tuple[str, str]]) -> str:
    rng = prose.rng
    data = {
        "name": unit_label(rng.randrange(len(UNITS))) + rng.choice(HALL_KINDS),
        "location": rng.choice(LOCATIONS),
        "opened": mixed_date(rng, 2005, YEAR_MAX),
        "intro": prose.paragraph("老一辈矿工", 300, 4) + "\n\n" + rng.choice(REFLECTIONS),
    }
    lines = [*yaml_mapping(data), "zones:"]
    lines += yaml_sequence([{"id": zid, "title": title} for zid, title in zones], 2)
    return "\n".join(lines) + "\n"


def exhibit_data(rng: Random) -> dict[str, Any]:
    return {
        "name": rng.choice(EXHIBITS),
        "year": rng.randint(YEAR_MIN, YEAR_MAX) if rng.random() < 0.8 else None,
        "material": rng.choice(MATERIALS) if rng.random() < 0.7 else None,
        "size": f"{rng.randint(5, 90)}×{rng.randint(5, 60)}厘米" if rng.random() < 0.6 else None,
        "origin": f"{person_name(rng)}捐赠" if rng.random() < 0.6 else None,
    }


def panel_title(rng: Random, kind: str, zone_title: str, exhibit: dict[str, Any]) -> str:
    if kind == "intro":
        return "前言"
    if kind == "section":
        return f"{zone_title}：{rng.choice(ZONE_PHRASES)}"
    return exhibit["name"] if rng.random() < 0.5 else f"{person_name(rng)}用过的{exhibit['name']}"


def panel_file(
    prose: Prose, number: str, zone: tuple[str, str], kind: str, status: str, related: list[str]
) -> str:
    rng = prose.rng
    exhibit = exhibit_data(rng) if kind == "exhibit" else {}
    cap = PANEL_BODY_CAP[kind]
    if kind == "exhibit":
        lead = rng.choice(EXHIBIT_LEADS).format(item=exhibit["name"])
        body = lead + prose.paragraph("老一辈矿工", cap - len(lead), 6)
    elif kind == "intro":
        body = "\n\n".join(prose.paragraph("老一辈矿工", cap // 2, 6) for _ in range(2))
    else:
        body = prose.paragraph("老一辈矿工", cap, 6)
    narration = None
    if rng.random() < 0.6:
        # Spoken text: no Markdown emphasis.
        spoken = prose.paragraph("老一辈矿工", rng.randint(120, NARRATION_CAP), 12)
        narration = spoken.replace("**", "")
    front = {
        "number": number,
        "zone": zone[0],
        "kind": kind,
        "title": panel_title(rng, kind, zone[1], exhibit),
        "exhibit": exhibit,
        "narration": narration,
        "related": related,
        "status": status,
    }
    return markdown_file(front, body)


def panel_kinds(rng: Random, zone_index: int, count: int) -> list[str]:
    """The hall opens with an intro, every other zone with a section panel."""
    first = "intro" if zone_index == 0 else "section"
    return [first] + ["exhibit" if rng.random() < 0.7 else "section" for _ in range(count - 1)]


def write_hall(
    prose: Prose, hall_dir: Path, hall_id: str, pool: list[Ref], public: list[Ref]
) -> int:
    """One hall folder; returns how many panels it has."""
    rng = prose.rng
    zones = rng.sample(ZONES, 4)
    text = hall_yaml(prose, zones)
    hall_dir.mkdir(parents=True)
    (hall_dir / "hall.yml").write_text(text, encoding="utf-8")
    plan = [
        (f"{ZONE_LETTERS[z]}-{n:02d}", zone, kind)
        for z, zone in enumerate(zones)
        for n, kind in enumerate(panel_kinds(rng, z, rng.randint(*PANELS_PER_ZONE)), start=1)
    ]
    for (number, zone, kind), status in zip(plan, assign_statuses(rng, len(plan)), strict=True):
        candidates = public if status == "published" else pool
        related = [r.id for r in rng.sample(candidates, min(len(candidates), rng.randint(0, 3)))]
        panel_id = f"{hall_id}-{number.lower()}"
        text = panel_file(prose, number, zone, kind, status, related)
        (hall_dir / f"{panel_id}.md").write_text(text, encoding="utf-8")
    return len(plan)


def collection_yaml(rng: Random, number: int, items: list[str]) -> str:
    theme = rng.choice(THEMES)[0]
    data = {
        "title": f"红色记忆（第{chinese_number(number)}辑）",
        "subtitle": f"{theme}故事选编",
        "editor": rng.choice(AUTHOR_DEPTS),
        "edition": YamlDate(full_date(rng, 2015, YEAR_MAX)[:7]),
        "foreword": f"本辑收录{len(items)}篇{theme}主题的故事和人物。\n\n{rng.choice(REFLECTIONS)}",
        "items": items,
    }
    lines = yaml_mapping(data)
    if rng.random() < 0.3:
        lines += yaml_mapping({"booklet": {"paper": "A5", "imposition": "saddle"}})
    return "\n".join(lines) + "\n"


# --- the tree --------------------------------------------------------------------------


def item_ids(prefix: str, count: int) -> list[str]:
    width = max(5, len(str(count)))
    return [f"{prefix}-{i:0{width}d}" for i in range(1, count + 1)]


def generate(count: int, root: Path, seed: int) -> dict[str, int]:
    """Write the whole tree under root (= OUT_DIR/stories); returns counts per kind."""
    rng = Random(seed)
    prose = Prose(rng)
    for sub in ("red", "craftsmen", "halls", "collections"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "units.yml").write_text(units_yaml(), encoding="utf-8")
    (root / "themes.yml").write_text(themes_yaml(), encoding="utf-8")

    craftsman_ids = item_ids("craftsman", count // 10)
    craftsman_status = assign_statuses(rng, len(craftsman_ids))
    craftsmen = [
        Ref(cid, name, status == "published")
        for cid, name, status in zip(
            craftsman_ids, unique_names(rng, len(craftsman_ids)), craftsman_status, strict=True
        )
    ]
    public_craftsmen = [c for c in craftsmen if c.published]
    for ref, status in zip(craftsmen, craftsman_status, strict=True):
        text = craftsman_file(prose, ref, status)
        (root / "craftsmen" / f"{ref.id}.md").write_text(text, encoding="utf-8")

    stories: list[Ref] = []
    for sid, status in zip(item_ids("story", count), assign_statuses(rng, count), strict=True):
        published = status == "published"
        mentioned = pick_craftsmen(rng, published, craftsmen, public_craftsmen)
        stories.append(Ref(sid, "", published))
        text = story_file(prose, stories[-1], status, mentioned)
        (root / "red" / f"{sid}.md").write_text(text, encoding="utf-8")

    pool = stories + craftsmen
    public = [ref for ref in pool if ref.published]
    halls = max(1, count // 1000)
    panels = 0
    for hall_id in (f"hall-{i:02d}" for i in range(1, halls + 1)):
        panels += write_hall(prose, root / "halls" / hall_id, hall_id, pool, public)

    collections = max(2, count // 500)
    for number in range(1, collections + 1):
        items = [ref.id for ref in rng.sample(public, COLLECTION_SIZE)]
        text = collection_yaml(rng, number, items)
        (root / "collections" / f"collection-{number:02d}.yml").write_text(text, encoding="utf-8")

    return {
        "stories": count,
        "craftsmen": len(craftsmen),
        "halls": halls,
        "panels": panels,
        "collections": collections,
        "units": len(UNITS),
        "themes": len(THEMES),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Write a synthetic stories/ tree for benchmarks.")
    parser.add_argument("count", metavar="N", type=int, help=f"number of stories (≥ {MIN_STORIES})")
    parser.add_argument("out_dir", metavar="OUT_DIR", type=Path, help="stories/ is written here")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    if args.count < MIN_STORIES:
        parser.error(f"N must be at least {MIN_STORIES} to fill the collections")
    root = args.out_dir / "stories"
    if root.exists() and any(root.iterdir()):
        parser.error(f"{root} already has files; remove it or choose another OUT_DIR")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    counts = generate(args.count, args.out_dir / "stories", args.seed)
    seconds = time.perf_counter() - started
    summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    print(f"wrote {summary} to {args.out_dir / 'stories'} in {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
