"""Character-level patterns: entity regexes from ``entity_patterns.jsonl`` plus phrase lists.

Matching works on the characters of the text, never on jieba's words: jieba
segments 由市生态环境局 as 由市 / 生态环境局, so a token pattern for
市生态环境局 would miss it. ``find_matches`` is a pure function from text to
``CharMatch`` records (label, pattern id, exact offsets, named groups); the
spaCy component in ``indexer.extract.nlp`` maps them onto tokens.

The ``regex`` of a JSONL pattern may use ``{MACRO}`` placeholders, filled here
from the lexicons (see ``macros``): ``{PREFIX}`` level prefixes and places,
``{DEPARTMENT}`` every department name and alias, ``{UNIT}`` units, and so
on. Phrase lists become prefix-factored regexes (``trie_regex``), so a list
of hundreds of names costs about as much as one word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from indexer.extract import lexicon as lx
from kb.errors import DataFileError
from kb.names import COMPOUND_PREFIX

HAN = r"[\u4e00-\u9fff]"

# Single-character prefixes that are also the last character of common words:
# 城市 / 全市 / 超市 are not the level 市, 社区 / 园区 / 景区 not the level 区.
# Characters a one-character prefix is never followed by: 市场监管局 (after 县财政局、) is no 市 body.
_PREFIX_NOT_BEFORE = {"市": "场"}
_PREFIX_GUARD = {
    "市": "城全都超门本该上股夜坊集",
    "县": "郡本全该州",
    "区": "城园社地山湖景辖小片矿街园试点新保城功能示范片分",
    "省": "全本该节反",
    "镇": "城乡重全本该村",
    "乡": "城家返故下本全老同",
}


def trie_regex(words) -> str:
    """An alternation of ``words`` factored by common prefixes (longest match first)."""
    words = [w for w in set(words) if w]
    if not words:
        return "(?!)"
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        # Longer continuations first: Python's alternation takes the first that matches.
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return f"(?:{body})?"
        return body

    return "(?:" + build(trie) + ")"


def _guarded(prefixes) -> str:
    parts = []
    for p in lx.longest_first(prefixes):
        if p in ("州", "地区", "街道", "盟", "旗"):
            # 州住房城乡建设局, 地区生态环境局, 街道财政所 — but never the end of a longer word
            # (扬州建设…, 苏州市, 重点地区, 背街道路); after a role verb it is one (配合州医疗保障局, 成立街道…领导小组, 设在街道…办公室)
            parts.append(f"{p}(?<!{han_except('由同各和及与暨、合助导促向报经请立设在')}{p})")
            continue
        guard = _PREFIX_GUARD.get(p) if len(p) == 1 else None
        after = _PREFIX_NOT_BEFORE.get(p)
        # The guard follows the literal so that the regex engine can still skip
        # ahead to the prefix's first character.
        parts.append(re.escape(p) + (f"(?<![{guard}]{re.escape(p)})" if guard else "")
                     + (f"(?![{after}])" if after else ""))
    return "(?:" + "|".join(parts) + ")" if parts else "(?!)"


def _suffixes(words) -> str:
    parts = []
    for w in lx.longest_first(words):
        if w == "局":  # 布局 / 格局 / 大局 are not bureaus
            parts.append("(?<![布格结全大当时政开出饭药骗棋])局(?![面部势限])")
        elif w == "办":  # 举办 / 督办 / 创办 are not offices
            parts.append("(?<![举创承督交开兴查协包主合代试])办(?![法理好事公学])")
        elif w == "中心":  # 城市中心 / 市中心 are not service centres
            parts.append("(?<![城市])中心")
        elif w == "馆":  # 场馆 / 展馆 / 宾馆 are buildings, not bodies
            parts.append("(?<![场展宾饭旅茶])馆")
        elif w == "社":  # 供销社, 合作社, 报社 — never 社区, 社会, 社保
            parts.append("社(?![区会保团科])")
        elif w == "室":  # 教室 / 温室 / 实验室 are rooms; 督导室, 督查室, 办公室 are bodies
            parts.append("(?<![教温卧浴验诊病会茶])室")
        elif w in ("所", "站", "院", "队"):  # 场所, 网站, 庭院, 团队 are not bodies
            parts.append({"所": "(?<![场住处厕])所", "站": "(?<![网车])站", "院": "(?<![庭小四])院",
                          "队": "(?<![团梯排])队"}[w])
        else:
            parts.append(re.escape(w))
    return "(?:" + "|".join(parts) + ")"


def _compound() -> str:
    """A compound level prefix (县（市、区）, 各沿海市), never the end of a longer word (社区（村）)."""
    return "(?:(?<![城社园景地山湖街辖全本该超都小片矿])(?:" + COMPOUND_PREFIX + "))"


def han_except(chars) -> str:
    """A character class of every CJK ideograph except ``chars`` (faster than a lookahead per character)."""
    cut = sorted({ord(c) for c in chars if "\u4e00" <= c <= "\u9fff"})
    ranges, lo = [], 0x4E00
    for c in cut:
        if lo <= c - 1:
            ranges.append((lo, c - 1))
        lo = c + 1
    if lo <= 0x9FFF:
        ranges.append((lo, 0x9FFF))
    return "[" + "".join(f"\\u{a:04x}-\\u{b:04x}" if a != b else f"\\u{a:04x}" for a, b in ranges) + "]"


@lru_cache(maxsize=1)
def macros() -> dict[str, str]:
    """``{NAME}`` → regex source, built from the lexicons."""
    lex = lx.load()
    w = lex.words
    # a department's names, aliases and the names it has at other levels (财政厅, 住房城乡建设厅)
    dep_words = [a for d in lex.departments for a in (d.name, *d.aliases, *d.levels.values(), *d.level_aliases)]
    stems = [d.stem for d in lex.departments if d.stem]
    return {
        "PLACE": trie_regex(lex.places),
        "LEVEL": "(?:" + _compound() + "|" + _guarded(lex.prefixes) + ")",
        "PREFIX": "(?:" + _compound() + "|" + trie_regex(lex.places) + "|" + _guarded(lex.prefixes) + ")",
        "DEPARTMENT": trie_regex(dep_words),
        "COLLECTIVE": trie_regex(lex.collective),
        "STEM": trie_regex(stems),
        "GENERIC_SUFFIX": _suffixes(lex.generic_suffixes),
        "ZONE": trie_regex(lex.zone_suffixes),
        # a town's name: 安宜镇, 射阳湖镇 — never 设施由各镇 (function characters are no part of it)
        "TOWN_NAME_CHAR": han_except(w.get("town_name_excludes", [])),
        "TIME_PRE": trie_regex(["力争到", "力争在", "确保到", "确保在", "争取到", "争取在", "截至", "截止到",
                                "截止", "到", "至", "于", "在", "展望", "预计到", "力争", "确保", "争取"]),
        "TIME_POST": trie_regex(["前", "以前", "之前", "前后", "起", "以来", "开始", "以后", "后", "期间"]),
        "MONTH_WORD": trie_regex(w.get("month_words", {}).keys()),
        "PLAN": trie_regex(w.get("plan_periods", {}).keys()),
        "RECURRING": trie_regex(w.get("recurring", {}).keys()),
        "UNIT": trie_regex(w.get("units", [])),
        # 万吨每日, 吨/天: the unit a rate is counted per
        "PER_UNIT": trie_regex(w.get("per_units", [])),
        # 提高到0.58: each link verb a fixed-width look-behind of its own (no verb in the match)
        "RATIO_LINK": "(?:" + "|".join(f"(?<={re.escape(v)})" for v in w.get("ratio_links", [])) + ")",
        "POST_QUALIFIER": trie_regex(w.get("post_qualifiers", {}).keys()),
        "COVERAGE": trie_regex(w.get("coverage_words", [])),
        "BENCHMARK_VERB": trie_regex(w.get("benchmark_verbs", [])),
        "BENCHMARK_OBJECT": trie_regex(w.get("benchmark_objects", [])),
    }


_MACRO_RE = re.compile(r"\{([A-Z_]+)\}")


def expand(regex: str, where: str = "entity_patterns.jsonl") -> str:
    table = macros()

    def sub(m: re.Match) -> str:
        if m.group(1) not in table:
            raise DataFileError(f"indexer/data/{where}: unknown macro {{{m.group(1)}}} in a regex; "
                                  f"use one of {', '.join(sorted(table))}")
        return table[m.group(1)]

    return _MACRO_RE.sub(sub, regex)


@dataclass(frozen=True)
class Pattern:
    label: str
    id: str
    regex: re.Pattern
    trim: bool = False  # strip left_trim words off the front of a match
    exclude: bool = False  # a match suppresses matches of the same label it overlaps
    word_start: bool = False  # a match must begin a word (照明年用电量 holds no 明年)


@dataclass(frozen=True)
class CharMatch:
    """One match with exact character offsets into the text it was found in."""

    label: str
    id: str
    start: int
    end: int
    text: str
    groups: dict = field(default_factory=dict, compare=False, hash=False)

    def shifted(self, offset: int) -> "CharMatch":
        return CharMatch(self.label, self.id, self.start + offset, self.end + offset, self.text, self.groups)


def _compile(entry: dict, where: str) -> Pattern:
    if "regex" in entry:
        source = expand(entry["regex"], where)
    else:
        source = re.escape(entry["pattern"])
    try:
        rx = re.compile(source)
    except re.error as e:
        raise DataFileError(f"indexer/data/{where}: pattern '{entry.get('id')}' is not a valid "
                              f"regex ({e}); fix it") from None
    return Pattern(entry["label"], str(entry.get("id") or entry["label"].lower()), rx,
                   bool(entry.get("trim")), bool(entry.get("exclude")), bool(entry.get("word_start")))


def _begins_word(text: str, s: int) -> bool:
    """Whether position ``s`` starts a word as the segmenter cuts the text around it
    (照明年用电量 → 照明 / 年 / 用电量: 明 does not start a word)."""
    import jieba  # the segmenter of the pipeline (indexer.extract.nlp)

    if s == 0 or not re.match(r"[\u4e00-\u9fff]", text[s - 1]):
        return True
    a = max(0, s - 4)
    at = a
    for word in jieba.cut(text[a:s + 4]):
        if at == s:
            return True
        if at > s:
            return False
        at += len(word)
    return at == s


@lru_cache(maxsize=1)
def entity_patterns() -> tuple[Pattern, ...]:
    """The entity patterns (ORG, PLACE, TIME, QUANTITY) in file order."""
    return tuple(_compile(e, "entity_patterns.jsonl") for e in lx.read_jsonl("entity_patterns.jsonl"))


def _noun_compounds(lex) -> re.Pattern:
    """The noun compounds that start with a verb, each unless its last character begins the next word."""
    breaks = lex.mapping("noun_compound_breaks")
    alts = [re.escape(w) + ("(?![" + "".join(breaks[w]) + "])" if w in breaks else "")
            for w in lx.longest_first(lex.list("noun_compounds"))]
    return re.compile("|".join(alts))


@lru_cache(maxsize=1)
def cue_patterns() -> tuple[Pattern, ...]:
    """Action verbs (ACTION, with noun compounds as exclusions), references to bodies named
    before (ANAPHOR) and topic keywords (TOPIC)."""
    lex = lx.load()
    out = [
        Pattern("ACTION", "not_action", _noun_compounds(lex), exclude=True),
        # 得到有效保障 / 得以落实: a passive result, not an order.
        Pattern("ACTION", "not_action_passive",
                re.compile(r"(?:得到|得以|受到)(?:有效|进一步|明显|全面|切实)?" + HAN + "{2}"), exclude=True),
        Pattern("ACTION", "verb", re.compile(trie_regex(lex.list("action_verbs")))),
    ]
    # 该局 / 其 / 上述部门: words standing for a body named before (anaphora.yaml).
    for a in lx.anaphora().anaphors:
        out.append(Pattern("ANAPHOR", a.id, re.compile(a.regex)))
    by_dept: dict[str, list[str]] = {}
    for kw, dept in lex.topics:
        by_dept.setdefault(dept, []).append(kw)
    for dept, kws in by_dept.items():
        out.append(Pattern("TOPIC", dept, re.compile(trie_regex(kws))))
    return tuple(out)


def _trim_left(text: str, start: int, end: int, words: list[str], min_len: int = 3) -> int:
    # A name does not start inside a function word: 督促射阳湖镇人民政府 matched from 促 is
    # 射阳湖镇人民政府 (督促 straddles the start).
    for w in words:
        for k in range(1, len(w)):
            if text.startswith(w, start - k) and end - (start - k + len(w)) >= min_len:
                start = start - k + len(w)
                break
        else:
            continue
        break
    changed = True
    while changed:
        changed = False
        for w in words:
            if text.startswith(w, start) and end - (start + len(w)) >= min_len:
                start += len(w)
                changed = True
                break
    return start


@lru_cache(maxsize=1)
def _trim_words() -> list[str]:
    return lx.longest_first(lx.load().list("left_trim"))


def find_matches(text: str, patterns=None) -> list[CharMatch]:
    """Every pattern match in ``text``: leftmost-longest per label, exclusions applied.

    Matches of different labels may overlap (宝应县 is a PLACE inside the ORG
    宝应县水利局); matches of one label do not.
    """
    patterns = entity_patterns() if patterns is None else patterns
    trim_words = _trim_words()
    raw: dict[str, list[tuple[int, int, int, Pattern, re.Match]]] = {}
    excluded: dict[str, list[tuple[int, int]]] = {}
    for order, p in enumerate(patterns):
        for m in p.regex.finditer(text):
            s, e = m.span()
            if s == e:
                continue
            if p.exclude:
                excluded.setdefault(p.label, []).append((s, e))
                continue
            if p.trim:
                s = _trim_left(text, s, e, trim_words)
            # (a time word after its preposition: the word itself must begin one — 要于第三季度末前
            # is cut 要于 / 第三季度 …, 照明年 holds no 明年)
            if p.word_start and not _begins_word(text, m.end("pre") if m.re.groupindex.get("pre") and m.group("pre") else s):
                continue
            raw.setdefault(p.label, []).append((s, e, order, p, m))
    out: list[CharMatch] = []
    for label, items in raw.items():
        items.sort(key=lambda t: (t[0], -(t[1] - t[0]), t[2]))
        blocked = excluded.get(label, [])
        last_end = -1
        for s, e, _, p, m in items:
            if s < last_end:
                continue
            if any(bs <= s < be for bs, be in blocked):
                continue
            groups = {k: v for k, v in m.groupdict().items() if v is not None}
            out.append(CharMatch(label, p.id, s, e, text[s:e], groups))
            last_end = e
    out.sort(key=lambda c: (c.start, -(c.end - c.start), c.label))
    return out
