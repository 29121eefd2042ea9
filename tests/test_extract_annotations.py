"""Responsibility annotations, blanket rules, shared prefixes, pasted tables and targets in the
forms real documents use (issue 13); each test is one rule on a short text of our own."""

from __future__ import annotations

import pytest

from indexer.pipeline import parse_text

HEAD = "某县人民政府关于印发某县2025年治水工作要点的通知\n\n某县人民政府\n2025年3月1日\n\n"


def tasks_of(body: str, title: str = HEAD):
    pd = parse_text(title + body, {"id": "t", "date": "2025-03-01", "level": "county", "issuer": "某县人民政府"}, name="t.txt")
    return pd


def targets_in(sentence: str) -> list[tuple]:
    """(indicator, value, unit) of the targets of ``sentence`` read as a goal paragraph."""
    pd = tasks_of("一、工作目标\n\n" + sentence)
    return [(t.indicator, t.value, t.unit) for t in pd.targets]


def roles(task, source="explicit"):
    return {(p.role, p.key) for p in task.parties if p.source == source}


def task_with(pd, words):
    return next(t for t in pd.tasks if words in t.text)


def test_duty_units_lead_and_implementers_own():
    pd = tasks_of("一、重点任务\n\n（一）修订巡河规范。明确巡河频次（县河长办、县水利局按职责分工负责，各镇人民政府具体落实）。")
    assert roles(task_with(pd, "明确巡河频次")) == {
        ("lead", "县河长办"), ("lead", "县水利局"), ("owner", "各镇人民政府")}


def test_duty_units_support_beside_a_lead():
    pd = tasks_of("一、重点任务\n\n（一）治理黑臭水体。完成排查（县生态环境局牵头，县水利局按职责分工负责）。")
    assert roles(task_with(pd, "完成排查")) == {("lead", "县生态环境局"), ("support", "县水利局")}


def test_bare_list_in_square_brackets_names_leads():
    pd = tasks_of("一、重点任务\n\n（一）完善设施。改造雨水管网25公里〔县住建局、县水利局〕。")
    assert roles(task_with(pd, "改造雨水管网")) == {("lead", "县住房城乡建设局"), ("lead", "县水利局")}


def test_first_listed_leads_from_the_note_on():
    pd = tasks_of("一、重点任务\n\n1.发展光伏。推进光伏开发（县发展改革委、县财政局。列第一位者为牵头部门，下同）。\n\n"
                  "2.严控煤炭。淘汰燃煤锅炉（县生态环境局、县发展改革委、县财政局）。")
    assert roles(task_with(pd, "推进光伏开发")) == {("lead", "县发展改革委"), ("support", "县财政局")}
    assert roles(task_with(pd, "淘汰燃煤锅炉")) == {("lead", "县生态环境局"), ("support", "县发展改革委"),
                                                  ("support", "县财政局")}


def test_part_heading_lead_speaks_for_its_items():
    pd = tasks_of("一、重点任务（县住建局总牵头）\n\n（一）建设调蓄设施。结合公园绿地建设雨水调蓄设施。")
    assert roles(task_with(pd, "雨水调蓄设施")) == {("lead", "县住房城乡建设局")}


def test_label_lines_under_an_item_read_together():
    pd = tasks_of("一、主要目标\n\n1.全县PM2.5年均浓度控制在32微克/立方米左右。\n\n牵头单位：县生态环境局\n\n"
                  "责任单位：县水利局，各镇人民政府\n\n2.开展土壤调查。\n\n责任单位：县农业农村局\n\n完成时限：2025年12月底前")
    first = task_with(pd, "PM2.5")
    assert roles(first) == {("lead", "县生态环境局"), ("support", "县水利局"), ("support", "各镇人民政府")}
    second = task_with(pd, "开展土壤调查")
    assert roles(second) == {("lead", "县农业农村局")}
    assert (second.deadline.year, second.deadline.month) == (2025, 12)
    assert not [p for p in pd.provisions if p.kind == "closing"]  # label lines are no closing


def test_mid_paragraph_annotation_belongs_to_the_sentences_before_it():
    pd = tasks_of("一、重点任务\n\n（一）推进改造。对老旧小区实施海绵化改造（县住建局负责）。新建小区严格落实管控要求（县自然资源局负责）。"
                  "开展宣传活动。")
    assert roles(task_with(pd, "老旧小区")) == {("lead", "县住房城乡建设局")}
    assert roles(task_with(pd, "新建小区")) == {("lead", "县自然资源局")}
    assert not {r for r, _ in roles(task_with(pd, "开展宣传活动"))} & {"lead", "support"}


def test_blanket_rule_owns_every_later_task_and_is_no_task():
    pd = tasks_of("一、强化履职\n\n（一）开展述职。组织镇级河长述职（县河长办负责）。\n\n"
                  "以下任务均由各镇人民政府负责落实，不再一一列出。\n\n二、治理水环境\n\n（二）整治排污口。完成排污口排查（县生态环境局牵头）。")
    assert not [t for t in pd.tasks if "不再一一列出" in t.text]
    assert ("owner", "各镇人民政府") in roles(task_with(pd, "完成排污口排查"))
    assert ("owner", "各镇人民政府") not in roles(task_with(pd, "组织镇级河长述职"))
    assert not [p for t in pd.tasks for p in t.parties if "列出" in p.name]


def test_shared_prefix_enumeration_names_bodies_of_that_level():
    pd = tasks_of("一、保障措施\n\n（一）落实经费。县财政局、审计局、统计局分别做好经费保障、资金审计和数据核定工作。")
    t = task_with(pd, "经费保障")
    assert {("owner", "县财政局"), ("owner", "县审计局"), ("owner", "县统计局")} <= roles(t)
    assert {p.name for p in t.parties} >= {"县审计局", "县统计局"}


def test_table_pasted_with_spaces_reads_as_rows_and_the_category_is_no_task():
    pd = tasks_of("一、任务分解\n\n序号 类别 主要任务 牵头单位 配合单位 完成时限\n\n"
                  "1 加强水资源保护 开展节水型社会达标复核 县水利局 县发展改革委、县统计局 2025年10月底前")
    t = task_with(pd, "节水型社会")
    assert t.text == "开展节水型社会达标复核"
    assert not [x for x in pd.tasks if "水资源保护" in x.text]  # the 类别 cell is no task
    assert roles(t) == {("lead", "县水利局"), ("support", "县发展改革委"), ("support", "县统计局")}
    assert (t.deadline.year, t.deadline.month) == (2025, 10)


@pytest.mark.parametrize("group", ["（一）农业节水", "一、农业节水", "农业节水类"])
def test_a_group_row_between_pasted_rows_does_not_end_the_table(group):
    pd = tasks_of("一、任务分工\n\n序号  重点任务  牵头单位  配合单位  完成时限\n\n"
                  f"{group}\n\n1  新建节水灌溉面积2万亩  县农业农村局  县水利局  2025年10月底前\n\n"
                  "（二）工业节水\n\n2  创建节水型企业5家  县工信局  县水利局  2025年12月底前")
    a, b = task_with(pd, "节水灌溉"), task_with(pd, "节水型企业")
    assert (a.text, b.text) == ("新建节水灌溉面积2万亩", "创建节水型企业5家")
    assert roles(a) == {("lead", "县农业农村局"), ("support", "县水利局")}
    assert roles(b) == {("lead", "县工业和信息化局"), ("support", "县水利局")}
    assert (b.deadline.year, b.deadline.month) == (2025, 12)
    assert not [t for t in pd.tasks if "农业节水" in t.text]  # the group row is no task


def test_a_group_row_of_an_html_table_does_not_end_the_table(tmp_path):
    from indexer.pipeline import parse_file

    html = ("<html><head><title>某县节水任务分工方案</title></head><body><div class='article'>"
            "<p>某县节水任务分工方案</p><p>为全面落实节水优先方针，推进全县农业、工业和城镇节水，"
            "提高水资源利用效率，结合本县实际，现将年度节水重点任务分解如下，各单位要认真组织实施。</p>"
            "<p>一、任务分工</p><table>"
            "<tr><td>序号</td><td>重点任务</td><td>牵头单位</td><td>完成时限</td></tr>"
            "<tr><td colspan='4'>（一）农业节水</td></tr>"
            "<tr><td>1</td><td>新建节水灌溉面积2万亩</td><td>县农业农村局</td><td>2025年10月底前</td></tr>"
            "<tr><td colspan='4'>（二）工业节水</td></tr>"
            "<tr><td>2</td><td>创建节水型企业5家</td><td>县工信局</td><td>2025年12月底前</td></tr>"
            "</table><p>某县人民政府</p><p>2025年3月1日</p></div></body></html>")
    page = tmp_path / "t.html"
    page.write_text(html, encoding="utf-8")
    pd = parse_file(page)
    b = task_with(pd, "节水型企业")
    assert roles(b) == {("lead", "县工业和信息化局")}
    assert (b.deadline.year, b.deadline.month) == (2025, 12)


def test_a_sentence_line_between_pasted_rows_ends_the_table():
    pd = tasks_of("一、任务分工\n\n序号  重点任务  牵头单位  完成时限\n\n"
                  "1  新建节水灌溉面积2万亩  县农业农村局  2025年10月底前\n\n"
                  "各单位要按月报送进展，确保任务按期完成。\n\n2  这一行  不是  表格  的行")
    assert roles(task_with(pd, "节水灌溉")) == {("lead", "县农业农村局")}
    assert not [t for t in pd.tasks if "不是" in t.text and t.parties and
                any(p.role == "lead" and p.name == "不是" for p in t.parties)]


@pytest.mark.parametrize("sentence, role", [
    ("县财政局负责统筹安排配套资金。", "owner"),       # the body doing the work
    ("县水利局负责河湖水域岸线日常管理。", "owner"),
    ("县水利局负责统筹协调全县节水工作。", "lead"),   # coordinating others
    ("县工信局负责督促园区企业实施雨污分流改造。", "lead"),  # overseeing the doers (园区企业 own it)
    ("由县水利局负责河道清淤。", "lead"),             # 由X负责: the task is assigned to X
])
def test_a_lone_unit_in_running_text_owns_the_work_unless_it_coordinates(sentence, role):
    pd = tasks_of("一、重点任务\n\n（一）加强管理。" + sentence)
    t = pd.tasks[-1]
    # (the body overseen to do the work owns it, as docs/forms.md has said since set j*)
    assert {r for r, n in roles(t) if n != "园区企业"} == {role}, roles(t)


def test_a_running_text_duty_stated_again_in_the_annotation_keeps_the_annotations_role():
    pd = tasks_of("一、重点任务\n\n（一）推进污水治理。县住建局负责编制污水治理专项规划。（牵头单位：县住建局；配合单位：县财政局）")
    assert roles(task_with(pd, "专项规划")) == {("lead", "县住房城乡建设局"), ("support", "县财政局")}


def test_a_quantity_for_the_whole_year_is_dated_to_the_document_year_and_says_it_is_inferred():
    from kb.export import deadline_text

    pd = tasks_of("一、重点任务\n\n（一）治理燃煤锅炉。全年淘汰燃煤锅炉30台。\n\n（二）治理河道。年内完成河道清淤12公里。")
    whole = task_with(pd, "燃煤锅炉30台").deadline
    assert (whole.year, whole.year_source, whole.year_inferred) == (2025, "document", True)
    assert deadline_text(whole) == "全年（2025年，推断）"
    within = task_with(pd, "河道清淤").deadline
    assert (within.year, within.year_inferred) == (2025, False)  # 年内 states a deadline: this year


@pytest.mark.parametrize("sentence, expected", [
    # a body, a recurrence or a deadline, then 向 + the recipient, then the verb
    ("各镇人民政府每季度末向县生态环境局报送工作进展。", {("owner", "各镇人民政府"), ("recipient", "县生态环境局")}),
    ("县水利局于6月底前向县政府报送工作进展。", {("owner", "县水利局"), ("recipient", "县人民政府")}),
    ("各镇人民政府要于每季度末报送工作进展。", {("owner", "各镇人民政府")}),
    # party bodies: 县委督查室, 镇纪委
    ("县委督查室、县政府督查室要将重点任务纳入年度督查计划。", {("owner", "县委督查室"), ("owner", "县政府督查室")}),
    ("镇财政所负责保障整治资金，镇纪委负责对推进不力的村开展问责。", {("owner", "镇财政所"), ("owner", "镇纪委监委")}),
    # X、Y等部门按照各自职责…: the bodies before 等部门 do the work
    ("县发展改革委、县工信局等部门按照各自职责，做好节约用水相关工作。",
     {("owner", "县发展改革委"), ("owner", "县工业和信息化局")}),
    # X会同Y统筹…: Y supports, whatever verb follows it
    ("县财政局会同县生态环境局统筹中央和省级相关资金。", {("lead", "县财政局"), ("support", "县生态环境局")}),
])
def test_duties_in_running_text(sentence, expected):
    t = tasks_of("一、重点任务\n\n（一）加强管理。" + sentence).tasks[-1]
    assert roles(t) == expected


def test_a_count_of_what_the_work_is_done_to_is_no_target():
    pd = tasks_of("一、重点任务\n\n（一）加强运维。对全镇12个行政村污水设施开展运行评估，全年完成4个村庄生活污水治理。")
    assert [(g.indicator, g.value) for g in pd.targets] == [("村庄生活污水治理", 4)]


@pytest.mark.parametrize("item", ["1.6月底前完成问题厕所排查整改。", "1．3月底前下达年度改造计划。"])
def test_an_item_number_touching_a_month_is_the_item_number(item):
    pd = tasks_of("一、重点任务\n\n（一）农村厕所革命\n\n" + item + "（镇农业农村服务中心牵头）\n\n2.推进粪污资源化利用。")
    first = [t for t in pd.tasks if "item_1" in t.clause_id]
    assert first and first[0].deadline.month in (3, 6) and first[0].text[0] in "36"
    assert roles(task_with(pd, "粪污")) == set()  # the annotation is item 1's


def test_a_blanket_rule_does_not_reach_the_part_on_how_the_work_is_done():
    pd = tasks_of("一、重点任务\n\n以下任务由各镇人民政府负责落实，不再一一列出。\n\n（一）清淤。完成河道清淤12公里。\n\n"
                  "二、保障措施\n\n（一）资金保障。县财政局负责落实专项资金。")
    assert ("owner", "各镇人民政府") in roles(task_with(pd, "河道清淤"))
    assert roles(task_with(pd, "专项资金")) == {("owner", "县财政局")}


def test_an_action_goal_heading_makes_its_sentences_goals():
    pd = tasks_of("一、行动目标\n\n到2027年底，平原地区、近郊村庄生活污水治理率分别达到60%、70%。\n\n二、重点任务\n\n"
                  "（一）建设管网。新建污水管网20公里。")
    assert not [t for t in pd.tasks if "治理率" in t.text]
    assert {g.value for g in pd.targets} >= {60, 70}


def test_a_dated_segment_ending_in_removal_states_an_outcome():
    pd = tasks_of("一、重点任务\n\n（一）治水。到2027年，全县城区黑臭水体全部消除，臭氧浓度上升趋势得到遏制。\n\n"
                  "（二）治气。持续推进城区黑臭水体整治，力争全部消除。")
    assert [(g.indicator, g.value, g.qualifier, g.year) for g in pd.targets] == [
        ("城区黑臭水体", None, "全部消除", 2027), ("臭氧浓度上升趋势", None, "得到遏制", 2027)]  # undated: none


@pytest.mark.parametrize("sentence, expected", [
    # bodies without a level prefix as subjects (开发区, 园区 documents)
    ("安全生产和生态环境局负责日常监督检查。", {("owner", "安全生产和生态环境局")}),
    ("党政办公室每月调度一次重点工作进展。", {("owner", "党政办公室")}),
    ("各园区服务中心是本园区安全生产的第一责任主体。", {("owner", "各园区服务中心")}),  # a duty with no verb
    ("县委宣传部、县妇联、团县委要组织开展进校园活动。", {("owner", "县委宣传部"), ("owner", "县妇联"), ("owner", "团县委")}),
    ("乡镇人民政府负责工程建设的协调和建后管护。", {("owner", "乡镇人民政府")}),
    ("县农业农村局负责全县高标准农田建设的统筹协调和监督指导。", {("lead", "县农业农村局")}),
])
def test_subjects_found_in_set_l(sentence, expected):
    t = tasks_of("一、重点任务\n\n（一）加强管理。" + sentence).tasks[-1]
    assert roles(t) == expected


def test_an_obligation_of_whoever_a_measure_names_is_a_task():
    # the kind of party the rule binds is its owner (docs/forms.md, after z/a: 养护责任人应当…; f* labelled no one)
    pd = tasks_of("一、重点任务\n\n（一）整改。设置人应当于2027年6月30日前完成整改。")
    t = task_with(pd, "完成整改")
    assert roles(t) == {("owner", "设置人")} and (t.deadline.year, t.deadline.month) == (2027, 6)


def test_a_goal_sentence_with_a_named_doer_is_a_task():
    pd = tasks_of("一、工作目标\n\n2025年6月底前，各镇（街道）完成村级分类收集设施配置；到2027年底，覆盖率达到90%以上。")
    assert roles(task_with(pd, "收集设施配置")) == {("owner", "各镇（街道）")}
    assert not [t for t in pd.tasks if "覆盖率" in t.text]


@pytest.mark.parametrize("sentence, expected", [
    ("全年规模以上工业总产值增长10%—12%。", [("规模以上工业总产值增长", 10, "%", "10%—12%")]),
    ("引进产业项目20个以上，其中10亿元以上项目3个。", [("引进产业项目", 20, "个", "以上"), ("10亿元以上项目", 3, "个", None)]),
    ("2025年9月底前每个镇（街道）建成1座垃圾分类转运站。", [("垃圾分类转运站", 1, "座", None)]),
    ("企业开办时间压缩至1个工作日。", [("企业开办时间", 1, "个工作日", None)]),
    ("万元工业增加值用水量下降到28立方米每万元。", [("万元工业增加值用水量", 28, "立方米/万元", None)]),
    ("项目区亩均粮食产能提高100公斤左右。", [("项目区亩均粮食产能", 100, "公斤", "左右")]),
    ("完成年用水量10万立方米以上工业企业水平衡测试。", []),  # a threshold describing the firms
])
def test_target_forms_found_in_set_l(sentence, expected):
    pd = tasks_of("一、重点任务\n\n（一）推进。" + sentence)
    got = [(g.indicator, g.value, g.unit, g.qualifier) for g in pd.targets]
    assert [(i, v, u) for i, v, u, _ in got] == [(i, v, u) for i, v, u, _ in expected]
    assert [q for *_, q in got][:1] == [q for *_, q in expected][:1]


def test_a_year_column_before_the_document_year_is_where_things_stand():
    pd = tasks_of("一、主要指标\n\n指标｜单位｜2024年｜2027年｜属性\n\n农村自来水普及率｜%｜88｜91｜约束性")
    assert [(g.indicator, g.value, g.year) for g in pd.targets] == [("农村自来水普及率", 91, 2027)]


@pytest.mark.parametrize("sentence, expected", [
    ("各乡镇人民政府要配合做好学校建设用地保障。", {("support", "各乡镇人民政府")}),
    ("各区（县）人民政府对本辖区自建房安全负属地管理责任。", {("owner", "各区（县）人民政府")}),
    ("各区（县）、各重点企业全年至少组织开展2次综合应急演练。", {("owner", "各区（县）"), ("owner", "各重点企业")}),
    ("各中小学校是提升办学质量的实施主体。", {("owner", "各中小学校")}),
    ("各A级旅游景区要于2025年6月底前全面推行分时预约。", {("owner", "各A级旅游景区")}),
    ("各村（社区）负责组织危险区域群众提前转移。", {("owner", "各村（社区）")}),  # organising is doing
])
def test_subjects_found_in_set_m(sentence, expected):
    t = tasks_of("一、重点任务\n\n（一）加强管理。" + sentence).tasks[-1]
    assert {x for x in roles(t) if x[0] != "lead" or x in expected} == expected


@pytest.mark.parametrize("annotation, expected", [
    ("（芒溪县人民政府负责）", {("lead", "芒溪县人民政府")}),
    ("（牵头单位：县数据局；责任单位：县直各部门）", {("lead", "县数据局"), ("support", "县直各部门")}),
    ("（县安委会办公室牵头，各区（县）、有关成员单位配合）",
     {("lead", "县安委会办公室"), ("support", "各区（县）"), ("support", "有关成员单位")}),
])
def test_annotation_units_found_in_set_m(annotation, expected):
    t = tasks_of("一、重点任务\n\n（一）推进。2025年9月底前建成旅游公路" + annotation + "。").tasks[-1]
    assert roles(t) == expected


def test_a_blanket_rule_inside_an_annotation_owns_its_item_and_the_later_ones():
    pd = tasks_of("一、重点任务\n\n（一）推进上云。2025年9月底前完成业务系统迁移上云。（牵头单位：县数据局；责任单位：县直各部门。"
                  "以下任务均需各镇人民政府落实，不再一一列出）\n\n（二）推进共享。新增共享数据目录50个。（县政务服务中心牵头）")
    assert roles(task_with(pd, "迁移上云")) == {("lead", "县数据局"), ("support", "县直各部门"), ("owner", "各镇人民政府")}
    assert roles(task_with(pd, "共享数据目录")) == {("lead", "县政务服务中心"), ("owner", "各镇人民政府")}


@pytest.mark.parametrize("sentence, expected", [
    ("全州接待游客人次突破1.2亿人次。", [("全州接待游客人次", 1.2, "亿人次")]),
    ("亿元地区生产总值生产安全事故死亡率控制在0.012以内。", [("亿元地区生产总值生产安全事故死亡率", 0.012, None)]),
    ("改扩建第二中学，消除56人以上大班额。", []),  # a threshold describing the classes
])
def test_target_forms_found_in_set_m(sentence, expected):
    pd = tasks_of("一、重点任务\n\n（一）推进。" + sentence)
    assert [(g.indicator, g.value, g.unit) for g in pd.targets] == expected


@pytest.mark.parametrize("sentence, expected", [
    ("局办公室负责每半年督查通报一次工作进展。", {("owner", "局办公室")}),
    ("局计划财务科要统筹用好体育彩票公益金。", {("owner", "局计划财务科")}),
    ("县科技局承担委员会日常工作。", {("owner", "县科技局")}),
    ("各科室、各市场监管所要对照本要点细化工作措施。", {("owner", "各科室"), ("owner", "各市场监管所")}),
    ("各市州人民政府要落实就业工作属地责任。", {("owner", "各市州人民政府")}),
    ("县科技局会同县财政局制定科技成果转化奖补办法。", {("lead", "县科技局"), ("support", "县财政局")}),
])
def test_subjects_found_in_set_n(sentence, expected):
    t = tasks_of("一、重点任务\n\n（一）加强管理。" + sentence).tasks[-1]
    assert roles(t) == expected


def test_a_first_listed_note_in_a_responsible_list_makes_the_first_unit_lead_from_there_on():
    pd = tasks_of("一、重点任务\n\n（一）加强研发。实施高新技术企业倍增计划（责任单位：县科技局、县税务局。列第一位者为牵头单位，下同）。"
                  "\n\n（二）建设平台。建成重点实验室15个（责任单位：县科技局、县发展改革委）。")
    assert roles(task_with(pd, "倍增计划")) == {("lead", "县科技局"), ("support", "县税务局")}
    assert roles(task_with(pd, "重点实验室")) == {("lead", "县科技局"), ("support", "县发展改革委")}


@pytest.mark.parametrize("sentence, expected", [
    ("2025年底前新建体育公园4个，2027年底前再建成3个。", [("体育公园", 4, "个"), ("体育公园", 3, "个")]),
    ("新建或更新社区健身路径120条。", [("社区健身路径", 120, "条")]),
    ("开工改造城镇老旧小区24个。", [("城镇老旧小区", 24, "个")]),
    ("全年完成食品安全监督抽检2600批次。", [("食品安全监督抽检", 2600, "批次")]),
    ("全县筹集保障性租赁住房800套（间）。", [("保障性租赁住房", 800, "套（间）")]),
])
def test_target_forms_found_in_set_n(sentence, expected):
    pd = tasks_of("一、重点任务\n\n（一）推进。" + sentence)
    assert [(g.indicator, g.value, g.unit) for g in pd.targets] == expected


@pytest.mark.parametrize("sentence, expected", [
    ("全年培育农村电商带头人200名。", [("农村电商带头人", 200, "名")]),
    ("新建普适型地质灾害监测设备600台（套）。", [("普适型地质灾害监测设备", 600, "台（套）")]),
    ("组织开展国防教育进村入户活动不少于4场次。", [("国防教育进村入户活动", 4, "场次")]),
    ("每个重点乡镇至少开展1次应急演练。", []),  # how often, of nothing named
    ("各村（社区）要明确1名消防安全管理员。", []),  # someone assigned
])
def test_target_forms_found_in_set_o(sentence, expected):
    pd = tasks_of("一、重点任务\n\n（一）推进。" + sentence)
    assert [(g.indicator, g.value, g.unit) for g in pd.targets] == expected


def test_title_only_article_heading_is_no_task():
    pd = tasks_of("一、重点任务\n\n（一）优化能源结构，推动能源清洁化。\n\n1.发展光伏。推进分布式光伏开发（县发展改革委）。")
    assert not [t for t in pd.tasks if "优化能源结构" in t.text]
    assert [p for p in pd.provisions if p.heading == "优化能源结构，推动能源清洁化"]


def test_annotated_sentence_with_a_verb_is_a_task_whatever_its_subject():
    pd = tasks_of("一、重点任务\n\n（一）推进超低排放。2025年底前，全县钢铁企业全面完成超低排放改造。（县生态环境局牵头，县工信局配合）")
    t = task_with(pd, "超低排放改造")
    assert roles(t) == {("lead", "县生态环境局"), ("support", "县工业和信息化局")}
    assert (t.deadline.year, t.deadline.month) == (2025, 12)


def test_annotation_that_names_no_unit_is_reported():
    pd = tasks_of("一、重点任务\n\n（一）加强巡查。开展日常巡查（按属地原则负责）。")
    t = task_with(pd, "开展日常巡查")
    assert t.warnings and "未读出责任单位" in t.warnings[0]
    assert any(w.startswith("t.txt: ") and "named no unit" in w for w in pd.warnings)


def test_several_actions_get_their_own_inferred_leads():
    pd = tasks_of("一、重点任务\n\n（一）推进城市更新。推动城市交通提质增效，实施老旧小区改造，系统推进海绵城市建设。")
    leads = {t.text: {p.key for p in t.parties if p.role == "lead" and p.source == "inferred"}
             for t in pd.tasks if t.clause_id.endswith("cl_1")}
    assert leads["实施老旧小区改造"] == {"县住房城乡建设局"}
    assert leads["推动城市交通提质增效"] == {"县交通运输局"}


@pytest.mark.parametrize("sentence,want", [
    ("到2027年，城区和镇区燃气普及率分别达到98%、90%。",
     [("城区燃气普及率", 98, "%"), ("镇区燃气普及率", 90, "%")]),
    ("到2025年，城市生活污水集中收集率（不含工业废水）达到75%以上。",
     [("城市生活污水集中收集率（不含工业废水）", 75, "%")]),
    ("到2025年，全县细颗粒物平均浓度下降到33微克每立方米。", [("全县细颗粒物平均浓度", 33, "微克/立方米")]),
    ("全镇共有12个行政村纳入整治范围，考核力争列全县第3位。", []),
    ("改造雨水管网25公里〔县住建局、县水利局〕。", [("雨水管网", 25, "公里")]),
])
def test_targets_read_one_indicator_each(sentence, want):
    assert targets_in(sentence) == want


# ---------------------------------------------------------------------------
# Forms found by the blind run of eval/extract_real_forms_fresh2.jsonl (h*)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("sentence,want", [
    # a dated outcome without a number: the standard reached is the indicator
    ("到2027年，农村水环境质量达到国家考核要求。", [("国家考核要求", None, None, "达到", 2027)]),
    # a value written inside its indicator
    ("到2027年，城市建成区40%以上的面积达到海绵城市建设要求。",
     [("城市建成区面积达到海绵城市建设要求的比例", 40, "%", "以上", 2027)]),
    # 分别 past the scope word that opens the first modifier
    ("到2027年，全省城市和县城燃气管道更新改造率分别达到95%、85%。",
     [("全省城市燃气管道更新改造率", 95, "%", None, 2027), ("县城燃气管道更新改造率", 85, "%", None, 2027)]),
    ("全年查处占道经营问题不少于300起。", [("查处占道经营问题", 300, "起", "以上", 2025)]),
    ("到2027年，全县80%以上的行政村实现生活垃圾分类。", [("全县行政村实现生活垃圾分类的比例", 80, "%", "以上", 2027)]),
    ("到2025年，60%以上的规模养殖场完成粪污处理设施改造。",
     [("规模养殖场完成粪污处理设施改造的比例", 60, "%", "以上", 2025)]),
])
def test_dated_outcomes_shares_and_counted_cases_are_targets(sentence, want):
    pd = tasks_of("一、工作目标\n\n" + sentence)
    assert [(t.indicator, t.value, t.unit, t.qualifier, t.year) for t in pd.targets] == want


@pytest.mark.parametrize("sentence", [
    "企业排放须达到国家排放标准。",  # no stated year: a requirement, not a dated outcome
    "到2027年，不达标企业未达到国家排放标准的一律停产整治。",
    "到2027年，出水达到一级A标准的污水处理厂达到12座。",  # a description of what is counted
])
def test_a_standard_without_a_stated_year_or_describing_a_noun_is_no_outcome_target(sentence):
    pd = tasks_of("一、工作目标\n\n" + sentence)
    assert not [t for t in pd.targets if t.value is None]


def test_provincial_department_names_are_bodies_in_running_text():
    pd = tasks_of("一、重点任务\n\n（一）强化保障。省财政厅、省自然资源厅加强资金和用地保障。")
    assert roles(task_with(pd, "加强资金")) == {("owner", "省财政厅"), ("owner", "省自然资源厅")}


@pytest.mark.parametrize("sentence,name", [
    ("自治区林业调查规划院负责全区遥感影像判读。", "自治区林业调查规划院"),
    ("区农田建设管理服务站每月对在建项目开展质量抽查。", "区农田建设管理服务站"),
    ("街道财政所按季度拨付环境整治经费。", "街道财政所"),
    ("地区财政局积极争取上级资金支持。", "地区财政局"),
])
def test_bodies_outside_the_lexicon_doing_the_work_are_responsible(sentence, name):
    pd = tasks_of("一、重点任务\n\n（一）抓好落实。" + sentence)
    assert name in {p.key for t in pd.tasks for p in t.parties if p.source == "explicit"
                    and p.role in ("lead", "owner")}


def test_a_subject_followed_by_a_frame_is_the_owner_of_the_task():
    pd = tasks_of("一、重点任务\n\n（一）落实资金。县财政局按照亩均不低于3000元的标准落实资金。")
    assert roles(task_with(pd, "落实资金")) == {("owner", "县财政局")}


def test_a_body_named_the_responsible_subject_owns_the_task_and_each_shares_the_distributive():
    pd = tasks_of("一、重点任务\n\n（一）强化管护。各镇人民政府、街道办事处是建后管护的责任主体，要落实管护人员。")
    assert roles(task_with(pd, "建后管护")) == {("owner", "各镇人民政府"), ("owner", "各街道办事处")}


def test_a_sentence_that_only_assigns_speaks_for_the_sentences_before_it_and_is_no_task():
    pd = tasks_of("一、重点任务\n\n（一）推进改造。新建污水管网20公里。县住建局、县水务局按职责分工负责。")
    assert roles(task_with(pd, "新建污水管网")) == {("lead", "县住房城乡建设局"), ("lead", "县水利局")}
    assert not [t for t in pd.tasks if "按职责分工负责" in t.text]


def test_a_responsible_section_label_reads_as_the_lead():
    pd = tasks_of("一、重点任务\n\n1．开展背街小巷整治。（责任科室：城管办；配合：各社区居委会）")
    assert roles(task_with(pd, "背街小巷")) == {("lead", "城管办"), ("support", "各社区居委会")}


def test_a_blanket_rule_for_villages_owns_the_later_tasks():
    pd = tasks_of("一、重点任务\n\n以下任务均由各村（社区）负责落实，不再一一列出。\n\n（一）清洁行动。2025年6月底前完成乱堆乱放清理。")
    assert ("owner", "各村（社区）") in roles(task_with(pd, "乱堆乱放"))


def test_a_bracket_inside_a_name_is_the_round_one():
    from kb.names import canonical_name
    assert canonical_name("各市〔州〕人民政府") == "各市（州）人民政府"


# The issue's targets on the real-form sets, as measured after the fixes (docs/tasks.md): a rule
# that breaks a form read today fails here. fresh2's owner recall is below the issue's bar for a
# labelling reason (X会同Y labelled as two owners there, lead and support elsewhere), so it is
# guarded at what it is, not at the bar.
ISSUE_13 = {"responsible": (0.90, 0.85), "lead": (None, 0.85), "owner": (None, 0.80), "deadline": (None, 0.80),
            "target_indicators": (0.85, 0.85)}


def _reached(responsible, lead, owner, deadline, indicators, **more):
    return {"responsible": responsible, "lead": lead, "owner": owner, "deadline": deadline,
            "target_indicators": indicators, **more}


@pytest.mark.parametrize("gold, floors", [
    ("extract_real_forms.jsonl", ISSUE_13),
    ("extract_real_forms_fresh.jsonl", ISSUE_13),
    ("extract_real_forms_fresh2.jsonl", {**ISSUE_13, "owner": (0.95, 0.80)}),
    # the figures reached (docs/tasks.md), held as floors: nothing may move backwards
    ("extract_real_forms.jsonl", _reached((1.0, 1.0), (None, 1.0), (None, 1.0), (None, 1.0), (0.967, 0.935))),
    ("extract_real_forms_fresh.jsonl", _reached((1.0, 1.0), (None, 1.0), (None, 1.0), (None, 1.0), (0.963, 0.929))),
    ("extract_real_forms_fresh2.jsonl", _reached((1.0, 0.963), (0.937, 1.0), (1.0, 0.857), (0.938, 1.0),
                                                 (0.966, 0.903))),
    ("extract_gold.jsonl", {"target_indicators": (0.875, 0.875)}),  # the seed's indicators, raised by set i*'s fixes
    # set i*, after the fixes that followed its blind run (docs/tasks.md)
    ("extract_real_forms_fresh3.jsonl", _reached((1.0, 1.0), (1.0, 1.0), (1.0, 1.0), (0.926, 1.0), (1.0, 1.0),
                                                 support=(1.0, 1.0))),
    # set j*, after the fixes that followed its blind run (docs/forms.md)
    # (indicators 0.923/0.857 → 0.897/0.833 after set n*'s rule that 新建和改造X counts X: j*'s labels keep the
    # verbs in two indicators, 新建和改造配套送出线路 and 新建和改造供水管网, against the convention in docs/forms.md)
    ("extract_real_forms_fresh4.jsonl", _reached((0.972, 0.972), (0.973, 1.0), (0.923, 0.857), (0.913, 1.0),
                                                 (0.902, 0.881), support=(0.956, 0.956))),
    # set k*, after the fixes that followed its blind run (docs/forms.md)
    # (k*'s labels give no role to a body X负责指导 to do the work, and label one …组织实施 unit as support: docs/forms.md
    # makes both carry out the work (owner); responsible, owner and support moved with that)
    ("extract_real_forms_fresh5.jsonl", _reached((0.993, 0.965), (0.985, 1.0), (0.935, 0.829), (0.875, 0.933),
                                                 (0.962, 0.895), support=(1.0, 0.977))),
    # set l*, after the fixes that followed its blind run (docs/forms.md)
    # (owner precision .833 → .816 when a person a rule binds, 设置人应当…, became its owner as the later sets label it;
    # f* labels no one)
    ("extract_real_forms_fresh6.jsonl", _reached((0.921, 0.941), (0.964, 0.915), (0.816, 0.938), (0.763, 0.879),
                                                 (0.86, 0.845), support=(0.935, 0.977))),
    # set m*, after the fixes that followed its blind run (docs/forms.md)
    ("extract_real_forms_fresh7.jsonl", _reached((0.981, 0.956), (1.0, 0.941), (0.977, 0.977), (0.838, 0.939),
                                                 (0.867, 0.848), support=(0.957, 0.957))),
    # set n*, after the fixes that followed its blind run (docs/forms.md)
    ("extract_real_forms_fresh8.jsonl", _reached((1.0, 0.965), (1.0, 0.966), (1.0, 0.912), (0.969, 0.969),
                                                 (0.902, 0.925), support=(1.0, 1.0))),
    # set o*, after the fixes that followed its blind run (docs/forms.md)
    # (o*'s labels leave the Y of X与Y联合发布 out; y*'s make both lead, as the rule now does)
    ("extract_real_forms_fresh9.jsonl", _reached((0.993, 0.972), (0.968, 0.984), (1.0, 0.935), (0.97, 0.914),
                                                 (0.936, 0.936), support=(1.0, 0.96))),
    # set p*, after the fixes that followed its blind run (docs/forms.md)
    ("extract_real_forms_fresh10.jsonl", _reached((0.97, 1.0), (0.953, 1.0), (0.981, 1.0), (0.892, 0.943),
                                                  (0.892, 0.943), support=(0.971, 1.0))),
    # set q*, after the fixes that followed its blind run (docs/forms.md)
    ("extract_real_forms_fresh11.jsonl", _reached((0.993, 0.993), (1.0, 1.0), (0.977, 0.977), (0.833, 0.938),
                                                  (0.863, 0.898), support=(1.0, 1.0))),
    # set r*, after the fixes that followed its blind run (docs/forms.md); deadline precision .824 → .806 when
    # 每日 inside a unit (12万立方米每日) stopped reading as a recurrence: r* labels no deadline for a 年内 that
    # only dates a target, docs/forms.md makes 年内 a written deadline (recall .966 → 1.0 at the same step)
    ("extract_real_forms_fresh12.jsonl", _reached((0.992, 0.992), (0.935, 1.0), (0.978, 0.917), (0.806, 1.0),
                                                  (0.933, 0.977), support=(1.0, 1.0))),
    # set s*, after the fixes that followed its blind run (docs/forms.md)
    # (s*'s labels give no role to the bodies X要督促 to do the work; docs/forms.md makes them owners)
    # (deadline .966/.966, was 1.0/.931: a recurrence in another segment no longer drops the year, and s* labels a
    # 年内 as [2026, 12] where docs/forms.md has [2026, null])
    ("extract_real_forms_fresh13.jsonl", _reached((0.973, 0.947), (1.0, 0.977), (0.921, 0.875), (0.966, 0.966),
                                                  (0.923, 0.96), support=(1.0, 1.0))),
    # set t*, after the fixes that followed its blind run (docs/forms.md)
    ("extract_real_forms_fresh14.jsonl", _reached((0.983, 0.959), (0.98, 0.942), (0.969, 1.0), (0.963, 0.963),
                                                  (0.86, 0.907), support=(0.973, 0.923))),
    # set u*, after the fixes that followed its blind run (docs/forms.md)
    ("extract_real_forms_fresh15.jsonl", _reached((0.99, 0.98), (1.0, 1.0), (1.0, 0.963), (1.0, 1.0),
                                                  (0.942, 0.942), support=(0.964, 0.964))),
    # set v*, after the fixes that followed its blind run (docs/forms.md)
    ("extract_real_forms_fresh16.jsonl", _reached((0.992, 0.962), (1.0, 1.0), (1.0, 0.9), (1.0, 0.969),
                                                  (0.877, 0.91), support=(0.976, 0.976))),
    # set w*, after the fixes that followed its blind run (docs/forms.md)
    ("extract_real_forms_fresh17.jsonl", _reached((0.973, 0.973), (0.976, 0.976), (0.972, 0.946), (0.962, 0.962),
                                                  (0.868, 0.939), support=(0.912, 0.939))),
    # set x*, after the fixes that followed its blind run (docs/forms.md)
    ("extract_real_forms_fresh18.jsonl", _reached((0.991, 0.902), (1.0, 0.943), (0.957, 0.865), (0.974, 0.902),
                                                  (0.908, 0.952), support=(0.968, 0.857))),
    # set y*, after the fixes that followed its blind run (docs/forms.md)
    ("extract_real_forms_fresh19.jsonl", _reached((0.992, 0.894), (1.0, 0.879), (0.878, 0.655), (1.0, 0.875),
                                                  (0.841, 0.914), support=(0.771, 0.964))),
    # set z*, after the fixes that followed its blind run (docs/forms.md)
    ("extract_real_forms_fresh20.jsonl", _reached((0.978, 0.883), (1.0, 0.837), (0.783, 0.667), (1.0, 0.825),
                                                  (0.824, 0.871), support=(0.882, 0.909))),
    # set a*, after the fixes that followed its blind run (docs/forms.md)
    ("extract_real_forms_fresh21.jsonl", _reached((0.984, 0.871), (0.88, 0.917), (0.971, 0.773), (0.923, 0.818),
                                                  (0.808, 0.908), support=(0.974, 0.792))),
    # sets b*, c*, e*, ea*, after the fixes that followed their blind runs (docs/forms.md)
    ("extract_real_forms_fresh22.jsonl", _reached((0.994, 0.962), (1.0, 0.938), (0.984, 0.968), (0.962, 0.911),
                                                  (0.893, 0.962), support=(1.0, 0.982))),
    ("extract_real_forms_fresh23.jsonl", _reached((0.959, 0.905), (0.968, 0.952), (0.901, 0.842), (0.923, 0.947),
                                                  (0.85, 0.895), support=(0.972, 0.875))),
    ("extract_real_forms_fresh24.jsonl", _reached((0.982, 0.943), (0.95, 0.95), (0.986, 0.922), (0.862, 0.909),
                                                  (0.861, 0.861), support=(0.973, 0.923))),
    ("extract_real_forms_fresh25.jsonl", _reached((0.976, 0.957), (0.968, 0.968), (0.933, 0.884), (1.0, 0.855),
                                                  (0.885, 0.958), support=(1.0, 1.0))),
    # sets eb*, ec* (blind run at 48322e0), after the fixes that followed (raised with later sessions' fixes)
    ("extract_real_forms_fresh26.jsonl", _reached((0.971, 0.952), (0.929, 0.919), (0.951, 0.899), (0.985, 1.0),
                                                  (0.925, 0.987), support=(0.982, 1.0))),
    ("extract_real_forms_fresh27.jsonl", _reached((0.952, 0.936), (0.957, 0.971), (0.963, 0.912), (0.966, 0.983),
                                                  (0.838, 0.934), support=(0.909, 0.909))),
    # sets ed*, ee* (blind run at 91646d9), ef*, eg* (blind at 01dddd2), eh*, ei* (blind at a98c5b3), after the
    # fixes that followed each (docs/forms.md "ed 到 ei 的盲测")
    ("extract_real_forms_fresh28.jsonl", _reached((0.946, 0.937), (0.957, 0.971), (0.917, 0.895), (0.962, 0.981),
                                                  (0.947, 0.959), support=(0.922, 0.922))),
    ("extract_real_forms_fresh29.jsonl", _reached((0.922, 0.926), (0.938, 0.909), (0.874, 0.905), (0.965, 1.0),
                                                  (0.926, 0.962), support=(0.927, 0.944))),
    ("extract_real_forms_fresh30.jsonl", _reached((0.973, 0.936), (0.962, 0.962), (0.974, 0.904), (0.955, 0.941),
                                                  (0.919, 0.94), support=(0.967, 0.952))),
    ("extract_real_forms_fresh31.jsonl", _reached((0.973, 0.923), (0.928, 0.939), (0.991, 0.868), (0.909, 0.984),
                                                  (0.935, 0.956), support=(0.957, 0.971))),
    ("extract_real_forms_fresh32.jsonl", _reached((0.988, 0.919), (0.945, 0.908), (0.956, 0.864), (0.908, 0.952),
                                                  (0.857, 0.865), support=(0.982, 0.947))),
    ("extract_real_forms_fresh33.jsonl", _reached((0.988, 0.931), (0.961, 0.949), (0.969, 0.861), (0.984, 1.0),
                                                  (0.937, 0.937), support=(1.0, 0.973))),
    # sets ej*, ek* (blind run at 574f49c), after the fixes that followed
    ("extract_real_forms_fresh34.jsonl", _reached((0.953, 0.931), (0.861, 0.912), (0.945, 0.905), (0.983, 0.983),
                                                  (0.924, 0.936), support=(0.98, 0.889))),
    ("extract_real_forms_fresh35.jsonl", _reached((0.974, 0.919), (0.944, 0.838), (0.895, 0.867), (0.971, 0.957),
                                                  (0.895, 0.919), support=(0.97, 0.941))),
])
def test_real_form_sets_keep_the_figures_they_reached(gold, floors):
    from conftest import ROOT
    from indexer.extract.evaluate import run

    fields = run(ROOT / "eval" / gold).as_dict()["fields"]
    for name, (p, r) in floors.items():
        s = fields[name]
        assert (p is None or s["precision"] >= p) and s["recall"] >= r, (gold, name, s)


@pytest.mark.parametrize("body", [
    "（一）治理黑臭水体。完成8条黑臭水体治理。\n\n责任单位：县生态环境局　完成时限：2025年12月底",
    "（一）治理黑臭水体。完成8条黑臭水体治理（牵头单位：县生态环境局 完成时限：2025年12月底）。",
    "（一）治理黑臭水体。完成8条黑臭水体治理（时间：2025年12月底前；责任单位：县生态环境局）。",
])
def test_labels_parted_by_a_space_or_a_bare_time_label_keep_their_deadline(body):
    pd = tasks_of("一、重点任务\n\n" + body)
    t = task_with(pd, "完成8条")
    assert roles(t) == {("lead", "县生态环境局")}
    assert (t.deadline.year, t.deadline.month) == (2025, 12)


@pytest.mark.parametrize("sentence, deadline", [
    ("县水利局于2025年第三季度末前完成水库除险加固。", (2025, 9)),
    ("县水利局9月30日前完成河道清淤。", (2025, 9)),
    ("县水利局2025年上半年完成河道清淤。", (2025, 6)),
])
def test_a_subject_then_a_deadline_then_the_work_is_a_task_its_subject_owns(sentence, deadline):
    pd = tasks_of("一、重点任务\n\n（一）推进。" + sentence)
    t = task_with(pd, "县水利局")
    assert roles(t) == {("owner", "县水利局")}
    assert (t.deadline.year, t.deadline.month) == deadline


def test_implementers_in_running_text_own_the_task():
    pd = tasks_of("一、重点任务\n\n（一）推进。由县水利局牵头，县财政局配合，各镇具体实施，完成河道清淤10公里。")
    assert roles(task_with(pd, "河道清淤")) == {("lead", "县水利局"), ("support", "县财政局"), ("owner", "各镇")}


def test_a_body_asked_to_do_the_work_owns_it():
    pd = tasks_of("一、重点任务\n\n（一）推进。请各镇人民政府于2025年6月底前将整治情况报县水利局。")
    t = task_with(pd, "整治情况")
    assert roles(t) == {("owner", "各镇人民政府"), ("recipient", "县水利局")}
    assert (t.deadline.year, t.deadline.month) == (2025, 6)


def test_a_table_cell_with_a_lead_mark_or_its_own_labels_gives_each_unit_its_role():
    pd = tasks_of("一、重点任务\n\n序号｜工作任务｜责任单位｜完成时限\n"
                  "1｜完成河道清淤10公里｜县水利局（牵头）、县财政局｜2025年10月底前\n"
                  "2｜建设污水管网5公里｜牵头：县住建局；配合：各镇人民政府｜2025年12月")
    assert roles(task_with(pd, "河道清淤")) == {("lead", "县水利局"), ("support", "县财政局")}
    assert roles(task_with(pd, "污水管网")) == {("lead", "县住房城乡建设局"), ("support", "各镇人民政府")}
    assert not [w for w in pd.warnings if "未读出责任单位" in w]


def test_label_sentences_in_a_row_after_a_sentence_are_read_together():
    pd = tasks_of("一、重点任务\n\n（一）推进。实施河道清淤。牵头单位：县水利局；配合单位：县财政局；完成时限：2025年10月底前。")
    t = task_with(pd, "实施河道清淤")
    assert roles(t) == {("lead", "县水利局"), ("support", "县财政局")}
    assert (t.deadline.year, t.deadline.month) == (2025, 10)


# Forms found by the blind run of the held-back set i* (eval/extract_real_forms_fresh3.jsonl)

_DUTY_TABLE = ("序号｜工作任务｜责任单位｜完成时限\n"
               "1｜完成城西片区雨污分流改造12公里｜县住建局、县水利局、城西街道办事处｜2025年11月底前\n"
               "2｜开展农村黑臭水体排查｜县生态环境局、县农业农村局｜2025年6月底前\n")


@pytest.mark.parametrize("note", [
    "（注：表中责任单位列第一位者为牵头单位，其余为配合单位）\n\n",  # a bracketed note above the table
    "注：表中责任单位列第一位的为牵头单位，其余为配合单位。\n\n",  # a note line of its own
])
def test_a_table_whose_note_says_the_first_unit_leads_gives_the_others_support(note):
    pd = tasks_of("一、重点任务\n\n" + note + _DUTY_TABLE)
    assert roles(task_with(pd, "雨污分流")) == {
        ("lead", "县住房城乡建设局"), ("support", "县水利局"), ("support", "城西街道办事处")}
    assert roles(task_with(pd, "黑臭水体排查")) == {("lead", "县生态环境局"), ("support", "县农业农村局")}


def test_a_table_without_the_note_keeps_every_responsible_unit_a_lead():
    pd = tasks_of("一、重点任务\n\n" + _DUTY_TABLE)
    assert roles(task_with(pd, "黑臭水体排查")) == {("lead", "县生态环境局"), ("lead", "县农业农村局")}


def _targets(body: str):
    return [(t.indicator, t.value, t.unit, t.qualifier) for t in tasks_of("一、工作目标\n\n" + body).targets]


@pytest.mark.parametrize("sentence, indicator, value, unit", [
    ("到2025年，城区新增供水能力5万吨每日。", "城区新增供水能力", 5, "万吨/日"),
    ("到2025年，排涝泵站抽排能力达到30立方米每秒。", "排涝泵站抽排能力", 30, "立方米/秒"),
    ("到2025年，垃圾焚烧处理能力达到600吨/天。", "垃圾焚烧处理能力", 600, "吨/天"),
])
def test_a_rate_written_out_with_mei_is_one_unit(sentence, indicator, value, unit):
    assert _targets(sentence) == [(indicator, value, unit, None)]


def test_a_coefficient_or_index_without_a_unit_is_a_target():
    assert _targets("全县农田灌溉水有效利用系数提高到0.62以上，空气质量综合指数下降到3.5。") == [
        ("全县农田灌溉水有效利用系数", 0.62, None, "以上"), ("空气质量综合指数", 3.5, None, None)]


def test_a_bare_number_after_a_verb_is_no_target_unless_its_indicator_is_dimensionless():
    assert _targets("全县河道保洁等级达到2，村庄数量保持在12。") == []


def test_a_system_built_by_a_year_is_an_outcome_target():
    pd = tasks_of("一、工作目标\n\n到2028年，全县基本建成覆盖城乡的农村饮水安全保障体系，初步形成河湖长效管护机制。\n")
    assert [(t.indicator, t.value, t.unit, t.qualifier, t.year, t.kind) for t in pd.targets] == [
        ("覆盖城乡的农村饮水安全保障体系", None, None, "基本建成", 2028, "outcome"),
        ("河湖长效管护机制", None, None, "初步形成", 2028, "outcome")]


def test_a_system_built_without_a_year_or_with_more_after_it_is_no_outcome_target():
    pd = tasks_of("一、工作目标\n\n全县基本建成农村饮水安全保障体系。到2028年，全面建立河湖巡查制度并严格执行。\n")
    assert [t for t in pd.targets if t.kind == "outcome"] == []


@pytest.mark.parametrize("collective", ["各县（市）人民政府", "各市（州）人民政府", "各县（区）人民政府"])
def test_a_collective_with_one_level_in_brackets_is_a_body_that_owns_its_sentence(collective):
    pd = tasks_of(f"一、重点工作\n\n（一）管网建设。{collective}应当加快管网更新，2027年底前累计改造老旧管网60公里以上。\n")
    t = task_with(pd, "加快管网更新")
    assert roles(t) == {("owner", collective)}
    assert (t.deadline.year, t.deadline.month) == (2027, 12)


def test_a_dated_milestone_whose_subject_is_the_work_is_a_task_with_its_deadline():
    pd = tasks_of("一、重点工作\n\n（一）灌区改造。推进灌区节水改造（县水利局负责）。到2027年，全县中型灌区全部完成现代化改造。\n")
    t = task_with(pd, "现代化改造")
    assert "节水改造" not in t.text and (t.deadline.year, t.deadline.month) == (2027, None)


def test_a_dated_outcome_without_a_verb_of_completion_is_no_task():
    pd = tasks_of("一、重点工作\n\n（一）灌区改造。推进灌区节水改造（县水利局负责）。到2027年，全县灌区水质保持稳定。\n")
    assert not [t for t in pd.tasks if "水质保持稳定" in t.text]


def test_a_target_year_read_from_the_document_is_marked_inferred_and_shown_so():
    from kb import export, models

    pd = tasks_of("一、重点任务\n\n（一）淘汰老旧车辆。全年淘汰国三及以下柴油货车300辆（县交通运输局负责）。"
                  "到2027年，全县公交车新能源比例达到90%。\n")
    year_end, stated = pd.targets
    assert (year_end.year, year_end.year_source, year_end.year_inferred) == (2025, "document", True)
    assert (stated.year, stated.year_source, stated.year_inferred) == (2027, "explicit", False)
    assert models.to_dict(year_end)["year_source"] == "document"  # what the JSON says
    assert export.target_text(year_end).endswith("（2025年，推断）")
    assert export.target_text(stated).endswith("（2027年）")


def test_the_coverage_table_says_a_target_year_is_inferred():
    from policykb.ui.pages.coverage import target_year

    assert target_year({"year": 2026, "year_source": "document"}) == "2026年（推断）"
    assert target_year({"year": 2027, "year_source": "explicit"}) == "2027年"
    assert target_year({"year": None}) == "—年"


@pytest.mark.parametrize("sentence, indicator", [
    ("新改建农村卫生户厕600户。", "农村卫生户厕"),  # the count verb (新建 + 改建) is no part of the indicator
    ("累计改造城区老旧燃气管网35公里。", "城区老旧燃气管网"),  # nor 累计 before it
    ("新增造林绿化面积1.2万亩。", "新增造林绿化面积"),  # an increment of an area is the indicator's name
    ("新增供水能力3万吨每日。", "新增供水能力"),
    ("在东湖公园、南门广场建设口袋公园4个。", "口袋公园"),  # the place where the work is done is not
    ("在线监测站点建设达到30个。", "在线监测站点建设"),  # 在 opening a word of the indicator stays
])
def test_a_work_load_indicator_names_the_thing_counted(sentence, indicator):
    assert [t[0] for t in _targets(sentence)] == [indicator]


@pytest.mark.parametrize("sentence, expected", [
    # sections named with the department's kind only, institutions, organs, kinds of unit as subjects
    ("厅规划财务处负责每季度调度一次资金执行进度。", {("owner", "厅规划财务处")}),
    ("局机关各科室、局属各单位要按月报送进展。", {("owner", "局机关各科室"), ("owner", "局属各单位")}),
    ("县人民医院负责组建巡回医疗队。", {("owner", "县人民医院")}),
    ("县博物馆、县档案馆要做好藏品数字化。", {("owner", "县博物馆"), ("owner", "县档案馆")}),
    ("水政监察大队会同县律师协会开展普法宣传。", {("lead", "水政监察大队"), ("support", "县律师协会")}),
    ("建设单位是施工扬尘治理的责任主体。", {("owner", "建设单位")}),
    ("公安机关负责查处违法运输行为。", {("owner", "公安机关")}),
    # 由X在/于…完成: X does the work within the time given; 负责统筹督促 coordinates
    ("由施工单位在竣工后2个月内完成场地复绿。", {("owner", "施工单位")}),
    ("县财政局负责统筹督促资金类问题整改。", {("lead", "县财政局")}),
    # 要为…: a frame after the subject; a time phrase before the subject
    ("各县（市、区）人社局要为返乡人员逐一建立服务台账。", {("owner", "各县（市、区）人力资源社会保障局")}),
    ("6月底前各乡镇（街道）全部完成台账清理。", {("owner", "各乡镇（街道）")}),
])
def test_subjects_found_in_set_p(sentence, expected):
    t = tasks_of("一、重点任务\n\n（一）加强管理。" + sentence).tasks[-1]
    assert roles(t) == expected


def test_purpose_clause_opening_with_wei_is_no_task():
    pd = tasks_of("一、重点任务\n\n为加强河道管理，制定本方案。")
    assert not pd.tasks


@pytest.mark.parametrize("sentence, expected", [
    # measure words beyond the first sets' (场, 宗, 支, TB …); an ordinal (第3届) is no value
    ("全年举办惠民演出80场、新培育文艺团队12支。", [("惠民演出", 80, "场"), ("文艺团队", 12, "支")]),
    ("全镇完成农房确权登记900宗，举办第3届农民丰收节。", [("农房确权登记", 900, "宗")]),
    ("政务数据共享总量达到45TB。", [("政务数据共享总量", 45, "TB")]),
    # a time phrase between the indicator and its verb
    ("全县中小学校食堂“互联网+明厨亮灶”覆盖率年底前达到100%。", [("全县中小学校食堂“互联网+明厨亮灶”覆盖率", 100, "%")]),
    # the time allowed, a name with a duration, a distance the work is done within: no targets
    ("由建设单位在2个月内完成整改。", []),
    ("打造15分钟养老服务圈。", []),
    ("整治学校周边100米范围内的流动摊点。", []),
    # 其中 + a year: part of the same quantity
    ("改造老旧小区60个，其中2027年改造25个。", [("老旧小区", 60, "个"), ("老旧小区", 25, "个")]),
])
def test_target_forms_found_in_set_p(sentence, expected):
    pd = tasks_of("一、重点任务\n\n（一）加强管理。" + sentence)
    assert [(g.indicator, g.value, g.unit) for g in pd.targets] == expected


@pytest.mark.parametrize("sentence, expected", [
    ("公共服务机构是本单位数据安全的责任主体。", {("owner", "公共服务机构")}),
    ("局机关各处室、直属各单位要按季度报送进展。", {("owner", "局机关各处室"), ("owner", "直属各单位")}),
    # 由X负责组织实施 / 分别由X负责实施: X does it; X应当…，并会同Y…: X leads
    ("推进3条河道清淤，由县河道管理站负责组织实施。", {("owner", "县河道管理站")}),
    ("5座泵站改造分别由所在镇人民政府负责实施。", {("owner", "所在镇人民政府")}),
    ("县应急管理局应当每年组织应急演练，并会同县消防救援大队开展检查。",
     {("lead", "县应急管理局"), ("support", "县消防救援大队")}),
    # offices named by their suffix share the level of the body before them
    ("镇财政所、农业服务中心、规划建设办要做好资金保障。",
     {("owner", "镇财政所"), ("owner", "镇农业服务中心"), ("owner", "镇规划建设办")}),
    ("县财政局、审计局、统计局要加强监督。", {("owner", "县财政局"), ("owner", "县审计局"), ("owner", "县统计局")}),
])
def test_subjects_found_in_set_q(sentence, expected):
    t = tasks_of("一、重点任务\n\n（一）加强管理。" + sentence).tasks[-1]
    assert roles(t) == expected


@pytest.mark.parametrize("sentence, expected", [
    # what there is: every count of an enumeration that opens with 共辖 / 共有 / 范围为
    ("全县共辖9个乡镇、3个街道、140个行政村。", []),
    ("整治范围为全区5个街道、2个镇的加油站。", []),
    # a range whose lower bound is written without its unit
    ("林下经济面积达到2.5万至3万亩。", [("林下经济面积", 2.5, "万亩", "2.5万至3万亩")]),
    # a condition, a per-capita standard, a time limit: no targets
    ("当水库水位低于12.5米时启动应急调度。", []),
    ("新建小区按每百户不少于30平方米的标准配建养老用房。", []),
    ("行政许可办理时限不超过10个工作日。", []),
    # the thing counted ends before its doer; the work done to it is no part of its name
    ("6座泵站改造分别由所在镇人民政府负责实施。", [("泵站", 6, "座", None)]),
    ("全年完成造林绿化任务1200亩，其中2027年完成500亩。", [("造林绿化", 1200, "亩", None), ("造林绿化", 500, "亩", None)]),
    ("医用耗材集采品种不少于20类。", [("医用耗材集采品种", 20, "类", "以上")]),
])
def test_target_forms_found_in_set_q(sentence, expected):
    pd = tasks_of("一、重点任务\n\n（一）加强管理。" + sentence)
    assert [(g.indicator, g.value, g.unit, g.qualifier) for g in pd.targets] == expected


def test_a_baseline_column_of_an_indicator_table_is_no_target():
    from indexer.extract import tables
    assert tables._is_baseline("2025年基线值") and not tables._is_baseline("2026年目标值")


def test_a_subject_after_an_article_number_of_a_measure():
    pd = tasks_of("第一章　总则\n\n第一条　为加强管理，制定本办法。\n\n第二条　数据处理单位是本单位数据安全的责任主体。")
    assert roles(task_with(pd, "责任主体")) == {("owner", "数据处理单位")}


def test_how_often_work_recurs_is_no_target_but_still_work():
    pd = tasks_of("一、重点任务\n\n（一）巡河。村级河长每周至少巡河1次（各村（社区）负责）。各镇每季度组织联合检查1次。")
    assert not pd.targets
    assert roles(task_with(pd, "巡河1次")) == {("lead", "各村（社区）")}  # the annotation names who: work
    assert roles(task_with(pd, "联合检查")) == {("owner", "各镇")}


def test_a_dated_milestone_in_a_goal_part_is_a_task():
    pd = tasks_of("一、目标任务\n\n2026年9月底前，全面完成全县农贸市场燃气设施排查；到2027年，液化气瓶智能角阀安装率达到90%。"
                  "\n\n二、重点任务\n\n（一）整治。开展隐患整治。")
    t = task_with(pd, "燃气设施排查")
    assert (t.deadline.year, t.deadline.month) == (2026, 9)
    assert [(g.indicator, g.value) for g in pd.targets] == [("液化气瓶智能角阀安装率", 90)]


@pytest.mark.parametrize("sentence, expected", [
    # 由X + a verb of its own: X does it (由X负责… / 由X牵头 still lead)
    ("对整改不到位的，由县政府督查室进行督办。", {("owner", "县政府督查室")}),
    ("由县纪委监委依规依纪追究相关责任。", {("owner", "县纪委监委")}),
    ("由县城管局负责推进垃圾分类。", {("lead", "县城管局")}),
    # the level shared through a name holding 乡 (住房城乡建设局), never into 市场监管局
    ("市民政局、住房城乡建设局要统筹推进助餐点建设。", {("owner", "市民政局"), ("owner", "市住房城乡建设局")}),
    ("县财政局、市场监管局要加强资金监管。", {("owner", "县财政局"), ("owner", "县市场监管局")}),
    ("县教育督导室要将课后服务纳入督导评估。", {("owner", "县教育督导室")}),
])
def test_subjects_found_in_set_r(sentence, expected):
    t = tasks_of("一、重点任务\n\n（一）加强管理。" + sentence).tasks[-1]
    assert roles(t) == expected


@pytest.mark.parametrize("sentence, expected", [
    # the body and its verb are no part of the indicator
    ("各县（市、区）交通运输局要在汛期前联合审核农村客运线路不少于800条。", [("农村客运线路", 800, "条")]),
    # later short names after 分别 share the first one's subject
    ("重点车辆动态监控数据入网率、上线率分别达到98%、96%。",
     [("重点车辆动态监控数据入网率", 98, "%"), ("重点车辆动态监控数据上线率", 96, "%")]),
    # how long a service runs each day, every one there is looked over, a time limit compressed
    ("课后服务每周5天、每天2小时。", []),
    ("6月底前完成全县9个水源地环境风险排查。", []),
    ("贷款审批时限压缩至5个工作日以内。", [("贷款审批时限", 5, "个工作日")]),
])
def test_target_forms_found_in_set_r(sentence, expected):
    pd = tasks_of("一、重点任务\n\n（一）加强管理。" + sentence)
    assert [(g.indicator, g.value, g.unit) for g in pd.targets] == expected


def test_a_number_before_the_tasks_without_year_or_verb_says_where_things_stand():
    pd = tasks_of("全县现有中小学校57所，在校学生4.1万人；全县住房公积金缴存职工8.2万人。\n\n"
                  "一、重点任务\n\n（一）扩容。到2027年新增学位3000个。")
    assert [(g.indicator, g.value) for g in pd.targets] == [("新增学位", 3000)]  # a two-character name keeps its verb


@pytest.mark.parametrize("sentence, expected", [
    ("各区城市管理局要于每月5日前报送工作台账。", {("owner", "各区城管局")}),
    ("县慈善基金会要于每年3月31日前公布基金使用情况。", {("owner", "县慈善基金会")}),
    ("区财政局要足额保障项目资金。", {("owner", "区财政局")}),
    ("价格监督检查和反不正当竞争科负责牵头开展专项检查。", {("lead", "价格监督检查和反不正当竞争科")}),
    ("县教育局负责指导各学校落实作业总量调控。", {("lead", "县教育局"), ("owner", "各学校")}),
    ("县直各学校是近视防控的责任主体。", {("owner", "县直各学校")}),
    ("省地方金融管理局会同人民银行某某省分行开展金融服务。",
     {("lead", "省地方金融管理局"), ("support", "人民银行某某省分行")}),
    # a level shared into offices named by suffix, never into a name already carrying one or a place's station
    ("县商务局、县供销社要建设回收网点。", {("owner", "县商务局"), ("owner", "县供销合作社")}),
    ("镇综治办、栎山派出所要加强巡查。", {("owner", "镇综治办"), ("owner", "栎山派出所")}),
])
def test_subjects_found_in_set_s(sentence, expected):
    t = tasks_of("一、重点任务\n\n（一）加强管理。" + sentence).tasks[-1]
    assert roles(t) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("城区生活垃圾回收利用率、资源化利用率分别达到38%、80%。",
     [("城区生活垃圾回收利用率", 38, "%"), ("城区生活垃圾资源化利用率", 80, "%")]),
    ("短期险承保规模达到95亿美元。", [("短期险承保规模", 95, "亿美元")]),
    ("对全镇出租房屋开展一轮全覆盖排查。", []),
    ("中小学生每天校内体育活动时间不少于1小时。", []),
    ("全区现有易涝积水点37处，排水管网总长度612公里、雨水泵站14座。", []),
    ("储备应急送水车辆8台。", [("应急送水车辆", 8, "台")]),
])
def test_target_forms_found_in_set_s(sentence, expected):
    pd = tasks_of("一、重点任务\n\n（一）加强管理。" + sentence)
    assert [(g.indicator, g.value, g.unit) for g in pd.targets] == expected


def test_a_figure_of_a_year_gone_by_is_no_target():
    pd = tasks_of("一、重点任务\n\n（一）稳外贸。2024年全县进出口总额86亿元。到2025年，全县进出口总额达到95亿元。")
    assert [(g.indicator, g.value, g.year) for g in pd.targets] == [("全县进出口总额", 95, 2025)]


@pytest.mark.parametrize("sentence, expected", [
    # Y配合X: X is the one helped, the lead
    ("县商务局、县文旅局配合县市场监管局开展专项整治。",
     {("support", "县商务局"), ("support", "县文化广电和旅游局"), ("lead", "县市场监管局")}),
    # bodies that each do their part, with no lead named, lead (as in brackets); beside a lead they support
    ("县发展改革委、财政局按职责分工负责城市照明相关工作。", {("lead", "县发展改革委"), ("lead", "县财政局")}),
    ("由县水利局牵头，县财政局、自然资源局按职责分工负责。",
     {("lead", "县水利局"), ("support", "县财政局"), ("support", "县自然资源局")}),
])
def test_roles_found_in_set_t(sentence, expected):
    t = tasks_of("一、重点任务\n\n（一）加强管理。" + sentence).tasks[-1]
    assert roles(t) == expected


@pytest.mark.parametrize("sentence, expected", [
    # a level's name of a department (工业和信息化厅) shares the level before it; the grid company's branches
    ("完成锅炉排查（省生态环境厅牵头，省市场监管局、工业和信息化厅配合）。",
     {("lead", "省生态环境厅"), ("support", "省市场监管局"), ("support", "省工业和信息化厅")}),
    ("各市人民政府要会同国网某某省电力公司推进电能替代。",
     {("lead", "各市人民政府"), ("support", "国网某某省电力公司")}),
])
def test_roles_found_in_set_u(sentence, expected):
    t = tasks_of("一、重点任务\n\n（一）加强管理。" + sentence).tasks[-1]
    assert roles(t) == expected


@pytest.mark.parametrize("sentence, expected", [
    # a change is the quantity named, with its verb (and the year it is measured from, as written);
    # a level (下降到) keeps the name; a base in words (在上年基础上) is no part of it
    ("到2027年，单位产值水耗较2025年下降6%，城镇居民人均收入增长5%以上，PM10浓度下降到45微克/立方米。",
     [("单位产值水耗较2025年下降", 6, "%", None), ("城镇居民人均收入增长", 5, "%", "以上"),
      ("PM10浓度", 45, "微克/立方米", None)]),
    ("2026年，全区中小学生体质健康优良率在上年基础上提高2个百分点。",
     [("全区中小学生体质健康优良率提高", 2, "个百分点", None)]),
    # 在…至…之间: the range as written, the indicator before it
    ("新增养老床位在200张至300张之间。", [("养老床位", 200, "张", "200张至300张之间")]),
    # parallel names after 分别: modifiers share the last name's head, after a word naming a place or
    # kind of unit, or as many words as the modifier before; a qualifier written once holds for each
    # value (not 100%); full names stand alone
    ("到2028年，饮用水源地和重点河段水质达标率分别达到100%、95%以上。",
     [("饮用水源地水质达标率", 100, "%", None), ("重点河段水质达标率", 95, "%", "以上")]),
    ("甲醛、苯系物、氮氧化物排放浓度分别不超过5毫克/立方米、10毫克/立方米、40毫克/立方米。",
     [("甲醛排放浓度", 5, "毫克/立方米", "以下"), ("苯系物排放浓度", 10, "毫克/立方米", "以下"),
      ("氮氧化物排放浓度", 40, "毫克/立方米", "以下")]),
    ("全镇小学、初中规范化管理达标率分别达到90%、93%。",
     [("全镇小学规范化管理达标率", 90, "%", None), ("初中规范化管理达标率", 93, "%", None)]),
    ("在建项目工资保证金缴存率、电子化用工合同签订率分别达到97%、92%以上。",
     [("在建项目工资保证金缴存率", 97, "%", "以上"), ("电子化用工合同签订率", 92, "%", "以上")]),
    # the verb again after a comma: what is counted is the object of the segment before
    ("县农业农村局负责培育家庭农场示范户，全年培育不少于45户。", [("家庭农场示范户", 45, "户", "以上")]),
    ("组织企业参加农产品展销会，全年组织参展不少于12场次。", [("农产品展销会", 12, "场次", "以上")]),
    ("在城郊结合部建设再生资源分拣中心，到2028年底建成4个。", [("再生资源分拣中心", 4, "个", None)]),
    ("快递进村配送量达到80万单。", [("快递进村配送量", 80, "万单", None)]),
    # sentences that say where things stand
    ("截至2024年底，全县累计建成充电桩860个，全年充电量约1200万千瓦时。", []),
    ("全镇已完成危房改造320户，建成安置点4处。", []),
    ("截至2027年底，新建充电桩500个。", [("充电桩", 500, "个", None)]),
    # 照明年耗电量 holds no 明年: the target has the document's year, not the next
    ("年内路灯照明年耗电量下降5%。", [("路灯照明年耗电量下降", 5, "%", None)]),
])
def test_target_forms_found_in_set_v_preparation(sentence, expected):
    pd = tasks_of("一、重点任务\n\n（一）加强管理。" + sentence)
    assert [(g.indicator, g.value, g.unit, g.qualifier) for g in pd.targets] == expected
    assert all(g.year in (None, 2025, 2026, 2027, 2028) for g in pd.targets)
    if "照明年" in sentence:
        assert [g.year for g in pd.targets] == [2025]


def test_a_copula_figure_before_the_tasks_says_where_things_stand():
    pd = tasks_of("全区森林覆盖率为41.5%。\n\n一、工作目标\n\n到2028年，全区森林覆盖率为43%。")
    assert [(g.indicator, g.value, g.year) for g in pd.targets] == [("全区森林覆盖率", 43, 2028)]


def test_the_eval_reads_a_base_year_and_a_written_out_unit_as_the_same_quantity():
    from indexer.extract.evaluate import _target_key, same_indicator

    assert same_indicator("电信网络诈骗发案数较2025年下降", "全县电信网络诈骗发案数较2025年下降")
    assert same_indicator("单位地区生产总值能耗", "单位地区生产总值能耗较2020年下降")
    assert not same_indicator("城区和镇区燃气普及率", "城区燃气普及率")
    assert _target_key({"value": 10, "unit": "毫克每立方米"})[:2] == _target_key({"value": 10, "unit": "毫克/立方米"})[:2]


@pytest.mark.parametrize("sentence, expected", [
    # a value for each one is a standard, not a total …
    ("每个行政村至少设置1处应急避难场所。", []),
    ("对获评的示范户给予每户3000元奖励。", []),
    # … unless a date makes it work to finish; a rate per so many people stays a target
    ("2025年9月底前每个社区建成1个议事厅。", [("议事厅", 1, "个")]),
    ("每万人口社会工作者数量达到6人。", [("每万人口社会工作者数量", 6, "人")]),
    # a length of time inside a name does not cut the indicator
    ("火警15分钟到场率达到95%。", [("火警15分钟到场率", 95, "%")]),
])
def test_standards_for_each_one_are_no_targets(sentence, expected):
    pd = tasks_of("一、重点任务\n\n（一）加强管理。" + sentence)
    assert [(g.indicator, g.value, g.unit) for g in pd.targets] == expected


@pytest.mark.parametrize("body, expected", [
    # bare labels in an annotation: 牵头： leads, 协办： / 参与： support
    ("（一）还田。推广秸秆还田，全年还田面积不少于30万亩（牵头：县农机站；协办：各乡镇人民政府）。",
     {("lead", "县农机站"), ("support", "各乡镇人民政府")}),
    ("（一）管网。新建供水管网60公里（牵头：县水利局；参与：县财政局、县自然资源局；时限：2025年10月底前）。",
     {("lead", "县水利局"), ("support", "县财政局"), ("support", "县自然资源局")}),
    # a line naming a person among the label lines does not end them
    ("（一）设站。5月底前，设立劝导站8个。\n　　责任单位：镇综治办　　配合单位：镇派出所\n　　责任领导：张某",
     {("lead", "镇综治办"), ("support", "镇派出所")}),
    ("（一）排查。9月底前完成防护设施建设10处。\n　　责任单位：镇交管站、镇村镇建设办\n　　责任领导：李某",
     {("lead", "镇交管站"), ("lead", "镇村镇建设办")}),
])
def test_annotation_forms_found_in_set_v(body, expected):
    pd = tasks_of("一、重点任务\n\n" + body)
    assert roles(pd.tasks[-1]) == expected


@pytest.mark.parametrize("sentence, expected", [
    # the full provincial name of a department (住房和城乡建设厅), helped by another
    ("省能源局配合省住房和城乡建设厅推进老旧供热管网改造。",
     {("lead", "省住房城乡建设厅"), ("support", "省能源局")}),
    # the department in charge that coordinates leads; bodies jointly responsible lead
    ("县应急管理局是全县危化品安全监管的主管部门，负责统筹协调专项整治。", {("lead", "县应急管理局")}),
    ("县商务局、县供销社共同负责培育农村电商企业。", {("lead", "县商务局"), ("lead", "县供销合作社")}),
    # those taking part after a lead support
    ("县人力资源和社会保障局就业科牵头建立联席机制，县民政局、县总工会参加。",
     {("lead", "县人力资源和社会保障局就业科"), ("support", "县民政局"), ("support", "县总工会")}),
    # an office set up in a department has the duty, not the department
    ("县节水工作专班设在县水利局，负责统筹协调节水工作。", {("lead", "县节水工作专班"), ("mentioned", "县水利局")}),
    ("县停车工作专班办公室设在县城管局，负责每月调度建设进展。",
     {("owner", "县停车工作专班办公室"), ("mentioned", "县城管局")}),
    # 由X + its own verb: X does it (the verb is no part of X's name)
    ("对违规企业，由县市场监管局依法予以查处。", {("owner", "县市场监管局")}),
    ("县级储备油由县粮油购销有限公司承储。", {("owner", "县粮油购销有限公司")}),
    # the departments of a centre, and sections named alone after their department
    ("由资金管理部负责遴选合作银行，归集业务部会同县总工会开展宣传。",
     {("lead", "资金管理部"), ("lead", "归集业务部"), ("support", "县总工会")}),
    ("局办公室、规划财务科按职责分工负责经费保障。", {("lead", "局办公室"), ("lead", "规划财务科")}),
    ("县文化和旅游局市场管理股、产业发展股按职责分工负责市场整治。",
     {("lead", "县文化和旅游局市场管理股"), ("lead", "县文化和旅游局产业发展股")}),
])
def test_roles_found_in_set_v(sentence, expected):
    t = tasks_of("一、重点任务\n\n（一）加强管理。" + sentence).tasks[-1]
    assert {(r, canonical) for r, canonical in roles(t)} == expected


def test_a_blanket_rule_in_other_words_owns_the_later_tasks():
    pd = tasks_of("一、重点任务\n\n以下各项任务由各村（社区）负责具体落实，不再逐项列明。\n\n"
                  "（一）建设基站。年内新建5G基站10个。\n牵头单位：镇经济发展办")
    t = task_with(pd, "5G基站")
    assert ("owner", "各村（社区）") in roles(t) and ("lead", "镇经济发展办") in roles(t)
    assert not [x for x in pd.tasks if "不再逐项列明" in x.text]


@pytest.mark.parametrize("sentence, expected", [
    # standards and rules are no totals to reach
    ("省财政厅安排补助资金，补助标准为每公里40万元。", []),
    ("对首次创业的退役军人给予一次性补贴3000元。", []),
    ("单次预收费金额不得超过3000元。", []),
    ("在城东、城西两区各建设1个分拣中心。", []),
    # where the work is done (a count of areas, or the things acted on), unless the places are the work done
    ("推进南部3个设区市燃气管网改造。", []),
    ("对使用年限超过10年的2100台电梯开展安全评估。", []),
    ("完成4个乡镇污水管网建设。", [("乡镇污水管网建设", 4, "个")]),
    ("新建8个村级服务站。", [("村级服务站", 8, "个")]),
    # 分别 after a base year: each named with the change
    ("全镇火灾起数和亡人数较2024年分别下降10%、20%。",
     [("全镇火灾起数较2024年下降", 10, "%"), ("亡人数较2024年下降", 20, "%")]),
    # a unit written out is no standard for each one
    ("颗粒物、二氧化硫排放浓度分别不超过10毫克每立方米、35毫克每立方米。",
     [("颗粒物排放浓度", 10, "毫克/立方米"), ("二氧化硫排放浓度", 35, "毫克/立方米")]),
])
def test_target_forms_found_in_set_v(sentence, expected):
    pd = tasks_of("一、重点任务\n\n（一）加强管理。" + sentence)
    assert [(g.indicator, g.value, g.unit) for g in pd.targets] == expected


def test_the_full_provincial_names_of_departments_are_the_departments():
    from kb.names import canonical_name

    assert canonical_name("省住房和城乡建设厅") == "省住房城乡建设厅"
    assert canonical_name("省人力资源和社会保障厅") == "省人力资源社会保障厅"


def test_a_stage_window_is_due_by_its_end_and_a_quarter_first_month_day_recurs():
    pd = tasks_of("一、重点任务\n\n（一）排查。4月1日至6月20日，各乡镇人民政府对辖区塘坝开展拉网式排查。\n\n"
                  "（二）报送。县防汛抗旱指挥部各成员单位要于每季度首月10日前报送上季度工作进展。")
    t = task_with(pd, "拉网式排查")
    assert (t.deadline.year, t.deadline.month) == (2025, 6)
    assert roles(t) == {("owner", "各乡镇人民政府")}
    t = task_with(pd, "报送上季度")
    assert t.deadline is None or t.deadline.recurring == "每季度"


@pytest.mark.parametrize("sentence, expected", [
    # 经X会同Y审核: X (not 经X) leads; a section with a long name is still its department's
    ("承储企业报送轮换计划，经县发展和改革局会同县财政局审核后执行。",
     {("lead", "县发展改革委"), ("support", "县财政局")}),
    ("省应急管理厅危险化学品安全监督管理处负责每月汇总分析整治进展。",
     {("owner", "省应急管理厅危险化学品安全监督管理处")}),
])
def test_roles_found_in_set_w(sentence, expected):
    t = tasks_of("一、重点任务\n\n（一）加强管理。" + sentence).tasks[-1]
    assert {(r, n) for r, n in roles(t) if r != "mentioned"} >= expected


def test_an_indicator_table_with_a_unit_column_makes_each_row_a_task_of_those_units():
    pd = tasks_of("一、主要指标\n\n序号｜指标名称｜2024年（基期）｜2025年｜2027年｜责任单位\n"
                  "1｜新增就业人数（人）｜900｜1000｜1200｜县人力资源社会保障局\n"
                  "2｜就业困难人员帮扶（人次）｜300｜350｜400｜县民政局、县总工会\n")
    rows = [t for t in pd.tasks if "｜" in t.text]
    assert [sorted(roles(t)) for t in rows] == [[("lead", "县人力资源社会保障局")],
                                                 [("lead", "县总工会"), ("lead", "县民政局")]]
    assert [(g.indicator, g.value, g.year) for g in pd.targets] == [
        ("新增就业人数", 1000, 2025), ("新增就业人数", 1200, 2027),
        ("就业困难人员帮扶", 350, 2025), ("就业困难人员帮扶", 400, 2027)]


@pytest.mark.parametrize("sentence", ["个人住房公积金最高贷款额度50万元。", "单船日采砂量不超过200吨。"])
def test_caps_of_a_rule_are_no_targets(sentence):
    assert tasks_of("一、重点任务\n\n（一）加强管理。" + sentence).targets == []


@pytest.mark.parametrize("body, expected", [
    # 【…】 annotations, and a sentence does not end inside them
    ("（一）检查。对重点单位开展安全检查【牵头单位：县公安局网安大队；配合单位：各行业主管部门】。",
     {("lead", "县公安局网安大队"), ("support", "各行业主管部门")}),
    # a line that only says it assigns the work, the roles in its words
    ("（一）排查。对全镇民宿开展隐患排查。\n　　责任分工：镇文化旅游服务中心牵头，镇派出所配合",
     {("lead", "镇文化旅游服务中心"), ("support", "镇派出所")}),
    # a table cell that says 牵头/配合 in words
    ("序号｜重点任务｜责任单位｜完成时限\n1｜新增冷库库容5万吨｜县发展改革委牵头，县商务局、县交通运输局配合｜2025年12月底前",
     {("lead", "县发展改革委"), ("support", "县商务局"), ("support", "县交通运输局")}),
    # a deadline inside a duty annotation is no name
    ("（一）建设。新建公办幼儿园3所（县发展改革委、县教育局负责，2026年8月底前完成）。",
     {("lead", "县发展改革委"), ("lead", "县教育局")}),
    # （X负责，Y组织实施）: Y carries it out
    ("（一）床位。建设家庭养老床位200张（养老服务股负责，各乡镇人民政府组织实施）。",
     {("lead", "养老服务股"), ("owner", "各乡镇人民政府")}),
])
def test_annotation_forms_found_in_sets_x_and_y(body, expected):
    pd = tasks_of("一、重点任务\n\n" + body)
    assert roles(pd.tasks[-1]) == expected


def test_a_deadline_in_a_duty_annotation_is_the_tasks():
    t = tasks_of("一、重点任务\n\n（一）建设。新建公办幼儿园3所（县发展改革委、县教育局负责，2026年8月底前完成）。").tasks[-1]
    assert (t.deadline.year, t.deadline.month) == (2026, 8)


@pytest.mark.parametrize("sentence, expected", [
    ("在县供销合作社指导下，各乡镇农经站负责组织合作社规范提升。", {("lead", "县供销合作社"), ("owner", "各乡镇农经站")}),
    ("县农业农村局与县财政局联合开展示范社评定。", {("lead", "县农业农村局"), ("lead", "县财政局")}),
    ("县文旅局联合县公安局开展安全检查。", {("lead", "县文化广电和旅游局"), ("support", "县公安局")}),
    ("县住房和城乡建设局负责督促物业服务企业落实电梯维护责任。",
     {("lead", "县住房城乡建设局"), ("owner", "物业服务企业")}),
    ("省应急管理厅协助省文物局开展消防检查。", {("lead", "省文物局"), ("support", "省应急管理厅")}),
    ("由县司法局牵头，县数据局提供技术支撑，建成公共法律服务平台。", {("lead", "县司法局"), ("support", "县数据局")}),
    ("县农村商业银行配合县农业农村局开展信贷支持。", {("lead", "县农业农村局"), ("support", "县农村商业银行")}),
    ("县卫生健康局、县医疗保障局分工负责推进医养结合。", {("lead", "县卫生健康委"), ("lead", "县医保局")}),
    ("各市（州）文物行政部门、公安机关要制定具体实施方案。",
     {("owner", "各市（州）文物行政部门"), ("owner", "各市（州）公安机关")}),
    ("县合作社质量提升工作领导小组办公室设在县农业农村局，负责日常协调调度。",
     {("lead", "县合作社质量提升工作领导小组办公室"), ("mentioned", "县农业农村局")}),
])
def test_roles_found_in_sets_x_and_y(sentence, expected):
    t = tasks_of("一、重点任务\n\n（一）加强管理。" + sentence).tasks[-1]
    assert roles(t) == expected


@pytest.mark.parametrize("sentence, deadline", [
    ("9月第三周举办网络安全宣传周活动。", (2025, 9)),
    ("6月中旬举办非遗展演活动。", (2025, 6)),
])
def test_a_part_of_a_month_is_that_month(sentence, deadline):
    t = tasks_of("一、重点任务\n\n（一）加强宣传。" + sentence).tasks[-1]
    assert (t.deadline.year, t.deadline.month) == deadline


@pytest.mark.parametrize("sentence, expected", [
    ("90分以上为优秀，75分至89分为良好。", []),
    ("医疗废物暂时贮存时间不得超过48小时。", []),
    ("正常退税平均办理时间不超过3个工作日。", [("正常退税平均办理时间", 3, "个工作日")]),
    ("申报县级示范社的合作社应当成立满2年、成员数量不少于50户。", []),
    ("5个县级服务中心全部完成功能分区改造。", []),
    ("幼儿园每班配备2名专任教师。", []),
    ("附属设施用地最多15亩。", []),
    ("对全县2024年度卫片下发的300个图斑开展核查。", []),
])
def test_target_forms_found_in_sets_x_and_y(sentence, expected):
    pd = tasks_of("一、重点任务\n\n（一）加强管理。" + sentence)
    assert [(g.indicator, g.value, g.unit) for g in pd.targets] == expected
    assert all(t.deadline is None or t.deadline.year != 2024 for t in pd.tasks)


@pytest.mark.parametrize("body, expected", [
    # a blanket rule only for the tasks that name no one, each body with its own cue
    ("本部分任务除另有明确外，均由镇应急办牵头，镇财政所、镇派出所配合。\n\n（一）储备。在镇区建设1个应急物资储备点。\n"
     "（二）值守。各村（社区）要落实值班值守制度。",
     [{("lead", "镇应急办"), ("support", "镇财政所"), ("support", "镇派出所")}, {("owner", "各村（社区）")}]),
    ("凡未注明责任单位的，均由各村（社区）负责落实。\n\n（一）管理。持续推进储备物资信息化管理。\n"
     "（二）演练。县应急管理局组织开展物资搬运演练。",
     [{("owner", "各村（社区）")}, {("owner", "县应急管理局")}]),
    # bare 主办/协办 labels
    ("（一）核查。对住房租赁企业逐一核查经营资质（主办：区住房城乡建设局；协办：区市场监管局）。",
     [{("lead", "区住房城乡建设局"), ("support", "区市场监管局")}]),
])
def test_forms_found_in_sets_z_and_a(body, expected):
    pd = tasks_of("一、重点任务\n\n" + body)
    assert [roles(t) for t in pd.tasks] == expected


@pytest.mark.parametrize("sentence, expected", [
    ("县自然资源局应当配合县林业局做好古树保护规划。", {("lead", "县林业局"), ("support", "县自然资源局")}),
    ("县文旅局负责宣传，县公安局予以配合。", {("owner", "县文化广电和旅游局"), ("support", "县公安局")}),
    ("县林业局会同县住房和城乡建设局每5年组织开展一次古树名木资源普查。",
     {("lead", "县林业局"), ("support", "县住房城乡建设局")}),
])
def test_roles_found_in_sets_z_and_a(sentence, expected):
    t = tasks_of("一、重点任务\n\n（一）加强管理。" + sentence).tasks[-1]
    assert roles(t) == expected


@pytest.mark.parametrize("sentence, deadline", [
    ("上半年由各乡镇人民政府组织家庭农场申报。", (2025, 6)),
    ("补助资金由县财政局于第三季度末前拨付到位。", (2025, 9)),
])
def test_a_part_of_the_year_is_due_in_the_documents_year(sentence, deadline):
    t = tasks_of("一、重点任务\n\n（一）推进。" + sentence).tasks[-1]
    assert (t.deadline.year, t.deadline.month) == deadline


@pytest.mark.parametrize("sentence, expected", [
    ("主要农作物化肥、农药利用率均达到45%以上。",
     [("主要农作物化肥利用率", 45, "%"), ("农药利用率", 45, "%")]),
    ("文化和旅游产业增加值年均增长10%。", [("文化和旅游产业增加值年均增长", 10, "%")]),
    ("0—6岁儿童残疾筛查率保持在95%以上。", [("0—6岁儿童残疾筛查率", 95, "%")]),
    ("县妇联协同县图书馆组织亲子共读家庭2000户。", [("亲子共读家庭", 2000, "户")]),
    ("严管期限不少于3个月。", []),
])
def test_target_forms_found_in_sets_z_and_a(sentence, expected):
    pd = tasks_of("一、重点任务\n\n（一）加强管理。" + sentence)
    assert [(g.indicator, g.value, g.unit) for g in pd.targets] == expected


@pytest.mark.parametrize("sentence, expected", [
    # the kind of body a rule binds, as the subject of its sentence, does the work
    ("管护责任人应当按照技术规范做好日常管护。", {("owner", "管护责任人")}),
    ("建设主体应当于10月31日前完成冷库建设。", {("owner", "建设主体")}),
])
def test_the_kind_of_body_a_rule_binds_owns_the_work(sentence, expected):
    t = tasks_of("一、重点任务\n\n（一）加强管理。" + sentence).tasks[-1]
    assert roles(t) == expected


@pytest.mark.parametrize("item, expected", [
    # 负总责 leads, 具体承办 implements, inside an annotation
    ("年内完成老旧管网更新30公里（县住房和城乡建设局负总责，各镇人民政府具体承办）。",
     {("lead", "县住房城乡建设局"), ("owner", "各镇人民政府")}),
    # a level prefix of several levels (县（市、区）) or of a kind of place (各沿海县, 沿海各市)
    ("县（市、区）司法局负责辖区普法阵地的日常管理。", {("owner", "县（市、区）司法局")}),
    ("各沿海县农业农村局每年组织渔民安全培训2期。", {("owner", "各沿海县农业农村局")}),
    ("督促沿海各县人民政府落实渔港管理。", {("owner", "沿海各县人民政府")}),
    ("县（市、区）林业主管部门应当每月巡查一次古树。", {("owner", "县（市、区）林业主管部门")}),
    # 保证 commits a body to a standard it keeps
    ("各村文化服务站要保证每周开放不少于4天。", {("owner", "各村文化服务站")}),
])
def test_more_ways_to_name_a_role_or_a_body(item, expected):
    pd = tasks_of("一、重点任务\n\n（一）抓好日常工作。" + item)
    assert pd.tasks, item
    assert roles(pd.tasks[-1]) == expected


def test_a_compound_prefix_is_split_like_a_listed_one():
    from kb.names import canonical_name, split_prefix

    assert split_prefix("县（市、区）住建局") == ("县（市、区）", "住建局")
    assert canonical_name("各沿海市住建局") == "各沿海市住房城乡建设局"
    assert canonical_name("县林草局") == "县林业局"


@pytest.mark.parametrize("item, expected", [
    # a body opening the sentence is its subject however much stands before the verb
    ("县司法局联合同级人力资源社会保障部门开展技能培训。", ("lead", "县司法局")),
    ("县财政局按照每户每年300元的标准安排管护经费。", ("owner", "县财政局")),
])
def test_a_body_opening_a_sentence_makes_it_a_task_whatever_stands_before_its_verb(item, expected):
    pd = tasks_of("一、重点任务\n\n（一）抓好日常工作。" + item)
    assert pd.tasks and expected in roles(pd.tasks[-1])


def test_a_body_followed_by_no_verb_is_no_task():
    pd = tasks_of("一、基本情况\n\n（一）现状。县人民医院是全县唯一的三级医院。")
    assert not pd.tasks


@pytest.mark.parametrize("sentence, indicator, unit", [
    ("汛期期间，全县出动巡堤人员3000人次。", None, "人次"),
    ("禁渔期间出动执法船艇600艘次。", "出动执法船艇", "艘次"),
    ("社区矫正对象矫正期间再犯罪率控制在0.2%以下。", "社区矫正对象矫正期间再犯罪率", "%"),
])
def test_the_time_of_the_work_is_no_part_of_a_count_of_it(sentence, indicator, unit):
    pd = tasks_of("一、工作目标\n\n" + sentence)
    t = pd.targets[0]
    assert t.unit == unit
    assert t.indicator == indicator if indicator else "期间" not in t.indicator


def test_a_heading_lead_is_for_the_items_that_name_no_one():
    pd = tasks_of("一、重点任务（县发展改革局总牵头）\n\n（一）建设充电桩。新建公共充电桩200个。\n\n"
                  "（二）改造配套电网。县供电公司负责实施农村电网配套改造。")
    assert roles(task_with(pd, "新建公共充电桩")) == {("lead", "县发展改革委")}
    assert roles(task_with(pd, "县供电公司负责")) == {("owner", "县供电公司")}


@pytest.mark.parametrize("item, expected", [
    ("各市、州人民政府要建立本地区数据质量责任清单。", {("owner", "各市、州人民政府")}),
    ("各旗县市人民政府负责本地区工作的组织实施。", {("owner", "各旗县市人民政府")}),
    # kinds of body: with a bracket in the name, or ending in 企业 before a duty word
    ("村（居）民委员会应当为调解员提供工作场所。", {("owner", "村（居）民委员会")}),
    ("物业服务企业应当做好小区消防通道管理。", {("owner", "物业服务企业")}),
    ("律师事务所、公证处应当支持本单位人员参加值班。", {("owner", "律师事务所"), ("owner", "公证处")}),
])
def test_kinds_and_lists_of_bodies_as_subjects(item, expected):
    pd = tasks_of("一、重点任务\n\n（一）抓好日常工作。" + item)
    assert pd.tasks and roles(pd.tasks[-1]) == expected


def test_a_kind_of_firm_inside_an_indicator_is_no_subject():
    pd = tasks_of("一、工作目标\n\n到2026年底，重大危险源企业在线监测系统接入率保持100%。")
    assert not pd.tasks
    assert pd.targets[0].indicator.startswith("重大危险源企业")


def test_a_compound_prefix_never_eats_the_first_character_of_a_name():
    from kb.names import split_prefix

    assert split_prefix("各区县市场监督管理局") == ("各区县", "市场监督管理局")


def test_the_short_name_of_the_one_leading_group_is_that_group():
    pd = tasks_of("一、保障措施\n\n（一）加强组织领导。成立县秸秆禁烧工作领导小组，由分管副县长任组长。"
                  "领导小组办公室设在县农业农村局，负责日常协调调度。\n\n（二）强化督查。领导小组办公室每月组织一次督查。")
    office = "县秸秆禁烧工作领导小组办公室"
    assert ("lead", office) in roles(task_with(pd, "设在县农业农村局"))
    assert roles(task_with(pd, "每月组织")) == {("owner", office)}


def test_a_short_group_name_with_two_groups_named_is_left_as_written():
    pd = tasks_of("一、保障措施\n\n（一）加强组织领导。成立县秸秆禁烧工作领导小组和县河道保洁工作领导小组。"
                  "领导小组办公室每月组织一次督查。")
    assert all("秸秆" not in p.name and "河道" not in p.name for p in task_with(pd, "每月组织").parties)


def test_a_years_budget_is_no_deadline_but_money_due_within_the_year_is():
    pd = tasks_of("一、重点任务\n\n（一）落实经费。县财政局负责将管护经费纳入预算，2026年安排管护资金不少于850万元。\n\n"
                  "（二）配齐装备。镇财政所负责安排装备资金，年内投入不少于25万元。")
    assert all(t.deadline is None for t in pd.tasks if "850" in t.text or "纳入预算" in t.text)
    assert task_with(pd, "年内投入").deadline.year == 2025
    assert any(x.value == 850 and x.year == 2026 for x in pd.targets)  # the year stays the target's


def test_a_blanket_rule_names_the_village_and_community_committees_whole():
    pd = tasks_of("一、重点任务\n\n以下任务由各社区居民委员会负责落实，不再一一列出。\n\n（一）开展评估。对老旧电梯开展安全评估。")
    assert roles(task_with(pd, "开展安全评估")) == {("owner", "各社区居民委员会")}


def test_each_of_the_street_offices_and_town_governments():
    pd = tasks_of("一、重点任务\n\n（一）布局网点。各街道办事处、镇人民政府要在第三季度完成网点布局。")
    assert roles(pd.tasks[-1]) == {("owner", "各街道办事处"), ("owner", "各镇人民政府")}


@pytest.mark.parametrize("sentence, want", [
    # 分别 after the body: the indicator starts after its verb, one per value
    ("2026年至2028年，县档案馆分别完成馆藏档案数字化4万卷、6万卷、5万卷。",
     [("馆藏档案数字化", 4, "万卷"), ("馆藏档案数字化", 6, "万卷"), ("馆藏档案数字化", 5, "万卷")]),
    ("全年检查文物点不少于300处次。", [("检查文物点", 300, "处次")]),
    ("城市核心区公共充电服务半径缩小到1公里以内。", [("城市核心区公共充电服务半径", 1, "公里")]),
    ("年内完成农贸市场标准化改造30个。", [("农贸市场标准化改造", 30, "个")]),
    # no targets: where the work is done, a rule in principle, a standard per kilowatt or per pair
    ("在全县486处不可移动文物点公示责任人。", []),
    ("轮换架空期原则上不超过4个月。", []),
    ("补贴标准为每千瓦200元。", []),
    ("每对服务区建设快充桩8个。", []),
    ("PM2.5浓度控制在30微克/立方米以内。", [("PM2.5浓度", 30, "微克/立方米")]),
])
def test_more_forms_of_targets_and_of_what_is_no_target(sentence, want):
    assert targets_in(sentence) == want


@pytest.mark.parametrize("item, expected", [
    # a 州 body after a role verb (配合州医疗保障局) is a body, not the end of a place name
    ("州卫生健康局配合州医疗保障局开展诊疗行为检查。", {("support", "州卫生健康委"), ("lead", "州医保局")}),
    # sections named bare in a department's own document, as partners and as subjects
    ("安全仓储处会同规划建设处推进绿色储粮改造。", {("lead", "安全仓储处"), ("support", "规划建设处")}),
    ("驻局纪检监察组配合执法督查处开展专项巡察。", {("support", "驻局纪检监察组"), ("lead", "执法督查处")}),
    ("局办公室每半年对要点落实情况进行一次通报。", {("owner", "局办公室")}),
    ("县供销合作社联合社负责建设农资配送中心。", {("owner", "县供销合作社")}),
])
def test_bodies_in_a_departments_own_document_and_after_role_verbs(item, expected):
    pd = tasks_of("一、重点任务\n\n（一）抓好日常工作。" + item)
    assert pd.tasks and roles(pd.tasks[-1]) == expected


def test_a_time_after_its_preposition_counts_though_the_segmenter_joins_the_two():
    pd = tasks_of("一、重点任务\n\n（一）抓好日常工作。县水利局要于第三季度末前完成河道清淤。")
    assert (pd.tasks[-1].deadline.year, pd.tasks[-1].deadline.month) == (2025, 9)


def test_a_level_list_inside_one_name_is_not_split_in_an_annotation():
    pd = tasks_of("一、重点任务\n\n（一）夯实基础。培训统计人员1.2万人次（省统计局牵头，各市、州人民政府配合）。")
    assert ("support", "各市、州人民政府") in roles(pd.tasks[-1])


@pytest.mark.parametrize("body, office", [
    ("成立省数据质量提升工作协调小组，协调小组办公室设在省统计局，负责日常调度。", "省数据质量提升工作协调小组办公室"),
    ("成立街道电梯安全专项整治工作领导小组，领导小组办公室设在街道平安建设办公室，负责日常调度。",
     "街道电梯安全专项整治工作领导小组办公室"),
])
def test_groups_named_after_cheng_li_and_their_offices(body, office):
    pd = tasks_of("一、组织领导\n\n（一）加强领导。" + body)
    assert ("lead", office) in roles(pd.tasks[-1])


@pytest.mark.parametrize("sentence, want", [
    ("对县人民医院、县政务服务中心等28处公共服务场所实施无障碍改造。", []),  # the things acted on
    ("市级财政按照工程投资额的30%给予补助。", []),  # a share of a base: a rule for each case
    ("设置比例不低于总车位2%。", []),
    ("运营企业要按照每500辆车配备1名运维人员。", []),  # 每500辆: what one is for
    ("街道辖9个社区。", []),  # what there is
    ("礁区之间间隔500米以上。", []),  # spacing: a standard
    ("到2026年底，旅游投诉按期办结率达到98%以上。", [("旅游投诉按期办结率", 98, "%")]),
    ("在全县15个乡镇设立临时检验点30个。", [("临时检验点", 30, "个")]),
    ("全年新增投放人工鱼礁25万空方。", [("人工鱼礁", 25, "万空方")]),
    ("完成改造道路18条。", [("改造道路", 18, "条")]),  # a two-character name keeps its verb
    ("新建改造城镇污水管网40公里。", [("城镇污水管网", 40, "公里")]),
])
def test_targets_against_rules_for_each_case_and_places(sentence, want):
    assert targets_in(sentence) == want


def test_a_bare_date_in_a_due_date_cell_or_label_is_the_deadline():
    pd = tasks_of("一、重点任务\n\n（一）推进改造。以下项目按表中责任单位和完成时限推进：\n\n"
                  "序号｜改造内容｜责任单位｜完成时限\n\n1｜完成改造道路18条｜县住房和城乡建设局（牵头）、县公安局｜2026年10月31日\n\n"
                  "（二）清淤。县水利局完成河道清淤（完成时限：2026年9月30日）。")
    assert (task_with(pd, "改造道路").deadline.year, task_with(pd, "改造道路").deadline.month) == (2026, 10)
    assert (task_with(pd, "河道清淤").deadline.year, task_with(pd, "河道清淤").deadline.month) == (2026, 9)


def test_a_date_in_running_text_is_still_no_deadline():
    pd = tasks_of("一、重点任务\n\n（一）召开会议。2026年3月5日召开全县动员会议，部署清淤工作。")
    assert all(t.deadline is None or t.deadline.source != "explicit" or t.deadline.month != 3 for t in pd.tasks)


def test_the_area_and_fen_bie_before_a_count_are_no_part_of_its_name():
    pd = tasks_of("一、工作目标\n\n2026年至2028年，全省分别投放人工鱼礁25万空方、30万空方、19万空方。")
    assert [t.indicator for t in pd.targets] == ["人工鱼礁"] * 3


def test_a_line_of_page_fields_opening_with_a_chrome_label_still_gives_the_number():
    from indexer.sources import read_meta_table
    from bs4 import BeautifulSoup

    soup = BeautifulSoup('<div class="info">来源：市政府办公室　　发文字号：某政办发〔2026〕19号　　'
                         '发布时间：2026-05-20 10:12　　浏览次数：<span>1386</span></div>'
                         '<div class="content"><p>各县（市、区）人民政府：</p></div>', "html.parser")
    meta, _ = read_meta_table(soup)
    assert meta.get("doc_number") == "某政办发〔2026〕19号"


def test_a_company_signs_a_joint_notice():
    from indexer.regexes import ISSUER_LINE

    assert ISSUER_LINE.match("国网某某供电公司")


def test_a_group_founded_by_a_level_is_named_with_that_level():
    pd = tasks_of("一、保障措施\n\n（一）加强领导。县人民政府成立农机安全专项整治工作领导小组，领导小组办公室设在县农业农村局，"
                  "负责统筹推进和督促检查。")
    assert ("lead", "县农机安全专项整治工作领导小组办公室") in roles(pd.tasks[0])
    pd = tasks_of("一、保障措施\n\n（一）加强领导。街道成立摊贩管理工作领导小组，领导小组办公室设在街道城管办，负责日常协调。")
    assert ("lead", "街道摊贩管理工作领导小组办公室") in roles(pd.tasks[0])
    assert all(not p.name.startswith("街道成立") for t in pd.tasks for p in t.parties)


@pytest.mark.parametrize("item, expected", [
    ("市12345热线服务中心负责组织话务员岗前培训。", {("owner", "市12345热线服务中心")}),
    # a 、 inside the object of 对 does not end the subject's segment
    ("县纪委监委对履职不力、造成严重后果的单位依规依纪追究责任。", {("owner", "县纪委监委")}),
])
def test_hotline_names_and_subjects_before_a_long_object(item, expected):
    pd = tasks_of("一、重点任务\n\n（一）抓好日常工作。" + item)
    assert pd.tasks and roles(pd.tasks[-1]) == expected


def test_how_long_a_notice_stays_up_is_no_target():
    pd = tasks_of("一、重点任务\n\n（一）公开选聘。选聘结果在各村公示不少于5个工作日。")
    assert not pd.targets


def test_a_breadcrumb_line_of_a_pasted_page_is_no_title():
    from indexer.sources import html_rules

    furniture = html_rules()["furniture_re"]
    assert furniture.search("某县人民政府门户网站 > 信息公开 > 部门文件")
    assert not furniture.search("关于做好2026年白蚁防治工作的通知")


@pytest.mark.parametrize("sentence, want", [
    ("县就业服务中心每季度至少举办1场专场招聘会。", []),  # how often: a frequency
    ("全年举办专场招聘会50场。", [("专场招聘会", 50, "场")]),
    ("组织对全区418家旅馆、126家民宿逐家开展治安检查。", []),  # a list of the things acted on
    ("对连续两次考评排名末位的运营企业，核减其投放配额的20%。", []),  # a penalty for each case
    ("制定家政服务地方标准3项。", [("制定家政服务地方标准", 3, "项")]),  # a count of standards to write
    ("补助标准为每公里50万元。", []),
    ("年内评定星级牧家乐50家以上。", [("评定星级牧家乐", 50, "家")]),
    ("辖区食品摊贩登记备案率达到100%。", [("辖区食品摊贩登记备案率", 100, "%")]),  # 辖区 is a place, not 辖
    ("全镇辖12个行政村。", []),
    ("工作场所职业病危害因素定期检测率不低于90%。", [("工作场所职业病危害因素定期检测率", 90, "%")]),
    ("定期组织培训500人次。", [("组织培训", 500, "人次")]),
])
def test_frequencies_penalties_lists_acted_on_and_names_with_recurrence_words(sentence, want):
    assert targets_in(sentence) == want


def test_a_list_of_years_then_fen_bie_gives_each_value_its_year_and_the_thing_named_before():
    pd = tasks_of("一、工作目标\n\n推进公共充电设施建设，2026年新建公共充电桩4000个，2027年、2028年分别新建4500个、5000个。")
    assert [(t.indicator, t.value, t.year) for t in pd.targets] == [
        ("公共充电桩", 4000, 2026), ("公共充电桩", 4500, 2027), ("公共充电桩", 5000, 2028)]


@pytest.mark.parametrize("item, expected", [
    # 按照职责分工负责 as 按职责分工负责: with no lead named, those bodies lead
    ("县教育局、县卫生健康局按照职责分工负责，做好学生健康管理。", {("lead", "县教育局"), ("lead", "县卫生健康委")}),
    # 负责人才公寓 is 负责 + 人才公寓, not the noun 负责人
    ("县财政局、县自然资源局按照职责分工负责人才公寓的相关管理工作。", {("lead", "县财政局"), ("lead", "县自然资源局")}),
    # the department in charge, coordinating said at the end of the next segment
    ("县城市管理局是本县建筑垃圾管理的主管部门，负责建筑垃圾处置的统筹协调和监督管理。", {("lead", "县城管局")}),
    # 由X + a sanction of its own: X does it
    ("对拒不改正的，由县交通运输局依法吊销其车辆营运证。", {("owner", "县交通运输局")}),
    ("违反本办法规定的，由县住房和城乡建设局责令改正。", {("owner", "县住房城乡建设局")}),
    # a school as the subject, the schools it urges owning the work
    ("镇中心学校负责督促各中小学校在放假前开展防溺水专题教育。", {("lead", "镇中心学校"), ("owner", "各中小学校")}),
    ("县教育局要督促各中小学校在暑假前开展安全教育。", {("owner", "县教育局"), ("owner", "各中小学校")}),
    ("各乡镇人民政府、各学校完成适龄儿童入学情况排查。", {("owner", "各乡镇人民政府"), ("owner", "各学校")}),
])
def test_shared_duty_variants_departments_in_charge_sanctions_and_schools(item, expected):
    pd = tasks_of("一、重点任务\n\n（一）抓好日常工作。" + item)
    assert pd.tasks and roles(pd.tasks[-1]) == expected


def test_every_city_and_prefecture_written_with_a_comma_is_a_subject():
    pd = parse_text(HEAD + "一、重点任务\n\n（一）抓好日常工作。各市、州要在6月底前组织开展一轮排查。",
                    {"id": "t", "date": "2025-03-01", "level": "provincial", "issuer": "某省人民政府"}, name="t.txt")
    assert ("owner", "各市、州") in roles(pd.tasks[-1])


@pytest.mark.parametrize("sentence, want", [
    ("到2028年，甲北区、甲东区、滨湖区分别筹集人才公寓不少于1200套、900套、700套。",
     [("甲北区筹集人才公寓", 1200, "套"), ("甲东区筹集人才公寓", 900, "套"), ("滨湖区筹集人才公寓", 700, "套")]),
    ("重点时段每2小时巡逻不少于1次。", []),  # how often
    ("组建护水队，每支护水队不少于5人。", []),  # for each one
    ("建立协作机制，与周边4个市签订联合执法协议。", []),  # the partners
    ("加快推进12座病险水库除险加固，6月30日前完成主体工程。", []),  # what the work covers
    ("对2025年卫片下发的37个疑似图斑逐一核查。", []),
    ("对2025年排查录入的自建房逐栋复核，录入准确率达到100%。", [("录入准确率", 100, "%")]),  # 2025年 describes the object
    ("新建检测点14个，检测数据实现与省信息系统联网全覆盖。",
     [("检测点", 14, "个"), ("检测数据与省信息系统联网", "全覆盖", None)]),
])
def test_doers_before_fen_bie_per_hour_frequencies_partners_and_times_of_the_object(sentence, want):
    assert targets_in(sentence) == want


def test_a_recurrence_in_another_segment_leaves_the_deadline_its_year():
    pd = tasks_of("一、重点任务\n\n（一）抓好日常工作。各中小学校要在5月底前开展一轮专题教育，每周利用放学前5分钟进行安全提醒。")
    assert (pd.tasks[-1].deadline.year, pd.tasks[-1].deadline.month) == (2025, 5)
    pd = tasks_of("一、重点任务\n\n（一）抓好日常工作。各镇每年5月底前报送年度工作总结。")
    assert pd.tasks[-1].deadline.year is None and pd.tasks[-1].deadline.month == 5


@pytest.mark.parametrize("item, expected", [
    # an occasion before a frame (每年汛前对…开展): the verb still commands
    ("县应急管理局会同县水利局，每年汛前对全县尾矿库开展一次联合检查。", {("lead", "县应急管理局"), ("support", "县水利局")}),
    # roles first, then a dated milestone: their task
    ("县自然资源局牵头，县应急管理局配合，年底前关闭小型矿山12座以上。", {("lead", "县自然资源局"), ("support", "县应急管理局")}),
])
def test_occasions_before_the_verb_and_roles_before_a_dated_milestone(item, expected):
    pd = tasks_of("一、重点任务\n\n（一）抓好日常工作。" + item)
    assert pd.tasks and roles(pd.tasks[-1]) == expected


def test_a_year_gone_by_before_work_done_is_no_task():
    pd = tasks_of("一、重点任务\n\n（一）基本情况。全镇辖14个行政村，林地面积4.2万亩，2024年全镇完成义务植树8.6万株。")
    assert not pd.tasks


@pytest.mark.parametrize("item, expected", [
    # a person named by what they do, bound by a rule (not 任何单位和个人)
    ("养犬人应当在犬只满3月龄后30日内办理登记。", {("owner", "养犬人")}),
    ("街道办事处、居民委员会应当开展文明养犬宣传。", {("owner", "街道办事处"), ("owner", "居民委员会")}),
    ("县农业农村局应当合理设置犬只狂犬病免疫点。", {("owner", "县农业农村局")}),
    ("由县市场监督管理局负责督促餐饮服务经营者主动提示消费者适量点餐。",
     {("lead", "县市场监管局"), ("owner", "餐饮服务经营者")}),
    # a body's officer is a person: no role for the body
    ("街道成立摊贩管理工作领导小组，由街道办事处主任任组长，领导小组办公室设在街道综合行政执法队，负责日常调度。",
     {("lead", "街道摊贩管理工作领导小组办公室"), ("mentioned", "街道综合行政执法队")}),
])
def test_persons_bound_by_rules_bare_street_offices_and_officers(item, expected):
    pd = tasks_of("一、重点任务\n\n（一）抓好日常工作。" + item)
    assert pd.tasks and roles(pd.tasks[-1]) == expected


def test_no_one_is_owner_of_a_rule_for_everyone():
    pd = tasks_of("一、重点任务\n\n（一）抓好日常工作。任何单位和个人不得虐待犬只。养犬人应当办理登记。")
    assert pd.tasks and all(not p.name.endswith("单位和个人") for t in pd.tasks for p in t.parties)
    assert ("owner", "养犬人") in roles(pd.tasks[-1])


def test_a_blanket_rule_naming_each_kind_of_body_after_you():
    pd = tasks_of("一、重点任务\n\n以下各项任务由各公共机构负责落实，不再一一列出。\n\n（一）开展审计。县机关事务服务中心开展能源审计。")
    assert ("owner", "各公共机构") in roles(pd.tasks[-1])


def test_issuing_bodies_on_lines_of_their_own_above_the_title_include_a_service_centre():
    from indexer.regexes import ISSUER_LINE

    assert ISSUER_LINE.match("某县机关事务服务中心") and ISSUER_LINE.match("某县融媒体中心")


@pytest.mark.parametrize("sentence, want", [
    ("全州常住人口、重点人群家庭医生签约服务覆盖率分别达到42%、80%。",
     [("全州常住人口家庭医生签约服务覆盖率", 42, "%"), ("重点人群家庭医生签约服务覆盖率", 80, "%")]),
    ("全县水稻、茶叶保险承保面分别达到80%、60%。", [("全县水稻保险承保面", 80, "%"), ("茶叶保险承保面", 60, "%")]),
    ("东岙村、石门村、上塘村3个重点村分别完成复耕复种420亩、360亩、290亩。",
     [("东岙村完成复耕复种", 420, "亩"), ("石门村完成复耕复种", 360, "亩"), ("上塘村完成复耕复种", 290, "亩")]),  # 3个: the villages
    ("全区建成区现有各类窨井盖约4.3万座。", []),  # what there is
    ("丧事办理时间一般不超过3天。", []),  # a rule for each case
    ("对拒不改正的，可以处50元以上200元以下罚款。", []),  # a fine
    ("新建社会公用计量标准9项。", [("社会公用计量标准", 9, "项")]),  # a count of standards
    ("县市场监督管理局要培育诚信计量示范单位，各推荐10家。", []),  # each
    ("对未完成年度目标的单位，由县机关事务服务中心进行约谈。", []),  # a condition, no benchmark
    ("刊播公益广告200条次。", [("刊播公益广告", 200, "条次")]),
])
def test_parallel_modifiers_listed_things_fines_and_conditions(sentence, want):
    assert targets_in(sentence) == want


def test_the_period_in_a_plans_name_is_no_deadline_and_da_ji_is_work():
    pd = tasks_of("一、重点任务\n\n（一）抓好日常工作。县林业局牵头编制全县林下经济发展规划（2026—2030年）。")
    assert pd.tasks[-1].deadline is None or pd.tasks[-1].deadline.year != 2030
    pd = tasks_of("一、重点任务\n\n（一）抓好日常工作。县公安局配合县林业局依法打击非法猎捕鸟类。")
    assert roles(pd.tasks[-1]) == {("support", "县公安局"), ("lead", "县林业局")}


def test_a_title_naming_four_issuers_broken_over_two_lines_is_joined():
    from indexer.structure import join_title_lines

    text = ("甲卫联发〔2026〕4号\n\n甲县卫生健康局 甲县公安局 甲县民政局 甲县医疗保障局关于印发《甲县严重精神障碍患者服务管理实施方\n\n"
            "案》的通知\n\n各乡镇人民政府：\n\n现将方案印发给你们。")
    assert "甲县医疗保障局关于印发《甲县严重精神障碍患者服务管理实施方案》的通知" in join_title_lines(text)


def test_a_number_or_a_bodys_name_is_no_title():
    from indexer.docfacts import _titled

    assert _titled("甲卫联发〔2026〕4号") is None and _titled("瑞平市人民防空办公室") is None
    assert _titled("瑞平市2026年人民防空工作要点") == "瑞平市2026年人民防空工作要点"


def test_a_page_heading_that_only_names_the_body_is_passed_over():
    from bs4 import BeautifulSoup
    from indexer.sources import _title_from

    soup = BeautifulSoup('<h2>瑞平市人民防空办公室</h2><h3 class="d-title">瑞平市人民防空办公室关于印发2026年全市人民防空'
                         '工作要点的通知</h3>', "html.parser")
    assert _title_from(soup, {}) == "瑞平市人民防空办公室关于印发2026年全市人民防空工作要点的通知"


@pytest.mark.parametrize("sentence, want", [
    ("县财政局负责安排无偿献血宣传招募和献血者激励经费，2026年安排不少于45万元。",
     [("无偿献血宣传招募和献血者激励经费", 45, "万元")]),  # the object of the same verb before
    ("超采区浅层、深层地下水位分别回升0.5米、1米。",
     [("超采区浅层地下水位", 0.5, "米"), ("深层地下水位", 1, "米")]),  # a verb alone after 分别
])
def test_the_same_verb_before_and_a_verb_alone_after_fen_bie(sentence, want):
    assert targets_in(sentence) == want


def test_bare_sections_listed_in_brackets_under_a_first_listed_rule():
    pd = tasks_of("各项工作后括号内所列为牵头科室和配合单位，列第一位者为牵头科室。\n\n一、重点工作\n\n（一）加强监测。"
                  "8月底前完成市级地震监测台网升级改造（监测预报科、市地震监测中心）。")
    assert roles(pd.tasks[-1]) == {("lead", "监测预报科"), ("support", "市地震监测中心")}


def test_links_to_neighbouring_articles_after_the_signature_are_no_body():
    from indexer.structure import paragraphs, parse_signature

    paras = paragraphs("一、任务\n\n（一）做好工作。\n\n某县人民政府办公室\n\n2026年3月27日\n\n（此件公开发布）\n\n"
                       "上一篇：某县人民政府办公室关于做好养护工作的通知（某政办函〔2026〕11号）\n\n下一篇：某县人民政府办公室关于…的通知")
    sig, _ = parse_signature(paras, 0)
    assert sig.date == "2026-03-27" and sig.issuer == "某县人民政府办公室"


def test_a_trade_union_signs_a_joint_notice():
    from indexer.regexes import ISSUER_LINE

    assert ISSUER_LINE.match("某县总工会") and ISSUER_LINE.match("某县妇联")


def test_the_notice_title_stands_in_when_the_header_has_none():
    from indexer.pipeline import parse_text

    text = ("甲县科学技术局 甲县农业农村局 甲县人力资源和社会保障局\n\n甲科联〔2026〕3号\n\n"
            "关于印发甲县2026年科技特派员服务工作实施方案的通知\n\n各乡镇人民政府：\n\n现将《甲县2026年科技特派员服务工作实施方案》"
            "印发给你们，请认真贯彻执行。\n\n甲县2026年科技特派员服务工作实施方案\n\n一、重点任务\n\n（一）选派特派员。县科技局负责选派。")
    pd = parse_text(text, {}, name="x.txt")
    assert pd.document.title == "甲县2026年科技特派员服务工作实施方案"
