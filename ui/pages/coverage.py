"""对标: which upstream articles a document covers (the coverage matrix), and its targets
compared with the upstream document's.

URL: ``/coverage?doc=<文件编号>&against=<上级文件编号>``.
"""

from __future__ import annotations

import streamlit as st

from kb import models
from ui import common, labels, render

STATUS_COLOR = {"covered": "#d9f2d9", "partial": "#fff1c2", "uncovered": "#fde2e2"}


def upstream_candidates(kb, doc, docs) -> list[str]:
    """Documents that can be the upstream one: those it cites first, then higher levels."""
    rank = {lv: i for i, lv in enumerate(models.LEVELS)}
    cited = [c.resolved_id for c in kb.citations(doc.id) if c.resolved_id and c.resolved_id != doc.id]
    higher = [d.id for d in docs if d.id != doc.id and rank.get(d.level, 9) < rank.get(doc.level, 9)]
    rest = [d.id for d in docs if d.id != doc.id]
    out: list[str] = []
    for i in [*cited, *higher, *rest]:
        if i not in out:
            out.append(i)
    return out


def pickers(kb) -> tuple[str, str | None]:
    docs = common.documents(kb)
    ids = [d.id for d in docs]
    fmt = common.doc_label(kb)
    c1, c2 = st.columns(2)
    common.bind("v_doc", "doc", ids[0])
    common.choose("v_doc", ids, ids[0])
    doc_id = c1.selectbox("本级文件", ids, key="v_doc", format_func=fmt)
    common.publish("v_doc", "doc", doc_id)
    cands = upstream_candidates(kb, kb.document(doc_id), docs)
    if not cands:
        common.keep_only("doc")
        return doc_id, None
    common.bind("v_against", "against", cands[0])
    common.choose("v_against", cands, cands[0])
    against = c2.selectbox("对标的上级文件", cands, key="v_against", format_func=fmt)
    common.publish("v_against", "against", against)
    common.keep_only("doc", "against")
    return doc_id, against


def matrix_html(rows: list[dict]) -> str:
    head = ("<tr><th>上级条目</th><th>覆盖情况</th><th>得分</th><th>本级落实条款</th></tr>")
    body = []
    for r in rows:
        status = r.get("status") or ""
        color = STATUS_COLOR.get(status, "#fff")
        no = r.get("article_no")
        title = f"（{no}）" if no is not None else ""
        covered = "".join(
            f'<a href="{render.esc(render.clause_href(pid))}" target="_self">{render.esc(render.anchor(pid))}</a><br>'
            for pid in r.get("covered_by") or [])
        score = r.get("score")
        body.append(
            f'<tr><td>{render.esc(title)}{render.esc(r.get("heading") or "")}</td>'
            f'<td style="background:{color};white-space:nowrap">{render.esc(labels.coverage(status))}</td>'
            f'<td>{"" if score is None else f"{float(score):.2f}"}</td><td>{covered or "—"}</td></tr>')
    return ('<table class="pkb-matrix" style="width:100%;border-collapse:collapse">' + head + "".join(body)
            + "</table><style>.pkb-matrix td,.pkb-matrix th{border:1px solid #ddd;padding:.3em .5em;"
            "vertical-align:top;text-align:left}</style>")


def main() -> None:
    common.css()
    st.title("上下级对标")
    kb = common.get_kb()
    doc_id, against = pickers(kb)
    if against is None:
        st.info("知识库中只有一个文件，没有可对标的上级文件：请先用 policykb ingest 加入上级文件。")
        return
    coverage = common.api(kb, "coverage")
    st.subheader("覆盖矩阵")
    if coverage is None:
        common.not_built_notice("覆盖矩阵", "上下级条款对齐（KB.coverage）")
    else:
        out = coverage(doc_id, against)
        rows = out.get("rows", [])
        counts = render.count_by(r.get("status") for r in rows)
        m = st.columns(3)
        for col, status in zip(m, ("covered", "partial", "uncovered")):
            col.metric(labels.coverage(status), counts.get(status, 0))
        if kb.document(against).status == "outline":
            st.warning("上级文件是提纲（非官方全文）：对标结果仅供参考，请以正式文件核对。", icon=":material/warning:")
        common.html(matrix_html(rows))
    st.subheader("目标对比")
    if common.api(kb, "compare_targets") is None:
        common.not_built_notice("目标对比", "上下级量化目标对比（KB.compare_targets）")


common.run_page(main)
