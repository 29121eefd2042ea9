"""Official-style citations of documents and provisions, as drafters write them.

    《市政府关于全面推进美丽扬州建设的实施意见》（扬府发〔2024〕118号）第三部分第（五）条

A part written 一、 is cited as 第三部分, a chapter as 第三章, an article written （五）
as 第（五）条 and one written 第五条 as 第五条, an item as 第1项. A clause is cited by
its article (citations do not count sentences). An outline document's citation
says it is an outline, so nobody quotes our summary as the official text.
"""

from __future__ import annotations

from kb.models import Document, Provision

CN_DIGITS = "零一二三四五六七八九"


def int_to_cn(n: int) -> str:
    """22 → 二十二, 10 → 十, 105 → 一百零五, 1000 → 一千, 10010 → 一万零一十 (any n ≥ 0)."""
    if n < 0:
        raise ValueError(f"int_to_cn({n}): only numbers ≥ 0 have a Chinese numeral here")
    if n == 0:
        return CN_DIGITS[0]
    out = _cn(n)
    return out[1:] if out.startswith("一十") else out  # 十二, not 一十二, at the start of a number


def _cn(n: int) -> str:
    """1 ≤ n with every 一 written: 1005 → 一千零五, 10 → 一十, 123456789 → 一亿二千三百四十五万六千七百八十九."""
    for value, name in ((10**8, "亿"), (10**4, "万")):
        if n >= value:
            high, low = divmod(n, value)
            return _cn(high) + name + (("零" if low < value // 10 else "") + _cn(low) if low else "")
    out, gap = "", False
    for value, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d:
            out += ("零" if gap else "") + CN_DIGITS[d] + name
            gap = False
        elif out:
            gap = True
    return out


def document_citation(doc: Document) -> str:
    cite = f"《{doc.title}》"
    if doc.doc_number:
        cite += f"（{doc.doc_number}）"
    return cite


def provision_path(p: Provision, chain: list[Provision]) -> str:
    """The 第…部分第（…）条第…项 path of a provision, from its ancestors (outermost first)."""
    out = []
    for node in [*chain, p]:
        marker = node.marker or ""
        if node.kind == "part":
            if marker.startswith("第"):
                out.append(marker)  # 第三章 / 第二节
            elif node.part_no is not None and marker.endswith("、"):
                out.append(f"第{int_to_cn(node.part_no)}部分")
            elif marker:
                out.append(marker.rstrip("：:"))  # 附件1
            elif node.part_no is not None:
                out.append(f"第{int_to_cn(node.part_no)}部分")
        elif node.kind == "article":
            if marker.startswith("第"):
                out.append(marker)
            elif node.article_no is not None:
                out.append(f"第（{int_to_cn(node.article_no)}）条")
        elif node.kind == "item" and node.item_no is not None and marker:
            out.append(f"第{node.item_no}项")
        elif node.kind in ("preamble", "closing"):
            out.append("序言" if node.kind == "preamble" else "结语")
    return "".join(out)


def format_citation(doc: Document, p: Provision | None = None, chain: list[Provision] = ()) -> str:
    """The citation of a document, or of a provision given its ancestors ``chain`` (outermost first)."""
    cite = document_citation(doc)
    if p is not None:
        cite += provision_path(p, list(chain))
    if doc.status == "outline":
        cite += "〔提纲，非官方全文〕"
    return cite


def quote(text: str, citation: str) -> str:
    """A provision's text followed by where it comes from, as a drafter pastes it:

        继续推动跨界河湖联保共治，……
        （《市政府关于全面推进美丽扬州建设的实施意见》（扬府发〔2024〕118号）第三部分第（六）条）
    """
    return f"{text.strip()}\n（{citation}）"
