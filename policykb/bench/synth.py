"""Synthetic policy documents at scale, derived from the real documents in ``corpus/``.

A province's policy library holds 10^4–10^5 clauses; ours holds a few hundred. To measure
engines at that scale without 100 copies of the same clauses, ``generate`` writes documents
that look like ours and vary the way real ones do:

* **recombined clauses** — a clause is a real clause, or the first comma-segments of one real
  clause joined to the last segments of another;
* **places** — every place of ``policykb/bench/data/places.txt`` found in the source text is mapped,
  per synthetic document, to another place of the same type (province, city, county, water),
  and the issuer is a government of that place;
* **departments** — 市生态环境局 becomes another department of ``departments.txt``, and
  articles get 责任单位 notes naming two or three;
* **numbers and years** — years move by a per-document offset, other numbers change value;
* **vocabulary** — words of ``synonyms.txt`` swap within their group, and some nouns and
  verbs are replaced by words of the same part of speech from jieba's dictionary, so the index
  vocabulary grows with the corpus the way a real one does.

Each document is a plain-text file our parser reads (header, 文号, 主送, preamble, 一、 parts,
（一） articles with a heading and clauses, closing, signature) with a ``.meta.yaml`` sidecar.
Every generated clause is one clause for the parser, so a corpus of ``n`` clauses parses to
exactly ``n`` clause provisions. Generation is deterministic for a given seed and source corpus.
"""

from __future__ import annotations

import logging
import random
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterator

from kb.official_citation import int_to_cn

DATA = resources.files("policykb.bench") / "data"

YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}(?=年|—|-|～|~|）|\)|$)")
NUMBER_RE = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")
TERMINATORS_RE = re.compile(r"[。！？；]")
BRACKETS_RE = re.compile(r"[（）“”‘’《》「」『』()\[\]]")
OPEN, CLOSE = "（“‘《「『([", "）”’》」』)]"
CJK_WORD_RE = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
DEPT_PREFIXES = "省市县区"
GENRES = ("实施意见", "实施方案", "行动方案", "工作方案", "意见")  # all end in 意见/方案
LEVEL_WEIGHTS = (("provincial", 1), ("municipal", 5), ("county", 4))
ISSUER_SUFFIX = {"provincial": "省人民政府", "municipal": "市人民政府", "county": "县人民政府"}
DOC_NUMBER_CODES = ("政发", "政办发", "府发", "府办发")
RECIPIENTS = {
    "provincial": "各设区市人民政府，省各委办厅局，省各直属单位：",
    "municipal": "各县（市、区）人民政府，市各委办局，市各直属单位：",
    "county": "各镇人民政府，各街道办事处，县各委办局，县各直属单位：",
}
# How often a word is varied: synonyms swap, nouns/verbs come from jieba's dictionary.
P_SYNONYM = 0.3
P_NOUN = 0.12
P_VERB = 0.05
P_RECOMBINE = 0.4
P_DUTY_NOTE = 0.5


# ---------------------------------------------------------------------------
# Lexicons
# ---------------------------------------------------------------------------

def _data_lines(name: str) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


@dataclass
class Lexicon:
    places: dict[str, list[str]]  # type → names
    place_type: dict[str, str]  # name → type
    place_re: re.Pattern
    departments: list[str]
    dept_re: re.Pattern
    synonyms: dict[str, tuple[str, ...]]  # word → its group
    pool: dict[str, list[str]]  # part of speech → dictionary words

    @classmethod
    def load(cls) -> "Lexicon":
        places: dict[str, list[str]] = {}
        place_type: dict[str, str] = {}
        for line in _data_lines("places.txt"):
            kind, name = line.split("\t")
            places.setdefault(kind, []).append(name)
            place_type[name] = kind
        names = sorted(place_type, key=len, reverse=True)
        departments = _data_lines("departments.txt")
        depts = sorted(departments, key=len, reverse=True)
        synonyms: dict[str, tuple[str, ...]] = {}
        for line in _data_lines("synonyms.txt"):
            group = tuple(line.split())
            for w in group:
                synonyms.setdefault(w, group)
        return cls(places, place_type, re.compile("|".join(map(re.escape, names))), departments,
                   re.compile(f"(?<=[{DEPT_PREFIXES}])(?:{'|'.join(map(re.escape, depts))})"),
                   synonyms, _dictionary_pool())


def _dictionary_pool(min_freq: int = 20) -> dict[str, list[str]]:
    """Words of jieba's dictionary by part of speech (n, v, vn), two to four Han characters."""
    import jieba

    pool: dict[str, list[str]] = {"n": [], "v": [], "vn": []}
    with jieba.get_dict_file() as f:
        for raw in f:
            parts = raw.decode("utf-8").split()
            if len(parts) != 3:
                continue
            word, freq, tag = parts
            if tag in pool and int(freq) >= min_freq and CJK_WORD_RE.match(word):
                pool[tag].append(word)
    pool["vn"].extend(pool["n"][::4])
    return pool


# ---------------------------------------------------------------------------
# Source material: the real corpus, segmented once
# ---------------------------------------------------------------------------

Tokens = tuple[tuple[str, str], ...]  # (word, part of speech)


@dataclass
class Sources:
    clauses: list[Tokens]
    preambles: list[Tokens]
    closings: list[Tokens]
    article_headings: list[Tokens]
    part_headings: list[Tokens]
    titles: list[str]
    documents: list[str] = field(default_factory=list)


def _tag(text: str) -> Tokens:
    import jieba.posseg as pseg

    return tuple((p.word, p.flag) for p in pseg.cut(text, HMM=False))


def load_sources(corpus_dir: Path) -> Sources:
    """Parse the real corpus with our pipeline and keep its clauses and headings, POS-tagged."""
    import jieba

    from indexer.build import parse_corpus

    jieba.setLogLevel(logging.WARNING)
    docs = parse_corpus(Path(corpus_dir), progress=None)
    src = Sources([], [], [], [], [], [])
    by_id = {}
    for pd in docs:
        src.documents.append(pd.document.id)
        src.titles.append(pd.document.title)
        by_id.update({p.id: p for p in pd.provisions})
        for p in pd.provisions:
            if p.kind == "clause":
                text = TERMINATORS_RE.sub("，", p.text.strip()).strip("，")
                if len(text) < 6:
                    continue
                parent = by_id.get(p.parent)
                kind = parent.kind if parent else "part"
                target = {"preamble": src.preambles, "closing": src.closings}.get(kind, src.clauses)
                target.append(_tag(text))
            elif p.heading and p.kind in ("article", "item") and not TERMINATORS_RE.search(p.heading):
                src.article_headings.append(_tag(p.heading))
            elif p.heading and p.kind == "part" and not TERMINATORS_RE.search(p.heading):
                src.part_headings.append(_tag(p.heading))
    if not src.clauses:
        raise ValueError(f"{corpus_dir}: no clauses to derive a synthetic corpus from; "
                         "add at least one structured document to the corpus")
    src.preambles = src.preambles or src.clauses[:1]
    src.closings = src.closings or src.clauses[-1:]
    src.article_headings = src.article_headings or [c[:4] for c in src.clauses]
    src.part_headings = src.part_headings or src.article_headings
    return src


# ---------------------------------------------------------------------------
# One synthetic document
# ---------------------------------------------------------------------------

@dataclass
class SynthDoc:
    id: str
    meta: dict
    text: str
    clauses: int


class _DocVariety:
    """The choices that stay fixed within one synthetic document."""

    def __init__(self, lex: Lexicon, rng: random.Random):
        self.lex, self.rng = lex, rng
        self.level = rng.choices([lv for lv, _ in LEVEL_WEIGHTS], [w for _, w in LEVEL_WEIGHTS])[0]
        self.province = rng.choice(lex.places["province"])
        self.city = rng.choice(lex.places["city"])
        self.county = rng.choice(lex.places["county"])
        self.year_shift = rng.randint(-8, 6)
        self.mapping: dict[str, str] = {}
        self.home = {"provincial": self.province, "municipal": self.city, "county": self.county}[self.level]

    def place(self, m: re.Match) -> str:
        name = m.group()
        if name not in self.mapping:
            kind = self.lex.place_type[name]
            fixed = {"province": self.province, "city": self.city}
            self.mapping[name] = fixed.get(kind) or self.rng.choice(self.lex.places[kind])
        return self.mapping[name]

    def department(self, m: re.Match) -> str:
        return self.rng.choice(self.lex.departments)

    def number(self, m: re.Match) -> str:
        s = m.group()
        if YEAR_RE.fullmatch(s) and 1990 <= int(s) <= 2060:
            return str(int(s) + self.year_shift)
        if self.rng.random() < 0.3:
            return s
        whole, _, frac = s.partition(".")
        first = str(self.rng.randint(1, 9)) if len(whole) > 1 or whole != "0" else "0"
        out = first + "".join(str(self.rng.randint(0, 9)) for _ in range(len(whole) - 1))
        if frac:
            out += "." + "".join(str(self.rng.randint(0, 9)) for _ in frac)
        return out

    def words(self, tokens: Tokens) -> str:
        rng, lex = self.rng, self.lex
        out = []
        for w, flag in tokens:
            group = lex.synonyms.get(w)
            if group and rng.random() < P_SYNONYM:
                w = rng.choice(group)
            elif (flag in ("n", "vn") and rng.random() < P_NOUN or flag == "v" and rng.random() < P_VERB) \
                    and len(w) >= 2 and not lex.place_re.search(w):
                w = rng.choice(lex.pool[flag])
            out.append(w)
        return "".join(out)

    def finish(self, text: str) -> str:
        text = self.lex.place_re.sub(self.place, text)
        text = self.lex.dept_re.sub(self.department, text)
        return NUMBER_RE.sub(self.number, text)

    def clause(self, src: Sources) -> str:
        a = self.rng.choice(src.clauses)
        if self.rng.random() < P_RECOMBINE:
            b = self.rng.choice(src.clauses)
            cuts_a, cuts_b = _cuts(a), _cuts(b)
            if cuts_a and cuts_b:
                a = a[:self.rng.choice(cuts_a)] + b[self.rng.choice(cuts_b):]
        return self.sentence(a)

    def sentence(self, tokens: Tokens) -> str:
        text = TERMINATORS_RE.sub("，", self.finish(self.words(tokens))).strip("，")
        return text + "。"

    def heading(self, tokens: Tokens) -> str:
        text = TERMINATORS_RE.sub("", self.finish(self.words(tokens)))
        return text if len(text) <= 30 else BRACKETS_RE.sub("", text)[:30]

    def duty_note(self) -> str:
        prefix = {"provincial": "省", "municipal": "市", "county": "县"}[self.level]
        names = self.rng.sample(self.lex.departments, self.rng.randint(2, 3))
        return "（责任单位：" + "、".join(prefix + n for n in names) + "）"


def _cuts(tokens: Tokens) -> list[int]:
    """Indexes of the commas outside brackets and quotes (where a clause can be cut)."""
    out, depth = [], 0
    for i, (w, _) in enumerate(tokens):
        depth += sum(c in OPEN for c in w) - sum(c in CLOSE for c in w)
        if w == "，" and depth <= 0:
            out.append(i)
    return out


def make_document(index: int, n_clauses: int, src: Sources, lex: Lexicon, seed: int) -> SynthDoc:
    """One synthetic document of exactly ``n_clauses`` clauses (at least 3)."""
    rng = random.Random(seed * 1_000_003 + index)
    v = _DocVariety(lex, rng)
    issuer = v.home + ISSUER_SUFFIX[v.level]
    year = 2024 + v.year_shift
    if rng.random() < 0.3:
        topic = v.finish(rng.choice(src.titles))
        title = topic if "关于" in topic else f"{issuer}关于印发{topic}的通知"
    else:
        title = f"{issuer}关于{v.heading(rng.choice(src.part_headings + src.article_headings))}的{rng.choice(GENRES)}"
    doc_number = f"{v.home[0]}{rng.choice(DOC_NUMBER_CODES)}〔{year}〕{rng.randint(1, 199)}号"
    month, day = rng.randint(1, 12), rng.randint(1, 28)

    paras = [title, doc_number, RECIPIENTS[v.level]]
    budget = n_clauses - 2  # one preamble clause and one closing clause
    paras.append(v.sentence(rng.choice(src.preambles)))
    part = 0
    while budget > 0 and part < 99:
        part += 1
        paras.append(f"{int_to_cn(part)}、{v.heading(rng.choice(src.part_headings))}")
        for art in range(1, rng.randint(2, 6) + 1):
            if budget <= 0:
                break
            k = min(budget, rng.randint(2, 7))
            budget -= k
            body = "".join(v.clause(src) for _ in range(k))
            if rng.random() < P_DUTY_NOTE:
                body += v.duty_note()
            paras.append(f"（{int_to_cn(art)}）{v.heading(rng.choice(src.article_headings))}。{body}")
    if budget > 0:  # only with more than ~2,000 clauses in one document
        paras[-1] += "".join(v.clause(src) for _ in range(budget))
    paras.append("本" + rng.choice(GENRES)[-2:] + "自印发之日起施行，" + v.sentence(rng.choice(src.closings)))
    paras += [issuer, f"{year}年{month}月{day}日"]
    doc_id = f"synth-{index + 1:05d}"
    meta = {"id": doc_id, "title": title, "issuer": issuer, "doc_number": doc_number,
            "date": f"{year}-{month:02d}-{day:02d}", "level": v.level, "status": "full",
            "source": f"{doc_id}.txt", "synthetic": True}
    return SynthDoc(doc_id, meta, "\n\n".join(paras) + "\n", n_clauses)


def plan(n_clauses: int, seed: int, per_doc: tuple[int, int] = (40, 200)) -> list[int]:
    """How many clauses each document gets: random sizes that sum to ``n_clauses``."""
    rng = random.Random(seed)
    sizes = []
    left = n_clauses
    while left > 0:
        k = min(left, rng.randint(*per_doc))
        if left - k < 3:  # no document shorter than 3 clauses
            k = left
        sizes.append(k)
        left -= k
    if sizes and sizes[-1] < 3 and len(sizes) > 1:
        sizes[-2] += sizes.pop()
    return sizes


def generate(n_clauses: int, src: Sources, lex: Lexicon | None = None, seed: int = 0,
             per_doc: tuple[int, int] = (40, 200)) -> Iterator[SynthDoc]:
    lex = lex or Lexicon.load()
    for i, k in enumerate(plan(n_clauses, seed, per_doc)):
        yield make_document(i, max(k, 3), src, lex, seed)


@dataclass
class CorpusInfo:
    path: Path
    documents: int
    clauses: int
    chars: int


def write_corpus(out_dir: Path, n_clauses: int, source_corpus: Path, seed: int = 0,
                 per_doc: tuple[int, int] = (40, 200)) -> CorpusInfo:
    """Write a synthetic corpus of ``n_clauses`` clauses (``.txt`` + ``.meta.yaml`` per document)."""
    import yaml

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    src = load_sources(source_corpus)
    lex = Lexicon.load()
    docs = clauses = chars = 0
    for d in generate(n_clauses, src, lex, seed, per_doc):
        (out_dir / f"{d.id}.txt").write_text(d.text, encoding="utf-8")
        (out_dir / f"{d.id}.meta.yaml").write_text(
            yaml.safe_dump(d.meta, allow_unicode=True, sort_keys=False), encoding="utf-8")
        docs += 1
        clauses += d.clauses
        chars += len(d.text)
    return CorpusInfo(out_dir, docs, clauses, chars)
