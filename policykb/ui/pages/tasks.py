"""任务: the task table (filterable), charts by party and by target year, 任务分解表 export.

URL: ``/tasks?doc=<文件编号>&party=<单位>&year=2027&role=lead``.
"""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from kb import labels
from policykb.ui import common, nav, render

CHART_PARTIES = 20  # bars in the by-party chart


def filters(kb) -> dict:
    c1, c2, c3, c4 = st.columns([3, 2, 1, 1])
    docs = [d.id for d in common.documents(kb)]
    doc_opts = [labels.ALL, *docs]
    common.bind("t_doc", "doc", labels.ALL)
    common.choose("t_doc", doc_opts, labels.ALL)
    fmt = common.doc_label(kb)
    doc = c1.selectbox("文件", doc_opts, key="t_doc", format_func=lambda v: v if v == labels.ALL else fmt(v))
    common.publish("t_doc", "doc", doc)

    parties = common.party_options(kb, str(kb.build_dir)) or []
    party_opts = [labels.ALL, *parties]
    common.bind("t_party", "party", labels.ALL)
    common.choose("t_party", party_opts, labels.ALL)
    party = c2.selectbox("责任单位", party_opts, key="t_party")
    common.publish("t_party", "party", party)

    year_opts: list = [labels.ALL, *common.year_options(kb, str(kb.build_dir))]
    common.bind("t_year", "year", labels.ALL, parse=int)
    common.choose("t_year", year_opts, labels.ALL)
    year = c3.selectbox("年份", year_opts, key="t_year", format_func=str)
    common.publish("t_year", "year", year)

    role_opts = [labels.ALL, *labels.ROLE]
    common.bind("t_role", "role", labels.ALL)
    common.choose("t_role", role_opts, labels.ALL)
    role = c4.selectbox("角色", role_opts, key="t_role",
                        format_func=lambda v: v if v == labels.ALL else labels.role(v))
    common.publish("t_role", "role", role)
    common.keep_only("doc", "party", "year", "role")
    return {k: (None if v == labels.ALL else v)
            for k, v in {"doc": doc, "party": party, "year": year, "role": role}.items()}


def charts(tasks, role: str | None) -> None:
    roles = {role} if role else {"lead", "support", "owner"}
    by_party = render.count_by_party(tasks, roles)
    by_year = render.count_by(render.task_year(t) for t in tasks)
    left, right = st.columns(2)
    with left:
        st.markdown("**按责任单位统计**")
        if by_party:
            data = pd.DataFrame({"责任单位": list(by_party)[:CHART_PARTIES],
                                 "任务数": list(by_party.values())[:CHART_PARTIES]})
            chart = alt.Chart(data).mark_bar().encode(
                x=alt.X("任务数:Q", title="任务数", axis=alt.Axis(tickMinStep=1, format="d")),
                y=alt.Y("责任单位:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
                tooltip=["责任单位", "任务数"])
            st.altair_chart(chart, width="stretch")
        else:
            st.caption("暂无责任单位数据")
    with right:
        st.markdown("**按目标年份统计**")
        if by_year:
            data = pd.DataFrame({"目标年份": list(by_year), "任务数": list(by_year.values())})
            chart = alt.Chart(data).mark_bar().encode(
                x=alt.X("目标年份:O", sort="ascending", title="目标年份"),
                y=alt.Y("任务数:Q", title="任务数", axis=alt.Axis(tickMinStep=1, format="d")),
                tooltip=["目标年份", "任务数"])
            st.altair_chart(chart, width="stretch")
        else:
            st.caption("暂无带年份的任务")


@st.cache_data(max_entries=16, show_spinner="正在生成任务分解表…")
def export_bytes(_kb, build_dir: str, filters: tuple, fmt: str) -> bytes:
    from kb.export import export_tasks

    tasks = _kb.tasks(**dict(filters))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"tasks.{fmt}"
        export_tasks(_kb, tasks, fmt, path)
        return path.read_bytes()


def export(kb, f: dict) -> None:
    if importlib.util.find_spec("kb.export") is None:
        st.caption("任务分解表导出尚未完成（kb.export 未提供）。")
        return
    key = tuple(sorted(f.items()))
    name = "任务分解表" + "".join(f"-{v}" for v in f.values() if v is not None)
    name = name.replace("#", "_").replace("/", "_")
    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button("导出 Excel", export_bytes(kb, str(kb.build_dir), key, "xlsx"), file_name=f"{name}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:", on_click="ignore")
    c2.download_button("导出 CSV", export_bytes(kb, str(kb.build_dir), key, "csv"), file_name=f"{name}.csv",
                       mime="text/csv", icon=":material/download:", on_click="ignore")


def main() -> None:
    common.css()
    st.title("任务分解")
    kb = common.get_kb()
    if common.api(kb, "tasks") is None:
        common.not_built_notice("任务抽取", "任务与责任单位（KB.tasks）")
        return
    f = filters(kb)
    tasks = kb.tasks(doc=f["doc"], party=f["party"], year=f["year"], role=f["role"])
    m = st.columns(4)
    m[0].metric("任务", len(tasks))
    m[1].metric("涉及单位", len({p.key for t in tasks for p in t.parties if p.role != "recipient"}))
    m[2].metric("有明确时限", sum(1 for t in tasks if t.deadline and t.deadline.source == "explicit"))
    m[3].metric("含量化目标", sum(1 for t in tasks if t.targets))
    if not tasks:
        st.warning("没有符合条件的任务：请放宽筛选条件。")
        return
    export(kb, f)
    rows = render.task_rows(tasks, common.doc_titles(kb))
    columns = ["任务内容", "牵头单位", "配合单位", "完成时限", "目标年份", "量化目标", "出处"]
    if not f["doc"]:
        columns.append("文件")
    event = st.dataframe(
        rows, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row", key="t_table",
        column_order=columns,
        column_config={"任务内容": st.column_config.TextColumn(width="large"),
                       "出处": st.column_config.TextColumn(width="medium"),
                       "目标年份": st.column_config.NumberColumn(format="%d")})
    selected = event.selection.rows if event is not None else []
    if selected:
        row = rows[selected[0]]
        common.link(nav.CLAUSE, f"打开所选任务的条款：{row['条款'].split('#', 1)[-1]}", ":material/segment:",
                    clause=row["条款"])
    else:
        st.caption("选中表格中的一行可打开对应条款。")
    charts(tasks, f["role"])


common.run_page(main)
