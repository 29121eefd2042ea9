"""对标: which upstream articles a document covers (the coverage matrix), and its targets
compared with the upstream document's (严于/宽于/持平上级).

URL: ``/coverage?doc=<文件编号>&against=<上级文件编号>``. The default is the full text with the most
content against its real upstream (kb.views.default_pair); only real upstreams — higher in level
and linked to the document — are offered (kb.views.upstreams).
"""

from __future__ import annotations

import streamlit as st

from kb import labels, trace, views
from kb.indicators import number
from policykb.ui import common, render

STATUS_COLOR = {"covered": "#d9f2d9", "partial": "#fff1c2", "uncovered": "#fde2e2"}
VERDICT_COLOR = {"stricter": "#d9f2d9", "looser": "#fde2e2", "equal": "#f0f0f0"}


def pickers(kb) -> tuple[str, str | None]:
    docs = common.documents(kb)
    ids = [d.id for d in docs]
    fmt = common.doc_label(kb)
    mine, up = views.default_pair(kb)
    c1, c2 = st.columns(2)
    doc_id = common.select(c1, "本级文件", "v_doc", "doc", ids, fmt=fmt, default=mine or common.default_doc(kb))
    cands = views.upstreams(kb, doc_id)
    if not cands:
        common.keep_only("doc")
        return doc_id, None
    against = common.select(c2, "对标的上级文件", "v_against", "against", cands, fmt=fmt,
                            default=up if up in cands else cands[0])
    common.keep_only("doc", "against")
    return doc_id, against


def matrix_html(kb, rows: list[dict]) -> str:
    """The coverage matrix: one row per upstream article, its status (strength), basis and covering provisions."""
    out = []
    for r in rows:
        status = r.get("status") or ""
        name = (r.get("label") or "").split(" / ")[-1] or r.get("heading") or ""
        name_html = (f'<a href="{render.esc(render.clause_href(r["id"]))}" target="_self">{render.esc(name)}</a>'
                     if r.get("id") else render.esc(name))
        covered = "　".join(
            f'<a href="{render.esc(render.clause_href(pid))}" target="_self">{render.esc(views.ref(kb, pid))}</a>'
            for pid in r.get("covered_by") or [])
        score = r.get("score")
        basis = labels.COVERAGE_BASIS.get(r.get("basis") or "", "")
        out.append([
            name_html,
            f'<span style="background:{STATUS_COLOR.get(status, "#fff")};padding:0 .3em">'
            f'{render.esc(labels.coverage(status))}（{render.esc(r.get("strength") or "")}）</span>',
            render.esc(f"{basis}，最佳关联 {float(score):.2f}" if score is not None else basis),
            covered or "—"])
    return render.table_html([render.Column("上级条目", "34%"), render.Column("覆盖情况", "14%"),
                              render.Column("依据", "18%"), render.Column("本级落实条款")], out, cls="pkb-matrix")


def target_value(t: dict) -> str:
    if t.get("value") is None:
        return t.get("qualifier") or t.get("text") or ""
    value = number(t["value"])
    qualifier = t.get("qualifier") or ""
    if qualifier.startswith("力争"):
        return f"{qualifier}{value}{t.get('unit') or ''}"
    return f"{value}{t.get('unit') or ''}{qualifier}"


def target_year(t: dict) -> str:
    """2027年; a year read from the document rather than written at the target: 2026年（推断）."""
    if not t.get("year"):
        return "—年"
    return f"{t['year']}年" + ("（推断）" if t.get("year_source") == "document" else "")


def targets_html(kb, rows: list[dict]) -> str:
    docs = {d.id: d for d in common.documents(kb)}
    out = []
    for r in rows:
        down, up = r["downstream"], r["upstream"]
        updoc = docs.get(up.get("doc_id"))
        outline = updoc is not None and updoc.status == "outline"
        up_cell = (f"{target_year(up)}　{render.esc(target_value(up))}"
                   + ("<br>" + render.outline_badge() + render.esc(labels.verified(up.get("verified")) or "未标注核实")
                      if outline else ""))
        verdict = r.get("verdict")
        color = VERDICT_COLOR.get(verdict or "", "#fff")
        out.append([
            render.esc(down.get("indicator") or ""),
            f"{target_year(down)}　{render.esc(target_value(down))}",
            f"{render.esc(views.short_title(updoc.title if updoc else '', 12))}<br>{up_cell}",
            render.esc(r.get("difference_text") or "—"),
            f'<span style="background:{color};padding:0 .3em">{render.esc(r.get("verdict_text") or "")}</span>',
            f'<a href="{render.esc(render.clause_href(down["clause_id"]))}" target="_self">'
            f'{render.esc(views.ref(kb, down["clause_id"]))}</a>'])
    return render.table_html([render.Column("指标", "17%"), render.Column("本级目标", "16%"),
                              render.Column("上级目标", "21%"), render.Column("差值（本级−上级）", "13%"),
                              render.Column("判断", "17%"), render.Column("本级条款")], out, cls="pkb-targets")


def targets_section(kb, doc_id: str, against: str) -> None:
    rows = kb.compare_targets(doc=doc_id)
    only = st.checkbox("只看所选上级文件的目标", value=True, key="v_only")
    if only:
        rows = [r for r in rows if r["upstream"].get("doc_id") == against]
    if not rows:
        st.caption("没有找到可对比的量化目标（本级文件的目标在上级文件中没有同名指标）。")
        return
    common.linked_html(targets_html(kb, rows), key="v_targets")
    st.caption("差值 = 本级 − 上级（两者都是数值且单位相同时给出）。判断按指标方向：浓度、排放等越低越严，"
               "优良比例、利用率等越高越严；方向不明的指标不作判断。")


def main() -> None:
    common.css()
    st.title("上下级对标")
    kb = common.get_kb()
    doc_id, against = pickers(kb)
    if against is None:
        st.info("本文件在知识库中没有上级文件（没有引用或对应到更高层级的文件），无法对标。请选择其他本级文件。")
        return
    st.subheader("覆盖矩阵")
    out = kb.coverage(doc_id, against)
    rows = out.get("rows", [])
    counts = out.get("summary") or {}
    m = st.columns(3)
    for col, status in zip(m, ("covered", "partial", "uncovered")):
        col.metric(labels.coverage(status), counts.get(status, 0))
    st.caption(f"覆盖情况与强弱是同一条规则：上级条目被本级整条（或两句以上）以 {trace.COVERED} 以上得分对应为已覆盖（强），"
               f"最佳关联达到 {trace.PARTIAL} 为部分覆盖（中，例如只有单句对应），否则为未覆盖（弱）。")
    if kb.document(against).status == "outline":
        st.warning("上级文件是提纲（非官方全文）：对标结果仅供参考，请以正式文件核对。", icon=":material/warning:")
    common.linked_html(matrix_html(kb, rows), key="v_matrix")
    st.subheader("目标对比")
    targets_section(kb, doc_id, against)


common.run_page(main)
