"""Quantitative and categorical targets: QUANTITY matches → (indicator, value, unit, qualifier, year).

For each QUANTITY match in a clause, the indicator is the text before it in
its comma-separated segment, less the time phrase, leading words such as
确保/力争 and the link verb (保持在, 稳定在, 下降到 …)::

    到2035年，生态保护红线和生态空间管控区域面积保持在1172.77平方千米以上
      → 生态保护红线和生态空间管控区域面积 | 1172.77 | 平方千米 | 以上 | 2035
    国省考断面水质优良比例95%左右        → … | 95 | % | 左右
    宝应湖水质稳定达到Ⅲ类                → 宝应湖水质 | Ⅲ类 | – | 稳定达到
    细颗粒物平均浓度优于国家目标          → … | null | – | 优于国家目标
    推动…料仓“全封闭”建设全覆盖          → …建设 | 全覆盖
    完成30个农村生活污水治理项目          → 农村生活污水治理项目 | 30 | 个 (value first: the
                                            indicator follows)

The year is that of the deadline in force at the value (``year_source``
"explicit"), or null: a target never takes a year it does not state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from indexer.extract import lexicon as lx
from indexer.extract.patterns import CharMatch, trie_regex
from indexer.extract.times import TimeInfo, describes_object

BOUNDARY = "，；。：！？\n｜"  # ｜ separates the cells of a table row


@dataclass
class FoundTarget:
    indicator: str
    value: float | int | str | None
    unit: str | None
    qualifier: str | None
    year: int | None
    year_source: str | None
    verb: str | None
    kind: str  # number | class | coverage | benchmark | outcome | frequency (not a target: how often)
    start: int  # absolute offsets of the evidence (indicator … value qualifier)
    end: int
    text: str
    respectively: bool = False  # the value follows 分别 (see split_respectively)
    change: str = ""  # 较2025年下降 / 增长: the change the value measures, part of the indicator's name


@lru_cache(maxsize=1)
def _words() -> dict:
    lex = lx.load()
    return {
        "link": lx.longest_first(lex.list("link_verbs")),
        "class": lx.longest_first(lex.list("class_verbs")),
        "pre": lex.mapping("pre_qualifiers"),
        "pre_words": lx.longest_first(lex.mapping("pre_qualifiers").keys()),
        "post": lex.mapping("post_qualifiers"),
        # 重点 is an adverb before a verb (重点推进) but part of an indicator (重点河湖水质优良比例)
        "trim": lx.longest_first(lex.list("indicator_trim") + [a for a in lex.list("adverbs") if a != "重点"]),
        "lead_verbs": lx.longest_first(lex.list("count_verbs")),
        "count_units": frozenset(lex.list("count_units")),
        "dimensionless": tuple(lex.list("dimensionless_heads")),
        "increment": tuple(lex.list("increment_heads")),
        "zai_words": tuple(lex.list("zai_words")),
        "change": tuple(lex.list("change_verbs")),
        "change_units": frozenset(lex.list("change_units")),
        "sanction": tuple(lex.list("sanction_verbs")),
    }


def _in_measure_name(t: CharMatch, text: str, offset: int, qs: int) -> bool:
    """定期检测率不低于90%: a recurrence word that is part of the measure's name (not 每年新增…)."""
    if t.id != "recurring" or text.startswith("每", t.start - offset):
        return False
    return bool(_measure_name().fullmatch(text, t.end - offset, qs))


@lru_cache(maxsize=1)
def _measure_name() -> re.Pattern:
    """A name ending in a measure (检测率, 处理量), then the comparator or link verb before a value."""
    lex = lx.load()
    links = trie_regex(list(lex.mapping("pre_qualifiers")) + lex.list("link_verbs"))
    return re.compile(r"[\u4e00-\u9fff]{0,11}(?:" + trie_regex(lex.list("measure_tails")) + r")(?:" + links + r")*")


def _respective_time(q: CharMatch, time_before: CharMatch | None, times: list[CharMatch],
                     quants: list[CharMatch], text: str, offset: int) -> int:
    """Where to read the year of ``q`` from: its own place, or, after a list of years and 分别
    (2027年、2028年分别新建4500个、5000个), the end of the year in the same place of its list."""
    if time_before is None or "分别" not in text[time_before.end - offset:q.start - offset]:
        return q.start
    chain = [time_before]
    for t in reversed([t for t in times if t.end <= time_before.start]):
        if text[t.end - offset:chain[0].start - offset] not in ("、", "和", "及", "与"):
            break
        chain.insert(0, t)
    k = sum(1 for p in quants if time_before.end <= p.start < q.start)
    return chain[k].end if len(chain) > 1 and k < len(chain) else q.start


def _count_verbs_only(s: str, w: dict) -> bool:
    """新建 / 完成改造: count verbs and nothing they count."""
    while s:
        v = next((v for v in w["lead_verbs"] if s.startswith(v)), None)
        if v is None:
            return False
        s = s[len(v):]
    return True


# Years or dates and what joins them, nothing else (2027年、2028年).
_TIMES_ONLY = re.compile(r"(?:(?:19|20)\d\d年(?:\d{1,2}月)?(?:底|末)?[、和及至—-]?)+")


def number(s: str) -> int | float:
    v = float(s)
    return int(v) if v.is_integer() and "." not in s else v


def _segment_start(text: str, pos: int, floor: int) -> int:
    i = pos
    while i > floor and text[i - 1] not in BOUNDARY:
        i -= 1
    return i


def _segment_end(text: str, pos: int) -> int:
    """The end of the comma segment from ``pos``; an annotation (（…）, 〔…〕, 【…】) ends it too."""
    i = pos
    while i < len(text) and text[i] not in BOUNDARY + "、（(〔【":
        i += 1
    return i


# 全镇共有12个行政村纳入整治范围 / 18个项目列入省级重点项目库: a count of what exists or was
# listed, not an amount to reach. 列全省第3位 is a rank (no unit matches 位).
_EXISTING_BEFORE = ("共有", "现有", "共计", "涉及", "包括", "其中有", "已有", "共")
_ONLY_A_VERB = re.compile(r"(?:每[\u4e00-\u9fff]{1,6})?(?:至少|不少于)?(?:组织)?(?:开展|举办|召开|进行)")
_RANGE_DASHES = ("—", "－", "-", "~", "～", "至", "到", "—―")
# What follows a body that is the subject of its clause (各市州交通运输局要…, 县水利局负责…).
_SUBJECT_NEXT = ("要", "应", "须", "负责", "会同", "牵头", "在", "于", "将", "全年", "年内", "每", "协同", "配合", "协助", "联合",
                 "分别")
# Where the name of a counted thing ends and its doer begins.
_DOER = re.compile(r"分别由|由|负责|要|应当")
# 高标准农田建设任务3000亩: the word for the work assigned is no part of the thing's name (the work
# itself stays before a value: 农贸市场标准化改造30个, 老旧燃气管道更新改造; after one it goes:
# 6座泵站改造 counts 泵站).
_WORK_TAIL = re.compile(r"(?<=[\u4e00-\u9fff“”]{2})(?:建设任务|改造任务|任务)$")
_LOW_BOUND = re.compile(r"(?<![\d.])(?P<value>\d+(?:\.\d+)?)(?P<mult>万|亿|千)?(?:—|－|-|~|～|至|到)$")
_EXISTING_AFTER = ("纳入", "列入", "入选", "被列为", "被评为", "获评")
# The document's whole area (全省, 全地区, 全镇 …).
_AREA = r"全(?:自治区|地区|街道|省|市|区|县|州|盟|旗|镇|乡)"
# The work of looking over what there is (排查, 检查 …) ending a segment.
_INSPECTION_TAIL = re.compile(r"(?:排查|检查|核查|普查|巡查|摸底|评估|体检)(?=[，。；、]|$)")
# Kinds of area counted as the scope of the work (4个设区市…, 6个县（市、区）…).
_AREA_KIND = re.compile(r"(?:设区市|县（市、区）|县（市）|县市区|区（县）|乡镇（街道）|镇（街道）|乡镇|街道|行政村|社区|县|区|镇|村)"
                        r"(?=[\u4e00-\u9fff（])")
# Each one of a kind (每个行政村, 每所学校, 每人): a value for each is a standard, not a total to reach
# (每万人口…拥有量 is a rate, named with its base, and stays a target; 毫克每立方米 is a unit).
_PER_UNIT = (r"(?<![克吨米升时瓦亩元])每(?:一)?(?:个|所|家|户|人|名|位|座|处|村|镇|乡|条|辆|台|行政村|社区|学校|公里|千米|米|亩|吨|"
             r"平方米|立方米|千瓦|床|张|件|批|项|艘|头|只|班|生|间|期|次|场|套|对|支|队|组|单位|企业|机构)")
# A standard or a rule (补助标准为…, 给予…一次性奖励, 不得超过, 最高贷款额度, 单船日采砂量, 各建设1个),
# or a value for each one.
_STANDARD = re.compile(_PER_UNIT + r"|标准(?:为|是)$|标准$|一般(?:不超过|不得超过|不少于|不低于|控制在)?$|给予|不得|最高(?!人民)|最低|最多|至多|最长|原则上|单(?:船|车|次|笔|户|人)|为(?:优秀|良好|合格|不合格)|评为|星级$|总分|百分制|之间(?:的)?(?:距离|间隔|间距)|(?<=[\u4e00-\u9fff）)，、])各[\u4e00-\u9fff]{0,3}$")
# A share of a base named between the comparator and the value (不低于总车位2%, 按照投资额的30%): a rule for
# each case, not a level to reach (覆盖率不低于95% names no base).
_SHARE_OF_BASE = re.compile(r"(?:按照|按(?![期时月季年日])|不低于|不少于|不高于|不超过)[\u4e00-\u9fff]{1,12}?(?:的)?$")
# Counts of occasions: after 每年/每季度 in the same segment they say how often (每季度至少举办1场).
_EVENT_UNITS = frozenset({"次", "场次", "场", "期", "轮"})
# Units of a length of time: 在3个月内完成 is the time allowed, not a target.
_DURATIONS = frozenset({"个月", "天", "日", "小时", "分钟", "个工作日", "工作日", "周", "年"})
# 对全镇12个行政村…开展运行评估 / 对辖区内35家企业…检查 / 在全县486处文物点公示…: a count right
# after 对 or 在 (and the area) names what the work is done to or where.
_OBJECT_SCOPE = re.compile(r"对(?:" + _AREA + r"|辖区内?|区域内)?$|(?<![控制定持])在(?:" + _AREA + r"|辖区内?|区域内)$")
# A segment that states what there is (全镇共有12个行政村、2个社区 / 全县共辖10个乡镇): every count in it.
# Names listed with 、 and nothing else (东岙村、石门村、上塘村), before the count of them.
_LISTED_BEFORE = re.compile(r"[\u4e00-\u9fff]{1,8}(?:、[\u4e00-\u9fff]{1,8})+")
# The bodies worked with, opening a segment (与周边4个市签订…).
_PARTNERS = re.compile(r"(?:^|(?<=[，,；;：]))(?:与|同)[\u4e00-\u9fff]{0,4}$")
# what joins the next count of a list to the one before it: the thing counted, then 、/和 (418家旅馆、126家民宿)
_LISTED_AFTER = re.compile(r"[\u4e00-\u9fff]{1,12}[、和及与]")
_EXISTING_HEAD = re.compile("(?:(?:" + _AREA + r")[\u4e00-\u9fff]{0,4}?|本?(?:街道|镇|乡|县|区|市|村|社区))?"
                            r"(?:共有|现有|共辖|下辖|辖有|共计|辖(?![区内]))")


def normalise_unit(unit: str | None) -> str | None:
    """Units written out read as written with a slash: 微克每立方米 → 微克/立方米."""
    if unit and "每" in unit[1:]:
        return unit[0] + unit[1:].replace("每", "/")
    return unit


def split_respectively(out: list["FoundTarget"], text: str, offset: int) -> list["FoundTarget"]:
    """城区和镇区燃气普及率分别达到98%、90% → 城区燃气普及率 98%, 镇区燃气普及率 90%: values after
    分别 that share one indicator naming as many things as there are values, one indicator each.
    Parallel modifiers (城区和镇区 + 燃气普及率) share the head after the last one; full names
    (万元GDP用水量、万元工业增加值用水量, 事故起数和死亡人数) stand alone; short rates after a full
    name share its subject (入网率、上线率). A qualifier written once for the list (分别达到95%、85%以上 /
    分别不超过10、35毫克) holds for every value."""
    res, i = [], 0
    measure = tuple(lx.load().list("measure_tails"))
    while i < len(out):
        j = i
        while j + 1 < len(out) and out[j + 1].indicator == out[i].indicator and out[j + 1].respectively:
            j += 1
        run = out[i:j + 1]
        parts = [p for p in re.split(r"和|、|与|以及", run[0].indicator) if p] if len(run) > 1 else []  # not 及: 普及率
        subjects, _, shared = run[0].indicator.partition("分别")
        subjects = re.sub(r"\d+个[\u4e00-\u9fff]{1,6}$", "", subjects)  # 甲村、乙村2个重点村: the count of them
        doers = [p for p in re.split(r"和|、|与|以及", subjects) if p]
        if len(run) > 1 and run[0].respectively and shared and len(doers) == len(run):
            # 甲区、乙区、丙区分别筹集人才公寓1200套、900套、700套: each doer, the shared work after 分别
            run = [replace(t, indicator=d + shared) for t, d in zip(run, doers)]
        elif len(run) > 1 and run[0].respectively and len(parts) == len(run):
            # 全省城市和县城燃气…率: the scope (全省) is no part of the first modifier (城市)
            scope = _SCOPE.match(parts[0])
            first = parts[0][scope.end():] if scope else parts[0]
            later = [len(_words_of(p)) for p in parts[1:]]
            if parts[-1].endswith(measure) and not any(p.endswith(measure) for p in (first, *parts[1:-1])):
                head = _shared_head(parts[-1], parts[-2])
                names = [p + head for p in parts[:-1]] + [parts[-1]] if head else parts
            elif all(p.endswith(measure) for p in parts) and len(parts[0]) > len(parts[1]) + 2 \
                    and max(later) <= 2 and all(p.endswith("率") for p in parts[1:]):
                # 监控数据入网率、上线率分别达到99%、95% / 城区生活垃圾回收利用率、资源化利用率: the later names
                # share the first one's subject, the words of the first before as many words as the later has
                words = _words_of(parts[0])
                n = later[0]
                stem = "".join(words[:-n]) if len(words) > n else ""
                names = [parts[0]] + [stem + p for p in parts[1:]]
            else:
                names = parts
            run = [replace(t, indicator=n) for t, n in zip(run, names)]
        if len(run) > 1 and run[0].respectively:
            run = _share_qualifier(run)
            run = [replace(t, change=t.change or run[0].change) for t in run]  # 分别下降8%、6%
        res.extend(run)
        i = j + 1
    return [replace(t, indicator=t.indicator + t.change) if t.change else t for t in res]


def _share_qualifier(run: list["FoundTarget"]) -> list["FoundTarget"]:
    """分别达到95%、85%以上 / 分别不超过10、35毫克: a qualifier written once, at the end or the start
    of the values, holds for each (not for 100%: nothing is above all)."""
    quals = {t.qualifier for t in run} - {None}
    if len(quals) != 1 or not (run[-1].qualifier or run[0].qualifier):
        return run
    q = quals.pop()
    return [replace(t, qualifier=t.qualifier or (None if t.value == 100 and t.unit == "%" else q)) for t in run]


def _shared_head(last: str, sibling: str) -> str:
    """The head the last of parallel names shares with the modifiers before it: after the last word
    naming a place or a kind of unit (城市建成区和工业园区燃煤锅炉淘汰率 → 燃煤锅炉淘汰率), else after as
    many words as the modifier before it has (小学、初中标准化建设达标率 → 标准化建设达标率; 颗粒物、
    二氧化硫、氮氧化物排放浓度 → 排放浓度)."""
    words = _words_of(last)
    ends, at = [], 0
    for word in words[:-1]:
        at += len(word)
        if len(last) - at >= 2:
            ends.append(at)
    if not ends:
        return ""
    scoped = [e for e in ends if last[:e].endswith(tuple(lx.load().list("scope_tails")))]
    if scoped:
        return last[scoped[-1]:]
    scope = _SCOPE.match(sibling)  # 全县小学、初中…: the area is no part of the modifier
    modifier = sibling[scope.end():] if scope else sibling
    # parallel modifiers are about as long: the word end nearest the sibling's length (常住人口、重点人群
    # 家庭医生签约服务覆盖率 → 家庭医生签约服务覆盖率), the earlier one on a tie
    return last[min(ends, key=lambda e: (abs(e - len(modifier)), e)):]


def _word_ends(s: str, at: int) -> bool:
    """Whether a word of ``s`` ends at ``at`` (村开展… yes at 1; 村级服务站 no)."""
    n = 0
    for word in _words_of(s):
        n += len(word)
        if n >= at:
            return n == at
    return False


def _only_verbs(s: str) -> bool:
    """培育 / 组织参展 / 建成: a short indicator that is verbs only, naming nothing counted (办结率 is
    a measure)."""
    import jieba.posseg  # the segmenter the pipeline uses (indexer.extract.nlp), with its word classes

    return 0 < len(s) <= 4 and not s.endswith(tuple(lx.load().list("measure_tails"))) \
        and all(p.flag.startswith("v") for p in jieba.posseg.cut(s))


def _object_before(text: str, offset: int, qs: int, matches: list[CharMatch], w: dict,
                   verb: str | None = None) -> str | None:
    """The object of the last verb of the comma segment before the one at ``qs`` in its sentence
    (组织企业参加境外重点展会，全年组织参展60场次 → 境外重点展会) — of the same verb when it stands there
    (负责安排无偿献血宣传招募经费，2026年安排不少于45万元 → 无偿献血宣传招募经费) — or None."""
    seg = _segment_start(text, qs, 0)
    sentence_at = max(text.rfind(c, 0, qs) for c in "。；;\n") + 1
    end = seg - 1
    if end <= sentence_at or text[end] not in "，,":
        return None
    start = _segment_start(text, end, sentence_at)
    same = text.rfind(verb, start, end) if verb and len(verb) >= 2 else -1
    if same >= 0:
        named = text[same + len(verb):end].strip("的 ")
        if len(named) >= 3 and not re.search(r"[\d（(“]", named):
            return named
    ends = {m.end - offset for m in matches if m.label == "ACTION" and start <= m.start - offset < end}
    for v in w["lead_verbs"]:
        at = text.find(v, start, end)
        while at >= 0:
            ends.add(at + len(v))
            at = text.find(v, at + 1, end)
    for at in sorted(ends, reverse=True):
        named = text[at:end].strip("的 ")
        if len(named) >= 3 and not re.search(r"[\d（(“]", named):
            return named
    return None


def _words_of(s: str) -> list[str]:
    import jieba  # the segmenter the pipeline uses (indexer.extract.nlp)

    return jieba.lcut(s)


def _strip_indicator(s: str) -> tuple[str, int, str | None, bool]:
    """(indicator, chars cut from the left, link verb, aspirational?) from the text before a value."""
    w = _words()
    verb = None
    changed = True
    while changed:  # right end: link verbs (稳定在, 保持在 …)
        changed = False
        for lv in w["link"]:
            if s.endswith(lv) and len(s) > len(lv) - 1:
                verb = lv if verb is None else lv + verb
                s = s[:-len(lv)]
                changed = True
                break
    cut = 0
    area = re.match(_AREA + "(?=分别)", s)  # 全省分别投放人工鱼礁: the area, then 分别, are no part of the name
    if area:
        s, cut = s[area.end():], area.end()
    aspirational = False
    changed = True
    while changed:  # left end: 确保 / 力争 / adverbs
        changed = False
        for t in w["trim"]:
            if s.startswith(t) and (len(s) > len(t) or t == "力争") \
                    and (len(t) > 1 or _words_of(s)[0] == t):  # 还田面积: 还 is no adverb inside a word
                if t == "力争":
                    aspirational = True
                s = s[len(t):]
                cut += len(t)
                changed = True
                break
    # 伏季休渔期间出动执法船艇: the time of the work is no part of a count of it (a measure keeps it:
    # 矫正期间再犯罪率, 活动期间销售额)
    during = _DURING.match(s)
    if during and len(s) > during.end() + 1 and not s.endswith(tuple(lx.load().list("measure_tails"))):
        s, cut = s[during.end():], cut + during.end()
    for lv in ("达到", "实现", "完成", "建成"):  # a leading verb left over: 实现全覆盖
        if s == lv:
            verb, s, cut = lv, "", cut + len(lv)
    return s.strip("的 "), cut, verb, aspirational


# A stretch of time named by what happens in it (汛期期间, 伏季休渔期间, 活动期内), opening an indicator.
_DURING = re.compile(r"[\u4e00-\u9fff“”]{1,10}?(?:期间|期内)")

# A base named in words before a change (在上年基础上降低1个百分点): no part of the indicator.
_BASE_PHRASE = re.compile(r"在(?:上年|上一年|去年|基期|现有)(?:的)?基础上")

# The document's whole area opening an indicator (全省, 全地区, 全镇 …), when a name follows.
_SCOPE = re.compile(_AREA + r"(?=[\u4e00-\u9fffA-Za-z]{2})")

# A share written around its value: 城市建成区40%以上的面积达到海绵城市建设要求 → the indicator
# 城市建成区面积达到海绵城市建设要求的比例, the value 40 %; 80%以上的行政村实现生活垃圾分类 →
# 行政村实现生活垃圾分类的比例.
_SHARE_AFTER = re.compile(r"的(?P<noun>[\u4e00-\u9fff]{1,8}?)(?P<verb>达到|符合|满足|实现|完成|建成|纳入)"
                          r"(?P<std>[^，。；、：（）()]{2,30}?(?:要求|标准)|[^，。；、：（）()]{2,20}(?=[，。；]|$))")

# A dated outcome without a number: 到2030年，达到国家“无废城市”建设要求 — a target whose
# indicator is the standard reached (value and unit none, qualifier 达到).
_OUTCOME = re.compile(r"(?<![未不没])(?P<verb>达到|符合)(?P<std>[^，。；、：（）()]{2,30}?(?:要求|标准))(?!的)")


@lru_cache(maxsize=1)
def _built_outcome() -> re.Pattern:
    """到2030年，全市基本建成城乡统筹的生活垃圾分类处理体系: a system, mechanism or pattern
    stated as built by a year is an outcome too; the indicator is what is built, the qualifier
    how far (基本建成)."""
    lex = lx.load()
    return re.compile(r"(?<![未不没])(?P<verb>" + trie_regex(lex.list("outcome_build_verbs")) + r")"
                      r"(?P<std>[^，。；、：（）()]{2,30}?(?:" + trie_regex(lex.list("outcome_build_objects")) + r"))"
                      r"(?=[，。；;]|$)")


@lru_cache(maxsize=1)
def _removed_outcome() -> re.Pattern:
    """到2027年，纳入监管的农村黑臭水体基本消除 / 臭氧浓度上升趋势得到遏制: a whole segment whose
    subject is what is done away with and whose verb ends it; the indicator is the subject (without
    the area, 全市), the qualifier the verb."""
    verbs = trie_regex(lx.load().list("outcome_removal_verbs"))
    return re.compile(r"(?:^|(?<=[，。；;：]))(?P<std>[^，。；;、：（）()]{2,30}?)(?P<verb>" + verbs + r")(?=[，。；;]|$)")


def find_targets(text: str, offset: int, matches: list[CharMatch],
                 time_at, skip: list[tuple[int, int]] = ()) -> list[FoundTarget]:
    """Targets in ``text`` (a clause starting at ``offset``).

    ``time_at(pos)`` gives the deadline ``TimeInfo`` in force at absolute
    position ``pos`` (or None); ``skip`` are absolute spans to ignore
    (annotations, 《titles》).
    """
    w = _words()
    out: list[FoundTarget] = []
    times = [m for m in matches if m.label == "TIME"]
    quants = [m for m in matches if m.label == "QUANTITY" and not any(s <= m.start < e for s, e in skip)]
    # 增长10%—12%: a range is one target, its lower bound the value and the range as written the qualifier
    ranges = {id(a): b for a, b in zip(quants, quants[1:]) if a.id == b.id == "number"
              and text[a.end - offset:b.start - offset] in _RANGE_DASHES}
    upper = {id(b) for b in ranges.values()}
    described: set[int] = set()  # thresholds inside a name (10亿元以上项目): no value before an indicator
    scoped: list[CharMatch] = []  # counts of the things acted on (对全区418家旅馆…)
    # verbs of the text, not those inside a body's name (县政务服务中心 does no 服务)
    orgs = [(m.start, m.end) for m in matches if m.label == "ORG"]
    free_verbs = [m for m in matches if m.label == "ACTION" and not any(a <= m.start < b for a, b in orgs)]
    for q in quants:
        if id(q) in upper:
            continue
        qs, qe = q.start - offset, q.end - offset
        floor = value_floor = 0
        for p in quants:  # the indicator starts after the value before it (A达到95%、B达到90%) …
            if p.end - offset <= qs and id(p) not in described:
                value_floor = max(value_floor, p.end - offset)
        floor, time_before = value_floor, None
        for t in times:  # … and after a time phrase in its segment
            if value_floor <= t.start - offset and t.end - offset <= qs and not t.groups.get("base") \
                    and t.end - offset > floor and not _in_measure_name(t, text, offset, qs) \
                    and not describes_object(text, t.start - offset, t.end - offset):
                floor, time_before = t.end - offset, t
        seg = _segment_start(text, qs, floor)
        while seg < qs and text[seg] in "、和及与 ":
            seg += 1
        before = text[seg:qs]
        g = q.groups
        low = _LOW_BOUND.search(before) if q.id == "number" else None
        if low:  # 托管服务面积达到1.5万至1.8万亩: the range's lower bound written without its unit
            before = before[:low.start()]
        value: float | int | str | None
        unit = qualifier = None
        kind = q.id
        pre_q = pre_verb = None
        share = _SHARE_AFTER.match(text, qe) if q.id == "number" and g["unit"] == "%" else None
        if q.id == "ratio":  # 系数提高到0.58: a value without a unit
            value = number(g["value"])
            pre = next((p for p in w["pre_words"] if before.endswith(p)), None)
            qualifier = (w["post"].get(g["post"], g["post"]) if g.get("post") else
                         (w["pre"][pre] if pre else None))
            kind = "number"
        elif q.id == "number":
            if text[qe:qe + 1] == "的" and not share:
                described.add(id(q))
                continue  # 年综合能耗5000吨标准煤以上的重点用能单位: a threshold describing a noun
            value = number(g["value"])
            unit = normalise_unit((g.get("mult") or "") + g["unit"])
            head_at = _segment_start(text, qs, 0)
            sentence_at = max(text.rfind(c, 0, qs) for c in "。；;\n") + 1
            if before.endswith(_EXISTING_BEFORE) or any(w in text[qe:_segment_end(text, qe)] for w in _EXISTING_AFTER):
                continue  # a count of what exists or was listed
            if value == 1 and g["unit"] in ("名", "人"):
                continue  # 明确1名消防安全管理员 / 为每名人才配备1名联络员: someone assigned, not an amount to reach
            if _LISTED_BEFORE.fullmatch(before) and re.match(r"[\u4e00-\u9fff]", text[qe:qe + 1]):
                described.add(id(q))
                continue  # 东岙村、石门村、上塘村3个重点村…: the count of the things just listed
            if _PARTNERS.search(text, max(0, qs - 8), qs):
                described.add(id(q))
                continue  # 与周边4个市签订联合执法协议: the partners, not an amount to reach
            if _OBJECT_SCOPE.search(before) or (before.startswith("对") and (before.endswith("的") or not any(
                    seg <= v.start - offset < qs for v in free_verbs))) or (
                    scoped and _LISTED_AFTER.fullmatch(text, scoped[-1].end - offset, qs)):
                described.add(id(q))
                scoped.append(q)
                continue  # 对全镇12个行政村…开展评估 / 对使用超过15年的3160台电梯… / 对418家旅馆、126家民宿…: the things acted on
            area = _AREA_KIND.match(text, qe) if g["unit"] == "个" else None
            if area and _word_ends(text[qe:qe + 12], area.end() - qe) and not before.endswith(tuple(w["lead_verbs"])):
                described.add(id(q))
                continue  # 推进北部4个设区市供热管网改造 / 在6个县（市、区）各建设…: where, not how much
                # (完成5个乡镇…建设 counts the places done)
            if g["unit"] in ("岁", "周岁") and re.match(r"[\u4e00-\u9fff]", text[qe:qe + 1]):
                described.add(id(q))
                continue  # 0—6岁儿童残疾筛查率: an age naming who is meant
            if g["unit"] in _DURATIONS and re.search(r"(?:公示|公告|征求意见)(?:期|时间)?(?:不少于|不低于)?$", before):
                continue  # 选聘结果公示不少于5个工作日: how long a notice stays up, a rule of procedure
            if g["unit"] in _DURATIONS and re.search(r"(?:时间|时长|期限)(?:一般|原则上)?不得(?:超过|少于|低于|长于)$", before):
                continue  # 暂时贮存时间不得超过48小时: a time the rules allow (办理时间不超过3个工作日 is a target)
            if re.match(r"(?:申报|申请|参评|参与评定)[^，。；]{0,20}?的", text[sentence_at:qs]):
                continue  # 申报县级示范社的合作社应当…成员数量不少于50户: criteria of whoever applies
            if re.match(r"[\u4e00-\u9fff]{2,16}?(?:全部|均已|均|全都)(?:完成|建成|实现|达到|达标)", text[qe:_segment_end(text, qe)]):
                described.add(id(q))
                continue  # 7个县级中心全部完成功能分区改造: every one of them, done — the work is named, not counted
            if g["unit"] in _DURATIONS and (g.get("post") == "内" or (
                    not g.get("post") and re.match(r"[\u4e00-\u9fff“]", text[qe:qe + 1]) and text[qe] not in "和及与")):
                described.add(id(q))
                continue  # 在3个月内完成… / 15分钟健身圈: the time allowed, or a name — not an amount to reach
            if any(v in before for v in w["sanction"]) or re.search("罚款|罚金", text[qe:_segment_end(text, qe)]):
                continue  # 对…的运营企业，核减其投放配额的20%: a penalty for each case, not an amount to reach
            if text.startswith(("范围", "半径"), qe):
                continue  # 校园周边200米范围内: where the work is done
            if re.match(r"(?:(?:至|—|-)\d+分)?(?:及?以上|以下)?为(?:优秀|良好|合格|不合格|较好|一般|较差|差)", text[qe:]):
                continue  # 90分以上为优秀 / 75分至89分为良好: a grade's threshold
            head, sentence = text[head_at:qs], text[sentence_at:qs]
            if _EXISTING_HEAD.match(head) or _EXISTING_HEAD.match(sentence) or "范围为" in head or "范围包括" in head:
                continue  # 全县共辖10个乡镇、2个街道 / 整治范围为全区7个街道、2个镇: what there is
            since = head_at if g["unit"] in _EVENT_UNITS else sentence_at if g["unit"] in _DURATIONS else qs
            if any(t.id == "recurring" and since <= t.start - offset < qs for t in times):
                # 每季度至少入园巡诊1次 / 每周5天、每天2小时: how often (kind "frequency"; the caller keeps it
                # out of the targets), not an amount to reach
                kind = "frequency"
            elif (std := _STANDARD.search(text, head_at, qs)) and not (
                    std.group() == "标准" and g["unit"] in w["count_units"]) and not any(
                    t.id in ("year", "relative_month") and head_at <= t.start - offset < qs for t in times):
                # 每个行政村至少设置1处 / 给予每人5万元 / 补助标准为每公里50万元 / 单次收费不得超过5000元 /
                # 东、西两区各建设1个: a standard for each one or a rule's cap (kind "standard", kept out of
                # the targets like a frequency), unless a date makes it work to finish (6月底前每个镇建成1座)
                kind = "standard"
            if re.search(_AREA + "$", before) and _INSPECTION_TAIL.search(text, qe, _segment_end(text, qe)):
                continue  # 完成全市11个水源地环境风险排查: every one there is, looked over — not an amount
            if before.endswith("每"):
                continue  # 按照每500辆车配备1名: the number of things one of something is for
            if g["unit"] == "%" and _SHARE_OF_BASE.search(before) and not before.endswith(tuple(w["link"])):
                kind = "standard"  # 设置比例不低于总车位2% / 按照工程投资额的30%给予补助: a share of a base
            if "按每" in head or text.startswith("时", q.end - offset):
                continue  # 按每千人不少于10个托位的标准配套 / 流量低于2.6立方米每秒时: a standard or a condition
            if g.get("post") in ("以上", "以下", "及以上", "及以下") and g["unit"] not in w["count_units"] \
                    and re.match(r"[\u4e00-\u9fff]", text[qe:qe + 1]) and text[qe] not in "和及与并或的":
                described.add(id(q))
                continue  # 10亿元以上项目3个 / 年用水量10万立方米以上工业企业: a threshold describing a noun
            pre = next((p for p in w["pre_words"] if before.endswith(p)), None)
            if pre:
                pre_q = w["pre"][pre]
                before = before[:-len(pre)]
                pre_verb = pre
            if g.get("post"):
                qualifier = w["post"].get(g["post"], g["post"])
            elif pre_q:
                qualifier = pre_q
            if id(q) in ranges:
                qe = ranges[id(q)].end - offset
                if text.startswith("之间", qe):  # 在400个至500个之间: the range as written
                    qe += 2
                qualifier = text[qs:qe]
            elif low and low["mult"] == (g.get("mult") or ""):
                value, qualifier = number(low["value"]), text[seg + low.start():qe]
        elif q.id == "class":
            value = g["value"]
            verb = next((v for v in w["class"] if before.endswith(v)), None)
            if verb is None:
                continue  # Ⅲ类水比例: part of an indicator, not a value
            qualifier = w["post"].get(g["post"]) if g.get("post") else verb
        elif q.id == "coverage":
            if re.match(r"[\u4e00-\u9fff]", text[qe:qe + 1]):
                continue  # 开展一轮全覆盖排查: 全覆盖 describes the work, no outcome to reach
            value = g["value"]
        elif q.id == "benchmark":
            value = None
            qualifier = g["qualifier"]
        else:
            continue
        baseline = next((t for t in times if t.groups.get("base") and seg <= t.start - offset
                         and t.end - offset <= qs), None)
        if baseline is not None:  # 能耗较2020年下降14%: indicator 能耗, verb 较2020年下降
            b0 = baseline.start - offset - seg
            base_text = before[b0:]
            before = before[:b0]
        indicator, cut, verb, aspirational = _strip_indicator(before)
        counted_first = False  # the value before the name of what it counts (完成30个…项目)
        body = next((m for m in reversed(matches) if m.label == "ORG" and seg <= m.start - offset
                     and m.end - offset <= seg + len(before)
                     and text.startswith(_SUBJECT_NEXT, m.end - offset)), None) if not share else None
        if body is not None:
            # 各市州交通运输局要在汛期前联合审核农村客运线路不少于1200条: the body and what it does
            # are no part of the indicator, which starts after the body's verb
            act = next((m for m in matches if m.label == "ACTION" and body.end <= m.start
                        and m.end - offset < seg + len(before)), None)
            named = _strip_indicator(text[act.end - offset:seg + len(before)]) if act is not None else None
            if named and len(named[0]) >= 2:
                seg, (indicator, cut, verb1, _) = act.end - offset, named
                verb = verb1 or act.text
        if (not indicator or indicator in w["lead_verbs"]) and time_before is not None \
                and not text[qe:_segment_end(text, qe)].strip("的 "):
            # 学校食堂“明厨亮灶”覆盖率年底前达到100%: the time phrase stands between the indicator
            # and its verb; the indicator is the text before the time phrase
            t0 = time_before.start - offset
            seg0 = _segment_start(text, t0, value_floor)
            named, cut0, _, asp0 = _strip_indicator(text[seg0:t0])
            if _TIMES_ONLY.fullmatch(named):
                named = ""  # 2027年、2028年分别新建4500个、5000个: the years before are no name
            if named == "其中" and out:  # 新增泊位3000个，其中2026年新增1200个: part of the same thing
                named = out[-1].indicator
            if len(named) >= 2 and named not in w["trim"]:
                verb = verb or indicator or None
                seg, indicator, cut, aspirational = seg0, named, cut0, aspirational or asp0
        if indicator in ("再", "又", "另", "还") and out:
            indicator = out[-1].indicator  # …新建体育公园4个，2027年底前再建成3个: the same thing again
        if q.id == "ratio" and not indicator.endswith(w["dimensionless"]):
            continue  # 达到3: a bare number is a target only of a coefficient, index or ratio
        respectively = "分别" in indicator or (not indicator and bool(out) and out[-1].respectively)
        if indicator.endswith("分别"):  # 城区和镇区燃气普及率分别达到98%、90%
            indicator = indicator[:-2]
        elif "分别" in indicator and len(indicator.partition("分别")[2]) <= 3:
            # 浅层、深层地下水位分别回升0.5米、1米: a verb alone after 分别 (not 甲区、乙区分别筹集人才公寓)
            indicator, _, after = indicator.partition("分别")
            verb = verb or after
        both = 0
        if re.search(r"(?<![年平人户日月])均$", indicator) and re.search(r"、|和", indicator):
            # 化肥、农药利用率均达到45%: each (not 年均增长)
            indicator = indicator[:-1]
            both = len([p for p in re.split(r"和|、|与|以及", indicator) if p]) - 1
            respectively = True
        if baseline is not None:
            verb = base_text
            if "分别" in base_text:  # 起数和死亡人数较2025年分别下降10%、15%
                verb, respectively = base_text.replace("分别", ""), True
        base_phrase = _BASE_PHRASE.search(indicator)
        if base_phrase and base_phrase.end() == len(indicator):
            indicator = indicator[:base_phrase.start()]  # 近视率在上年基础上降低1个百分点: the base is no name
        # 发案数较2025年下降10% / 报销比例提高5个百分点: the value is the change, and the change is the
        # quantity named (added after 分别 is split; a level is written 下降到 / 提高至 and keeps the name)
        change = verb if unit in w["change_units"] and verb and verb.endswith(w["change"]) else ""
        verb = verb or pre_verb
        ind_start = seg + cut
        if q.id == "class" and verb is None:
            verb = next((v for v in w["class"] if before.endswith(v)), None)
        if share:
            indicator = f"{indicator}{share['noun']}{share['verb']}{share['std']}的比例"
            qe = share.end()
        if indicator.startswith("在") and not indicator.startswith(w["zai_words"]):
            # 在滨河公园、望江广场建设雨水调蓄池2座: the place where the work is done is no part of
            # the indicator; it starts at the count verb after the place
            at = min((k for k in (indicator.find(v, 2) for v in w["lead_verbs"]) if k > 0), default=-1)
            if at > 0:
                ind_start += at
                indicator = indicator[at:]
        scope = _SCOPE.match(indicator)
        if scope and any(indicator.startswith(v, scope.end()) for v in w["lead_verbs"]):
            indicator, ind_start = indicator[scope.end():], ind_start + scope.end()  # 全县筹集保障性租赁住房800套
        lead_verb = next((v for v in w["lead_verbs"] if indicator.startswith(v)), None)
        tail_end = _segment_end(text, qe)
        doer = _DOER.search(text, qe + 2, tail_end)
        if doer:  # 8座泄放设施改造分别由所在乡镇人民政府负责实施: the thing counted ends before its doer
            tail_end = doer.start()
        tail = text[qe:tail_end].strip("的 ")
        end_verb = verb if verb in w["lead_verbs"] and indicator else None
        if lead_verb and q.id == "number" and len(tail) >= 2 and tail[0] not in "以左上下":
            # 完成全县12家重点企业…治理: verb + scope before the value, the indicator after it.
            verb, indicator = lead_verb, tail
            qe_ev = tail_end
        elif end_verb and q.id == "number" and g["unit"] in w["count_units"] and len(tail) >= 2 \
                and tail[0] not in "以左上下":
            # 每个镇（街道）建成1座垃圾分类转运站: where, the count verb, then the count of what
            verb, indicator = end_verb, tail
            qe_ev = tail_end
        elif lead_verb and len(indicator) - len(lead_verb) >= 3 and q.id == "number" \
                and not indicator.endswith(w["increment"]):
            # 新建改造城镇污水管网40公里 → 城镇污水管网 (verb 新建改造); a name of two characters keeps
            # its verb (改造道路18条: 道路 alone names no work)
            verb = ""
            while lead_verb and len(indicator) - len(lead_verb) >= 3:
                verb += lead_verb
                indicator = indicator[len(lead_verb):]
                ind_start += len(lead_verb)
                lead_verb = next((v for v in w["lead_verbs"] if indicator.startswith(v)), None)
                if lead_verb is None and indicator[:1] in "或和及、":  # 新建或更新社区健身路径120条
                    lead_verb = next((indicator[0] + v for v in w["lead_verbs"] if indicator.startswith(v, 1)), None)
            qe_ev = qe
        elif _count_verbs_only(indicator, w) and out and time_before is not None \
                and out[-1].end - offset > max(text.rfind(c, 0, qs) for c in "。；;\n"):
            # 2026年新建充电桩4000个，2027年、2028年分别新建4500个、5000个: the verb again, the thing
            # counted named before in the sentence
            verb, indicator, qe_ev = indicator, out[-1].indicator, qe
        elif not indicator:
            # Value first (完成30个农村生活污水治理项目): the indicator follows the value.
            if tail and q.id == "number":
                indicator = tail
                ind_start = seg + cut
                qe_ev = tail_end
                counted_first = True
            elif out and (not before.strip() or time_before is not None or (
                    out[-1].end - offset > max(text.rfind(c, 0, qs) for c in "。；;\n"))):
                # 分别达到75%、50% / 2026年完成18公里，2027年完成24公里 / 增长10%，力争达到260亿元: the
                # indicator of the value before in the sentence (its change verb left out for a level)
                indicator = out[-1].indicator  # (its change is added later: a level has none)
                qe_ev = qe
            elif q.id == "number" and (named := _object_before(text, offset, qs, matches, w)):
                indicator, qe_ev = named, qe  # 建设…处理中心，到2027年底建成6个: what the segment before built
            else:
                continue
        else:
            qe_ev = qe
        if aspirational:
            qualifier = "力争" if not qualifier else f"力争…{qualifier}"
        t: TimeInfo | None = time_at(_respective_time(q, time_before, times, quants, text, offset))
        year = t.year if t else None
        # 全年淘汰…: a phrase naming no year gives the document's year, a guess said to be one
        year_source = None if not year else ("annotation" if t.from_annotation else
                                             "document" if t.relative else "explicit")
        s_abs, e_abs = offset + min(ind_start, qs), offset + qe_ev
        if q.id == "number" and kind == "number" and not indicator.startswith("每") and _only_verbs(indicator):
            # 负责培育…服务组织，全年培育不少于30家: the verb again, its object named in the segment before
            named = _object_before(text, offset, qs, matches, w, indicator)
            if named:
                verb, indicator = verb or indicator, named
            elif not _count_verbs_only(indicator, w) and re.match(r"[\u4e00-\u9fff]", text[qe:qe + 1]):
                continue  # 加快推进12座病险水库除险加固: the things the work covers, after a verb that counts nothing
        if g.get("unit") and _WORK_TAIL.search(indicator):
            indicator = _WORK_TAIL.sub("", indicator)
        elif g.get("unit") and counted_first and indicator.endswith("改造"):
            indicator = indicator[:-2]  # 6座泵站改造分别由…实施: after the count, the thing counted, then the work done to it
        if indicator.endswith(("时限", "期限")) and not (verb or "").startswith(("压缩", "缩短", "减少", "降")):
            continue  # 审批时限不超过15个工作日: a time limit the rules set (压缩至5个工作日 is a target)
        if q.id == "coverage" and "实现" in indicator[1:]:
            indicator = indicator[0] + indicator[1:].replace("实现", "", 1)  # 检测数据实现与…联网全覆盖: the subject, then what is covered
        if _ONLY_A_VERB.fullmatch(indicator):
            continue  # 每个重点乡镇至少开展1次: how often, of nothing named — no indicator, no target
        out.append(FoundTarget(indicator, value, unit, qualifier, year, year_source,
                               verb, kind, s_abs, e_abs, text[s_abs - offset:e_abs - offset], respectively, change))
        out.extend([out[-1]] * both)  # one value for each of the names (split by split_respectively)
    out += dated_outcomes(text, offset, quants, time_at, skip, out)
    return split_respectively(out, text, offset)


def dated_outcomes(text: str, offset: int, quants: list[CharMatch], time_at, skip, found) -> list[FoundTarget]:
    """Outcomes stated without a number under a stated year (到2027年，农村水环境质量达到国家考核
    要求): targets whose indicator is the standard reached. Only where a deadline of the text is
    in force (an undated 达到…标准 is a requirement, not a target) and no value stands in the
    same segment (those are numeric targets, read above)."""
    out = []
    found_now = [*_OUTCOME.finditer(text), *_built_outcome().finditer(text), *_removed_outcome().finditer(text)]
    for m in sorted(found_now, key=lambda m: m.start()):
        a, b = offset + m.start(), offset + m.end()
        if any(s <= a < e for s, e in skip) or any(f.start <= a < f.end for f in found):
            continue
        seg_a = _segment_start(text, m.start(), 0)
        seg_b = _segment_end(text, m.end())
        if any(seg_a <= q.start - offset < seg_b for q in quants):
            continue
        t = time_at(a)
        if not t or not t.year or t.from_annotation:
            continue
        std = m["std"]
        scope = _SCOPE.match(std)
        if scope:  # 全市城区黑臭水体全部消除: the area is no part of what is removed
            std, a = std[scope.end():], a + scope.end()
        out.append(FoundTarget(std, None, None, m["verb"], t.year, "explicit", m["verb"], "outcome",
                               a, b, text[a - offset:b - offset]))
    return out

