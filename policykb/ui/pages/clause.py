"""条款: one provision with its parties, time expressions and targets highlighted, its tasks,
its upstream and downstream links, and its citation.

URL: ``?clause=<条款编号>`` (an article or a clause, e.g. ``yangzhou-2024-118#part_3__art_6``).
"""

from __future__ import annotations

import streamlit as st

from kb import export, labels, views
from kb.errors import NotFoundError
from policykb.ui import common, nav, render

PICKABLE = ("preamble", "part", "article", "item", "clause", "closing")


def _open(pid: str) -> None:
    st.session_state["c_clause"] = pid
    st.session_state["c_doc"] = pid.split("#", 1)[0]


def open_button(label: str, pid: str, key: str, icon: str | None = None) -> None:
    """A button that shows another provision on this page (the URL follows)."""
    st.button(label, key=key, icon=icon, on_click=_open, args=(pid,), type="tertiary")


def picker(kb) -> str | None:
    """Document + provision selectboxes bound to ``?clause=``."""
    docs = [d.id for d in common.documents(kb)]
    from_url = common.bind("c_clause", "clause", None)
    current = st.session_state.get("c_clause")
    doc_of_current = current.split("#", 1)[0] if current else None
    if (from_url or "c_doc" not in st.session_state) and doc_of_current in docs:
        st.session_state["c_doc"] = doc_of_current
    common.choose("c_doc", docs, common.default_doc(kb))
    c1, c2 = st.columns([2, 3])
    doc_id = c1.selectbox("文件", docs, key="c_doc", format_func=common.doc_label(kb), placeholder="请选择")
    provisions = [p for p in kb.provisions(doc_id) if p.kind in PICKABLE]
    by_id = {p.id: p for p in provisions}
    ids = list(by_id)
    if from_url and current not in by_id:
        common.bad_param("clause", current, None, "本文件的第一条")
    if st.session_state.get("c_clause") not in by_id:
        first_article = next((p.id for p in provisions if p.kind == "article"), ids[0] if ids else None)
        st.session_state["c_clause"] = first_article

    def fmt(pid: str) -> str:
        p = by_id[pid]
        if p.kind == "clause":
            return f"{'　' * p.depth}{p.text[:40]}{'…' if len(p.text) > 40 else ''}"
        return f"{'　' * p.depth}{p.marker or ''}{p.heading or labels.kind(p.kind)}"

    pid = c2.selectbox("条款", ids, key="c_clause", format_func=fmt, placeholder="请选择")
    common.publish("c_clause", "clause", pid)
    common.keep_only("clause")
    return pid


def clause_tasks(kb, p, leaves) -> list:
    leaf_ids = {x.id for x in leaves}
    return [t for t in kb.tasks(doc=p.doc_id) if t.clause_id in leaf_ids]


def clause_targets(kb, p, leaves) -> list:
    leaf_ids = {x.id for x in leaves}
    return [t for t in kb.targets(doc=p.doc_id) if t.clause_id in leaf_ids]


def highlighted_text(p, leaves, tasks, targets) -> None:
    paras = []
    for leaf in leaves:
        ents = render.clause_entities(
            leaf.text, leaf.start, [t for t in tasks if t.clause_id == leaf.id],
            [g for g in targets if g.clause_id == leaf.id])
        paras.append(f'<p class="pkb-text" id="{render.esc(render.anchor(leaf.id))}">'
                     f'{render.entities_html(leaf.text, ents)}</p>')
    common.html(render.legend_html() + '<div class="pkb-card">' + "".join(paras) + "</div>")


def outline_points(leaves) -> None:
    """An outline's clauses under their own labels (摘要, 关键词, 阶段目标 …), not as 条文."""
    rows = []
    for leaf in leaves:
        label, body = views.outline_field(leaf.text)
        rows.append(f'<div class="pkb-text" id="{render.esc(render.anchor(leaf.id))}">'
                    f'<b>{render.esc(label or "要点")}</b>：{render.esc(body)}</div>')
    common.html('<div class="pkb-card">' + "".join(rows) + "</div>")


TASK_COLUMNS = [render.Column("任务内容", "38%"), render.Column("牵头单位", "20%"), render.Column("配合单位", "14%"),
                render.Column("完成时限", "12%"), render.Column("量化目标", "16%")]


def tasks_table(tasks) -> None:
    st.subheader(f"任务（{len(tasks)}）")
    if not tasks:
        st.caption("本条款未抽取到任务。")
        return
    rows = [[render.esc(t.text), render.guess_html(export.lead_text(t), not views.lead_stated(t)),
             render.esc(export.support_text(t)), render.esc(export.deadline_text(t.deadline)),
             render.esc(export.targets_text(t))] for t in tasks]
    common.html(render.table_html(TASK_COLUMNS, rows))


SHOWN_LINKS = 5  # per column; the rest fold into an expander


def link_list(kb, title: str, links: list[dict]) -> None:
    st.markdown(f"**{title}（{len(links)}）**")
    if not links:
        st.caption("暂无")
        return
    titles = common.doc_titles(kb)
    rest = None
    for i, link in enumerate(links):
        if i == SHOWN_LINKS:  # created here so that it comes after the first cards
            rest = st.expander(f"其余 {len(links) - SHOWN_LINKS} 条")
        box = st.container(border=True) if rest is None else rest.container(border=True)
        with box:
            doc = titles.get(link.get("doc_id"), link.get("doc_id"))
            score = link.get("score")
            strength = f"·{link['strength']}" if link.get("strength") else ""
            head = (render.badge(labels.link_kind(link.get("kind")), "") +
                    render.level_badge(link.get("level") or "") +
                    (render.outline_badge() if link.get("status") == "outline" else "") +
                    (render.badge(f"得分 {score:.2f}{strength}", "score") if isinstance(score, (int, float)) else ""))
            evidence = link.get("evidence") or []
            if isinstance(evidence, str):
                evidence = [evidence]
            label = link.get("label") or ""
            text = link.get("text") or ""
            body = f'<div class="pkb-text">{render.esc(text)}</div>' if text and text not in label else ""
            card = (f'<div class="pkb-card"><div class="pkb-path">{head}<b>《{render.esc(doc)}》</b>'
                    f'{render.esc(label)}</div>{body}'
                    + render.evidence_html(evidence[:4]) + "</div>")
            if link.get("id") and "#" in link["id"]:
                card += render.actions_html(*common.copy_buttons(kb, link["id"], link.get("citation")))
            common.linked_html(card, key=f"link_{title}_{i}")
            if link.get("id") and "#" in link["id"]:
                open_button("查看", link["id"], key=f"open_{title}_{i}", icon=":material/segment:")


def links(kb, p) -> None:
    st.subheader("上下级关联")
    trace = kb.trace
    out = trace(p.id)
    if not out.get("upstream") and not out.get("downstream") and p.kind == "clause" and p.parent:
        parent = kb.provision(p.parent)
        if parent.kind == "article":
            st.caption(f"本句无直接关联，以下为所属条目 {render.md((parent.marker or '') + (parent.heading or ''))} 的关联。")
            out = trace(parent.id)
    up, down = st.columns(2)
    with up:
        link_list(kb, "上级依据", out.get("upstream", []))
    with down:
        link_list(kb, "下级落实", out.get("downstream", []))


def main() -> None:
    common.css()
    kb = common.get_kb()
    pid = picker(kb)
    if not pid:
        st.info("该文件没有可显示的条款。")
        return
    try:
        p = kb.provision(pid)
    except NotFoundError:
        common.bad_param("clause", pid, None, "请重新选择")
        return
    doc = kb.document(p.doc_id)
    st.title(render.md(p.label.split(" / ")[-1]) if p.label else labels.kind(p.kind))
    crumbs = st.columns([3, 1, 1])
    crumbs[0].caption(render.md(f"《{doc.title}》 · {p.label}"))
    with crumbs[1]:
        common.link(nav.DOCUMENT, "提纲（非原文）" if doc.status == "outline" else "原文", ":material/description:",
                    doc=doc.id, hl=render.anchor(p.id))
    if p.parent:
        with crumbs[2]:
            open_button("上一级", p.parent, key="open_parent", icon=":material/arrow_upward:")
    if doc.status == "outline":
        verified = doc.meta.get("verified") if isinstance(doc.meta.get("verified"), dict) else {}
        flag = labels.verified(verified.get(p.id)) if p.id in verified else "未标注"
        st.warning(f"提纲文件，非官方全文：以下文字为本库整理的要点，不是官方原文，引用时请以正式文件为准。"
                   f"核实状态：{flag}。", icon=":material/warning:")
    st.markdown("**出处**")
    common.citation_block(kb, p.id, key="c_cite")

    leaves = [x for x in kb.descendants(p) if x.kind == "clause"] or [p]
    tasks = clause_tasks(kb, p, leaves)
    targets = clause_targets(kb, p, leaves)
    if doc.status == "outline":
        st.subheader("提纲要点")
        outline_points(leaves)
    else:
        st.subheader("条文")
        highlighted_text(p, leaves, tasks, targets)
    tasks_table(tasks)
    links(kb, p)


common.run_page(main)
