"""Chinese labels for the codes the data model uses (levels, statuses, roles, kinds …).

Everything the user sees is Chinese; the records keep their English codes
(``kb.models``). Unknown codes are shown as they are rather than hidden.
This is the one table: the CLI, the task export, the app and the outline builder all
label codes through it, so a code reads the same everywhere.
"""

from __future__ import annotations

from typing import Callable

LEVEL = {"central": "中央", "provincial": "省级", "municipal": "市级", "county": "县级"}
STATUS = {"full": "全文", "outline": "提纲"}
OUTLINE_CAVEAT = "非官方全文"  # said wherever an outline document is shown or cited
KIND = {"preamble": "序言", "part": "部分", "article": "条", "item": "项", "clause": "句",
        "closing": "结语"}
ROLE = {"lead": "牵头", "support": "配合", "owner": "责任主体", "recipient": "主送单位",
        "mentioned": "提及"}
PARTY_SOURCE = {"explicit": "明示", "inferred": "推断", "inherited": "继承", "resolved": "指代"}
DEADLINE_SOURCE = {"explicit": "明示", "inherited": "继承"}
LINK_KIND = {"citation": "引用", "aligned": "对齐", "confirmed": "已确认"}
COVERAGE = {"covered": "已覆盖", "partial": "部分覆盖", "uncovered": "未覆盖"}
# What decided a coverage row (kb.trace.coverage ``basis``).
COVERAGE_BASIS = {"article": "整条对应", "sentences": "两句以上对应", "sentence": "仅单句对应", "none": "无对应"}
# A lower-level target against the upstream one (kb.indicators.compare ``verdict``).
VERDICT = {"stricter": "严于上级", "looser": "宽于上级", "equal": "持平上级"}

# Outline documents flag each provision's facts (Document.meta["verified"]): True / False / "partial".
VERIFIED = {True: "已核实", False: "未核实", "partial": "部分核实"}

# A document's facts (Document.meta["fields"] names where each came from; indexer.docfacts).
FACT = {"title": "标题", "doc_number": "文号", "issuer": "发文机关", "date": "成文日期", "level": "层级"}
FACT_SOURCE = {"sidecar": "元数据文件", "user": "收录时指定", "outline": "提纲", "header": "文件头",
               "notice_plan": "通知所印发的方案标题", "page_meta": "网页信息表", "page_title": "网页/文档标题",
               "meta_line": "文中的“字段：值”行", "title_line": "标题中的文号", "signature": "落款",
               "notice_signature": "通知落款", "title": "标题", "masthead": "红头", "issuer": "发文机关",
               "issuer_recipients": "发文机关与主送", "recipients": "主送", "first_line": "第一行（推测）",
               "file_name": "文件名（推测）", "imprint": "版记印发日期（推测）", "published": "发布日期（推测）",
               "page_source": "网页来源（推测）", "default": "默认值（推测）"}

ALL = "全部"

# The app's URL parameters, as a warning about a bad one names them.
URL_PARAM = {"doc": "文件", "fdoc": "文件", "against": "上级文件", "clause": "条款", "level": "层级",
             "year": "年份", "party": "责任单位", "role": "角色", "part": "部分", "issuer": "发文机关",
             "since": "时效", "sort": "排序", "q": "检索词", "hl": "检索命中"}

# Entity classes of the clause view (displaCy-style spans) and their labels.
ENTITY = {"party": "责任单位", "time": "时间", "target": "目标", "inferred": "推断依据", "reference": "指代"}


def verified(flag) -> str:
    return VERIFIED.get(flag, "") if isinstance(flag, (bool, str)) else ""


def verified_tag(flag) -> str:
    """〔已核实〕: the flag as the outline's headings and ``policykb show`` print it; "" for none."""
    label = verified(flag)
    return f"〔{label}〕" if label else ""


def _reader(table: dict[str, str]) -> Callable[[str | None], str]:
    """The label of a code in ``table``; an unknown code reads as itself (never an empty cell)."""

    def read(code: str | None) -> str:
        return table.get(code or "", code or "")

    return read


level, role, kind, link_kind = _reader(LEVEL), _reader(ROLE), _reader(KIND), _reader(LINK_KIND)
coverage, party_source, fact, fact_source = _reader(COVERAGE), _reader(PARTY_SOURCE), _reader(FACT), _reader(FACT_SOURCE)

def status(code: str | None, caveat: bool = False) -> str:
    """全文 / 提纲; with ``caveat`` an outline reads 提纲（非官方全文）."""
    label = STATUS.get(code or "", code or "")
    return f"{label}（{OUTLINE_CAVEAT}）" if caveat and code == "outline" else label


def guessed(codes) -> str:
    """（推测：标题、层级，见警告） for a document some of whose facts are guesses; "" for none."""
    codes = list(codes or ())
    return f"（推测：{'、'.join(fact(c) for c in codes)}，见警告）" if codes else ""
