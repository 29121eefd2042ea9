"""文件: a document's metadata, its outline tree, and the full text with anchors.

URL: ``?doc=<文件编号>`` (default: the full text with the most content); ``#part_3__art_5`` anchors
each part, article and clause; ``&hl=part_3__art_6__cl_4`` highlights a search hit.
"""

from __future__ import annotations

import streamlit as st

from kb import labels, views
from policykb.ui import common, nav, render

OUTLINE_BANNER = "提纲文件，非官方全文："
OUTLINE_DEFAULT = "本文件是根据公开信息整理的要点提纲，条款文字不是官方原文；引用时请以正式发布的文件为准。"


def source_text(doc) -> str:
    """Where the text came from, for a reader: its web address, or that it was filed locally
    (never a file name on the server)."""
    url = doc.meta.get("url") or (doc.source if str(doc.source).startswith(("http://", "https://")) else None)
    return url or "本地收录文件（无网址）"


def metadata(kb, doc) -> None:
    rows = [("文号", doc.doc_number or "（无文号）"), ("发文机关", doc.issuer or "—"),
            ("成文日期", doc.date or "未注明"), ("层级", labels.level(doc.level)),
            ("状态", "提纲（非官方全文）" if doc.status == "outline" else "全文"),
            ("来源", source_text(doc))]
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
    c[3].metric("任务", len(kb.tasks(doc=doc.id)))


def cited(kb, doc) -> None:
    cites = kb.citations(doc.id)
    if not cites:
        return
    docs = {d.id: d for d in common.documents(kb)}
    rows = []
    for c in cites:
        name = (f"《{c.title}》" if c.title else "") + (f"（{c.doc_number}）" if c.doc_number else "")
        target = docs.get(c.resolved_id) if c.resolved_id else None
        mark = render.outline_badge() if target is not None and target.status == "outline" else ""
        where = (f'<a href="{render.esc(render.clause_href(c.provision_id))}" target="_self">'
                 f'{render.esc(views.ref(kb, c.provision_id))}</a>') if c.provision_id else "—"
        opened = (f'<a href="{render.esc(render.page_href("document", doc=c.resolved_id))}" target="_self">打开</a>'
                  if target is not None else "未收录")
        rows.append([render.esc(name or c.text) + " " + mark, where, opened])
    with st.expander(f"引用的文件（{len(cites)}）"):
        common.linked_html(render.table_html(
            [render.Column("文件"), render.Column("本文出处", "22%"), render.Column("", "10%")], rows), key="d_cited")


def main() -> None:
    common.css()
    kb = common.get_kb()
    docs = common.documents(kb)
    ids = [d.id for d in docs]
    doc_id = common.select(st, "文件", "d_doc", "doc", ids, fmt=common.doc_label(kb), default=common.default_doc(kb))
    hit = st.query_params.get("hl")
    common.keep_only("doc", "hl")
    doc = kb.document(doc_id)

    st.title(render.md(doc.title))
    if doc.status == "outline":
        notice = str(doc.meta.get("outline_notice") or OUTLINE_DEFAULT).removeprefix("〔提纲〕")
        st.warning(render.md(OUTLINE_BANNER + notice), icon=":material/warning:")
    common.citation_block(kb, doc.id, key="d_cite", text=False)
    metadata(kb, doc)
    cited(kb, doc)
    common.link(nav.SEARCH, "在本文件中检索", ":material/search:", fdoc=doc.id)

    provisions = kb.provisions(doc_id)
    hit_id = f"{doc_id}#{hit}" if hit else None
    if hit_id and not any(p.id == hit_id for p in provisions):
        common.bad_param("hl", hit, None, "全文（不标出命中）")
        hit_id = None
    toc, body = st.columns([1, 3])
    with toc:
        st.subheader("目录")
        common.html(render.toc_html(provisions))
    with body:
        st.subheader("提纲要点（非官方全文）" if doc.status == "outline" else "全文")
        verified = doc.meta.get("verified") if doc.status == "outline" else None
        common.linked_html(render.document_html(provisions, verified if isinstance(verified, dict) else None,
                                                hit=hit_id), key="d_text")


common.run_page(main)
