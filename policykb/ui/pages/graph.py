"""图谱: documents → parts → articles → tasks → parties, as a collapsible tree in document order.

Every article and task is a link to its clause view; parties the text does not name (inferred)
are dashed. Narrow to one part or one party. The documents it cites are listed below.
URL: ``/graph?doc=<文件编号>&part=3&party=<单位>`` (default: the full text with the most content).
"""

from __future__ import annotations

import streamlit as st

from kb import labels, views
from policykb.ui import common, render


def main() -> None:
    common.css()
    st.title("关系图谱")
    kb = common.get_kb()
    docs = [d.id for d in common.documents(kb)]
    c1, c2, c3 = st.columns([3, 2, 2])
    doc_id = common.select(c1, "文件", "g_doc", "doc", docs, fmt=common.doc_label(kb), default=common.default_doc(kb))
    doc = kb.document(doc_id)
    provisions = kb.provisions(doc_id)

    parts = [p for p in provisions if p.kind == "part"]
    part_name = {p.part_no: f"{p.marker or ''}{p.heading or ''}" for p in parts}
    part = common.select(c2, "部分", "g_part", "part", [labels.ALL, *[p.part_no for p in parts if p.part_no is not None]],
                         parse=int, fmt=lambda v: v if v == labels.ALL else part_name.get(v, str(v)))
    tasks = kb.tasks(doc=doc_id)
    names = [c.name for c in views.count_parties(tasks, set(labels.ROLE) - {"recipient"})]
    party = common.select(c3, "责任单位", "g_party", "party", [labels.ALL, *names])
    common.keep_only("doc", "part", "party")

    shown = provisions
    if part is not None:
        shown = [p for p in provisions if p.part_no == part]
        keep = {p.id for p in shown}
        tasks = [t for t in tasks if any(c in keep for c in render.containers(t.clause_id))]
    if party is not None:
        written = set(party.split("／"))  # one body, every way it is written
        keys = {p.key for t in tasks for p in t.parties if views.written_name(p) in written}
        tasks = [t for t in tasks if any(p.key in keys for p in t.parties)]
        with_tasks = {c for t in tasks for c in render.containers(t.clause_id)}
        shown = [p for p in shown if p.id in with_tasks]
    if not tasks:
        st.info("所选范围内没有抽取到任务：下面只列出条目。" if doc.status != "outline"
                else "提纲文件没有任务分解：下面只列出条目。")
    st.caption("点击条目或任务打开条款页；蓝色为原文写明的责任单位，虚线框为推断（非原文明示）。")
    common.linked_html(render.tree_html(doc, shown, tasks, open_all=part is not None or party is not None),
                       key="g_tree")
    cites = kb.citations(doc_id) if part is None else []
    if cites:
        st.subheader("引用的文件")
        status = {d.id: d.status for d in common.documents(kb)}
        items = []
        for c in cites:
            name = (f"《{c.title}》" if c.title else c.text) + (f"（{c.doc_number}）" if c.doc_number else "")
            note = "（未收录）" if not c.resolved_id else "（提纲，非官方全文）" if status.get(c.resolved_id) == "outline" else ""
            # a document in the KB opens on its page (in the session); one not in it is named only
            item = (f'<a href="{render.esc(render.page_href("document", doc=c.resolved_id))}" target="_self">'
                    f"{render.esc(name)}</a>" if c.resolved_id else render.esc(name))
            items.append(f"<li>{item}{render.esc(note)}</li>")
        common.linked_html("<ul>" + "".join(dict.fromkeys(items)) + "</ul>", key="g_cites")


common.run_page(main)
