"""检索: one search box, filters, result cards with highlighted snippets, facts and citations.

URL: ``?q=高邮湖&fdoc=<文件编号>&level=municipal&year=2027&party=市生态环境局&issuer=…&since=2024&sort=date``.
"""

from __future__ import annotations

import time

import streamlit as st

from kb import labels, views
from policykb.ui import common, render

PAGE_SIZE = 20
MAX_SHOWN = 200  # "显示更多" stops here; narrow the search to see others
SORT = {"relevance": "按相关度", "date": "按成文日期（新→旧）"}


def filters(kb) -> dict:
    docs = common.documents(kb)
    c1, c2, c3, c4 = st.columns([3, 1, 1, 2])
    fmt = common.doc_label(kb)
    doc = common.select(c1, "文件", "s_doc", "fdoc", [labels.ALL, *[d.id for d in docs]], fmt=fmt)
    level = common.select(c2, "层级", "s_level", "level", [labels.ALL, *labels.LEVEL],
                   fmt=lambda v: v if v == labels.ALL else labels.level(v))
    year = common.select(c3, "年份", "s_year", "year", [labels.ALL, *common.year_options(kb, str(kb.build_dir))],
                  parse=int)
    party = common.select(c4, "责任单位", "s_party", "party", [labels.ALL, *common.party_options(kb, str(kb.build_dir))],
                          fmt=common.party_label(kb))
    c5, c6, c7, _ = st.columns([3, 1, 1, 2])
    issuer = common.select(c5, "发文机关", "s_issuer", "issuer", [labels.ALL, *views.issuers(docs)])
    since = common.select(c6, "时效（成文时间）", "s_since", "since", [labels.ALL, *views.years(docs)], parse=int,
                   fmt=lambda v: v if v == labels.ALL else f"{v}年以来")
    sort = common.select(c7, "排序", "s_sort", "sort", list(SORT), fmt=SORT.get, omit_default=True)
    return {"doc": doc, "level": level, "year": year, "party": party, "issuer": issuer, "since": since,
            "sort": sort}


def result_card(kb, hit, docs: dict, rank: int, facts, best: float | None) -> str:
    """One result: the card, its citation and its actions (markup for ``common.linked_html``)."""
    doc = docs.get(hit.doc_id)
    outline = doc is not None and doc.status == "outline"
    reader = render.page_href("document", render.anchor(hit.id), doc=hit.doc_id, hl=render.anchor(hit.id))
    cite = kb.citation(hit.id)
    actions = render.actions_html(
        render.link_button("条款详情", render.clause_href(hit.id)),
        render.link_button("提纲（非原文）" if outline else "原文", reader),
        *common.copy_buttons(kb, hit.id, cite))
    return ('<div class="pkb-hitbox">' + render.hit_card_html(hit, doc, rank, facts.get(hit.id), best)
            + f'<div class="pkb-cite">{render.esc(cite)}</div>' + actions + "</div>")


def main() -> None:
    common.css()
    st.title("政策条款检索")
    kb = common.get_kb()
    common.bind("q", "q", "")
    query = st.text_input("检索词", key="q", placeholder="输入关键词，例如：高邮湖 水质、挥发性有机物、2027年",
                          label_visibility="collapsed")
    common.publish("q", "q", query.strip())
    f = filters(kb)
    common.keep_only("q", "fdoc", "level", "year", "party", "issuer", "since", "sort")
    if not query.strip():
        st.caption("输入关键词开始检索；可按文件、层级、年份、责任单位、发文机关、时效筛选，按相关度或成文日期排序。"
                   "检索结果的网址可直接分享。")
        return

    asked = (query.strip(), tuple(f.items()))
    if st.session_state.get("s_asked") != asked:  # a new search starts at the first page
        st.session_state["s_asked"], st.session_state["s_limit"] = asked, PAGE_SIZE
    limit = st.session_state["s_limit"]
    t0 = time.perf_counter()
    # a QueryError becomes the Chinese error line of common.run_page
    result, capped = views.search(kb, query.strip(), doc=f["doc"], level=f["level"], year=f["year"],
                                  party=f["party"], issuer=f["issuer"], since=f["since"],
                                  sort=f["sort"] or "relevance", limit=limit)
    ms = (time.perf_counter() - t0) * 1000
    for notice in result.notices:  # corrections (您要找的是不是：…), simplified characters, question words
        st.info(render.md(notice))
    partial = result.partial
    docs = {d.id: d for d in common.documents(kb)}
    if not result.hits:
        st.warning("没有找到同时包含全部检索内容的条款" + ("；下面是只包含其中一部分的条款。" if partial else
                   "：请换用更短或更常见的关键词，或放宽筛选条件。"))
    else:
        more = f"（仅在最相关的 {views.MAX_FILTERED} 条中筛选排序）" if capped else ""
        st.caption(f"共 {result.total} 条结果{more}，显示前 {len(result.hits)} 条（用时 {ms:.0f} 毫秒）")
        if result.parties:  # a "who" question: the responsible parties of the hits' tasks
            st.caption("责任单位（命中条款所属任务）：" + "、".join(p["name"] for p in result.parties))
        facts = views.hit_facts(kb, result.hits, docs)
        # one block for all results (one component to mount, however many cards)
        best = max((h.score for h in result.hits), default=None)
        common.linked_html("".join(result_card(kb, hit, docs, rank, facts, best)
                                   for rank, hit in enumerate(result.hits, 1)), key="s_hits")
        if result.total > len(result.hits):
            if limit >= MAX_SHOWN:
                st.caption(f"最多显示前 {MAX_SHOWN} 条：请加检索词或筛选条件缩小范围。")
            elif st.button("显示更多结果", icon=":material/expand_more:", key="s_more"):
                st.session_state["s_limit"] = min(limit + PAGE_SIZE, MAX_SHOWN)
                st.rerun()
    if partial:
        st.subheader("部分匹配")
        st.caption(f"只包含部分检索内容的条款，共 {result.partial_total} 条，显示前 {len(partial)} 条；"
                   "不如上面的完整匹配切题，请核对原文。")
        facts = views.hit_facts(kb, partial, docs)
        best = max((h.score for h in partial), default=None)
        common.linked_html("".join(result_card(kb, hit, docs, rank, facts, best)
                                   for rank, hit in enumerate(partial, 1)), key="s_partial")


common.run_page(main)
