"""The edge: reading files and pages into text. All file/network I/O and decoding lives here.

``read_source(path)`` returns the document text (not yet normalised) and any
metadata the source itself carries (an HTML page's metadata table, a PDF's
title). Every failure is an ``InputError`` whose message names the file and
says what to do. Readers by kind:

* ``.txt`` / ``.md``: UTF-8, UTF-8 with BOM, UTF-16 with BOM, or GB18030 (a
  superset of GBK and GB2312).
* ``.html`` / ``.htm`` / ``.shtml``: government web pages. The declared charset
  is honoured (``gb2312``/``gbk`` read as GB18030, which they usually are); the
  metadata table (索引号/发布机构/文号/成文日期/发布日期/主题分类) and ``<meta>``
  tags (ArticleTitle, PubDate, ContentSource …) are read into metadata; the
  article body is found among navigation, breadcrumbs, share buttons and
  footers by known container hints and, failing those, by text density
  (``find_body``). Lists in ``indexer/data/html.yaml``.
* ``.docx``: python-docx, body paragraphs and tables in document order.
* ``.pdf``: PDFium through pypdfium2 (Apache-2.0/BSD, wheels for Linux, macOS
  and Windows; 8× faster than pypdf on long files, bounded memory page by
  page; PyMuPDF is AGPL), at most ``MAX_PDF_PAGES`` pages. Page headers,
  footers and page numbers are dropped, lines broken by the layout are joined
  back into paragraphs, radicals that CJK fonts map glyphs to (⼈ for 人) are
  mapped back (``indexer/data/cjk_radicals.tsv``).
* URLs (``fetch_url``): http/https only, with a timeout per wait, a deadline for
  the whole request, a size cap and an address policy (no private/local address
  reached through a name or a redirect); the page is saved to a temporary file
  and read like a file of its kind.

Every reader is linear in its input and bounded: text at most ``MAX_TEXT_CHARS``,
.docx checked before inflating, PDFs at most ``MAX_PDF_PAGES`` pages
(``tests/test_hostile.py``, ``python -m policykb.bench.hostile_run``).
"""

from __future__ import annotations

import http.client
import os
import re
import tempfile
import time
import unicodedata
import urllib.parse
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from kb.errors import CorpusError, InputError
from indexer import regexes as rx

DATA = Path(__file__).parent / "data"

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
DOCX_SUFFIXES = {".docx"}
PDF_SUFFIXES = {".pdf"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | DOCX_SUFFIXES | PDF_SUFFIXES
# Formats people will try, with what to do instead.
UNSUPPORTED = {
    ".doc": "open it in Word/WPS and save it as .docx",
    ".wps": "open it in WPS and save it as .docx",
    ".ofd": "export it to PDF from an OFD reader (e.g. 数科OFD阅读器) and ingest the .pdf",
    ".rtf": "save it as .docx or .txt",
    ".xls": "policy documents are read from text; save the document itself as .docx or .txt",
    ".xlsx": "policy documents are read from text; save the document itself as .docx or .txt",
}

# Size caps. A policy text is a few hundred KB at most; PDFs and .docx carry fonts and images.
MAX_TEXT_BYTES = 8 * 1024 * 1024
MAX_BINARY_BYTES = 30 * 1024 * 1024
MAX_BYTES = MAX_BINARY_BYTES  # the largest anything may be (URLs are capped at this too)
# What any reader may produce: the text of one document (a .txt is capped at MAX_TEXT_BYTES;
# a .docx, page or PDF must not give more text than that by expanding inside).
MAX_TEXT_CHARS = MAX_TEXT_BYTES
MAX_PDF_PAGES = 5000
# A .docx is a zip: what it may inflate to, checked before anything is inflated (declared sizes)
# and while inflating (actual sizes). Word's XML is 5-20× its text; images are stored as they are.
MAX_DOCX_XML_BYTES = 24 * 1024 * 1024
MAX_DOCX_INFLATED_BYTES = 96 * 1024 * 1024
MAX_DOCX_PARTS = 2000
URL_TIMEOUT = 20  # seconds, per connection attempt and read
# The whole download, as a multiple of URL_TIMEOUT: a server that sends a byte now and then
# would otherwise keep an ingest waiting for as long as it likes.
URL_TOTAL_TIMEOUTS = 3
USER_AGENT = "policykb/0.1 (+policy document ingest)"

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass
class SourceText:
    path: Path
    text: str
    meta: dict = field(default_factory=dict)
    encoding: str | None = None
    kind: str = "text"  # text | html | docx | pdf
    warnings: list[str] = field(default_factory=list)


def cjk_count(text: str) -> int:
    return len(CJK.findall(text))


# ---------------------------------------------------------------------------
# Bytes → text
# ---------------------------------------------------------------------------

# Declared charsets that are really GB18030 (of which GBK and GB2312 are subsets): pages declared
# gb2312 routinely use GBK characters (堃, 喆, 镕 …), which a strict gb2312 codec rejects.
GB_ALIASES = {"gb2312", "gbk", "gb_2312", "gb_2312-80", "x-gbk", "cp936", "ms936", "windows-936",
              "csgb2312", "euc-cn", "euccn", "x-euc-cn", "gb18030", "iso-ir-58", "chinese"}
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _encoding_name(declared: str | None) -> str | None:
    """A declared charset as a Python codec name (GB family → gb18030); None if unknown."""
    if not declared:
        return None
    name = declared.strip().strip("'\"").lower()
    if name in GB_ALIASES:
        return "gb18030"
    import codecs

    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


# Where the characters of Chinese documents live: ASCII and Latin-1, general punctuation, CJK
# symbols, kana/bopomofo-free CJK ideographs (incl. extension A), enclosed numbers, full-width forms.
_COMMON = re.compile(r"[\t\n\r\f\x20-\x7e\xa0-\xff\u2000-\u27ff\u2e80-\u303f\u3200-\u33ff"
                     r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")


def _looks_like_text(text: str) -> bool:
    """Text, not bytes decoded by the wrong codec: few control/private-use characters, and most
    characters in the ranges Chinese documents use (UTF-16 decoding of garbage gives neither)."""
    sample = text[:20000].lstrip("\ufeff")
    if not sample.strip():
        return False
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\n\r\t\f")
              or "\ue000" <= ch <= "\uf8ff" or ch in "\ufffd\ufeff")
    common = len(_COMMON.findall(sample))
    return bad / len(sample) < 0.01 and common / len(sample) > 0.8


def _check_bytes(data: bytes, name: str) -> None:
    if not data.strip() or not data.replace(UTF8_BOM, b"").strip():
        raise InputError(f"{name}: the file is empty; give a document with text in it")
    if b"\x00" in data[:4096] and not data.startswith(UTF16_BOMS):
        raise InputError(f"{name}: this looks like a binary file, not text; "
                         "give a .txt/.md/.html/.docx/.pdf document")


def decode(data: bytes, name: str, declared: str | None = None) -> tuple[str, str]:
    """Bytes → text and the encoding used.

    A BOM decides (UTF-8, UTF-16); then a declared charset (HTTP header or
    ``<meta charset>``), then UTF-8, then GB18030. A file that starts with a
    UTF-8 BOM but is not UTF-8 is refused (a BOM glued onto GBK text, or onto
    garbage) rather than read as mojibake. Raises ``InputError`` for empty,
    binary or undecodable input.
    """
    _check_bytes(data, name)
    if data.startswith(UTF8_BOM):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(f"{name}: the file starts with a UTF-8 byte-order mark but the rest is not "
                             "UTF-8; re-save it as UTF-8 (e.g. iconv -f GB18030 -t UTF-8) or remove the "
                             "first three bytes") from None
        if not _looks_like_text(text):
            raise InputError(f"{name}: after its UTF-8 byte-order mark the file holds no readable text; "
                             "give the document itself as .txt/.html/.docx/.pdf")
        return text, "utf-8-sig"
    if data.startswith(UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            text = ""
        if _looks_like_text(text):
            return text, "utf-16"
        raise InputError(f"{name}: cannot decode the text: it starts with a UTF-16 byte-order mark but is not "
                         "UTF-16 text; re-save it as UTF-8")
    tried = []
    first = _encoding_name(declared)
    for encoding in ([first] if first else []) + ["utf-8", "gb18030"]:
        if encoding in tried:
            continue
        tried.append(encoding)
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _looks_like_text(text):
            return text, encoding
    what = f"the declared {declared}, " if declared else ""
    raise InputError(f"{name}: cannot decode the text as {what}UTF-8 or GB18030/GBK; "
                     "re-save it as UTF-8 (e.g. iconv -f <encoding> -t utf-8)")


def read_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as e:
        raise InputError(f"{path}: cannot read the file ({e.strerror}); check the path") from None
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give one document file (or put files in corpus/ and run build)")
    if size > limit:
        raise InputError(f"{path}: the file is {size / 2**20:.1f} MB, over the {limit // 2**20} MB limit for "
                         "this kind of file; give the document alone (without images or attachments)")
    try:
        return path.read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read the file ({e.strerror}); check its permissions") from None


# ---------------------------------------------------------------------------
# Dispatch
# ---------------------------------------------------------------------------


def sniff_suffix(data: bytes) -> str | None:
    """The kind of a file from its first bytes: .pdf, .docx, .html, or None."""
    head = data[:2048].lstrip(UTF8_BOM).lstrip()
    if head.startswith(b"%PDF-"):
        return ".pdf"
    if head.startswith(b"PK\x03\x04"):
        return ".docx"
    low = head[:1024].lower()
    if low.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in low or b"<body" in low:
        return ".html"
    return None


def read_source(path: Path, *, http_charset: str | None = None, url: str | None = None) -> SourceText:
    """Read one source file of a supported kind (chosen by its suffix)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED:
        raise InputError(f"{path}: '{suffix}' files cannot be read; {UNSUPPORTED[suffix]}")
    if suffix in TEXT_SUFFIXES:
        data = read_bytes(path, MAX_TEXT_BYTES)
        text, encoding = decode(data, str(path))
        if sniff_suffix(data) == ".html" and re.search(r"</?(?:p|div|td|br)\b", text[:20000], re.I):
            raise InputError(f"{path}: this text file holds HTML markup; rename it to .html and ingest it again")
        if suffix == ".md":  # Markdown heading markers (# 标题) are markup, not text
            text = re.sub(r"(?m)^[ \t]{0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", r"\1", text)
        return SourceText(path, fix_radicals(text), {}, encoding, "text")
    if suffix in HTML_SUFFIXES:
        return read_html(read_bytes(path, MAX_TEXT_BYTES), str(path), path=path,
                         http_charset=http_charset, url=url)
    if suffix in DOCX_SUFFIXES:
        return read_docx(path)
    if suffix in PDF_SUFFIXES:
        return read_pdf(path)
    raise InputError(f"{path}: unsupported file type '{suffix or '(none)'}'; "
                     f"give one of {', '.join(sorted(SUFFIXES))}")


def read_outline(path: Path) -> dict:
    """An outline file (``*.outline.yaml``) as a mapping."""
    try:
        data = yaml.safe_load(read_bytes(path, MAX_TEXT_BYTES).decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise CorpusError(f"{path}: not valid UTF-8 YAML ({str(e).splitlines()[0]}); fix the outline file") from None
    if not isinstance(data, dict):
        raise CorpusError(f"{path}: an outline must be a YAML mapping (title:, parts:, articles: …)")
    return data


# ---------------------------------------------------------------------------
# CJK radicals (PDF text)
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _radical_table() -> dict[int, str]:
    table = {}
    for line in (DATA / "cjk_radicals.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            a, b = line.split("\t")[:2]
            table[ord(a)] = b
    for cp in range(0x2F00, 0x2FD6):  # Kangxi Radicals: NFKC gives the ideograph
        table[cp] = unicodedata.normalize("NFKC", chr(cp))
    return table


def fix_radicals(text: str) -> str:
    """⼈⺠政府 → 人民政府: radicals that stand for whole ideographs in extracted text."""
    if not re.search(r"[\u2e80-\u2fdf]", text):
        return text
    return text.translate(_radical_table())


# ---------------------------------------------------------------------------
# HTML pages
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def html_rules() -> dict:
    rules = yaml.safe_load((DATA / "html.yaml").read_text(encoding="utf-8"))
    squash = lambda s: re.sub(r"\s+", "", s)  # noqa: E731  (folded YAML scalars add spaces)
    rules["negative_re"] = re.compile(squash(rules["negative_words"]), re.I)
    rules["positive_re"] = re.compile(squash(rules["positive_words"]), re.I)
    rules["furniture_re"] = re.compile(squash(rules["furniture_text"]))
    rules["title_re"] = re.compile(squash(rules["title_words"]), re.I)
    labels = {}
    for fieldname, names in rules["meta_fields"].items():
        for n in names:
            labels[squash(n)] = fieldname
    # 文　　号 / 索 引 号: sites pad labels with spaces to align them.
    spaced = (r"\s*".join(map(re.escape, label)) for label in sorted(labels, key=len, reverse=True))
    rules["label_re"] = re.compile(  # 【文号】…: some sites bracket their labels instead of a colon
        r"^\s*[【\[]?(?P<label>" + "|".join(spaced)
        + r")\s*[】\]]?\s*[:：]?\s*(?P<value>.*?)\s*$", re.S)
    rules["labels"] = labels
    rules["body_hint_keys"] = [_hint_key(h) for h in rules["body_hints"]]
    rules["tag_names"] = {n.lower(): f for f, names in rules["meta_tags"].items() for n in names}
    return rules


@lru_cache(maxsize=1)
def _meta_line_patterns():
    """Labels of metadata lines (``meta_fields`` plus ``chrome_labels``, html.yaml), as a pattern
    that matches one at the start of a line and one anywhere (after a space or a bracket)."""
    rules = html_rules()
    labels = dict(rules["labels"])  # squashed label → field
    for label, fieldname in (rules.get("chrome_labels") or {}).items():
        labels.setdefault(label, fieldname)
    spaced = "|".join(r"\s*".join(map(re.escape, lb)) for lb in sorted(labels, key=len, reverse=True))
    # a label ends with a colon, or stands in brackets with or without one (【文号】…)
    start = re.compile(rf"^(?:[【\[](?P<label>{spaced})\s*[】\]]\s*[：:]?|(?P<plain>{spaced})\s*[：:])")
    anywhere = re.compile(rf"(?:^|(?<=[\s】\]]))(?:[【\[](?P<label>{spaced})\s*[】\]]\s*[：:]?|(?P<plain>{spaced})\s*[：:])")
    return labels, start, anywhere


def split_meta_line(line: str) -> list[tuple[str | None, str]] | None:
    """``发布时间：2024-06-12 来源：县政府办公室 字体：大 中 小`` → [(field, value) …] (field None for
    chrome we drop), or None when the line does not start with a metadata label."""
    labels, start, anywhere = _meta_line_patterns()
    if not start.match(line):
        return None
    hits = list(anywhere.finditer(line))
    out = []
    for k, m in enumerate(hits):
        end = hits[k + 1].start() if k + 1 < len(hits) else len(line)
        value = line[m.end():end].strip(" 　【】[]")
        out.append((labels[re.sub(r"\s+", "", m["label"] or m["plain"])], value))
    return out


META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*(?P<cs>[A-Za-z0-9_.:-]+)""", re.I)
BLOCK_TAGS = {"p", "div", "section", "article", "main", "table", "tbody", "thead", "tfoot", "tr", "li",
              "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
              "center", "form", "fieldset", "address", "header", "footer", "nav", "aside", "figure",
              "figcaption", "hr", "caption"}
DROP_TAGS = ["script", "style", "noscript", "template", "iframe", "svg", "object", "embed", "button",
             "select", "input", "textarea", "link", "meta", "head", "map", "canvas", "video", "audio"]
# (read_meta_tags reads <meta>/<title> before these are dropped)
FURNITURE_TAGS = {"nav", "header", "footer", "aside"}
SENTENCE_PUNCT = re.compile(r"[，。；：、,;]")


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first bytes (``<meta charset>`` / http-equiv)."""
    m = META_CHARSET.search(data[:8192])
    return m["cs"].decode("ascii", "replace") if m else None


def _tokens(tag) -> str:
    return " ".join([tag.get("id") or "", *(tag.get("class") or [])]) if getattr(tag, "attrs", None) else ""


def _hidden(tag) -> bool:
    style = (tag.get("style") or "").replace(" ", "").lower() if tag.attrs else ""
    return "display:none" in style or "visibility:hidden" in style or tag.has_attr("hidden")


def _norm_date(value: str) -> str | None:
    m = re.search(r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})", value or "")
    if not m:
        m = re.search(r"\b((?:19|20)\d{2})(\d{2})(\d{2})\b", value or "")
    if not m:
        return None
    y, mo, d = (int(x) for x in m.groups())
    return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else None


def _clean(value: str) -> str:
    return re.sub(r"\s+", " ", value.replace("\xa0", " ").replace("\u3000", " ")).strip()


def read_meta_tags(soup) -> dict:
    out = {}
    names = html_rules()["tag_names"]
    for tag in soup.find_all("meta"):
        key = (tag.get("name") or tag.get("property") or "").strip().lower()
        value = _clean(tag.get("content") or "")
        if key in names and value and names[key] not in out:
            if names[key] == "published":
                value = _norm_date(value)
                if not value:
                    continue
            out[names[key]] = value
    if soup.title and soup.title.string:
        out.setdefault("html_title", _clean(soup.title.string))
    return out


def typed_meta(found: dict) -> dict:
    """Metadata values as read (``{field: text}``) → dates as YYYY-MM-DD and 文号 in the official
    form; a date or 文号 that does not parse is dropped."""
    from indexer.structure import normalise_doc_number

    meta: dict = {}
    for k, v in found.items():
        if k in ("date", "published"):
            d = _norm_date(v)
            if d:
                meta[k] = d
        elif k == "doc_number":
            v = v.replace(" ", "")
            m = rx.DOC_NUMBER.search(v) or rx.DOC_NUMBER_ALONE.fullmatch(v)
            if m:
                meta[k] = normalise_doc_number(m)
        else:
            meta[k] = v
    return meta


META_BLOCKS = ("table", "ul", "dl", "div", "section")


def _cell_below(cell):
    """The cell in the same column of the next table row (a header row of labels over a row of
    values: <tr><th>发文机关</th><th>文号</th>…</tr><tr><td>…</td><td>…</td>…</tr>), or None."""
    row = cell.parent
    if cell.name not in ("td", "th") or row is None or row.name != "tr":
        return None
    below = row.find_next_sibling("tr")
    if below is None:
        return None
    cells, under = row.find_all(["td", "th"], recursive=False), below.find_all(["td", "th"], recursive=False)
    column = next(i for i, c in enumerate(cells) if c is cell)
    return under[column] if column < len(under) and len(under) == len(cells) else None


_LABEL_ATTRIBUTES = ("data-label", "data-name", "data-field", "data-title", "aria-label", "title")


def _label_attribute(el, rules: dict) -> str | None:
    """A metadata label carried by an attribute of the element holding the value."""
    for a in _LABEL_ATTRIBUTES:
        v = el.get(a)
        if isinstance(v, str) and re.sub(r"[\s：:]", "", v) in rules["labels"]:
            return re.sub(r"[\s：:]", "", v)
    return None


_BRACKETED = re.compile(r"^[（(](.+)[）)]$")
_TRAILING_NUMBER = re.compile(r"[（(](" + rx.DOC_NUMBER_ALONE.pattern + r")[）)]$")


def _lone_doc_number(soup) -> str | None:
    """A 文号 standing alone in an element of its own (<p class="doc-no">某政办〔2026〕6号</p> or
    （某政办发〔2026〕9号） in the page's header, outside the article's container), else printed in
    brackets after the page's heading (<h2>关于印发…的通知（某网办发〔2026〕3号）</h2>): the
    document's own number."""
    for el in soup.find_all(["p", "div", "span", "h3", "h4", "h5", "h6", "td", "em", "strong"]):
        if el.find(["p", "div", "table", "li", "a"]) or el.find_parent(["a", "li"]):
            continue  # a link or a list item names another document (相关文件 lists)
        t = re.sub(r"\s+", "", el.get_text())
        bracketed = _BRACKETED.match(t)
        t = bracketed.group(1) if bracketed else t
        if len(t) <= 24 and rx.DOC_NUMBER_ALONE.fullmatch(t):
            return t
        first = re.split(r"[｜|丨]", t, maxsplit=1)[0]  # 琨文旅发〔2026〕8号｜琨江市文化广电和旅游局｜2026-03-06
        if first != t and len(t) <= 80 and rx.DOC_NUMBER_ALONE.fullmatch(first):
            return first
    for el in soup.find_all(["h1", "h2", "h3"]):
        m = _TRAILING_NUMBER.search(re.sub(r"\s+", "", el.get_text()))
        if m:
            return m.group(1)
    return None


def read_meta_table(soup) -> tuple[dict, list]:
    """The 信息公开 metadata block: {field: value} and the elements that hold it (to drop from the body).

    Labels and values come either in one cell (``文号：扬府发〔2024〕118号``) or in
    neighbouring cells (``<td>文号</td><td>…</td>``, ``<dt>/<dd>``, ``<span>/<span>``).
    """
    rules = html_rules()
    found: dict[str, str] = {}
    holders = []
    stats = text_stats(soup)
    containers = {"td", "li", "dd", "p", "div"}
    for el in soup.find_all(["td", "th", "li", "span", "dt", "dd", "p", "div", "strong", "b", "label", "em"]):
        own = stats[id(el)].short
        if not own or len(own) > META_TEXT:
            continue
        m = rules["label_re"].match(own)
        attr = None if m else _label_attribute(el, rules)
        if attr:  # <li data-label="发文字号">湄建城〔2026〕14号</li>: the label is an attribute
            own = f"{attr}：{own}"
            m = rules["label_re"].match(own)
        if not m:
            # 来源：市政府办公室　发文字号：濮政办发〔2026〕19号　发布时间：…: a line of fields that opens
            # with a chrome label (来源) still holds the fields after it
            pairs = [(name, v) for name, v in (split_meta_line(own) or []) if name and v]
            if pairs and not containers & stats[id(el)].names:
                for name, v in pairs:
                    found.setdefault(name, v)
                holders.append(el)
            continue
        fieldname = rules["labels"][re.sub(r"\s+", "", m["label"])]
        value = m["value"]
        if containers & stats[id(el)].names:
            continue  # a container of several fields; its cells are visited on their own
        if not value:  # the value is in the next cell …
            nxt = el.find_next_sibling()
            value = _clean(nxt.get_text(" ")) if nxt is not None else ""
            if not value or rules["label_re"].match(value):
                # … or, when the labels make a header row, in the same column of the row below
                nxt = _cell_below(el)
                value = _clean(nxt.get_text(" ")) if nxt is not None else ""
                if rules["label_re"].match(value or ""):
                    continue
            if nxt is not None:
                holders.append(nxt)
        else:  # the value is in this cell, and so may be other fields: 发布时间：… 发布机构：… 字体：大 中 小
            pairs = split_meta_line(own) or []
            if len(pairs) < 2 and len(own) > 80:
                continue  # one label and a long text: a sentence, not metadata
            for name, v in pairs[1:]:
                if name and v and name not in found:
                    found[name] = v
            value = pairs[0][1] if pairs else value
        if not value or fieldname in found:
            continue
        found[fieldname] = value
        holders.append(el)
    if len(found) < 2:
        return {}, []  # a lone "标题：" in the text is not a metadata table
    meta = typed_meta(found)
    # The block holding the labels (a table, list or div) goes, not just its cells — unless that
    # block also holds the article: a 发布时间/来源/字体/打印 line often sits inside the article's
    # container, and climbing from it to the container deleted the whole body. A block goes only
    # when its text is mostly the metadata itself; otherwise only the labelled element does.
    meta_chars = sum(cjk_count(el.get_text()) for el in holders)
    blocks = []
    for el in holders:
        block = el
        if el.name not in META_BLOCKS:
            for anc in el.parents:
                if anc.name in META_BLOCKS:
                    if cjk_count(anc.get_text()) <= 2 * meta_chars + 40:
                        block = anc
                    break
        blocks.append(block)
    return meta, blocks


FURNITURE_TEXT = 120  # the longest text a breadcrumb or a share bar has
META_TEXT = 160  # the longest text one metadata cell has (a label and its value, or a line of several)
SHORT_TEXT = max(FURNITURE_TEXT, META_TEXT)  # texts kept by text_stats for those two tests


@dataclass(slots=True)
class _Stats:
    """What the page heuristics need of one element's text, computed for all elements in one pass
    (calling ``get_text()`` per element costs the size of its subtree: quadratic on deep pages)."""

    cjk: int  # CJK characters of its whole text
    links: int  # … of them inside <a> descendants
    punct: int  # sentence punctuation of its whole text
    own: int  # CJK characters of its own strings (not of child elements)
    short: str | None  # its text as ``_clean(get_text(" "))`` when at most SHORT_TEXT long, else None
    names: frozenset  # the tag names of its descendants


def text_stats(root) -> dict[int, _Stats]:
    """``id(element) → _Stats`` for ``root`` and every element below it: a post-order pass with
    no recursion, linear in the size of the tree. Valid until the tree changes."""
    from bs4 import CData, NavigableString, Tag

    nodes = [root] + [d for d in root.descendants if isinstance(d, Tag)]
    stats: dict[int, _Stats] = {}
    empty: frozenset = frozenset()
    for el in reversed(nodes):
        cjk = links = punct = own = 0
        pieces: list[str] = []
        length = 0
        names = empty
        for c in el.contents:
            if isinstance(c, Tag):
                st = stats[id(c)]
                cjk += st.cjk
                links += st.cjk if c.name == "a" else st.links
                punct += st.punct
                if c.name not in names or not st.names <= names:
                    names = names | st.names | {c.name}
                piece = st.short
            elif isinstance(c, NavigableString):
                text = str(c)
                n = cjk_count(text)
                own += n
                if type(c) not in (NavigableString, CData):
                    continue  # a comment, doctype …: not part of get_text()
                cjk += n
                punct += len(SENTENCE_PUNCT.findall(text))
                piece = _clean(text) if length <= SHORT_TEXT else None
            else:
                continue
            if length <= SHORT_TEXT:
                if piece is None:
                    length = SHORT_TEXT + 1
                elif piece:
                    length += len(piece) + (1 if pieces else 0)
                    pieces.append(piece)
        short = " ".join(pieces) if length <= SHORT_TEXT else None
        stats[id(el)] = _Stats(cjk, links, punct, own, short, names)
    return stats


def _link_density(st: _Stats) -> float:
    return st.links / st.cjk if st.cjk else 1.0


def _drop_furniture(soup) -> None:
    """Remove page furniture: nav/header/footer/aside, elements whose id/class says navigation,
    breadcrumb, share, footer …, and short blocks whose text says so (当前位置, 分享到 …) — unless
    they hold most of the page's text (then they are not furniture whatever they are called)."""
    rules = html_rules()
    stats = text_stats(soup)
    page = max(stats[id(soup)].cjk, 1)
    doomed = []
    for el in soup.find_all(True):
        if el.name in ("html", "body"):
            continue
        st = stats[id(el)]
        tokens = _tokens(el)
        if el.name in FURNITURE_TAGS or (tokens and rules["negative_re"].search(tokens)
                                         and not rules["positive_re"].search(tokens)):
            if st.cjk < 0.5 * page or _link_density(st) > 0.5:
                doomed.append(el)
                continue
        if _hidden(el):
            doomed.append(el)
            continue
        if el.name in ("div", "p", "li", "td", "span", "ul", "dl", "table"):
            if st.short is not None and len(st.short) <= FURNITURE_TEXT and rules["furniture_re"].search(st.short):
                doomed.append(el)
    for el in doomed:
        if not getattr(el, "decomposed", False) and el.parent is not None:
            el.decompose()


def _hint_key(selector: str) -> tuple[str, str]:
    """A body hint of html.yaml (``#id``, ``.class`` or a tag name) as (kind, name)."""
    m = re.fullmatch(r"([#.]?)([A-Za-z][\w-]*)", selector.strip())
    if not m:
        raise ValueError(f"indexer/data/html.yaml: body hint {selector!r} must be #id, .class or a tag name")
    return m[1] or "tag", m[2]


def _matches_hint(el, hint: tuple[str, str]) -> bool:
    kind, name = hint
    if kind == "tag":
        return el.name == name
    if kind == "#":
        return el.get("id") == name
    return name in (el.get("class") or ())


def find_body(soup):
    """The element holding the article body, or None.

    A known container (``body_hints``) wins when it holds enough text and few
    links. Otherwise each paragraph-like block (p, td, pre, li, and divs with
    text of their own) scores 1 + its punctuation count + its length/100 (at
    most 3), added to its parent, half to its grandparent, a third to the one
    above (Readability's scheme, measured in CJK characters and Chinese
    punctuation). Candidates lose the share of their text that is link text and
    gain/lose by their id/class words; the best one is the body.
    """
    rules = html_rules()
    minimum = rules["min_body_chars"]
    stats = text_stats(soup)
    hinted: list[list] = [[] for _ in rules["body_hints"]]
    for el in soup.find_all(True):  # one pass: CSS select() per hint costs the page size each time
        for i, hint in enumerate(rules["body_hint_keys"]):
            if _matches_hint(el, hint):
                hinted[i].append(el)
    for found in hinted:
        for el in found:
            if stats[id(el)].cjk >= minimum and _link_density(stats[id(el)]) < 0.3:
                return el
    scores: dict[int, float] = {}
    tags: dict[int, object] = {}
    blocks = {"p", "div", "td", "table"}
    for el in soup.find_all(["p", "td", "pre", "li", "div", "section", "article", "font", "span"]):
        st = stats[id(el)]
        if el.name in ("div", "section", "article", "font", "span"):
            n = st.own
            if blocks & st.names and n < 20:
                continue
        else:
            n = st.cjk
        if n < 20:
            continue
        score = 1 + st.punct + min(n / 100, 3)
        node = el if el.name in ("div", "section", "article", "td") else el.parent
        for factor in (1.0, 0.5, 1 / 3):
            if node is None or node.name in ("html", "[document]"):
                break
            scores[id(node)] = scores.get(id(node), 0.0) + score * factor
            tags[id(node)] = node
            node = node.parent
    best, best_score = None, 0.0
    for key, score in scores.items():
        el = tags[key]
        tokens = _tokens(el)
        if tokens and rules["positive_re"].search(tokens):
            score *= 1.25
        if tokens and rules["negative_re"].search(tokens):
            score *= 0.5
        score *= 1 - _link_density(stats[key])
        if score > best_score:
            best, best_score = el, score
    return best


TABLE_CELL_MAX = 300  # a cell with more CJK text than this is page layout, not a data table


def _rows_of(table) -> list:
    """The <tr> of ``table`` itself (not of tables nested in it), in document order; nested
    tables are not entered, so rows of tables nested n deep cost n, not n²."""
    from bs4 import Tag

    rows, stack = [], list(reversed(table.contents))
    while stack:
        el = stack.pop()
        if not isinstance(el, Tag) or el.name == "table":
            continue
        if el.name == "tr":
            rows.append(el)
        else:
            stack.extend(reversed(el.contents))
    return rows


def _is_data_table(table) -> bool:
    """A table of data (a 任务分工表), not a table used for page layout: at least two rows of two
    or more cells, no nested table, no cell holding a long text."""
    rows = _rows_of(table)
    cells = [r.find_all(["td", "th"], recursive=False) for r in rows]
    if sum(len(c) >= 2 for c in cells) < 2:
        return False
    # Checked on the rows found: a nested table would sit in one of these cells.
    if any(cell.find("table") is not None for row in cells for cell in row):
        return False
    return all(cjk_count(c.get_text()) <= TABLE_CELL_MAX for row in cells for c in row)


def _span(cell, name: str) -> int:
    try:
        return max(1, min(int(str(cell.get(name, "1")).strip() or 1), 100))
    except ValueError:
        return 1


def _table_rows(table, cell_text) -> list[list[str]]:
    """A data table as a grid of cell texts. A cell spanning rows (rowspan) repeats its text in
    each row it covers, as python-docx reads a vertically merged Word cell; a cell spanning
    columns (colspan) is written once, followed by empty cells, so columns stay aligned."""
    grid: list[list[str]] = []
    carry: dict[int, tuple[str, int]] = {}  # column → (text, rows still covered)
    for tr in _rows_of(table):
        row: list[str] = []
        col = 0
        cells = tr.find_all(["td", "th"], recursive=False)
        queue = list(cells)
        while queue or col in carry:
            if col in carry:
                text, left = carry[col]
                row.append(text)
                if left <= 1:
                    del carry[col]
                else:
                    carry[col] = (text, left - 1)
                col += 1
                continue
            cell = queue.pop(0)
            text = cell_text(cell)
            width, height = _span(cell, "colspan"), _span(cell, "rowspan")
            for k in range(width):
                row.append(text if k == 0 else "")
                if height > 1:
                    carry[col + k] = (text if k == 0 else "", height - 1)
            col += width
        grid.append(row)
    return grid


def block_text(el) -> str:
    """The text of an element with paragraph breaks at block elements and <br>, cells split by tabs.

    A data table (``_is_data_table``) is one line per row, its cells' own paragraphs joined
    (a Word table pasted into a CMS puts a <p> in every cell); a layout table is read as
    blocks."""
    from bs4 import Comment, NavigableString

    out: list[str] = []

    def walk(node, sink):
        # Depth-first with an explicit stack (a page may nest elements tens of thousands deep);
        # a str on the stack is text to emit once the elements pushed before it are done.
        stack: list = list(reversed(node.contents))
        while stack:
            child = stack.pop()
            if isinstance(child, str) and not isinstance(child, NavigableString):
                sink.append(child)
                continue
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                s = str(child)
                # Source line breaks inside a paragraph: gone between CJK, a space between words.
                s = re.sub(r"(?<=[^\x00-\x7f])\s*\n\s*(?=[^\x00-\x7f])", "", s)
                sink.append(re.sub(r"[ \t\r\n\f]+", " ", s))
                continue
            name = child.name
            if name == "br":
                sink.append("\n")
            elif name == "table" and _is_data_table(child):
                sink.append("\n")
                for row in _table_rows(child, cell_text):
                    sink.append("\t".join(row) + "\n")
            elif name in ("td", "th"):
                stack.append("\t")
                stack.extend(reversed(child.contents))
            elif name in BLOCK_TAGS:
                sink.append("\n")
                stack.append("\n")
                stack.extend(reversed(child.contents))
            else:
                stack.extend(reversed(child.contents))

    def cell_text(cell) -> str:
        buf: list[str] = []
        walk(cell, buf)
        return join_cell_lines("".join(buf).split("\n"))

    walk(el, out)
    # A table row keeps its tabs (an empty cell is a column); other lines lose the tab that
    # ends every cell of a layout table.
    lines = [line.strip(" ") if line.count("\t") >= 2 else line.strip(" \t") for line in "".join(out).split("\n")]
    return "\n".join(line for line in lines if line.strip(" \t"))


def join_cell_lines(lines) -> str:
    """A table cell's paragraphs as one line: joined without a space between CJK text, with one
    between words; tabs become spaces (a tab separates cells)."""
    joined = ""
    for ln in lines:
        ln = " ".join(ln.replace("\t", " ").split())
        if not ln:
            continue
        joined += _joint(joined, ln) + ln
    return joined


def _joint(left: str, right: str) -> str:
    """What joins two pieces of one paragraph: nothing between CJK text, a space between words."""
    return " " if re.search(r"[A-Za-z0-9]$", left) and re.match(r"[A-Za-z0-9]", right) else ""


def _title_from(soup, meta: dict) -> str | None:
    if meta.get("title"):
        return meta["title"]
    if meta.get("page_title"):
        return meta["page_title"]
    for h in soup.find_all(["h1", "h2"]):
        t = _clean(h.get_text(" "))
        if cjk_count(t) >= 6 and len(t) <= 120 and not rx.ISSUER_LINE.fullmatch(re.sub(r"\s+", "", t)):
            return t  # (a heading that is only a body's name, 瑞平市人民防空办公室, is the site's, not a title)
    title_re = html_rules()["title_re"]
    for el in soup.find_all(lambda tag: tag.name in ("h3", "h4") or tag.name not in ("title", "a", "meta")
                            and title_re.search(" ".join(tag.get("class") or []) + " " + (tag.get("id") or ""))):
        t = _clean(el.get_text(" "))
        if len(t) <= 120 and any(p.match(re.sub(r"\s+", "", t)) for p in (rx.TITLE_LINE, rx.TITLE_PLAIN,
                                                                            rx.NOTICE_TITLE)):
            return t  # <div class="con-title">…的通知</div>: a title by its form, not a section label
    t = meta.get("html_title")
    if t:
        # 标题_栏目_网站, 标题 - 网站, and 标题-某某局 with the dash unspaced when what follows it names
        # the site or the body that runs it (a dash inside a title, （2025—2027年）, is kept)
        parts = [p.strip() for p in re.split(r"[_|｜]|\s[-–—]+\s|[-–—]+(?=[^-–—_|｜（）()]{2,30}"
                                             r"(?:网|网站|门户|政府|局|厅|委|办|办公室)$)", t) if p.strip()]
        return max(parts, key=cjk_count) if parts else None
    return None


def read_html(data: bytes, name: str, *, path: Path | None = None, http_charset: str | None = None,
              url: str | None = None) -> SourceText:
    """A government web page → its body text, with the title on top, and the page's metadata."""
    from bs4 import BeautifulSoup

    declared = http_charset or declared_charset(data)
    text, encoding = decode(data, name, declared)
    warnings = []
    if declared and _encoding_name(declared) and _encoding_name(declared) != encoding.replace("-sig", ""):
        warnings.append(f"{name}: the page declares charset {declared} but is {encoding}; read as {encoding}")
    has_open = re.search(r"<(?:html|body)[\s>]", text, re.I)
    has_close = re.search(r"</(?:body|html)\s*>", text, re.I)
    if has_open and not has_close:
        raise InputError(f"{name}: the page is truncated (it has no </body> or </html>); download it again "
                         "completely (save the whole page) and ingest the new file")
    if not re.search(r"<[A-Za-z][^>]*>", text[:65536]):
        raise InputError(f"{name}: this is not an HTML page (no tags); if it is plain text, rename it to .txt")
    soup = BeautifulSoup(text, "lxml")
    meta = read_meta_tags(soup)
    for tag in soup.find_all(DROP_TAGS):
        tag.decompose()
    table_meta, blocks = read_meta_table(soup)
    meta.update(table_meta)
    if not meta.get("doc_number"):
        lone = _lone_doc_number(soup)
        if lone:
            meta["doc_number"] = lone
    title = _title_from(soup, meta)
    for block in blocks:
        if not getattr(block, "decomposed", False) and block.parent is not None:
            block.decompose()
    _drop_furniture(soup)
    body = find_body(soup)
    body_text = block_text(body) if body is not None else ""
    minimum = html_rules()["min_body_chars"]
    if body is None or cjk_count(body_text) < minimum:
        raise InputError(f"{name}: no article body found on the page (only navigation, links or too little "
                         "text); open the page, copy the document text into a .txt file and ingest that, "
                         "or save the page that shows the full document")
    lines = body_text.split("\n")
    if title:
        squashed = re.sub(r"\s+", "", title)
        if not any(squashed == re.sub(r"\s+", "", ln) for ln in lines[:6]):
            lines.insert(0, title)
    out_meta = {}
    for key in ("title", "doc_number", "issuer", "date", "published", "index_no", "topic", "validity",
                "keywords", "content_source", "column", "site"):
        if meta.get(key):
            out_meta[key] = meta[key]
    if title and "title" not in out_meta:
        out_meta["page_title"] = title
    if url:
        out_meta["source_url"] = url
    return SourceText(Path(path or name), fix_radicals("\n".join(lines)), out_meta, encoding, "html", warnings)


# ---------------------------------------------------------------------------
# .docx
# ---------------------------------------------------------------------------


def _is_xml_part(name: str) -> bool:
    return name.endswith((".xml", ".rels"))


def check_docx_package(path: Path) -> None:
    """Refuse a .docx that would inflate beyond the limits (a zip bomb) or whose XML declares a
    DTD (entity expansion: "billion laughs"; Word never writes one), before python-docx inflates
    anything. Declared sizes are checked first, then each part is inflated chunk by chunk and
    counted, so a part that lies about its size is stopped at the limit too."""
    def bomb(total: int) -> InputError:
        return InputError(f"{path}: the .docx would inflate to over {total // 2**20} MB (a damaged file or a zip "
                          "bomb); open it in Word/WPS, save it again as .docx, and ingest the new file")

    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            if len(infos) > MAX_DOCX_PARTS:
                raise InputError(f"{path}: the .docx has {len(infos)} parts, over the limit of {MAX_DOCX_PARTS}; "
                                 "open it in Word/WPS and save it again as .docx")
            if sum(i.file_size for i in infos if _is_xml_part(i.filename)) > MAX_DOCX_XML_BYTES:
                raise bomb(MAX_DOCX_XML_BYTES)
            if sum(i.file_size for i in infos) > MAX_DOCX_INFLATED_BYTES:
                raise bomb(MAX_DOCX_INFLATED_BYTES)
            xml = total = 0
            for info in infos:
                is_xml = _is_xml_part(info.filename)
                head = b""
                with z.open(info) as f:
                    while chunk := f.read(1 << 20):
                        total += len(chunk)
                        xml += len(chunk) if is_xml else 0
                        if xml > MAX_DOCX_XML_BYTES or total > MAX_DOCX_INFLATED_BYTES:
                            raise bomb(MAX_DOCX_XML_BYTES if xml > MAX_DOCX_XML_BYTES else MAX_DOCX_INFLATED_BYTES)
                        if is_xml and len(head) < 4096:
                            head += chunk[:4096]
                if is_xml and re.search(rb"<!(?:DOCTYPE|ENTITY)", head):
                    raise InputError(f"{path}: the .docx part {info.filename} declares a DTD or entities, which Word "
                                     "never writes (entity expansion can exhaust memory); open the file in Word/WPS, "
                                     "save it again as .docx, and ingest the new file")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, NotImplementedError, EOFError) as e:
        raise InputError(f"{path}: not a readable .docx file ({type(e).__name__}); if it is an old .doc or .wps "
                         "file, open it in Word/WPS and save it as .docx") from None


def read_docx(path: Path) -> SourceText:
    """A Word 2007+ file: body paragraphs and tables in document order (one line per table row)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    from lxml.etree import XMLSyntaxError

    read_bytes(path)  # size and readability checks
    check_docx_package(path)
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError) as e:
        raise InputError(f"{path}: not a readable .docx file ({type(e).__name__}); if it is an old .doc or "
                         ".wps file, open it in Word/WPS and save it as .docx") from None
    lines: list[str] = []
    size = counted = 0
    for child in document.element.body.iterchildren():
        size += sum(len(x) for x in lines[counted:])
        counted = len(lines)
        if size > MAX_TEXT_CHARS:
            raise InputError(f"{path}: the .docx holds more than {MAX_TEXT_CHARS // 2**20}M characters of text "
                             "(the limit for one document); give the document alone, without annexes")
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells: list[str] = []
                last = None
                for cell in row.cells:
                    # A horizontally merged cell is returned once per grid column it spans: its text
                    # once, then empty cells, so columns stay aligned (two neighbouring cells that
                    # merely say the same thing are both kept). A vertically merged cell repeats
                    # its text in each row, which keeps every row complete.
                    same = last is not None and cell._tc is last
                    cells.append("" if same else join_cell_lines(cell.text.split("\n")))
                    last = cell._tc
                lines.append("\t".join(cells))
    text = "\n".join(lines)
    if cjk_count(text) == 0 and not text.strip():
        raise InputError(f"{path}: the .docx has no text in its body; give the document with its text "
                         "(a scanned image inside Word cannot be read)")
    meta = {}
    title = (document.core_properties.title or "").strip()
    if title and cjk_count(title) >= 4:
        meta["page_title"] = title
    return SourceText(path, fix_radicals(text), meta, None, "docx")


# ---------------------------------------------------------------------------
# .pdf
# ---------------------------------------------------------------------------


def read_pdf(path: Path) -> SourceText:
    """A PDF with a text layer → its text, without page headers/footers/numbers, paragraphs rejoined.

    PDFium (pypdfium2) reads the text layer: on the same 300-page file it takes an eighth of
    pypdf's time (``bench/hostile_run.py`` measures both), and its memory does not grow with
    the page count because each page is closed once read."""
    import pypdfium2 as pdfium

    data = read_bytes(path)
    if not data.lstrip()[:1024].startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        raise InputError(f"{path}: not a PDF file (no %PDF header); check the file or give it the right suffix")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise InputError(f"{path}: the PDF is password-protected; remove the password "
                             "(print it to a new PDF) and ingest that") from None
        raise InputError(f"{path}: the PDF cannot be read ({str(e)[:80]}); it may be damaged or truncated: "
                         "download it again, or print it to a new PDF") from None
    try:
        n = len(pdf)
        if n > MAX_PDF_PAGES:
            raise InputError(f"{path}: the PDF has {n} pages, over the {MAX_PDF_PAGES}-page limit; give the "
                             "document alone (without annexed reports or scans)")
        pages, size = [], 0
        for i in range(n):
            page = pdf[i]
            try:
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                textpage.close()
            finally:
                page.close()
            size += len(text)
            if size > MAX_TEXT_CHARS:
                raise InputError(f"{path}: the PDF holds more than {MAX_TEXT_CHARS // 2**20}M characters of text "
                                 "(the limit for one document); give the document alone, without annexes")
            pages.append(fix_radicals(text))
        info = pdf.get_metadata_dict(skip_empty=True)
    except pdfium.PdfiumError as e:
        raise InputError(f"{path}: the PDF cannot be read ({str(e)[:80]}); it may be damaged or truncated: "
                         "download it again, or print it to a new PDF") from None
    finally:
        pdf.close()
    if sum(cjk_count(p) for p in pages) < 20:
        raise InputError(f"{path}: the PDF has no text layer (a scan?); run OCR on it first, or give the "
                         "HTML page or .docx of the same document")
    meta = {}
    # Office writers put "Microsoft Word - 文件名.doc" there; keep only a real title.
    info_title = re.sub(r"^(?:Microsoft\s+Word\s*-\s*)|\.(?:docx?|wps|pdf)$", "", str(info.get("Title") or "")).strip()
    if info_title and cjk_count(info_title) >= 4:
        meta["page_title"] = info_title
    return SourceText(path, pdf_pages_to_text(pages), meta, None, "pdf")


def _page_lines(page: str) -> list[str]:
    return [ln.strip() for ln in page.replace("\r", "\n").split("\n") if ln.strip()]


def _line_key(line: str) -> str:
    """A header/footer line with its numbers blanked, so 第 3 页 and 第 4 页 compare equal."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def _despace(line: str) -> str:
    """Remove spaces a PDF put between CJK characters (关 于 印 发) when the line is spaced out."""
    gaps = len(re.findall(r"(?<=[\u4e00-\u9fff，。；：、）（]) (?=[\u4e00-\u9fff，。；：、）（])", line))
    if gaps and gaps >= 0.5 * max(cjk_count(line) - 1, 1):
        return re.sub(r"(?<=[^\x00-\x7f]) +(?=[^\x00-\x7f])", "", line)
    return line


# The header/footer a browser prints on every page (even a single one, where repetition cannot
# show it): 12/7/26, 2:50 AM <title> … file:///…/page.html 1/1, or the page's address and n/m.
BROWSER_PRINT = re.compile(r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4},?\s+\d{1,2}:\d{2}(?:\s*[AP]M)?\b"
                           r"|(?:https?|file)://\S*\s*\d{1,4}\s*/\s*\d{1,4}\s*$", re.I)


def _meta_label(line: str) -> bool:
    """A line that opens with a metadata label (文号：, 发文字号：, 发布日期：): never part of the
    line before it."""
    return split_meta_line(line) is not None


# A line that is a whole document title of a plan's kind (…实施方案, …工作要点, …管理办法): what follows
# it is never the rest of its sentence, whatever it opens with.
_PLAN_TITLE_END = re.compile(r"(?:条例|办法|规定|细则|方案|规划|意见|计划|要点|纲要)(?:（[^（）。；：]{1,20}）)?$")


def _title_then_preamble(last: str, line: str) -> bool:
    """A plan's title line (…实施方案) followed by its preamble (为…，制定本方案 / 全县耕地保有量为…):
    two paragraphs, even when the title fills the line. A title broken before its （2026—2028年）
    or a notice title broken before 的通知 stays one."""
    if not (rx.TITLE_PLAIN.match(last) or rx.TITLE_LINE.match(last)):
        return False
    return bool(rx.PREAMBLE_OPENER.match(line)) or (
        bool(_PLAN_TITLE_END.search(last)) and "、" not in last and "关于" not in last  # 关于印发…方案⏎的通知
        and not line.startswith(("（", "(", "的")))


def strip_page_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Drop running headers/footers (lines repeated at the top or bottom of most pages, numbers
    ignored) and page-number lines (— 3 —, 第3页 共10页, 3/10, - 3 -)."""
    n = len(pages)
    edge = 3  # lines at each end of a page that may be furniture
    counts: dict[str, int] = {}
    for lines in pages:
        for key in {_line_key(x) for x in lines[:edge] + lines[-edge:]}:
            counts[key] = counts.get(key, 0) + 1
    # Running headers/footers are short and are not sentences (湖东县人民政府文件, a date, a URL).
    repeated = {k for k, c in counts.items() if n >= 2 and c >= max(2, (n + 1) // 2)
                and len(k) <= 60 and not re.search(r"[。；！？]$", k)}
    out = []
    for lines in pages:
        keep = list(lines)
        for side in (0, -1):
            for _ in range(edge):
                if not keep:
                    break
                line = keep[side]
                if rx.PAGE_NUMBER.match(line) or _line_key(line) in repeated or BROWSER_PRINT.search(line):
                    keep.pop(side)
                else:
                    break
        out.append(keep)
    return out


def join_lines(lines: list[str]) -> list[str]:
    """Lines broken by the page width → paragraphs.

    A line continues the paragraph before it unless the previous line ends a
    sentence (。！？：； possibly followed by a closing quote/bracket), is
    markedly shorter than the full lines of the document (a paragraph's last
    line, a title, a signature), or the line starts with numbering (一、 （一）
    1． 第一条 附件) or is a date line or a 文号 line (澄政办发〔2026〕9号), or the previous line is a plan's title and this one opens
    its preamble (为…/根据…). A paragraph with a bracket still open
    (（牵头单位：…；配合单位：⏎市财政局；…）) always continues: the ：/； inside an
    annotation end no sentence.
    """
    if not lines:
        return []
    widths = sorted(len(x) for x in lines)
    full = widths[int(len(widths) * 0.8)] if len(widths) >= 3 else widths[-1]
    paras = [lines[0]]
    last = lines[0]  # the previous physical line
    for line in lines[1:]:
        ends = re.search(r"[。！？：；][”’」』）]?$", last)
        # a line with a sentence in progress (，。； inside, none at its end) breaks a paragraph only
        # when it is much shorter: （二）强化资金保障。区财政局要统筹各类资 / 金，保障…
        short = len(last) < (0.6 if re.search(r"[，。；]", last) else 0.85) * full
        starts = (any(p.match(line) for p in rx.NUMBERING.values()) or rx.ANNEX.match(line)
                  or rx.DATE_ARABIC.match(line) or rx.DATE_CN.match(line) or _meta_label(line)
                  or _title_then_preamble(last, line)
                  or rx.DOC_NUMBER.fullmatch(line.strip()) or rx.DOC_NUMBER_ALONE.fullmatch(line.strip()))
        open_bracket = _open_brackets(paras[-1][-150:]) > 0  # an annotation is not longer
        if (ends or short or starts) and not (open_bracket and not starts):
            paras.append(line)
        else:
            paras[-1] = paras[-1] + _joint(last, line) + line
        last = line
    return paras


def _open_brackets(s: str) -> int:
    """（ and ( not yet closed at the end of ``s`` (never below zero)."""
    depth = 0
    for ch in s:
        if ch in "（(":
            depth += 1
        elif ch in "）)" and depth:
            depth -= 1
    return depth


# Spaces a PDF text layer puts next to full-width punctuation (2 ．加强) or between digits and
# CJK characters (2025 年); they are never meant in Chinese text.
_PDF_SPACES = re.compile(
    r"\s+(?=[，。．、；：？！）》」』”’〕】])|(?<=[（《「『“‘〔【])\s+"
    r"|(?<=\d)\s+(?=[\u4e00-\u9fff．、])|(?<=[\u4e00-\u9fff])\s+(?=\d)")


def _clean_pdf_line(line: str) -> str:
    return _PDF_SPACES.sub("", _despace(unicodedata.normalize("NFKC", line) if re.search(
        "[\ufb00-\ufb06]", line) else line))


def pdf_pages_to_text(pages: list[str]) -> str:
    page_lines = [[_clean_pdf_line(x) for x in _page_lines(p)] for p in pages]
    page_lines = strip_page_furniture(page_lines)
    flat = [x for lines in page_lines for x in lines]
    return "\n".join(join_lines(flat))


# ---------------------------------------------------------------------------
# URLs
# ---------------------------------------------------------------------------

CONTENT_TYPES = {
    "text/html": ".html", "application/xhtml+xml": ".html", "text/plain": ".txt", "text/markdown": ".md",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}


def is_url(s: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", s))


# Where a fetch may go. A URL the user gives may name any host; but a name that resolves to a
# loopback/private/link-local address, or a redirect to one, is how a server is turned against
# its own network (SSRF): refused unless the user named that address directly (an IP literal or
# "localhost") or allowed private addresses (``allow_private=True``, POLICYKB_FETCH_PRIVATE=1,
# for an intranet). A redirect may change host only to a public address, and port only to 80/443.
MAX_REDIRECTS = 5
REDIRECT_PORTS = {80, 443}
LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


@dataclass
class Fetched:
    url: str  # the final URL (after redirects)
    path: Path  # a temporary file holding the body, with the suffix of its kind
    charset: str | None
    content_type: str | None


@dataclass
class _Target:
    scheme: str
    host: str  # ASCII (IDNA) host name or IP literal
    port: int
    path: str  # path and query, percent-encoded
    url: str  # the URL as requested (ASCII)


def _target(url: str, shown: str) -> _Target:
    """Check and normalise one http(s) URL: scheme, no credentials, IDN host → punycode, port."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError as e:
        raise InputError(f"{shown}: not a valid web address ({e}); check the address") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"{shown}: only http:// and https:// addresses can be fetched; "
                         "for a local file give its path")
    if parts.username is not None or parts.password is not None:
        raise InputError(f"{shown}: the address holds a user name or password (user:password@host); policykb "
                         "sends no credentials: open the page in a browser, save it, and ingest the file")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise InputError(f"{shown}: the port in the address is not a number from 1 to 65535; check the address") from None
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise InputError(f"{shown}: the address has no host name; check the address")
    try:
        import ipaddress

        ipaddress.ip_address(host)
        ascii_host = host
    except ValueError:
        try:
            import idna

            ascii_host = idna.encode(host, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            raise InputError(f"{shown}: the host name {host!r} is not a valid domain name; check the address") from None
    path = urllib.parse.quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + urllib.parse.quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    netloc = f"[{ascii_host}]" if ":" in ascii_host else ascii_host
    if parts.port:
        netloc += f":{port}"
    return _Target(scheme, ascii_host, port, path, f"{scheme}://{netloc}{path}")


def _is_public(ip: str) -> bool:
    import ipaddress

    addr = ipaddress.ip_address(ip)
    if addr.version == 6 and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    return addr.is_global and not addr.is_multicast


def _resolve(t: _Target, shown: str, remaining: float) -> list[str]:
    """The addresses of a host, looked up within the time left (getaddrinfo has no timeout)."""
    import concurrent.futures
    import socket

    pool = concurrent.futures.ThreadPoolExecutor(1)
    try:
        infos = pool.submit(socket.getaddrinfo, t.host, t.port, 0, socket.SOCK_STREAM).result(timeout=remaining)
    except concurrent.futures.TimeoutError:
        raise InputError(f"{shown}: looking up {t.host} took too long; check the network, or save the page in a "
                         "browser and ingest the file") from None
    except OSError as e:
        raise InputError(f"{shown}: cannot fetch the page (cannot find host {t.host}: {e.strerror or e}); check "
                         "the address and the network, or save the page in a browser and ingest the file") from None
    finally:
        pool.shutdown(wait=False)
    return list(dict.fromkeys(info[4][0] for info in infos))


def _private_allowed(allow_private: bool | None) -> bool:
    if allow_private is not None:
        return allow_private
    return os.environ.get("POLICYKB_FETCH_PRIVATE", "").strip().lower() in ("1", "true", "yes")


def _is_ip_literal(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


def _charset_of(content_type: str) -> str | None:
    m = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.I)
    return m[1].lower() if m else None


def fetch_url(url: str, *, timeout: float = URL_TIMEOUT, max_bytes: int = MAX_BYTES,
              workdir: Path | None = None, allow_private: bool | None = None) -> Fetched:
    """Download ``url`` (http/https only) to a temporary file, at most ``max_bytes``.

    ``timeout`` bounds each wait (connecting, each read); the whole request, headers and
    redirects included, ends at ``URL_TOTAL_TIMEOUTS × timeout`` whatever the server does (a
    watchdog closes the connection). Addresses follow the policy above (``allow_private``:
    None = the user named a private address directly, or POLICYKB_FETCH_PRIVATE=1; False =
    never, for a service; True = always)."""
    import socket
    import threading

    total = URL_TOTAL_TIMEOUTS * timeout
    deadline = time.monotonic() + total
    first = _target(url, url)
    direct_local = first.host.lower() in LOCAL_NAMES or _is_ip_literal(first.host)
    current, hops = first, 0
    too_slow = InputError(f"{url}: the download took longer than {total:g} s; check the network, or save the page "
                          "in a browser and ingest the file")
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise too_slow
        addresses = _resolve(current, url, remaining)
        same_origin = (current.host, current.port) == (first.host, first.port)
        for ip in addresses:
            if _is_public(ip) or _private_allowed(allow_private):
                continue
            if allow_private is None and direct_local and same_origin:
                continue  # the user asked for this local address themselves
            what = "redirected to" if hops else "resolves to"
            raise InputError(f"{url}: {current.host} {what} a private or local address ({ip}); policykb fetches "
                             "those only when given directly (an IP address or localhost) or with "
                             "POLICYKB_FETCH_PRIVATE=1 (an intranet site); save the page in a browser and ingest the file")
        sock = None
        killed = threading.Event()
        watchdog = None
        try:
            sock = socket.create_connection((addresses[0], current.port), timeout=min(timeout, remaining))
            if current.scheme == "https":
                import ssl

                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=current.host)

            def kill(s=sock):
                killed.set()
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

            watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), kill)
            watchdog.daemon = True
            watchdog.start()
            conn = http.client.HTTPConnection(current.host, current.port, timeout=timeout)
            conn.sock = sock
            default = 443 if current.scheme == "https" else 80
            host_header = current.host if current.port == default else f"{current.host}:{current.port}"
            conn.putrequest("GET", current.path, skip_host=True, skip_accept_encoding=True)
            for k, v in (("Host", host_header), ("User-Agent", USER_AGENT), ("Accept", "*/*"),
                         ("Accept-Encoding", "identity"), ("Connection", "close")):
                conn.putheader(k, v)
            conn.endheaders()
            resp = conn.getresponse()
            if resp.status in (301, 302, 303, 307, 308):
                location = resp.getheader("Location") or ""
                nxt = urllib.parse.urljoin(current.url, location)
                scheme = urllib.parse.urlsplit(nxt).scheme.lower()
                if scheme not in ("http", "https"):
                    raise InputError(f"{url}: redirected to a non-http(s) address ({nxt[:100]}); save the page in a "
                                     "browser and ingest the file")
                hops += 1
                if hops > MAX_REDIRECTS:
                    raise InputError(f"{url}: more than {MAX_REDIRECTS} redirects; give the address the browser "
                                     "ends at, or save the page and ingest the file")
                target = _target(nxt, url)
                if (target.host, target.port) != (current.host, current.port) and target.port not in REDIRECT_PORTS \
                        and target.port != first.port:
                    raise InputError(f"{url}: redirected to port {target.port} of {target.host}, which is not a web "
                                     "port (80/443); give the final address yourself if you trust it")
                current = target
                continue
            if resp.status >= 400:
                raise InputError(f"{url}: the server answered HTTP {resp.status} ({resp.reason}); check the address, "
                                 "or save the page in a browser and ingest the file")
            length = resp.getheader("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise InputError(f"{url}: the response is {int(length) / 2**20:.1f} MB, over the "
                                 f"{max_bytes // 2**20} MB limit; download the document itself and ingest the file")
            chunks, size = [], 0
            while True:
                chunk = resp.read1(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise InputError(f"{url}: the response is over the {max_bytes // 2**20} MB limit; "
                                     "download the document itself and ingest the file")
                chunks.append(chunk)
            if killed.is_set():
                raise too_slow
            final = current.url
            ctype = (resp.getheader("Content-Type") or "").split(";")[0].strip().lower() or None
            charset = _charset_of(resp.getheader("Content-Type") or "")
            break
        except InputError:
            raise
        except (OSError, http.client.HTTPException, ValueError) as e:
            if killed.is_set():
                raise too_slow from None
            reason = "timed out" if isinstance(e, TimeoutError) else (getattr(e, "strerror", None) or str(e) or
                                                                      type(e).__name__)
            raise InputError(f"{url}: cannot fetch the page ({reason}); check the address and the network, or "
                             "save the page in a browser and ingest the file") from None
        finally:
            if watchdog is not None:
                watchdog.cancel()
            if sock is not None:
                sock.close()
    data = b"".join(chunks)
    suffix = Path(urllib.parse.urlsplit(final).path).suffix.lower()
    if suffix not in SUFFIXES:
        suffix = CONTENT_TYPES.get(ctype or "", "") or sniff_suffix(data) or ""
    sniffed = sniff_suffix(data)
    if sniffed and sniffed != suffix and suffix in HTML_SUFFIXES | TEXT_SUFFIXES | {""}:
        suffix = sniffed
    if suffix not in SUFFIXES:
        raise InputError(f"{url}: the response is {ctype or 'of unknown type'}, not a web page, .txt, .docx "
                         "or .pdf; give the address of the document itself")
    fd, name = tempfile.mkstemp(prefix="policykb-fetch-", suffix=suffix, dir=workdir)
    with open(fd, "wb") as f:
        f.write(data)
    return Fetched(final, Path(name), charset, ctype)
