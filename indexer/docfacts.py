"""The facts about a document — title, 文号, issuer, date, level — each with where it came from.

Governments state these facts in many places, and a reader must look in all of them
(``docs/forms.md`` lists the forms):

* the text itself: the title line (or a title broken over lines, or a plan's title under the
  notice that issues it), the 文号 line under the masthead or the title (also in brackets, or
  labelled ``发文字号：``/``文　　号：``), the 落款 at the end (issuer line(s), then a date line,
  in Arabic or Chinese numerals), the masthead ``××人民政府文件``, the 版记 ``……印发``;
* the page around it: a CMS metadata table (发布机构, 成文日期, 发布日期 …), ``<meta>`` tags,
  the page title (``indexer.sources``);
* the sidecar a person wrote (authoritative).

``resolve`` picks, per field, the first source that states it, in a fixed order of trust
(the sidecar, then the text, then the page, then guesses). Each field's source is recorded in
``Facts.fields``; a value that is a guess — a title from the first line or the file name, a date
from the page's publication date or the 版记, a default level — is listed in ``Facts.guessed``
and explained in a warning, so no guess is shown as a fact.

Two text passes run before the structure parser:

* ``read_chrome`` takes page chrome out of the text (a pasted page's ``索引号：…``, ``发文字号：…``,
  ``公开范围：主动公开``, ``发布时间：… 来源：… 字体：大 中 小 打印``): it is metadata, never body text.
* ``join_broken_lines`` joins hard line breaks inside sentences (a PDF or e-mail paste whose lines
  end mid-sentence), never joining headings, numbered items, signatures or dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from indexer import regexes as rx
from indexer.sources import html_rules, split_meta_line, typed_meta
from indexer.structure import (Paragraph, join_title_lines, normalise_doc_number, numbering, paragraphs,
                               parse_date)

LEVEL_DEFAULT = "municipal"

# Where a value came from (``Document.meta["fields"]``). Codes, not prose: the app labels them.
GUESSES = {"first_line", "file_name", "imprint", "published", "default", "page_source"}

# ---------------------------------------------------------------------------
# Page chrome pasted into the text
# ---------------------------------------------------------------------------

HEAD_SCAN = 14  # chrome stands among the first paragraphs …
TAIL_SCAN = 4  # … or after the signature (公开方式：主动公开)


def read_chrome(text: str) -> tuple[str, dict]:
    """Take metadata lines and page furniture out of the head and tail of normalised ``text``.

    Returns the text without them and the fields they held (``doc_number``, ``issuer``, ``date``,
    ``published``, ``title`` …, as ``indexer.sources`` names them). A line is taken only when it
    starts with a metadata label and is short (a sentence that mentions 来源 is body text)."""
    paras = paragraphs(text)
    if not paras:
        return text, {}
    first_numbered = next((i for i, p in enumerate(paras) if numbering(p.text)), len(paras))
    head = range(0, min(HEAD_SCAN, first_numbered))
    tail = range(max(first_numbered, len(paras) - TAIL_SCAN), len(paras))
    furniture = html_rules()["furniture_re"]
    found: dict = {}
    drop: list[Paragraph] = []
    for i in [*head, *tail]:
        line = paras[i].text
        pairs = split_meta_line(line) if len(line) <= 160 and "。" not in line else None
        if pairs:
            for name, value in pairs:
                if name and value and name not in found:
                    found[name] = value
            drop.append(paras[i])
        elif len(line) <= 120 and furniture.search(line) and not re.match(r"(?:主办|承办)单位", line):
            # breadcrumbs above, 【打印本页】【关闭窗口】 and footers below the signature (主办单位：…
            # in a text is an event's organiser, not a site footer)
            drop.append(paras[i])
    if not drop:
        return text, {}
    meta = typed_meta(found)
    out, pos = [], 0
    for p in drop:
        out.append(text[pos:p.start])
        pos = p.end
    out.append(text[pos:])
    return re.sub(r"\n{3,}", "\n\n", "".join(out)).strip(), meta


# ---------------------------------------------------------------------------
# Hard line breaks inside sentences
# ---------------------------------------------------------------------------

_ENDS_SENTENCE = re.compile(r"[。！？；：:][”’」』）)]*$|[）)》”]$")
_CONTINUES = re.compile(r"[，、（《“]$")


def _standalone(line: str) -> bool:
    """A line that is a unit of its own: numbered, an annex, a date, a signature, a table row, an
    annotation line, a 版记 line, a title."""
    return bool(numbering(line) or rx.ANNEX.match(line) or parse_date(line) or rx.ISSUER_LINE.match(line)
                or rx.TABLE_CELL in line or rx.ANNOTATION_LINE.match(line) or rx.COPY_LINE.match(line)
                or rx.PRINT_LINE.match(line) or rx.PUBLICATION_NOTE.match(line) or rx.MASTHEAD_LINE.match(line)
                or rx.RECIPIENTS_LINE.match(line) or rx.DOC_NUMBER.fullmatch(line)
                or rx.TITLE_LINE.match(line) or rx.TITLE_PLAIN.match(line))


def _broken_after(line: str) -> bool:
    """Does this physical line end in the middle of a sentence? It ends with ，、 or an open
    bracket, or it holds sentence punctuation and ends without any (a heading — 一、工作目标 —
    holds none)."""
    if _ENDS_SENTENCE.search(line) or rx.TABLE_CELL in line:
        return False
    return bool(_CONTINUES.search(line) or re.search(r"[，。；]", line))


def join_broken_lines(text: str) -> str:
    """Join lines a paste broke inside sentences (normalised text in, normalised text out).

    Only in a text that shows it was hard-wrapped (two or more lines end inside a sentence):
    a line that ends inside a sentence (``_broken_after``) is joined with the next line unless
    that line stands on its own (numbered, a date, a signature, a table row …)."""
    paras = paragraphs(text)
    broken = [i for i, p in enumerate(paras[:-1]) if _broken_after(p.text) and not _standalone(paras[i + 1].text)]
    if len(broken) < 2:
        return text
    out = [paras[0].text]
    for cur in paras[1:]:
        if _broken_after(out[-1]) and not _standalone(cur.text):
            out[-1] += cur.text
        else:
            out.append(cur.text)
    return "\n\n".join(out)


# ---------------------------------------------------------------------------
# Level from the issuer
# ---------------------------------------------------------------------------

# Words with 市/区/县/乡/镇 inside that are not places (市场监督管理局, 城乡建设, 社区 …).
# (城市 only before a department's business: 晋城市 and 盐城市 are cities; 市政 not in 市政府.)
_NOT_PLACE = re.compile(r"市场|城市(?=管理|建设|更新|规划|综合|执法|运行|排水|供水|公用|园林|交通)|都市|市政(?!府)|市容|市民|"
                        r"社区|园区|景区|街区|辖区|区域|城乡|乡村|县域|省级|市级|县级|区级|省直|市直|县直|区直|州直|盟直")
# Administrative units, longest first at each position; the rightmost one in a name decides.
_UNIT = re.compile(r"自治区|行政公署|行署|自治州|自治县|自治旗|地区|街道|苏木|省|州|盟|市|县|旗|区|镇|乡")
_UNIT_LEVEL = {"自治区": "provincial", "省": "provincial", "自治州": "municipal", "州": "municipal",
               "盟": "municipal", "地区": "municipal", "行政公署": "municipal", "行署": "municipal",
               "市": "municipal", "自治县": "county", "县": "county", "自治旗": "county", "旗": "county",
               "区": "county", "街道": "township", "镇": "township", "乡": "township", "苏木": "township"}
_MUNICIPALITIES = re.compile(r"(?:北京|上海|天津|重庆)市$")  # 直辖市: provincial
# A department's branch named after a place below it (市生态环境局柘林分局, 省公路局某某分局): one level down.
_PLACE_BRANCH = re.compile(r"(?:局|厅)[\u4e00-\u9fff]{2,6}分局$")
_BELOW = {"provincial": "municipal", "municipal": "county", "county": "township"}
_CENTRAL = re.compile(r"中共中央|国务院|全国人民代表大会|全国人大|中央[\u4e00-\u9fff]*委员会|^国家|部(?:办公厅)?$|^中央")


def unit_of(name: str) -> tuple[str, str] | None:
    """(level, unit) of one issuing body from its name: the rightmost administrative unit in it
    (云岭彝族自治州人民政府 → municipal/自治州, 桐江市东湖区和平街道办事处 → township/街道), or
    central for 中共中央/国务院/a ministry; None when the name tells nothing."""
    name = re.sub(r"\s+", "", name)
    masked = _NOT_PLACE.sub(lambda m: "＿" * len(m.group()), name)
    hits = list(_UNIT.finditer(masked))
    if hits:
        unit = hits[-1].group()
        if unit == "市" and _MUNICIPALITIES.search(name[:hits[-1].end()]):
            return "provincial", "直辖市"
        if _PLACE_BRANCH.search(name):  # 琅溪市生态环境局柘林分局: the city bureau's branch in a county
            return _BELOW.get(_UNIT_LEVEL[unit], _UNIT_LEVEL[unit]), unit
        return _UNIT_LEVEL[unit], unit
    if _CENTRAL.search(name):
        return "central", "中央"
    return None


# Who a document is sent to says whose level it is: a province writes to 各市、县, a prefecture
# city to 各县（市、区）, a county(-level city) to 各镇（街道）.
_RECIPIENT_LEVEL = [
    (re.compile(r"各省|自治区、直辖市"), "central"),
    (re.compile(r"各设区市|各地级市|各市、县|各市（州）|各市、州|各市州|各地、?市|各地区行署"), "provincial"),
    (re.compile(r"各县|县（市、区）|县（区）|县（市）|各区人民政府|各旗|旗（市、区）|旗（县、市、区）|县市区"), "municipal"),
    (re.compile(r"各镇|各乡|乡镇|各街道|街道办事处|镇（街道）|苏木"), "county"),
]


def level_from_recipients(recipients) -> str | None:
    text = "，".join(recipients or ())
    for pattern, level in _RECIPIENT_LEVEL:
        if pattern.search(text):
            return level
    return None


def level_of(issuer: str, recipients=(), title: str = "") -> tuple[str | None, str | None, str | None]:
    """(level, source, unit) from the issuer (the highest level among joint issuers), then the
    recipients, then a place named at the start of the title; (None, None, None) if nothing tells.

    A township body (镇/乡/街道) is county level: the model has four levels and a township's
    document implements its county's (the unit stays in ``unit``). A 市 writing only to 镇/街道
    is a county-level city."""
    order = ["central", "provincial", "municipal", "county", "township"]
    units = [u for u in (unit_of(n) for n in re.split(r"[\s、，]+", issuer or "") if n) if u]
    if units:
        level, unit = min(units, key=lambda u: order.index(u[0]))
        source = "issuer"
        if unit == "市":
            by_recipients = level_from_recipients(recipients)
            text = "，".join(recipients or ())
            if by_recipients == "county" and not re.search(r"县|区|旗", re.sub(_NOT_PLACE, "", text)):
                level, source = "county", "issuer_recipients"  # 县级市
        return ("county" if level == "township" else level), source, unit
    by_recipients = level_from_recipients(recipients)
    if by_recipients:
        return by_recipients, "recipients", None
    m = re.match(r"^[\u4e00-\u9fff]{1,12}?(?:自治区|自治州|自治县|省|市|州|盟|县|旗|区|镇|乡|街道)", title or "")
    if m:
        u = unit_of(m.group())
        if u:
            return ("county" if u[0] == "township" else u[0]), "title", u[1]
    return None, None, None


# ---------------------------------------------------------------------------
# Resolution
# ---------------------------------------------------------------------------

ISSUER_NAME = re.compile(r"(?:人民政府|政府|委员会|办公厅|办公室|厅|局|委|部|党委|党组|工委|办事处|管委会|行政公署|行署|"
                         r"领导小组|指挥部|中心|院|会|署)$")


@dataclass
class Facts:
    title: str
    doc_number: str | None
    issuer: str
    date: str | None
    level: str
    fields: dict = field(default_factory=dict)  # field → source code
    guessed: list[str] = field(default_factory=list)
    unit: str | None = None  # the administrative unit the level was read from (镇, 街道 …)
    warnings: list[str] = field(default_factory=list)


# A 办法's publication line under its title: （2026年6月5日沄州市司法局 沄州市公安局发布 自2026年7月1日起施行）.
_PUBLICATION = re.compile(r"^[（(](?P<date>(?:19|20)\d{2}年\d{1,2}月\d{1,2}日)\s*(?P<issuer>[\u4e00-\u9fff（）\s]{2,80}?)\s*"
                          r"(?:发布|印发|公布)(?:\s*[，,；;]?\s*自[^）)]{4,30}?(?:起)?施行)?[）)]$")


def _publication_line(paras: list[Paragraph]) -> tuple[str | None, str | None]:
    """(date, issuer) of a publication line near the top, else (None, None)."""
    for p in paras[:HEAD_SCAN]:
        m = _PUBLICATION.match(p.text)
        if m:
            return parse_date(m["date"]), re.sub(r"\s+", " ", m["issuer"]).strip()
    return None, None


def _titled(title: str | None) -> str | None:
    """A title candidate, unless it is only a 文号 (a PDF's Title property 栎卫联发〔2026〕4号) or only
    the name of a body (a page heading 瑞平市人民防空办公室 over the notice): those name no document."""
    t = (title or "").strip()
    if not t or rx.DOC_NUMBER.fullmatch(t) or rx.DOC_NUMBER_ALONE.fullmatch(t) or rx.ISSUER_LINE.fullmatch(t):
        return None
    return title


def _first(*candidates):
    """The first (value, source) whose value is set, else (None, None)."""
    for value, source in candidates:
        if value:
            return value, source
    return None, None


def _trailing_number(title: str | None) -> tuple[str | None, str | None]:
    """关于…的通知（岳办发〔2017〕2号） → (关于…的通知, 岳办发〔2017〕2号)."""
    if not title:
        return title, None
    m = re.search(r"[（(]\s*(" + rx.DOC_NUMBER.pattern + r")\s*[）)]$", title, re.X)
    if not m:
        return title, None
    dn = rx.DOC_NUMBER.search(m.group(1))
    return title[:m.start()].strip(), normalise_doc_number(dn)


def _number_line(paras: list[Paragraph]) -> str | None:
    """A paragraph near the top that is only a 文号 (also in brackets: （苏政办发〔2024〕5号）)."""
    for p in paras[:HEAD_SCAN]:
        if numbering(p.text):
            break
        m = re.fullmatch(r"[（(]?\s*(.+?)\s*[）)]?", p.text)
        dn = (rx.DOC_NUMBER.fullmatch(m.group(1)) or rx.DOC_NUMBER_ALONE.fullmatch(m.group(1))) if m else None
        if dn:
            return normalise_doc_number(dn)
    return None


def _first_line_title(paras: list[Paragraph]) -> str | None:
    """The first line that could be a title: short, no sentence punctuation, not a masthead,
    文号, date, numbered line or 主送. Used only when no line has the form of a title."""
    for p in paras[:6]:
        line = p.text
        if rx.MASTHEAD_LINE.match(line) or rx.DOC_NUMBER.search(line) or parse_date(line):
            continue
        if numbering(line) or rx.RECIPIENTS_LINE.match(line) or re.search(r"[。；！？]", line):
            return None
        if 4 <= len(line) <= 60 and not rx.ISSUER_LINE.match(line):
            return line
        return None
    return None


def _title_issuer(title: str | None) -> str | None:
    """The issuer that opens a title: 澄溪县人民政府办公室关于… → 澄溪县人民政府办公室."""
    if not title:
        return None
    m = re.match(r"^(?P<issuer>[^。；：《》]{2,60}?)\s*(?:关于|印发|转发|批转)", title)
    if not m:
        return None
    issuer = m["issuer"].strip()
    names = [n for n in re.split(r"\s+", issuer) if n]
    return " ".join(names) if names and all(ISSUER_NAME.search(n) for n in names) else None


def _masthead_issuer(paras: list[Paragraph]) -> str | None:
    for p in paras[:4]:
        m = rx.MASTHEAD_LINE.match(p.text)
        if m:
            name = p.text[:-2]
            return name if ISSUER_NAME.search(name) else None
    return None


def _organ(value) -> str | None:
    """A page's 发布机构 when it names a body (县政府网站, 区政府办 are not issuers)."""
    if not value:
        return None
    names = [n for n in re.split(r"[\s、，,]+", str(value)) if n]
    return " ".join(names) if names and all(ISSUER_NAME.search(n) and len(n) >= 4 for n in names) else None


def _imprint_date(paras: list[Paragraph]) -> str | None:
    for p in reversed(paras[-3:]):
        m = rx.PRINT_LINE.match(p.text)
        if m:
            return parse_date(m["date"])
    return None


def resolve(parse, text: str, *, sidecar: dict, page: dict, chrome: dict, notice, name: str) -> Facts:
    """The document's facts from its parse (``structure.ParseResult``), the sidecar, the page's
    metadata, the chrome lines taken out of the text and the notice wrapping a plan (if any)."""
    h, sig = parse.header, parse.signature
    paras = paragraphs(text)
    sources = sidecar.get("fields") or {}  # what ingest recorded about the sidecar's values
    tag = (lambda key: sources.get(key) or "sidecar")
    warnings: list[str] = []

    header_title, title_number = _trailing_number(h.title)
    page_title, _ = _trailing_number(page.get("page_title"))
    header_title, page_title = _titled(header_title), _titled(page_title)
    original = Path(str(sidecar.get("original") or name)).stem
    title, t_src = _first((sidecar.get("title"), tag("title")), (header_title, "header"),
                          (notice.title if notice is not None else None, "header"),
                          (_titled(page.get("title")), "page_meta"), (page_title, "page_title"),
                          (_titled(chrome.get("title")), "meta_line"), (_first_line_title(paras), "first_line"),
                          (original, "file_name"))
    if notice is not None and notice.plan_title_start is not None and t_src != "sidecar" and (
            rx.NOTICE_TITLE.match(title or "") or re.sub(r"\s+", "", title or "") == re.sub(r"\s+", "", notice.title)):
        title, t_src = notice.plan_title, "notice_plan"

    number, n_src = _first((sidecar.get("doc_number"), tag("doc_number")), (h.doc_number, "header"),
                           (notice.doc_number if notice else None, "header"),
                           (_number_line(paras), "header"), (chrome.get("doc_number"), "meta_line"),
                           (title_number, "title_line"), (page.get("doc_number"), "page_meta"))

    issuer = sidecar.get("issuer")
    if isinstance(issuer, list):
        issuer = " ".join(issuer)
    pub_date, pub_issuer = _publication_line(paras)
    issuer, i_src = _first((issuer, tag("issuer")), (sig.issuer, "signature"),
                           (notice.issuer if notice else None, "notice_signature"),
                           (pub_issuer, "publication_line"),
                           (_title_issuer(h.title) or _title_issuer(notice.title if notice else None), "title"),
                           (_masthead_issuer(paras), "masthead"), (_organ(page.get("issuer")), "page_meta"),
                           (_organ(chrome.get("issuer")), "meta_line"),
                           (_organ(page.get("content_source") or chrome.get("content_source")), "page_source"))
    issuer = re.sub(r"\s+", " ", issuer or "").strip()

    published = page.get("published") or chrome.get("published")
    date, d_src = _first((sidecar.get("date"), tag("date")), (sig.date, "signature"),
                         (notice.date if notice else None, "notice_signature"), (pub_date, "publication_line"),
                         (page.get("date"), "page_meta"),
                         (chrome.get("date"), "meta_line"), (_imprint_date(paras), "imprint"),
                         (published, "published"))
    page_date = page.get("date") or chrome.get("date")
    if date and len(date) == 7:  # 2025-02: the 落款 gives the year and month only
        if page_date and page_date.startswith(date + "-"):  # the page's 成文日期 gives the day
            date, d_src = page_date, "page_meta" if page.get("date") else "meta_line"
        else:
            warnings.append(f"{name}: the date is stated to the month only ({date}); no day is given")
    if page_date and date and page_date != date and d_src in ("signature", "notice_signature"):
        warnings.append(f"{name}: the page's 成文日期 ({page_date}) differs from the signature ({date}); "
                        "the signature's date is used")

    level, l_src, unit = sidecar.get("level"), (tag("level") if sidecar.get("level") else None), None
    if not level:
        level, l_src, unit = level_of(issuer, h.recipients, title if t_src not in GUESSES else "")
    if not level:
        level, l_src = LEVEL_DEFAULT, "default"

    fields = {"title": t_src, "doc_number": n_src, "issuer": i_src, "date": d_src, "level": l_src}
    guessed = [k for k, v in fields.items() if v in GUESSES]
    why = {
        "first_line": "no line has the form of a title; the first line is taken as the title",
        "file_name": f"no title found in the text or the page; the file name «{original}» is used",
        "imprint": "no signature date or 成文日期; the 版记's printing date is used",
        "published": "no signature date or 成文日期; the page's publication date (发布日期) is used",
        "page_source": "no issuer in the text; the page's source (来源) is used",
        "default": f"nothing tells the level (issuer, recipients, title); {LEVEL_DEFAULT} is assumed — "
                   "pass --level or set level: in the sidecar",
    }
    for k in guessed:
        warnings.append(f"{name}: {k} guessed: {why[fields[k]]}")
    if not issuer:
        warnings.append(f"{name}: no issuer found (no signature, masthead or page metadata names one); "
                        "set issuer: in the sidecar")
    if not date:
        warnings.append(f"{name}: no date found (no signature date, 成文日期 or publication date); "
                        "set date: in the sidecar")
    return Facts(title, number, issuer, date, level, fields, guessed, unit, warnings)


# A title's period set on a line of its own (…三年行动方案 / （2026—2028年）), as a PDF or a large-type
# title prints it.
_PERIOD_LINE = re.compile(r"^[（(](?:19|20)\d{2}\s*[—–\-－~～至]\s*(?:19|20)\d{2}年[）)]$")


def join_period_lines(text: str) -> str:
    """Join a period line to the title line above it (…三年行动方案 + （2026—2028年）): a short line with
    no sentence punctuation, ending as a title ends."""
    paras = paragraphs(text)
    out: list[str] = []
    for p in paras:
        if out and _PERIOD_LINE.match(p.text) and len(out[-1]) <= 60 and not re.search(r"[。；：，]", out[-1]) \
                and re.search(r"(?:方案|计划|规划|要点|意见|办法|纲要|清单|细则)$", out[-1]):
            out[-1] += p.text
        else:
            out.append(p.text)
    return "\n\n".join(out) if len(out) < len(paras) else text


def prepare(text: str) -> tuple[str, dict]:
    """Normalised text → the text the structure parser reads, and the chrome metadata taken out."""
    text, chrome = read_chrome(text)
    return join_title_lines(join_period_lines(join_broken_lines(text))), chrome
