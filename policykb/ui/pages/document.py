"""文件: a document's metadata, its outline tree, and the full text with anchors.

URL: ``?doc=<文件编号>``; ``#part_3__art_5`` anchors each part, article and clause.
"""

from __future__ import annotations

import streamlit as st

from kb import labels
from policykb.ui import common, nav, render

OUTLINE_BANNER = "提纲文件，非官方全文："
OUTLINE_DEFAULT = "本文件是根据公开信息整理的要点提纲，条款文字不是官方原文；引用时请以正式发布的文件为准。"


def metadata(kb, doc) -> None:
    rows = [("文号", doc.doc_number or "（无文号）"), ("发文机关", doc.issuer or "—"),
            ("成文日期", doc.date or "—"), ("层级", labels.level(doc.level)),
            ("状态", "提纲（非官方全文）" if doc.status == "outline" else "全文"),
            ("来源", doc.meta.get("url") or doc.source or "—")]
    if doc.meta.get("official_url"):
        checked = "" if doc.meta.get("official_url_verified", True) else "（未核实）"
        rows.append(("官方网址", f"{doc.meta['official_url']}{checked}"))
    if doc.recipients:
        rows.append(("主送", "、".join(doc.recipients)))
    common.html('<table class="pkb-meta">' + "".join(
        f"<tr><th style='text-align:left;padding-right:1em;white-space:nowrap'>{render.esc(k)}</th>"
        f"<td>{render.esc(v)}</td></tr>" for k, v in rows) + "</table>")
    c = st.columns(4)
    c[0].metric("部分", doc.parts)
    c[1].metric("条", doc.articles)
    c[2].metric("句", doc.clauses)
    if common.api(kb, "tasks"):
        c[3].metric("任务", len(kb.tasks(doc=doc.id)))


def cited(kb, doc) -> None:
    cites = kb.citations(doc.id)
    if not cites:
        return
    with st.expander(f"引用的文件（{len(cites)}）"):
        for c in cites:
            name = f"《{c.title}》" if c.title else ""
            name += f"（{c.doc_number}）" if c.doc_number else ""
            cols = st.columns([5, 1, 1])
            cols[0].write(name or c.text)
            if c.provision_id:
                with cols[1]:
                    common.link(nav.CLAUSE, "出处", clause=c.provision_id)
            if c.resolved_id:
                with cols[2]:
                    common.link(nav.DOCUMENT, "打开", doc=c.resolved_id)
            else:
                cols[2].caption("未收录")


def main() -> None:
    common.css()
    kb = common.get_kb()
    docs = common.documents(kb)
    ids = [d.id for d in docs]
    common.bind("d_doc", "doc", ids[0] if ids else None)
    wanted = st.session_state.get("d_doc")
    if wanted not in ids:
        st.error(f"找不到文件“{wanted}”：已改为显示第一个文件，请从下拉列表中选择。")
        st.session_state["d_doc"] = ids[0]
    doc_id = st.selectbox("文件", ids, key="d_doc", format_func=common.doc_label(kb))
    common.publish("d_doc", "doc", doc_id)
    common.keep_only("doc")
    doc = kb.document(doc_id)

    st.title(doc.title)
    if doc.status == "outline":
        notice = str(doc.meta.get("outline_notice") or OUTLINE_DEFAULT).removeprefix("〔提纲〕")
        st.warning(OUTLINE_BANNER + notice, icon=":material/warning:")
    common.copy_citation(kb, doc.id)
    metadata(kb, doc)
    cited(kb, doc)
    common.link(nav.SEARCH, "在本文件中检索", ":material/search:", fdoc=doc.id)

    provisions = kb.provisions(doc.id)
    toc, body = st.columns([1, 3])
    with toc:
        st.subheader("目录")
        common.html(render.toc_html(provisions))
    with body:
        st.subheader("全文")
        verified = doc.meta.get("verified") if doc.status == "outline" else None
        common.linked_html(render.document_html(provisions, verified if isinstance(verified, dict) else None),
                           key="d_text")


common.run_page(main)
