"""Text normalisation: the one place where the text a parser sees is decided.

``normalize(text)`` guarantees, for the parser and everything after it:

1. No BOM, no control characters; line ends are ``\\n``; tabs, NBSP and the
   ideographic space (U+3000) are plain spaces.
2. Every line is stripped of surrounding spaces, runs of spaces inside a line
   are kept as they are, and paragraphs (non-empty lines) are separated by
   exactly one blank line. The text starts and ends with a non-space character.
3. Digits and Latin letters are half-width (``ＰＭ２．５`` → ``PM2.5``), so
   numbers, 文号 and indicators match one way.
4. Chinese punctuation is full-width whatever the source used: ASCII ``( ) , : ;
   ? !`` become ``（ ） ， ： ； ？ ！`` — except ``,`` ``:`` and ``.`` between
   two digits (``1,000`` ``10:30`` ``1172.77``), which stay ASCII. The seed
   document uses ASCII punctuation, official texts use full-width: after this
   step both read the same.
5. Nothing else changes: no simplified/traditional conversion, no NFKC (which
   would turn ``Ⅲ`` into ``III`` and ``〔`` into ``(``).
6. A table row is one line whose cells are separated by ``｜`` (U+FF5C, see
   ``indexer.regexes.TABLE_CELL``): the readers write a row's cells separated
   by tabs (.docx, HTML), and a line with two or more tabs between its cells
   becomes such a row (empty cells kept, so columns stay aligned); a Markdown
   row ``| a | b | c |`` does too, and Markdown's ``|---|---|`` rule line is
   dropped. A line with one tab is text (the tab is a space, as in 1).
   A table pasted as plain text, its cells separated by spaces, becomes rows
   too when its header line is short labels naming a responsibility column
   (``序号 类别 主要任务 牵头单位 配合单位 完成时限``): each following line with as
   many space-separated cells is a row; a short label line between rows (（一）农业节水,
   a group row) is kept as text and the table goes on; the table ends at the first other
   line with another count (a row with an empty cell cannot be told apart, and ends it).

Every step maps one character to one character except (1), (2) and (6), so
within a line offsets are stable; provision offsets always index the
normalised text.
"""

from __future__ import annotations

import re

from indexer.regexes import TABLE_CELL, TABLE_GROUP_LINE

# Full-width digits and Latin letters → ASCII.
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}  # ０-９
_WIDTH.update({c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_WIDTH.update({c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_WIDTH.update({0xFF05: ord("%"), 0xFF0B: ord("+"), 0xFF0F: ord("/"), 0xFF1D: ord("=")})
_WIDTH.update({0x3000: ord(" "), 0x00A0: ord(" "), 0x2002: ord(" "), 0x2003: ord(" "),
               0x2009: ord(" "), 0x202F: ord(" "), ord("\t"): ord(" ")})

# ASCII punctuation → the full-width form official texts use.
_PUNCT = {"(": "（", ")": "）", ",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
# Kept ASCII between digits: thousands separators, times, decimals.
_BETWEEN_DIGITS = re.compile(r"(?<=\d)([,:.．])(?=\d)")
_PUNCT_RE = re.compile(r"[(),:;?!]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200d\ufeff\u2028\u2029]")


def _fix_punct(line: str) -> str:
    protected = {m.start() for m in _BETWEEN_DIGITS.finditer(line)}
    out = []
    for i, ch in enumerate(line):
        if i in protected:
            out.append("." if ch == "．" else ch)
        else:
            out.append(_PUNCT.get(ch, ch))
    return "".join(out)


# Markdown table rows and the rule line under a Markdown table's header.
_MD_ROW = re.compile(r"^\s*\|(?P<cells>.*\|.*)\|\s*$")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def table_row(raw: str) -> list[str] | None:
    """The cells of a raw line that is a table row (guarantee 6), else None."""
    m = _MD_ROW.match(raw)
    if m:
        cells = m["cells"].split("|")
    else:
        body = raw.strip(" \u3000\xa0\r\n").lstrip("\t")  # leading tabs are indentation
        if body.count("\t") < 2:
            return None
        cells = body.split("\t")
    cells = [normalize_line(c) for c in cells]
    if sum(1 for c in cells if c) < 2:
        return None
    while cells and not cells[-1]:
        cells.pop()
    return cells


# The header of a table pasted with spaces between its cells names a column of parties or
# deadlines (the labels of indexer/data/extract_lexicon.yaml's annotation_labels).
_SPACE_HEADER_CELL = re.compile(r"^(?:牵头|责任|配合|参与|协办|主办|主责|实施|落实)(?:单位|部门)$|^完成(?:时限|时间|期限)$")


def _space_tables(lines: list[str]) -> list[str]:
    """Lines of a table pasted with spaces between its cells → ``｜`` rows (guarantee 6)."""
    out, cols = [], 0
    for k, line in enumerate(lines):
        if not line:
            out.append(line)
            continue
        cells = line.split()
        if cols and len(cells) == cols and TABLE_CELL not in line:
            out.append(TABLE_CELL.join(cells))
            continue
        if cols and TABLE_GROUP_LINE.match(line) and _next_cells(lines, k) == cols:
            out.append(line)  # （一）农业节水 between rows: a group row, the table goes on
            continue
        cols = 0
        if (len(cells) >= 3 and TABLE_CELL not in line
                and all(len(c) <= 8 and not re.search(r"\d", c) for c in cells)
                and any(_SPACE_HEADER_CELL.match(c) for c in cells)):
            cols = len(cells)
            out.append(TABLE_CELL.join(cells))
            continue
        out.append(line)
    return out


def _next_cells(lines: list[str], k: int) -> int:
    """How many space-separated cells the next non-empty line after ``lines[k]`` has."""
    nxt = next((x for x in lines[k + 1:k + 3] if x), "")
    return 0 if TABLE_CELL in nxt else len(nxt.split())


def normalize_line(line: str) -> str:
    """Normalise one line (guarantees 3–5, and the space mapping of 1)."""
    line = line.translate(_WIDTH)
    return _fix_punct(line).strip()


def normalize(text: str) -> str:
    """Normalise a whole document; see the module docstring for the guarantees."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_RE.sub("", text)
    lines = []
    for raw in text.split("\n"):
        if "|" in raw and _MD_RULE.match(raw):
            continue
        cells = table_row(raw) if ("\t" in raw or "|" in raw) else None
        lines.append(TABLE_CELL.join(cells) if cells else normalize_line(raw))
    return "\n\n".join(line for line in _space_tables(lines) if line)


def normalize_query(text: str) -> str:
    """A query normalised like the documents, and lower-cased for matching."""
    return normalize_line(_CONTROL_RE.sub("", text).replace("\n", " ")).lower()
