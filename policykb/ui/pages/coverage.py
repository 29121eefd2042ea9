"""对标: which upstream articles a document covers (the coverage matrix), and its targets
compared with the upstream document's.

URL: ``/coverage?doc=<文件编号>&against=<上级文件编号>``.
"""

from __future__ import annotations

import streamlit as st

from kb import labels, models
from policykb.ui import common, render

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


def short_ref(kb, pid: str) -> str:
    """A provision as a drafter names it in a table: （五）第3句, （五）持续深入…, 第二部分."""
    try:
        p = kb.provision(pid)
    except Exception:  # a stale id in a link row: show it as it is
        return render.anchor(pid)
    if p.kind == "clause":
        parent = kb.provision(p.parent) if p.parent else None
        head = (parent.marker or labels.kind(parent.kind)) if parent else ""
        return f"{head}第{p.clause_no}句" if p.clause_no else head
    name = f"{p.marker or ''}{p.heading or labels.kind(p.kind)}"
    return render.short(name, 14)


def matrix_html(rows: list[dict], ref=render.anchor) -> str:
    """The coverage matrix: one row per upstream article, its status, score and covering provisions."""
    head = "<tr><th>上级条目</th><th>覆盖情况</th><th>得分</th><th>本级落实条款</th></tr>"
    body = []
    for r in rows:
        status = r.get("status") or ""
        color = STATUS_COLOR.get(status, "#fff")
        name = (r.get("label") or "").split(" / ")[-1] or r.get("heading") or ""
        if r.get("id"):
            name_html = (f'<a href="{render.esc(render.clause_href(r["id"]))}" target="_self">'
                         f"{render.esc(name)}</a>")
        else:
            name_html = render.esc(name)
        covered = "　".join(
            f'<a href="{render.esc(render.clause_href(pid))}" target="_self" title="{render.esc(pid)}">'
            f'{render.esc(ref(pid))}</a>' for pid in r.get("covered_by") or [])
        score = r.get("score")
        strength = f"（{r['strength']}）" if r.get("strength") else ""
        body.append(
            f"<tr><td>{name_html}</td>"
            f'<td style="background:{color};white-space:nowrap">{render.esc(labels.coverage(status))}</td>'
            f'<td style="white-space:nowrap">{"" if score is None else f"{float(score):.2f}"}{render.esc(strength)}</td>'
            f'<td>{covered or "—"}</td></tr>')
    return ('<table class="pkb-matrix" style="width:100%;border-collapse:collapse">' + head + "".join(body)
            + "</table><style>.pkb-matrix td,.pkb-matrix th{border:1px solid #ddd;padding:.3em .5em;"
            "vertical-align:top;text-align:left}</style>")


def target_value(t: dict) -> str:
    if t.get("value") is None:
        return t.get("qualifier") or ""
    value = t["value"]
    value = int(value) if isinstance(value, float) and value.is_integer() else value
    qualifier = t.get("qualifier") or ""
    if qualifier.startswith("力争"):
        return f"{qualifier}{value}{t.get('unit') or ''}"
    return f"{value}{t.get('unit') or ''}{qualifier}"


def target_rows(rows: list[dict], titles: dict[str, str]) -> list[dict]:
    out = []
    for r in rows:
        down, up = r["downstream"], r["upstream"]
        out.append({
            "指标": down.get("indicator"),
            "本级年份": down.get("year"),
            "本级目标": target_value(down),
            "上级文件": titles.get(up.get("doc_id"), up.get("doc_id")),
            "上级指标": up.get("indicator"),
            "上级年份": up.get("year"),
            "上级目标": target_value(up),
            "同一年份": "是" if r.get("same_year") else "否",
            "差值": r.get("difference"),
            "名称相似度": r.get("match"),
            "上级核实": labels.verified(up.get("verified")) if up.get("status") == "outline" else "全文",
            "本级条款": down.get("clause_id"),
        })
    return out


def targets_section(kb, doc_id: str, against: str) -> None:
    compare = common.api(kb, "compare_targets")
    if compare is None:
        common.not_built_notice("目标对比", "上下级量化目标对比（KB.compare_targets）")
        return
    rows = compare(doc=doc_id)
    only = st.checkbox("只看所选上级文件的目标", value=True, key="v_only")
    if only:
        rows = [r for r in rows if r["upstream"].get("doc_id") == against]
    if not rows:
        st.caption("没有找到可对比的量化目标（本级文件的目标在上级文件中没有同名指标）。")
        return
    table = target_rows(rows, common.doc_titles(kb))
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"本级年份": st.column_config.NumberColumn(format="%d"),
                                "上级年份": st.column_config.NumberColumn(format="%d")})
    st.caption("差值 = 本级 − 上级（仅当两者都是数值且单位相同时给出）；是否更严格取决于指标方向和限定词。")


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
        counts = out.get("summary") or render.count_by(r.get("status") for r in rows)
        m = st.columns(3)
        for col, status in zip(m, ("covered", "partial", "uncovered")):
            col.metric(labels.coverage(status), counts.get(status, 0))
        if kb.document(against).status == "outline":
            st.warning("上级文件是提纲（非官方全文）：对标结果仅供参考，请以正式文件核对。", icon=":material/warning:")
        common.linked_html(matrix_html(rows, lambda pid: short_ref(kb, pid)), key="v_matrix")
    st.subheader("目标对比")
    targets_section(kb, doc_id, against)


common.run_page(main)
