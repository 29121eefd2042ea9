"""图谱: documents → parts → articles → tasks → parties, explorable.

Pick a document (and narrow to one part or one party); the graph shows the
tree with the documents it cites, and the list below it opens any article.
URL: ``/graph?doc=<文件编号>&part=3&party=<单位>``.
"""

from __future__ import annotations

import streamlit as st

from kb import labels
from policykb.ui import common, nav, render


def main() -> None:
    common.css()
    st.title("关系图谱")
    kb = common.get_kb()
    docs = [d.id for d in common.documents(kb)]
    c1, c2, c3 = st.columns([3, 2, 2])
    common.bind("g_doc", "doc", docs[0])
    common.choose("g_doc", docs, docs[0])
    doc_id = c1.selectbox("文件", docs, key="g_doc", format_func=common.doc_label(kb))
    common.publish("g_doc", "doc", doc_id)
    doc = kb.document(doc_id)
    provisions = kb.provisions(doc_id)

    parts = [p for p in provisions if p.kind == "part"]
    part_opts = [labels.ALL, *[p.part_no for p in parts if p.part_no is not None]]
    part_name = {p.part_no: f"{p.marker or ''}{p.heading or ''}" for p in parts}
    common.bind("g_part", "part", labels.ALL, parse=int)
    common.choose("g_part", part_opts, labels.ALL)
    part = c2.selectbox("部分", part_opts, key="g_part",
                        format_func=lambda v: v if v == labels.ALL else part_name.get(v, str(v)))
    common.publish("g_part", "part", part)

    has_tasks = common.api(kb, "tasks") is not None
    tasks = kb.tasks(doc=doc_id) if has_tasks else None
    party_opts = [labels.ALL, *sorted({p.name for t in tasks or [] for p in t.parties if p.role != "recipient"})]
    common.bind("g_party", "party", labels.ALL)
    common.choose("g_party", party_opts, labels.ALL)
    party = c3.selectbox("责任单位", party_opts, key="g_party", disabled=not has_tasks,
                         help=None if has_tasks else "任务抽取尚未完成，图谱暂到条目一级")
    common.publish("g_party", "party", party)
    common.keep_only("doc", "part", "party")

    shown = provisions
    if part != labels.ALL:
        shown = [p for p in provisions if p.part_no == part]
    if tasks is not None:
        if part != labels.ALL:
            keep = {p.id for p in shown}
            tasks = [t for t in tasks if any(c in keep for c in render.containers(t.clause_id))]
        if party != labels.ALL:
            keys = {p.key for t in tasks for p in t.parties if p.name == party}  # every way it is written
            tasks = [t for t in tasks if any(p.key in keys for p in t.parties)]
            with_tasks = {c for t in tasks for c in render.containers(t.clause_id)}
            shown = [p for p in shown if p.id in with_tasks]
    cited = [] if part != labels.ALL else [(c.title or c.doc_number or c.text, c.resolved_id)
                                           for c in kb.citations(doc_id)]
    if not has_tasks:
        st.caption("任务抽取尚未完成：图谱目前展示 文件 → 部分 → 条目 与引用关系，任务与责任单位将在合入后显示。")
    aggregate = part == labels.ALL and party == labels.ALL
    if aggregate and has_tasks:
        st.caption("整份文件：条目 → 责任单位，连线上的数字为任务数（虚线为推断）。选择某一部分或某个单位可展开到每项任务。")
    st.graphviz_chart(render.graph_dot(doc, shown, tasks, cited, aggregate=aggregate), width="stretch")

    st.subheader("逐条浏览")
    by_article: dict[str, list] = {}
    for t in tasks or []:
        for c in render.containers(t.clause_id):
            by_article.setdefault(c, []).append(t)
    for p in shown:
        if p.kind != "part":
            continue
        with st.expander(f"{p.marker or ''}{p.heading or ''}", expanded=part != labels.ALL):
            for a in (x for x in shown if x.parent == p.id and x.kind == "article"):
                a_tasks = by_article.get(a.id, [])
                cols = st.columns([5, 1])
                parties = render.count_by_party(a_tasks, render.NAMED_ROLES)
                note = f"　任务 {len(a_tasks)} 项" if has_tasks else ""
                note += f"　单位：{'、'.join(list(parties)[:6])}" if parties else ""
                with cols[0]:
                    common.html(f"<div>{render.esc(a.marker or '')}{render.esc(a.heading or '')}"
                                f"<span style='color:#666'>{render.esc(note)}</span></div>")
                with cols[1]:
                    common.link(nav.CLAUSE, "打开", ":material/segment:", clause=a.id)


common.run_page(main)
