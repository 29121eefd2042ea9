"""任务: the 任务分解表 (filterable), tasks by party (stated vs guessed) and by year, export.

URL: ``/tasks?doc=<文件编号>&party=<单位>&year=2027&role=lead`` (default: the full text with the most
content). The table's rows are ``kb.export.breakdown`` (as in ``policykb tasks --format``): the tasks and the
clauses that state dated targets without a task.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from kb import export, labels, views
from policykb.ui import common, render

CHART_PARTIES = 20  # bars in the by-party chart
COLUMNS = [render.Column("任务内容", "30%"), render.Column("牵头单位", "17%"), render.Column("配合单位", "13%"),
           render.Column("完成时限", "11%"), render.Column("量化目标", "15%"), render.Column("出处", "14%")]


def filters(kb) -> dict:
    c1, c2, c3, c4 = st.columns([3, 2, 1, 1])
    docs = [d.id for d in common.documents(kb)]
    doc = common.select(c1, "文件", "t_doc", "doc", [labels.ALL, *docs], fmt=common.doc_label(kb),
                        default=common.default_doc(kb))
    party = common.select(c2, "责任单位", "t_party", "party", [labels.ALL, *common.party_options(kb, str(kb.build_dir))],
                          fmt=common.party_label(kb))
    year = common.select(c3, "年份", "t_year", "year", [labels.ALL, *common.year_options(kb, str(kb.build_dir))],
                         parse=int)
    role = common.select(c4, "角色", "t_role", "role", [labels.ALL, *labels.ROLE],
                         fmt=lambda v: v if v == labels.ALL else labels.role(v))
    common.keep_only("doc", "party", "year", "role")
    return {"doc": doc, "party": party, "year": year, "role": role}


def charts(tasks, role: str | None) -> None:
    roles = {role} if role else {"lead", "support", "owner"}
    by_party = views.count_parties(tasks, roles)
    by_year = views.count_years(tasks)
    left, right = st.columns(2)
    with left:
        st.markdown("**按责任单位统计**（任务数；斜纹为推断，非原文明示）")
        if by_party:
            common.html(render.bar_key_html() + render.bars_html(
                [(c.name, c.stated, c.guessed) for c in by_party[:CHART_PARTIES]]))
            if len(by_party) > CHART_PARTIES:
                st.caption(f"另有 {len(by_party) - CHART_PARTIES} 个单位未列出。")
        else:
            st.caption("暂无责任单位数据")
    with right:
        st.markdown("**按目标年份统计**（任务数）")
        common.html(render.bars_html([(y, n, 0) for y, n in by_year.items()], none_label=views.NO_YEAR))
        if views.NO_YEAR in by_year:
            st.caption(f"{views.NO_YEAR}：原文没有写明年份的任务（可能沿用文件的阶段目标年）。")


@st.cache_data(max_entries=16, show_spinner="正在生成任务分解表…")
def export_bytes(_kb, build_dir: str, filters: tuple, fmt: str) -> bytes:
    rows = export.breakdown(_kb, **dict(filters))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"tasks.{fmt}"
        export.export_tasks(_kb, rows, fmt, path)
        return path.read_bytes()


def download(kb, f: dict) -> None:
    key = tuple(sorted(f.items()))
    name = views.export_name(kb, f["doc"], f["party"], f["year"], f["role"], labels.role)
    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button("导出 Excel", export_bytes(kb, str(kb.build_dir), key, "xlsx"), file_name=f"{name}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:", on_click="ignore")
    c2.download_button("导出 CSV", export_bytes(kb, str(kb.build_dir), key, "csv"), file_name=f"{name}.csv",
                       mime="text/csv", icon=":material/download:", on_click="ignore")
    st.caption(f"导出文件名：{name}.xlsx / .csv")


def task_row(kb, row: export.Row, titles: dict, show_doc: bool) -> list[str]:
    t = row.task
    text = render.task_cell_html(t, row.label if row.kind != "task" else None)
    where = render.esc(views.ref(kb, t.clause_id))
    if show_doc:
        where = render.esc(views.short_title(titles.get(t.doc_id, ""))) + "<br>" + where
    return [text, render.guess_html(export.lead_text(t), not views.lead_stated(t)),
            render.esc(export.support_text(t)),
            render.esc(export.deadline_text(t.deadline) if t.deadline else views.NO_YEAR),
            render.esc(export.targets_text(t)),
            f'<a href="{render.esc(render.clause_href(t.clause_id))}" target="_self">{where}</a>']


def main() -> None:
    common.css()
    st.title("任务分解")
    kb = common.get_kb()
    f = filters(kb)
    items = export.breakdown(kb, doc=f["doc"], party=f["party"], year=f["year"], role=f["role"])
    tasks = [r.task for r in items if r.kind == "task"]
    parties = views.count_parties(tasks, {r for r in labels.ROLE if r != "recipient"})
    m = st.columns(4)
    m[0].metric("任务", len(tasks))
    m[1].metric("涉及单位", len(parties),
                help="原文写明的单位与推断的单位分开计数，见下方说明")
    m[2].metric("有明确时限", sum(1 for t in tasks if views.task_year(t)))
    m[3].metric("含量化目标", sum(1 for r in items if r.task.targets))
    stated = sum(1 for c in parties if c.stated)
    st.caption(f"涉及单位 {len(parties)} 个：原文写明的 {stated} 个，仅由推断得出的 {len(parties) - stated} 个"
               f"（推断依据为任务主题，非原文明示）。另有 {len(items) - len(tasks)} 条写明目标年份但未分解任务的目标条款列入表中。"
               if items else "")
    if not items:
        st.warning("没有符合条件的任务：请放宽筛选条件。")
        return
    charts(tasks, f["role"])
    st.subheader("任务分解表")
    unread = sum(1 for t in tasks if t.warnings)
    if unread:  # an annotation that named no unit is never dropped silently
        st.warning(f"{unread} 项任务的括注未读出责任单位，请对照原文核对（见任务内容下的“提示”）。")
    download(kb, f)
    titles = common.doc_titles(kb)
    columns = COLUMNS if f["doc"] else [*COLUMNS[:-1], render.Column("文件与出处", "14%")]
    common.linked_html(render.table_html(columns, [task_row(kb, r, titles, not f["doc"]) for r in items]),
                       key="t_table")
    st.caption("牵头单位中橙色文字为推断（非原文明示）；点击“出处”打开对应条款。")


common.run_page(main)
