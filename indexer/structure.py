"""Normalised text → header, body provisions, signature. Pure functions, no I/O.

The parser never refuses input: text with no recognisable numbering still
yields provisions (one ``item`` per paragraph) and a warning.

How the body is read, paragraph by paragraph:

* Numbered paragraphs (patterns in ``indexer.regexes.NUMBERING``) open a node.
  Nodes nest by a fixed rank: 第一章 > 第一节 > 第一条 > 一、 > （一） > 1． > （1） > ①.
  A new node closes every open node of the same or an inner rank.
* A node's kind follows from its type and its ancestors: 一、/第一章/第一节
  outside any article are ``part``; （一）/第一条 outside any article are
  ``article``; everything below an article (or a numbered form below a part
  that has no articles) is ``item``.
* Unnumbered paragraphs before the first numbered one are the ``preamble``;
  after it they continue the open node, except a trailing run that follows a
  one-paragraph node or starts with a closing cue (本意见…, 各地各有关部门…),
  which is the ``closing``.
* Each node's first sentence is its heading when it is short and more text
  follows; the rest is split into ``clause`` leaves at 。！？ and ；, never
  inside （）“”《》, with a trailing parenthetical annotation kept on its clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.models import Provision
from indexer import regexes as rx

# Rank of each numbering type: a smaller rank is an outer level.
RANK = {name: i for i, name in enumerate(rx.NUMBERING)}
ID_SEGMENT = {
    "division": "div", "chapter": "chp", "section": "sec", "tiao": "art", "cn_comma": "part",
    "cn_paren": "art", "num_dot": "item", "num_paren": "sub", "circled": "pt",
}
PART_TYPES = {"division", "chapter", "section", "cn_comma"}
ARTICLE_TYPES = {"tiao", "cn_paren"}
HEADING_MAX = 40  # a first sentence longer than this is text, not a heading
OPEN = "（“‘《「『([【〔"
CLOSE = "）”’》」』)]】〕"


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int
    text: str


@dataclass
class Header:
    title: str | None = None
    title_span: tuple[int, int] | None = None
    doc_number: str | None = None
    doc_number_span: tuple[int, int] | None = None
    recipients: tuple[str, ...] = ()
    recipients_span: tuple[int, int] | None = None
    lines: list[tuple[str, int, int]] = field(default_factory=list)  # (role, start, end)


@dataclass
class Signature:
    issuer: str | None = None
    date: str | None = None  # YYYY-MM-DD
    start: int | None = None
    end: int | None = None


@dataclass
class ParseResult:
    text: str
    header: Header
    signature: Signature
    body_start: int
    body_end: int
    provisions: list[Provision]
    warnings: list[str]


# ---------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------

_CN_DIGIT = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}


def cn_to_int(s: str) -> int | None:
    """二十二 → 22, 十 → 10, 一百零五 → 105, 12 → 12, ③ → 3; None if not a number."""
    if not s:
        return None
    if s.isdigit() and s.isascii():
        return int(s)
    if len(s) == 1 and "\u2460" <= s <= "\u2473":
        return ord(s) - 0x2460 + 1
    total, digit = 0, None
    for ch in s:
        if ch in _CN_DIGIT:
            digit = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            total += (1 if digit is None else digit) * _CN_UNIT[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def cn_year(s: str) -> int | None:
    """二〇二四 → 2024 (digit by digit, as signatures write years)."""
    digits = [_CN_DIGIT.get(ch) for ch in s]
    return None if None in digits else int("".join(map(str, digits)))


# ---------------------------------------------------------------------------
# Paragraphs, header and signature
# ---------------------------------------------------------------------------


def paragraphs(text: str) -> list[Paragraph]:
    return [Paragraph(m.start(), m.end(), m.group()) for m in re.finditer(r"[^\n]+", text)]


def numbering(line: str) -> tuple[str, re.Match] | None:
    """The numbering type of a paragraph and its match, or None."""
    for name, pattern in rx.NUMBERING.items():
        m = pattern.match(line)
        if m and m.group("rest").strip():
            return name, m
        if m and name in PART_TYPES | ARTICLE_TYPES:
            return name, m  # a bare 第一章 / 一、 line still opens a unit
    return None


def parse_date(line: str) -> str | None:
    if re.fullmatch(r"[\d〇○零一二三四五六七八九十年月日 \u3000]+", line):
        line = re.sub(r"[ \u3000]", "", line)  # 2025 年 3 月 5 日: a date spaced out in the signature
    m = rx.DATE_ARABIC.match(line)
    if m:
        return f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}"
    m = rx.DATE_CN.match(line)
    if m:
        y, mo, d = cn_year(m["y"]), cn_to_int(m["m"]), cn_to_int(m["d"])
        if y and mo and d:
            return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def parse_year_month(line: str) -> str | None:
    """2025年3月 / 二〇二五年三月 → 2025-03 (a signature dated to the month only)."""
    m = rx.DATE_YEAR_MONTH.match(line)
    if not m:
        return None
    y = int(m["y"]) if m["y"].isdigit() else cn_year(m["y"])
    mo = cn_to_int(m["m"])
    return f"{y:04d}-{mo:02d}" if y and mo and 1 <= mo <= 12 else None


def split_recipients(s: str) -> tuple[str, ...]:
    """Split a 主送 line at top-level ，/、 is too eager (经济技术开发区、…管委会 share a
    suffix), so split at top-level ， only."""
    out, depth, cur = [], 0, []
    for ch in s:
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
        if ch == "，" and depth == 0:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur).strip())
    return tuple(x for x in out if x)


HEADER_SCAN = 8  # a wrapped title is among the first paragraphs


def _titleish(line: str) -> bool:
    return bool(rx.TITLE_LINE.match(line) or rx.TITLE_PLAIN.match(line) or rx.NOTICE_TITLE.match(line))


def _title_piece(line: str) -> bool:
    """Could this line be part of a title broken over lines? Short, no sentence punctuation,
    not numbered, not a 文号, date, masthead (…文件) or a title by itself."""
    return (2 <= len(line) <= 40 and not re.search(r"[。；：，！？]", line) and not numbering(line)
            and not rx.DOC_NUMBER.search(line) and not rx.DOC_NUMBER_ALONE.fullmatch(line)
            and not parse_date(line) and not rx.MASTHEAD_LINE.match(line)
            and not _titleish(line))


def _title_head(line: str) -> bool:
    """The long first piece of a broken title that names several issuers (甲局 乙局 丙局 丁局关于印发
    《…实施方 / 案》的通知): up to 关于/印发 and on, no sentence punctuation, not a title by itself."""
    return (len(line) <= 90 and bool(re.search(r"关于|印发|转发", line)) and not re.search(r"[。；：，！？]", line)
            and not numbering(line) and not rx.DOC_NUMBER.search(line) and not _titleish(line))


def _issuer_lines(paras: list[Paragraph], i: int) -> int:
    """How many lines from ``i`` on name issuing bodies only (at most three)."""
    n = 0
    while n < 3 and i + n < len(paras) and rx.ISSUER_LINE.match(paras[i + n].text) \
            and not rx.MASTHEAD_LINE.match(paras[i + n].text):
        n += 1
    return n if i + n < len(paras) else 0


def _title_tail(line: str) -> bool:
    """A few characters that cannot stand as a line of their own in a header: the wrapped end of
    a title (清单, 的通知, （试行）), not an issuer, a date or a 文号."""
    return (len(line) <= 8 and _title_piece(line) and not rx.DATE_IN_TEXT.search(line)
            and not rx.ISSUER_LINE.match(line))


def join_title_lines(text: str) -> str:
    """Join a title the source broke over two or three lines (a long title set in large type,
    a PDF's line breaks): 青川市人民政府办公室关于印发青川市2025年 / 秸秆综合利用和禁烧工作方案的通知
    is one title line. Lines are joined only near the top, only when no piece is a title by
    itself and together they are one (``TITLE_LINE``, ``TITLE_PLAIN``, ``NOTICE_TITLE``) — or when
    a title's last few characters wrapped onto a line of their own (``_title_tail``).
    Runs on normalised text; the result is normalised text."""
    paras = paragraphs(text)
    for i in range(min(HEADER_SCAN, len(paras))):
        line = paras[i].text
        if numbering(line) or line.startswith(("根据", "为")) or rx.RECIPIENTS_LINE.match(line):
            break
        issuers = _issuer_lines(paras, i)
        k = i + issuers
        for extra in (0, 1) if issuers else ():
            # the issuing bodies on their own line(s) above 关于… (or 印发/转发…的通知), that line
            # itself perhaps broken in two: 临水区农业农村局 / 临水区财政局 / 关于做好…农田 / 建设工作的通知
            if k + extra >= len(paras) or (extra and not _title_piece(paras[k + extra].text)):
                break
            rest = "".join(p.text for p in paras[k:k + extra + 1])
            if (rest.startswith("关于") and rx.TITLE_LINE.match(rest)) or (
                    rest.startswith(("印发", "转发", "批转", "下发")) and rx.NOTICE_TITLE.match(rest)):
                joined = " ".join(p.text for p in paras[i:k]) + rest
                return text[:paras[i].start] + joined + text[paras[k + extra].end:]
        if _titleish(line) and i + 1 < len(paras) and _title_tail(paras[i + 1].text) \
                and _titleish(line + paras[i + 1].text):
            # a title by itself whose last word wrapped: …重点工作任务 / 清单
            return text[:paras[i].start] + line + paras[i + 1].text + text[paras[i + 1].end:]
        if not (_title_piece(line) or _title_head(line)):
            continue
        for j in (i + 1, i + 2):
            if j >= len(paras) or not _title_piece(paras[j].text):
                break
            joined = "".join(p.text for p in paras[i:j + 1])
            if _titleish(joined):
                return text[:paras[i].start] + joined + text[paras[j].end:]
    return text


def parse_header(paras: list[Paragraph]) -> tuple[Header, int]:
    """The header lines at the top (title, 文号, 主送) and the index of the first body paragraph."""
    header = Header()
    end = 0
    for i, p in enumerate(paras[:10]):
        line = p.text
        if numbering(line) or line.startswith("根据"):
            break
        dn = rx.DOC_NUMBER.fullmatch(line) or rx.DOC_NUMBER_ALONE.fullmatch(line)
        if dn:
            header.doc_number = normalise_doc_number(dn)
            header.doc_number_span = (p.start, p.end)
            header.lines.append(("doc_number", p.start, p.end))
            end = i + 1
            continue
        rm = rx.RECIPIENTS_LINE.match(line)
        if rm and ("，" in line or "、" in line or line.startswith("各")):
            header.recipients = split_recipients(rm["recipients"])
            header.recipients_span = (p.start, p.start + len(rm["recipients"]))
            header.lines.append(("recipients", p.start, p.end))
            end = i + 1
            break  # the 主送 line is the last line of a header
        if rx.TITLE_LINE.match(line) or rx.NOTICE_TITLE.match(line) or (
                header.title is None and rx.TITLE_PLAIN.match(line)):
            # The longest title line wins: a page often repeats a short title
            # (关于…的实施意见) above the full one (市政府关于…的实施意见).
            if header.title is None or len(line) >= len(header.title):
                header.title = line
                header.title_span = (p.start, p.end)
            header.lines.append(("title", p.start, p.end))
            end = i + 1
            continue
        if len(line) <= 20 and "。" not in line:
            header.lines.append(("other", p.start, p.end))  # 政策文件, 发布机构 …
            continue
        break
    # Lines marked "other" after the last real header line belong to the body.
    header.lines = [ln for ln in header.lines if ln[1] < (paras[end - 1].end if end else 0)]
    return header, end


def parse_signature(paras: list[Paragraph], first_body: int) -> tuple[Signature, int]:
    """Trailing issuer / date / publication-note lines; returns the index after the body."""
    sig = Signature()
    end = len(paras)
    # The 版记 below the signature (抄送：…, …2025年3月14日印发) is not body text.
    while end > first_body and (rx.COPY_LINE.match(paras[end - 1].text) or rx.PRINT_LINE.match(paras[end - 1].text)
                                or rx.NEIGHBOUR_LINK.match(paras[end - 1].text)):
        end -= 1
    imprint = end
    while end > first_body:
        line = paras[end - 1].text
        date = parse_date(line)
        if date is None and sig.date is None and end - 2 >= first_body and rx.ISSUER_LINE.match(paras[end - 2].text):
            date = parse_year_month(line)  # 落款 dated to the month only: 桥南街道办事处 / 2025年2月
        if date and sig.date is None and sig.issuer is None:
            sig.date = date
        elif rx.PUBLICATION_NOTE.match(line):
            pass
        elif rx.ISSUER_LINE.match(line) and (sig.date or sig.issuer):
            sig.issuer = line if sig.issuer is None else f"{line} {sig.issuer}"
        else:
            break
        end -= 1
    if end == imprint or sig.date is None:
        if imprint < len(paras):  # a 版记 without a signature above it
            return Signature(None, None, paras[imprint].start, paras[-1].end), imprint
        return Signature(), len(paras)
    sig.start, sig.end = paras[end].start, paras[-1].end
    return sig, end


def normalise_doc_number(m: re.Match) -> str:
    """Any bracket form → the official 〔YYYY〕 form: 苏政发[2024]5号 → 苏政发〔2024〕5号."""
    return f"{m['prefix']}〔{m['year']}〕{int(m['serial'])}号"


# ---------------------------------------------------------------------------
# Clauses
# ---------------------------------------------------------------------------


def split_clauses(text: str, start: int) -> list[tuple[int, int]]:
    """Spans (absolute offsets) of the clauses in ``text`` that begins at ``start``.

    Splits after 。！？； (and closing quotes that follow) outside brackets and
    quotes; a span that is only a parenthetical annotation joins the clause
    before it. Leading/trailing spaces are excluded from spans.
    """
    spans: list[tuple[int, int]] = []
    depth, seg = 0, 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "“‘" and depth == 0 or ch in OPEN and ch not in "“‘":
            depth += 1
        elif ch in CLOSE and depth > 0:
            depth -= 1
        elif ch in "”’" and depth > 0:
            depth -= 1
        if depth == 0 and ch in "。！？；":
            j = i + 1
            while j < n and text[j] in "。！？；":
                j += 1
            while j < n and text[j] in "”’」』":
                j += 1
            spans.append((seg, j))
            seg = i = j
            continue
        i += 1
    if seg < n:
        spans.append((seg, n))
    out: list[tuple[int, int]] = []
    for a, b in spans:
        piece = text[a:b]
        a += len(piece) - len(piece.lstrip())
        b -= len(piece) - len(piece.rstrip())
        if a >= b:
            continue
        if out and text[a] in "（(【〔" and text[b - 1] in "）)】〕。；" and _is_annotation(text[a:b]):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return [(start + a, start + b) for a, b in out]


def _is_annotation(s: str) -> bool:
    s = s.rstrip("。；")
    return s.startswith(("（", "(")) and s.endswith(("）", ")"))


# ---------------------------------------------------------------------------
# The body tree
# ---------------------------------------------------------------------------


@dataclass
class _Node:
    type: str  # a NUMBERING key, or preamble / closing / para / annex
    kind: str
    num: int | None
    marker: str | None
    seg: str
    id: str
    parent: "_Node | None"
    start: int
    end: int
    heading: str | None = None
    heading_span: tuple[int, int] | None = None
    regions: list[tuple[int, int]] = field(default_factory=list)  # own text (clause source)
    children: list["_Node"] = field(default_factory=list)
    rank: int = 0

    def ancestors(self):
        n = self.parent
        while n is not None:
            yield n
            n = n.parent


def _kind_for(type_: str, parent: _Node | None) -> str:
    above = [] if parent is None else [parent, *parent.ancestors()]
    inside_article = any(a.kind in ("article", "item") for a in above)
    if type_ in PART_TYPES and not inside_article:
        return "part"
    if type_ in ARTICLE_TYPES and not inside_article:
        return "article"
    return "item"


def _split_heading(text: str, start: int) -> tuple[tuple[int, int] | None, int]:
    """The heading span of a numbered paragraph's rest, and where its own text begins.

    A short line with no sentence end is all heading (一、总体要求); otherwise the
    first sentence is the heading when it is short, has no ，/； (headings are
    phrases) and more text follows ((一)优化空间开发保护格局。积极融入…).
    """
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    if not stripped:
        return None, start + len(text)
    if len(stripped) <= HEADING_MAX and not re.search(r"[。！？；]", stripped):
        return (start + lead, start + lead + len(stripped)), start + len(text)
    m = re.search(r"[。！？]", stripped)
    after = stripped[m.end():].strip() if m else ""
    if (m and 0 < m.start() <= HEADING_MAX and after and not _is_annotation(after)
            and not re.search(r"[，；：]", stripped[: m.start()])):
        # （1）纳入管网。（牵头单位：…）: a sentence followed only by its annotation is text
        return (start + lead, start + lead + m.start()), start + lead + m.end()
    return None, start


def _is_annex_start(line: str) -> bool:
    return bool(rx.ANNEX.match(line)) and len(line) <= 40 and "。" not in line


def _mid_signature(paras: list[Paragraph]) -> int | None:
    """Index of a signature block (issuer line, date line) that annexes follow, or None."""
    for j in range(len(paras) - 2, -1, -1):
        if rx.ISSUER_LINE.match(paras[j].text) and parse_date(paras[j + 1].text):
            rest = [p.text for p in paras[j + 2:] if not rx.PUBLICATION_NOTE.match(p.text)]
            if rest and _is_annex_start(rest[0]):
                return j
    return None


def parse_body(text: str, paras: list[Paragraph], doc_id: str) -> tuple[list[Provision], list[str]]:
    """Body paragraphs → provisions (see the module docstring for the rules)."""
    warnings: list[str] = []
    roots: list[_Node] = []
    used_ids: set[str] = set()
    next_suffix: dict[str, int] = {}  # base id → the last suffix tried (keeps repeats linear)

    def open_node(type_, kind, num, marker, seg, p_start, parent, rank):
        base = f"{parent.id}__{seg}" if parent else seg
        ident, k = base, next_suffix.get(base, 1)
        if k > 1:
            ident = f"{base}_{k}"
        while ident in used_ids:  # numbering repeated by mistake: keep ids unique and stable
            k += 1
            ident = f"{base}_{k}"
        used_ids.add(ident)
        next_suffix[base] = k
        node = _Node(type_, kind, num, marker, ident.rsplit("__", 1)[-1], ident, parent, p_start, p_start,
                     rank=rank)
        (parent.children if parent else roots).append(node)
        return node

    def extend(node: _Node, p: Paragraph) -> None:
        node.regions.append((p.start, p.end))
        for n in [node, *node.ancestors()]:
            n.end = max(n.end, p.end)

    numbered = [numbering(p.text) for p in paras]
    if not any(numbered) and not any(_is_annex_start(p.text) for p in paras):
        if paras:
            warnings.append("no numbered structure (一、/（一）/1．/第一条) found; indexed paragraph by paragraph")
        # An opening paragraph that announces what follows (…现就有关事项通告如下：) is the preamble;
        # a last paragraph with a closing cue (本通告自…起施行。) is the closing; every other
        # paragraph is an item of its own.
        lo, hi = 0, len(paras)
        if len(paras) >= 3 and paras[0].text.endswith("：") and len(paras[0].text) <= 300:
            preamble = open_node("preamble", "preamble", None, None, "preamble", paras[0].start, None, -2)
            extend(preamble, paras[0])
            lo = 1
        if hi - lo >= 3 and rx.CLOSING_CUE.match(paras[-1].text):
            hi -= 1
        for k, p in enumerate(paras[lo:hi], 1):
            node = open_node("para", "item", k, None, f"para_{k}", p.start, None, 99)
            extend(node, p)
        if hi < len(paras):
            closing = open_node("closing", "closing", None, None, "closing", paras[hi].start, None, -2)
            extend(closing, paras[hi])
        return _emit(text, roots, doc_id), warnings

    # Where the main text ends: at a signature that annexes follow (with the attachment
    # list just above it), else at the first annex, else at the end.
    sig = _mid_signature(paras)
    annex_at = next((i for i, p in enumerate(paras) if _is_annex_start(p.text)), len(paras))
    main_end = annex_at
    # A list of attachments (附件一：责任清单 / 附件二：考核指标) directly followed by the annexes
    # themselves (附件一 …) is part of the closing: an annex line that names a title and is
    # followed by another annex line opens no annex.
    while annex_at + 1 < len(paras) and _is_annex_start(paras[annex_at + 1].text) \
            and rx.ANNEX.match(paras[annex_at].text)["rest"].strip():
        annex_at += 1
    if sig is not None:
        main_end = sig
        # An attachment list (附件：1．…) just above the signature belongs to the closing.
        for j in range(sig - 1, max(sig - 7, -1), -1):
            if len(paras[j].text) > HEADING_MAX or "。" in paras[j].text:
                break
            if _is_annex_start(paras[j].text):
                main_end = j
                break
        annex_at = next((i for i in range(sig + 2, len(paras)) if _is_annex_start(paras[i].text)), len(paras))

    stack: list[_Node] = []
    preamble: _Node | None = None
    last_numbered = -1
    for i in range(main_end):
        p, hit = paras[i], numbered[i]
        if hit is None:
            if stack and _annotation_for_parent(stack, paras, numbered, i, text):
                stack = stack[:-1]  # it speaks for the item whose sub-items it follows
                extend(stack[-1], p)
            elif stack:
                extend(stack[-1], p)
            else:
                if preamble is None:
                    preamble = open_node("preamble", "preamble", None, None, "preamble", p.start, None, -2)
                extend(preamble, p)
            continue
        stack = _open_numbered(text, p, hit, stack, open_node)
        last_numbered = i

    # The closing: a trailing run of unnumbered paragraphs that starts with a closing
    # cue, or that follows a node whose text stood on its own numbered line (then
    # the run cannot be that node's continuation).
    tail = paras[last_numbered + 1:main_end] if stack else []
    closing_paras: list[Paragraph] = []
    if tail:
        top = stack[-1]
        own_line = bool(top.regions) and top.regions[0][0] < tail[0].start
        if rx.CLOSING_CUE.match(tail[0].text) or (own_line and len(tail) <= 2 and top.kind != "part"
                                                  and not _annotation_paragraph(tail[0].text)):
            starts = {t.start for t in tail}
            for n in [top, *top.ancestors()]:
                n.regions = [r for r in n.regions if r[0] not in starts]
                n.end = max([c.end for c in n.children] + [r[1] for r in n.regions]
                            + [n.heading_span[1] if n.heading_span else n.start + len(n.marker or "")])
            closing_paras = list(tail)
    closing_paras += paras[main_end:annex_at]  # attachment list and mid-document signature
    if closing_paras:
        closing = open_node("closing", "closing", None, None, "closing", closing_paras[0].start, None, -2)
        for p in closing_paras:
            extend(closing, p)

    # Annexes: each restarts the numbering under its own top-level unit.
    stack = []
    for i in range(annex_at, len(paras)):
        p = paras[i]
        if _is_annex_start(p.text):
            m = rx.ANNEX.match(p.text)
            count = sum(1 for r in roots if r.type == "annex") + 1
            num = cn_to_int(m["num"]) if m["num"] else count
            node = open_node("annex", "part", num, m["marker"], f"annex_{num}", p.start, None, -1)
            rest = m["rest"].strip()
            if rest:
                h0 = p.text.rindex(rest)
                node.heading, node.heading_span = rest, (p.start + h0, p.start + h0 + len(rest))
            node.end = p.end
            stack = [node]
        elif numbered[i] is None:
            node = stack[-1]
            if node.type == "annex" and node.heading is None and not node.regions and not node.children \
                    and len(p.text) <= HEADING_MAX and not re.search(r"[。；]", p.text):
                node.heading, node.heading_span = p.text, (p.start, p.end)  # 附件 / 重点任务清单
                node.end = p.end
            else:
                extend(node, p)
        else:
            stack = _open_numbered(text, p, numbered[i], stack, open_node)
    for root in roots:
        _headings_above_children(text, root)
    return _emit(text, roots, doc_id), warnings


def _annotation_for_parent(stack: list[_Node], paras: list[Paragraph], numbered, i: int, text: str) -> bool:
    """Does the unnumbered paragraph ``i`` — an annotation on a line of its own, e.g.
    （牵头单位：…；完成时限：持续推进） — belong to the parent of the open node rather than to it?

    Yes when the open node is the last of two or more sub-items (（1）（2）（3） under 2．…)
    none of which carries an annotation of its own: the annotation then closes the list and
    names who does the whole item."""
    if not rx.ANNOTATION_PARAGRAPH.match(paras[i].text) or len(stack) < 2:
        return False
    top, parent = stack[-1], stack[-2]
    if top.type in ("preamble", "closing", "annex", "para") or parent.type == "annex":
        return False
    siblings = [c for c in parent.children if c.type == top.type]
    if len(siblings) < 2 or siblings[-1] is not top:
        return False
    nxt = next((numbered[j] for j in range(i + 1, len(paras))), None)
    if nxt is not None and nxt[0] == top.type:
        return False  # another sibling follows: the annotation is the open node's own
    return not any(_ends_with_annotation(text[c.start:c.end]) for c in siblings)


def _ends_with_annotation(s: str) -> bool:
    s = s.rstrip().rstrip("。；")
    return s.endswith("）") and bool(re.search(r"（[^（）]*(?:牵头|配合|责任|完成时限|完成时间)", s))


def _annotation_paragraph(line: str) -> bool:
    """（牵头单位：…） or 牵头单位：… on a line of its own: the annotation of the item above."""
    return bool(rx.ANNOTATION_PARAGRAPH.match(line) or rx.ANNOTATION_LINE.match(line))


def _headings_above_children(text: str, node: _Node) -> None:
    """A numbered line that is one short sentence (2．分类确定治理模式。) above sub-items or
    further paragraphs is the node's heading, as (一)优化空间开发保护格局。 is when text follows
    on the same line."""
    for child in node.children:
        _headings_above_children(text, child)
    if node.heading is not None or not node.marker or node.type == "tiao" or not node.regions:
        return
    a, b = node.regions[0]
    line_end = text.find("\n", node.start)
    if line_end != -1 and a >= line_end:
        return  # the numbered line is only its marker; the text starts on the next line
    if not (node.children or any(not _annotation_paragraph(text[s:e].strip()) for s, e in node.regions[1:])):
        return  # 1.全区PM2.5年均浓度控制在32微克/立方米左右。 above 牵头单位：… lines only: text, not a heading
    own = text[a:b].strip()
    # （一）优化能源结构，推动能源清洁化。 on its own line above numbered items: a title of
    # paired phrases (a comma allowed), when the line is all the node's own text.
    title_only = bool(node.children) and len(node.regions) == 1
    if not own.endswith("。") or len(own) - 1 > HEADING_MAX or re.search(
            r"[。！？；：]" if title_only else r"[。！？；，：]", own[:-1]):
        return
    lead = len(text[a:b]) - len(text[a:b].lstrip())
    node.heading_span = (a + lead, a + lead + len(own) - 1)
    node.heading = own[:-1]
    node.regions = node.regions[1:]


def _open_numbered(text, p: Paragraph, hit, stack: list[_Node], open_node) -> list[_Node]:
    """Open the node of a numbered paragraph under the right parent; returns the new stack."""
    type_, m = hit
    rank = RANK[type_]
    stack = list(stack)
    while stack and stack[-1].rank >= rank:
        stack.pop()
    parent = stack[-1] if stack else None
    kind = _kind_for(type_, parent)
    num = cn_to_int(m["num"])
    seg_name = "item" if kind == "item" and type_ in PART_TYPES | ARTICLE_TYPES else ID_SEGMENT[type_]
    node = open_node(type_, kind, num, m["marker"], f"{seg_name}_{num}", p.start, parent, rank)
    rest_start = p.start + m.start("rest")
    rest = p.text[m.start("rest"):]
    # Articles of regulations (第三条 …) have no headings; their first sentence is text.
    span, own_start = (None, rest_start) if type_ == "tiao" else _split_heading(rest, rest_start)
    if span:
        node.heading_span = span
        node.heading = text[span[0]:span[1]]
    if own_start < p.end:
        node.regions.append((own_start, p.end))
    node.end = p.end
    for a in node.ancestors():
        a.end = max(a.end, p.end)
    stack.append(node)
    return stack


def _emit(text: str, roots: list[_Node], doc_id: str) -> list[Provision]:
    provisions: list[Provision] = []

    def emit(node: _Node, part_no, article_no, item_no, label, depth):
        if node.kind == "part" and node.type != "annex":
            part_no = node.num
        elif node.kind == "article":
            article_no = node.num
        elif node.kind == "item" and node.type != "para":
            item_no = node.num if item_no is None else item_no
        elif node.type == "para":
            item_no = node.num
        label = _label(node, label)
        provisions.append(Provision(
            id=f"{doc_id}#{node.id}", doc_id=doc_id, kind=node.kind,
            parent=f"{doc_id}#{node.parent.id}" if node.parent else None,
            seq=len(provisions), part_no=part_no, article_no=article_no,
            item_no=item_no if node.kind in ("item", "clause") or node.type == "para" else None,
            clause_no=None, heading=node.heading, text=text[node.start:node.end],
            start=node.start, end=node.end, marker=node.marker, label=label, depth=depth,
        ))
        # Own clauses come before children: an article's text precedes its items.
        k = 0
        for a, b in node.regions:
            spans = split_clauses(text[a:b], a)
            if len(spans) > 1 and rx.ANNOTATION_LINE.match(text[a:b].lstrip()):
                spans = [(spans[0][0], spans[-1][1])]  # 责任单位：A；B负责指导 is one annotation
            for cs, ce in spans:
                k += 1
                provisions.append(Provision(
                    id=f"{doc_id}#{node.id}__cl_{k}", doc_id=doc_id, kind="clause",
                    parent=f"{doc_id}#{node.id}", seq=len(provisions), part_no=part_no,
                    article_no=article_no, item_no=item_no if node.kind == "item" else None,
                    clause_no=k, heading=None, text=text[cs:ce], start=cs, end=ce,
                    label=label, depth=depth + 1,
                ))
        for child in node.children:
            emit(child, part_no, article_no, item_no if node.kind == "item" else None, label, depth + 1)

    for root in roots:
        emit(root, None, None, None, "", 0)
    provisions.sort(key=lambda pr: (pr.start, pr.depth if pr.kind != "clause" else 99))
    return [Provision(**{**pr.__dict__, "seq": i}) for i, pr in enumerate(provisions)]


def _label(node: _Node, parent_label: str) -> str:
    if node.kind == "preamble":
        return "序言"
    if node.kind == "closing":
        return "结语"
    if node.type == "annex":
        own = f"{node.marker.rstrip('：')}{(' ' + node.heading) if node.heading else ''}"
    elif node.type == "cn_comma" and node.kind == "part" and not (node.parent and node.parent.type == "division"):
        own = f"第{node.marker[:-1]}部分"
    elif node.type == "para":
        own = f"第{node.num}段"
    else:
        own = node.marker or ""
    if node.heading and node.type != "annex":
        own = f"{own}{'' if node.type in ('cn_paren', 'num_paren', 'circled') else ' '}{node.heading}"
    return f"{parent_label} / {own}" if parent_label else own


def parse(text: str, doc_id: str) -> ParseResult:
    """Parse normalised text (see ``indexer.normalize``) into header, body provisions and signature."""
    paras = paragraphs(text)
    header, first = parse_header(paras)
    signature, last = parse_signature(paras, first)
    body = paras[first:last]
    if signature.date is None:
        j = _mid_signature(body)  # signed above the annexes: the text stays in the closing
        if j is not None:
            signature = Signature(body[j].text, parse_date(body[j + 1].text), body[j].start, body[j + 1].end)
    provisions, warnings = parse_body(text, body, doc_id)
    body_start = body[0].start if body else (paras[first].start if first < len(paras) else len(text))
    body_end = body[-1].end if body else body_start
    return ParseResult(text, header, signature, body_start, body_end, provisions, warnings)
