"""Chinese labels for the codes the data model uses (levels, statuses, roles, kinds …).

Everything the user sees is Chinese; the records keep their English codes
(``kb.models``). Unknown codes are shown as they are rather than hidden.
This is the one table: the CLI, the task export, the app and the outline builder all
label codes through it, so a code reads the same everywhere.
"""

from __future__ import annotations

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

# Outline documents flag each provision's facts (Document.meta["verified"]): True / False / "partial".
VERIFIED = {True: "已核实", False: "未核实", "partial": "部分核实"}

ALL = "全部"

# Entity classes of the clause view (displaCy-style spans) and their labels.
ENTITY = {"party": "责任单位", "time": "时间", "target": "目标", "inferred": "推断依据", "reference": "指代"}


def verified(flag) -> str:
    return VERIFIED.get(flag, "") if isinstance(flag, (bool, str)) else ""


def verified_tag(flag) -> str:
    """〔已核实〕: the flag as the outline's headings and ``policykb show`` print it; "" for none."""
    label = verified(flag)
    return f"〔{label}〕" if label else ""


def level(code: str | None) -> str:
    return LEVEL.get(code or "", code or "")


def status(code: str | None, caveat: bool = False) -> str:
    """全文 / 提纲; with ``caveat`` an outline reads 提纲（非官方全文）."""
    label = STATUS.get(code or "", code or "")
    return f"{label}（{OUTLINE_CAVEAT}）" if caveat and code == "outline" else label


def role(code: str | None) -> str:
    return ROLE.get(code or "", code or "")


def kind(code: str | None) -> str:
    return KIND.get(code or "", code or "")


def link_kind(code: str | None) -> str:
    return LINK_KIND.get(code or "", code or "")


def coverage(code: str | None) -> str:
    return COVERAGE.get(code or "", code or "")


def party_source(code: str | None) -> str:
    return PARTY_SOURCE.get(code or "", code or "")
