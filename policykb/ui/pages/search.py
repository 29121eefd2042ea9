"""检索: one search box, filters, result cards with highlighted snippets and citations.

URL: ``?q=高邮湖&fdoc=<文件编号>&level=municipal&year=2027&party=市生态环境局``.
"""

from __future__ import annotations

import time

import streamlit as st

from kb import labels
from policykb.ui import common, nav, render

PAGE_SIZE = 20
MAX_SHOWN = 200  # "显示更多" stops here; narrow the search to see others


def filters(kb) -> dict:
    docs = [d.id for d in common.documents(kb)]
    c1, c2, c3, c4 = st.columns([3, 1, 1, 2])
    doc_opts = [labels.ALL, *docs]
    common.bind("s_doc", "fdoc", labels.ALL)
    common.choose("s_doc", doc_opts, labels.ALL)
    fmt = common.doc_label(kb)
    doc = c1.selectbox("文件", doc_opts, key="s_doc",
                       format_func=lambda v: v if v == labels.ALL else fmt(v))
    common.publish("s_doc", "fdoc", doc)

    level_opts = [labels.ALL, *labels.LEVEL]
    common.bind("s_level", "level", labels.ALL)
    common.choose("s_level", level_opts, labels.ALL)
    level = c2.selectbox("层级", level_opts, key="s_level",
                         format_func=lambda v: v if v == labels.ALL else labels.level(v))
    common.publish("s_level", "level", level)

    year_opts: list = [labels.ALL, *common.year_options(kb, str(kb.build_dir))]
    common.bind("s_year", "year", labels.ALL, parse=int)
    if isinstance(st.session_state.get("s_year"), int) and st.session_state["s_year"] not in year_opts:
        year_opts.append(st.session_state["s_year"])  # a year from a shared URL stays selectable
    common.choose("s_year", year_opts, labels.ALL)
    year = c3.selectbox("年份", year_opts, key="s_year", format_func=lambda v: str(v))
    common.publish("s_year", "year", year)

    common.bind("s_party", "party", labels.ALL)
    parties = common.party_options(kb, str(kb.build_dir))
    if parties is not None:
        party_opts = [labels.ALL, *parties]
        if st.session_state.get("s_party") not in party_opts:
            party_opts.append(st.session_state["s_party"])
        party = c4.selectbox("责任单位", party_opts, key="s_party")
    else:
        party = c4.selectbox("责任单位", [labels.ALL], key="s_party", disabled=True,
                             help="责任单位抽取尚未完成，暂不能按单位筛选")
    common.publish("s_party", "party", party)

    def none_if_all(v):
        return None if v == labels.ALL else v

    return {"doc": none_if_all(doc), "level": none_if_all(level), "year": none_if_all(year),
            "party": none_if_all(party)}


def result_card(kb, hit, docs: dict, rank: int) -> None:
    with st.container(border=True):
        common.html(render.hit_card_html(hit, docs.get(hit.doc_id), rank))
        c1, c2, c3 = st.columns([6, 1, 1], vertical_alignment="center")
        with c1:
            common.copy_citation(kb, hit.id)
        with c2:
            common.link(nav.CLAUSE, "条款详情", ":material/segment:", clause=hit.id)
        with c3:
            common.link(nav.DOCUMENT, "原文", ":material/description:", doc=hit.doc_id)


def main() -> None:
    common.css()
    st.title("政策条款检索")
    kb = common.get_kb()
    search = common.api(kb, "search")
    if search is None:
        common.not_built_notice("全文检索", "检索索引（KB.search）")
        return
    common.bind("q", "q", "")
    query = st.text_input("检索词", key="q", placeholder="输入关键词，例如：高邮湖 水质、挥发性有机物、2027年",
                          label_visibility="collapsed")
    common.publish("q", "q", query.strip())
    f = filters(kb)
    common.keep_only("q", "fdoc", "level", "year", "party")
    if not query.strip():
        st.caption("输入关键词开始检索；可按文件、层级、年份、责任单位筛选。检索结果的网址可直接分享。")
        return

    asked = (query.strip(), tuple(f.items()))
    if st.session_state.get("s_asked") != asked:  # a new search starts at the first page
        st.session_state["s_asked"], st.session_state["s_limit"] = asked, PAGE_SIZE
    limit = st.session_state["s_limit"]
    t0 = time.perf_counter()
    # a QueryError becomes the Chinese error line of common.run_page
    result = search(query.strip(), doc=f["doc"], level=f["level"], year=f["year"], party=f["party"],
                    limit=limit)
    ms = (time.perf_counter() - t0) * 1000
    for notice in result.notices:
        st.info(notice)
    if not result.hits:
        st.warning("没有找到匹配的条款：请换用更短或更常见的关键词，或放宽筛选条件。")
        return
    st.caption(f"共 {result.total} 条结果，显示前 {len(result.hits)} 条（用时 {ms:.0f} 毫秒）")
    docs = {d.id: d for d in common.documents(kb)}
    for rank, hit in enumerate(result.hits, 1):
        result_card(kb, hit, docs, rank)
    if result.total > len(result.hits):
        if limit >= MAX_SHOWN:
            st.caption(f"最多显示前 {MAX_SHOWN} 条：请加检索词或筛选条件缩小范围。")
        elif st.button("显示更多结果", icon=":material/expand_more:", key="s_more"):
            st.session_state["s_limit"] = min(limit + PAGE_SIZE, MAX_SHOWN)
            st.rerun()


common.run_page(main)
