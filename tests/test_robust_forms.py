"""Table-driven tests of the document forms the unseen-document sweep found broken
(tests/fixtures/unseen/): tables, wrapped titles, 版记, numbering variants, annotations on their
own line, unnumbered texts, and the extraction rules that go with them."""

from __future__ import annotations

import pytest

from indexer import regexes as rx
from indexer.normalize import normalize
from indexer.pipeline import parse_text
from indexer.structure import join_title_lines, numbering, parse


def _ids(provisions, kinds=("part", "article", "item", "preamble", "closing")):
    return [p.id.split("#", 1)[1] for p in provisions if p.kind in kinds]


# ---------------------------------------------------------------------------
# Normalisation: table rows
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("序号\t任务\t牵头单位", "序号｜任务｜牵头单位"),                     # .docx / HTML row
    ("1\t完成改造\t\t2025年底前", "1｜完成改造｜｜2025年底前"),            # an empty cell keeps its column
    ("1\t完成改造\t区生态环境局\t\t", "1｜完成改造｜区生态环境局"),          # trailing empty cells dropped
    ("\t\t一、总体要求", "一、总体要求"),                                 # leading tabs are indentation
    ("任务\t责任单位", "任务 责任单位"),                                  # one tab: text
    ("| 序号 | 任务 | 牵头 |", "序号｜任务｜牵头"),                          # Markdown row
    ("|---|:---:|---|", ""),                                            # Markdown rule line dropped
    ("区工信局(牵头)\t2025年\t完成", "区工信局（牵头）｜2025年｜完成"),     # cells normalised too
])
def test_table_rows_normalise_to_cells(raw, expected):
    assert normalize(raw) == expected


# ---------------------------------------------------------------------------
# Header: titles broken over lines, 版记
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("lines, title", [
    (["青川市人民政府办公室文件", "青政办发〔2025〕9号", "青川市人民政府办公室关于印发青川市2025年",
      "秸秆综合利用和禁烧工作方案的通知"], "青川市人民政府办公室关于印发青川市2025年秸秆综合利用和禁烧工作方案的通知"),
    (["青川市农村生活污水治理提质增效实施方", "案（2025—2027年）"], "青川市农村生活污水治理提质增效实施方案（2025—2027年）"),
    (["湖东县人民政府关于加强", "耕地保护工作的", "意见"], "湖东县人民政府关于加强耕地保护工作的意见"),
    # never joined: a title and the title line after it; a masthead and the title
    (["关于全面推进美丽扬州建设的实施意见", "市政府关于全面推进美丽扬州建设的实施意见"], None),
    (["政策文件", "关于全面推进美丽扬州建设的实施意见"], None),
    (["某某县人民政府文件", "某某县人民政府关于加强耕地保护的意见"], None),
])
def test_wrapped_title_lines_are_joined(lines, title):
    text = "\n\n".join(lines + ["一、总体要求", "加强耕地保护。"])
    joined = join_title_lines(text)
    if title is None:
        assert joined == text
    else:
        assert title in joined.split("\n\n")
        assert parse(joined, "t").header.title == title


@pytest.mark.parametrize("title", ["某县生态环境保护工作责任规定（试行）", "某市行动方案（2025—2027年）",
                                   "某市人民政府关于加强管理的通告", "某市人民政府关于某事的实施方案（修订）"])
def test_title_forms(title):
    assert rx.TITLE_LINE.match(title) or rx.TITLE_PLAIN.match(title)


def test_imprint_below_the_body_is_not_body_text():
    text = normalize("\n".join([
        "某市关于加强管理的实施方案", "一、总体要求", "加强管理。", "二、保障措施", "（一）强化考核。市生态环境局要加强督查。",
        "某市人民政府", "2025年3月12日", "抄送：市委各部门，市人大常委会办公室。", "某市人民政府办公室　2025年3月14日印发"]))
    r = parse(text, "t")
    assert r.signature.date == "2025-03-12" and r.signature.issuer == "某市人民政府"
    assert all("抄送" not in p.text and "印发" not in p.text for p in r.provisions)
    # 版记 with no signature above it: still outside the body
    r = parse(normalize("一、总体要求\n加强管理。\n抄送：市委各部门。\n某市人民政府办公室 2025年3月14日印发"), "t")
    assert all("抄送" not in p.text for p in r.provisions) and r.signature.date is None


# ---------------------------------------------------------------------------
# Numbering variants
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("line, kind, num", [
    ("第一部分　总体要求", "division", "一"),
    ("第十二部分 保障措施", "division", "十二"),
    ("一．指导思想", "cn_comma", "一"),
    ("二.基本原则", "cn_comma", "二"),
    ("1）县生态环境局负责……", "num_paren", "1"),
    ("（3）加强调度。", "num_paren", "3"),
])
def test_numbering_variants(line, kind, num):
    hit = numbering(line)
    assert hit is not None and hit[0] == kind and hit[1]["num"] == num


@pytest.mark.parametrize("line, num", [("附件一", "一"), ("附件二：考核指标", "二"), ("附件3", "3"), ("附件", None)])
def test_annex_numbers(line, num):
    m = rx.ANNEX.match(line)
    assert m and m["num"] == num


def test_divisions_parts_and_attachment_list():
    text = normalize("\n".join([
        "某县责任规定（试行）", "第一部分 总体要求", "一．指导思想", "压实责任。", "第二部分 责任分工", "一．部门责任",
        "1)县生态环境局负责统一监督管理。", "2)县发展改革委负责推动结构调整。", "附件一：责任清单", "附件二：考核指标",
        "附件一", "责任清单", "序号\t责任事项\t责任单位", "1\t建立清单\t县生态环境局", "附件二", "考核指标", "略。"]))
    r = parse(text, "t")
    assert _ids(r.provisions) == ["div_1", "div_1__part_1", "div_2", "div_2__part_1", "div_2__part_1__sub_1",
                                  "div_2__part_1__sub_2", "closing", "annex_1", "annex_2"]
    annexes = {p.id.split("#")[1]: p.heading for p in r.provisions if "annex" in p.id and p.kind == "part"}
    assert annexes == {"annex_1": "责任清单", "annex_2": "考核指标"}


# ---------------------------------------------------------------------------
# Headings and annotations on their own line
# ---------------------------------------------------------------------------

SUB_ITEMS = """一、重点任务

1．完善规划。各县（市、区）2025年6月底前完成规划修编。（牵头单位：市生态环境局）

2．分类确定治理模式。

（1）城镇周边村庄纳入城镇污水管网；

（2）居住分散村庄推广资源化利用模式。

（牵头单位：各县（市、区）人民政府；完成时限：持续推进）

3．推进设施建设。每年新增治理行政村50个。"""


def test_one_sentence_line_above_sub_items_is_the_heading():
    r = parse(normalize(SUB_ITEMS), "t")
    item = next(p for p in r.provisions if p.id == "t#part_1__item_2")
    assert item.heading == "分类确定治理模式"


def test_annotation_after_the_last_sub_item_belongs_to_the_item():
    r = parse(normalize(SUB_ITEMS), "t")
    ann = next(p for p in r.provisions if p.kind == "clause" and p.text.startswith("（牵头单位：各县"))
    assert ann.parent == "t#part_1__item_2"
    pd = parse_text(SUB_ITEMS, {"date": "2025-04-08", "issuer": "某市人民政府办公室"})
    sub = [t for t in pd.tasks if "城镇周边村庄" in t.text or "居住分散村庄" in t.text]
    assert not sub or all(("各县（市、区）人民政府", "lead") in {(p.name, p.role) for p in t.parties} for t in sub)


@pytest.mark.parametrize("lines, parent", [
    # the annotation follows a sibling-less item: it is the item's own
    (["一、任务", "1．推进设施建设。", "（牵头单位：市生态环境局）", "2．健全机制。"], "part_1__item_1"),
    # each sub-item carries its own: the last one keeps it
    (["一、任务", "1．分类治理。", "（1）纳入管网。（牵头单位：县住建局）", "（2）推广模式。", "（牵头单位：县农业农村局）"],
     "part_1__item_1__sub_2"),
])
def test_annotation_paragraph_stays_with_its_item(lines, parent):
    r = parse(normalize("\n".join(lines)), "t")
    ann = [p for p in r.provisions if p.kind == "clause" and p.text.startswith("（牵头单位")][-1]
    assert ann.parent == f"t#{parent}"


# ---------------------------------------------------------------------------
# A text with no numbering
# ---------------------------------------------------------------------------

def test_unnumbered_text_has_preamble_items_and_closing():
    text = normalize("\n".join([
        "某市人民政府关于划定禁燃区的通告", "为改善大气环境质量，现就有关事项通告如下：", "本市禁燃区范围为中心城区。",
        "禁燃区内禁止燃用高污染燃料。", "各县（市、区）人民政府负责禁燃区的监督管理。", "本通告自2025年7月1日起施行。"]))
    r = parse(text, "t")
    assert r.warnings and "no numbered structure" in r.warnings[0]
    assert _ids(r.provisions) == ["preamble", "para_1", "para_2", "para_3", "closing"]


# ---------------------------------------------------------------------------
# Extraction
# ---------------------------------------------------------------------------

def _tasks(raw: str, **meta):
    meta = {"date": "2025-02-18", "issuer": "某区人民政府办公室", **meta}
    return parse_text(raw, meta).tasks


def _parties(task, source="explicit"):
    return {(p.name, p.role) for p in task.parties if p.source == source}


TABLE = """一、重点任务

（一）加强管理。加强生态环境管理。

附件

重点任务分工表

序号\t重点任务\t牵头单位\t配合单位\t完成时限
1\t完成5家企业超低排放改造\t区生态环境局\t区工信局、区发展改革委\t2025年10月底前
2\t河湖“清四乱”常态化规范化行动\t市水利局河湖管理处\t市公安局\t长期坚持
3\t开展河湖长履职评价\t市河长办\t各县（市、区）河长办\t每年12月底前
4\t建成监管平台\t区生态环境局（牵头）、区大数据局\t\t2025年12月底前"""


def test_responsibility_table_rows_are_tasks_with_parties_and_deadlines():
    tasks = [t for t in _tasks(TABLE) if "annex" in t.clause_id]
    assert [t.text for t in tasks] == ["完成5家企业超低排放改造", "河湖“清四乱”常态化规范化行动", "开展河湖长履职评价",
                                       "建成监管平台"]
    assert _parties(tasks[0]) == {("区生态环境局", "lead"), ("区工信局", "support"), ("区发展改革委", "support")}
    assert (tasks[0].deadline.year, tasks[0].deadline.month) == (2025, 10)
    assert _parties(tasks[1]) == {("市水利局河湖管理处", "lead"), ("市公安局", "support")}  # a unit, as written
    assert tasks[1].deadline.recurring == "长期" and tasks[1].deadline.year is None
    assert (tasks[2].deadline.recurring, tasks[2].deadline.month, tasks[2].deadline.year) == ("每年", 12, None)
    assert ("区生态环境局", "lead") in _parties(tasks[3])
    # the header row is neither a task nor a target; the row's cells are not "mentioned" again
    assert not any("序号" in t.text for t in _tasks(TABLE))
    assert all(p.role != "mentioned" for t in tasks for p in t.parties)


def test_table_with_owner_column_only():
    raw = "附件\n\n责任清单\n\n序号\t责任事项\t责任单位\t完成时间\n1\t建立责任清单\t县委组织部、县生态环境局\t2025年6月底前"
    (task,) = _tasks(raw)
    assert _parties(task) == {("县委组织部", "lead"), ("县生态环境局", "lead")}


def test_table_without_role_columns_is_plain_text():
    raw = "一、情况\n\n名称\t地点\t面积\n青川湖\t临江区\t12平方千米"
    pd = parse_text(raw, {})
    assert not [t for t in pd.tasks if "青川湖" in t.text]


TARGET_TABLE = """一、主要指标

序号\t指标名称\t单位\t2024年（现状值）\t2025年目标\t2027年目标\t指标属性
1\t细颗粒物（PM2.5）年均浓度\t微克/立方米\t33\t≤31\t29以下\t约束性
2\t地表水国省考断面水质优良比例\t%\t90\t92\t95%以上\t约束性
3\t重点河湖水质\t—\tⅣ类\tⅣ类\tⅢ类\t预期性
4\t农村生活污水治理率\t%\t45\t—\t60\t预期性"""


def test_table_of_targets_gives_a_value_per_year_column():
    got = {(t.indicator, t.value, t.unit, t.qualifier, t.year) for t in parse_text(TARGET_TABLE, {}).targets}
    assert got == {
        ("细颗粒物（PM2.5）年均浓度", 31, "微克/立方米", "以下", 2025),
        ("细颗粒物（PM2.5）年均浓度", 29, "微克/立方米", "以下", 2027),
        ("地表水国省考断面水质优良比例", 92, "%", None, 2025),
        ("地表水国省考断面水质优良比例", 95, "%", "以上", 2027),
        ("重点河湖水质", "Ⅳ类", None, None, 2025),
        ("重点河湖水质", "Ⅲ类", None, None, 2027),
        ("农村生活污水治理率", 60, "%", None, 2027),
    }  # the 2024 baseline column gives nothing


@pytest.mark.parametrize("sentence, verbs_ok, year, month, recurring", [
    ("（一）深入打好蓝天保卫战。一是深化工业源治理；二是加强移动源管控，全年淘汰柴油货车300辆。", True, None, None, None),
    ("（一）加强考核。全年建成省级幸福河湖5条。", True, 2025, None, None),
    ("（一）加强监测。市生态环境局每日通报火点情况。", True, None, None, "每日"),
    ("（一）健全机制。县住房城乡建设局每年12月向市生态环境局报送年度运行报告。", True, None, 12, "每年"),
    ("（一）强化责任。市水利局负责河湖水域岸线管理。", True, None, None, None),
    ("（一）改用清洁能源。已建成的燃用高污染燃料设施，应当于2025年12月31日前改用天然气。", True, 2025, 12, None),
    ("（一）压实责任。市生态环境局、市市场监管局按照各自职责做好相关工作。", True, None, None, None),
])
def test_task_forms(sentence, verbs_ok, year, month, recurring):
    tasks = [t for t in _tasks("一、重点任务\n\n" + sentence) if t.clause_id.endswith("cl_1") or "cl_" in t.clause_id]
    assert bool(tasks) == verbs_ok
    if year or month or recurring:
        d = next(t.deadline for t in tasks if t.deadline and t.deadline.source == "explicit")
        assert (d.year, d.month, d.recurring) == (year, month, recurring)


def test_enumerated_points_are_tasks_each():
    tasks = _tasks("一、重点任务\n\n（一）强化执法。一是推进排污许可管理；二是深化环评审批制度改革；三是探索生态产品价值实现机制。")
    assert len(tasks) == 3


@pytest.mark.parametrize("sentence", [
    "第一条 为了加强河湖管理保护，根据有关法律法规，结合本市实际，制定本办法。",
    "第十条 2019年4月1日市人民政府印发的《某规定》同时废止。",
    "第四条 市级总河长由市委、市政府主要负责同志担任。",
    "附件二：考核指标",
])
def test_not_tasks(sentence):
    assert not _tasks("第一章 总则\n\n" + sentence)


def test_a_threshold_is_not_a_target():
    pd = parse_text("一、任务\n\n（一）节能。对年综合能耗5000吨标准煤以上的重点用能单位开展节能监察。"
                    "到2027年，完成节能改造企业10家以上。", {})
    assert [(t.value, t.unit, t.year) for t in pd.targets] == [(10, "家", 2027)]


def test_department_unit_named_as_written():
    from indexer.extract.patterns import find_matches

    orgs = [m.text for m in find_matches("牵头单位：市水利局河湖管理处、市生态环境局临江分局；市水利局负责河道采砂监管")
            if m.label == "ORG"]
    assert orgs == ["市水利局河湖管理处", "市生态环境局临江分局", "市水利局"]


# ---------------------------------------------------------------------------
# Sources: HTML tables, .docx merged cells, metadata labels, PDF lines
# ---------------------------------------------------------------------------

def test_html_data_table_rows_with_spans_and_paragraph_cells():
    from bs4 import BeautifulSoup

    from indexer.sources import block_text

    html = """<div><p>附件</p><table>
      <tr><td><p>序号</p></td><td><p>任务</p></td><td><p>牵头单位</p></td><td><p>完成时限</p></td></tr>
      <tr><td>1</td><td><p>完成改造</p><p>（分两批）</p></td><td rowspan="2">区生态环境局</td><td>2025年</td></tr>
      <tr><td>2</td><td>建成平台</td><td>2026年</td></tr>
      <tr><td colspan="2">合计</td><td>—</td><td>—</td></tr></table></div>"""
    lines = block_text(BeautifulSoup(html, "lxml").div).split("\n")
    assert lines == ["附件", "序号\t任务\t牵头单位\t完成时限", "1\t完成改造（分两批）\t区生态环境局\t2025年",
                     "2\t建成平台\t区生态环境局\t2026年", "合计\t\t—\t—"]


def test_html_layout_table_is_read_as_blocks():
    from bs4 import BeautifulSoup

    from indexer.sources import block_text

    long = "加强生态环境保护。" * 40
    html = f"<div><table><tr><td><p>一、总体要求</p><p>{long}</p></td><td>相关链接</td></tr></table></div>"
    lines = block_text(BeautifulSoup(html, "lxml").div).split("\n")
    assert lines[0] == "一、总体要求" and lines[1] == long


def test_docx_merged_cells_keep_columns(tmp_path):
    import docx

    from indexer.sources import read_docx

    d = docx.Document()
    t = d.add_table(rows=3, cols=4)
    for r, row in enumerate([["序号", "任务", "牵头单位", "配合单位"], ["1", "完成改造", "区生态环境局", "区生态环境局"],
                             ["2", "建成平台", "", ""]]):
        for c, v in enumerate(row):
            t.cell(r, c).text = v
    t.cell(2, 2).merge(t.cell(2, 3)).text = "市大数据局"
    path = tmp_path / "t.docx"
    d.save(path)
    text = read_docx(path).text
    assert "1\t完成改造\t区生态环境局\t区生态环境局" in text  # equal neighbours are both kept
    assert "2\t建成平台\t市大数据局\t" in text  # a merged cell: its text once, then an empty cell


def test_metadata_labels_padded_with_spaces():
    from bs4 import BeautifulSoup

    from indexer.sources import read_meta_table

    html = """<ul><li><span>文　　号：</span><span>临政办发[2025]6号</span></li>
              <li><span>成文日期：</span><span>2025年02月18日</span></li></ul>"""
    meta, _ = read_meta_table(BeautifulSoup(html, "lxml"))
    assert meta == {"doc_number": "临政办发〔2025〕6号", "date": "2025-02-18"}


@pytest.mark.parametrize("lines, expected", [
    (["3．推进设施建设。（牵头单位：市生态环境局；配合单位：", "市财政局；完成时限：2026年12月底前）", "4．健全机制。"],
     ["3．推进设施建设。（牵头单位：市生态环境局；配合单位：市财政局；完成时限：2026年12月底前）", "4．健全机制。"]),
    (["一、总体要求：", "二、重点任务"], ["一、总体要求：", "二、重点任务"]),
])
def test_pdf_lines_inside_an_open_bracket_are_joined(lines, expected):
    from indexer.sources import join_lines

    assert join_lines(lines) == expected


# ---------------------------------------------------------------------------
# Properties: joining a wrapped title keeps the text normalised and parseable
# ---------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from test_structure import check_invariants  # noqa: E402

TITLE_PIECES = ["某市人民政府关于", "印发某某方案的通知", "加强管理的意见", "实施方案（2025—2027年）", "某县人民政府文件",
                "某政发〔2025〕3号", "一、总体要求", "（一）加强管理。", "1．推进。", "各县（市、区）人民政府：", "\n", "\n\n",
                "序号\t任务\t牵头单位", "\t", "|", "抄送：市委。", "某市人民政府办公室 2025年3月14日印发", "（牵头单位：市局）"]
title_texts = st.lists(st.one_of(st.sampled_from(TITLE_PIECES), st.text(max_size=5)), max_size=30).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title_texts)
def test_joined_titles_stay_normalised_and_parse(text):
    norm = normalize(text)
    joined = join_title_lines(norm)
    assert normalize(joined) == joined
    assert joined.replace("\n", "") == norm.replace("\n", "")  # only line breaks removed
    check_invariants(joined)
