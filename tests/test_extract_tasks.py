"""Tasks, parties, deadlines and targets of whole documents: the county fixture, the Yangzhou opinion."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.models import Document
from indexer.corpus import read_sidecar
from indexer.extract import extract_document
from indexer.extract import lexicon as lx
from indexer.extract.evaluate import evaluate, read_gold
from indexer.pipeline import parse_file, parse_text

ROOT = Path(__file__).resolve().parent.parent
COUNTY = ROOT / "tests" / "fixtures" / "county-plan.txt"
YANGZHOU = ROOT / "corpus" / "yangzhou-2024-118.txt"


@pytest.fixture(scope="module")
def county():
    return parse_file(COUNTY)


@pytest.fixture(scope="module")
def yangzhou():
    return parse_file(YANGZHOU, read_sidecar(YANGZHOU.with_name("yangzhou-2024-118.meta.yaml")))


def item_tasks(pd, item_no):
    return [t for t in pd.tasks if t.item_no == item_no]


def names(parties, role, source="explicit"):
    return sorted({p.name for p in parties if p.role == role and p.source == source})


# Every numbered item of the county plan: lead, support (names as the plan writes them: 县住建局,
# 县发改委), (year, month) of each task's deadline.
COUNTY_ITEMS = [
    (1, ["县生态环境局"], ["县工业和信息化局", "各镇人民政府"], {(2025, 12)}),
    (2, ["县住建局"], ["县交通运输局", "县城管局"], {(None, None), (2026, 6)}),
    (3, ["县交通运输局"], ["县公安局", "县生态环境局"], {(2027, None)}),
    (4, ["县水利局"], ["县生态环境局", "县自然资源和规划局", "各镇人民政府"], {(None, None)}),
    (5, ["县水利局"], ["县农业农村局", "县生态环境局", "射阳湖镇人民政府"], {(None, None), (2026, 12), (2027, None)}),
    (6, ["县水利局", "县生态环境局"], [], {(2025, 9), (2025, 12)}),
    (7, ["县住房城乡建设局"], ["县农业农村局", "县城乡水务有限公司", "各镇人民政府"], {(2025, None)}),
    (8, ["县农业农村局"], ["县生态环境局"], {(2027, None)}),
    (9, ["县生态环境局"], ["县城管局", "县发改委", "县商务局"], {(2025, None)}),
    (10, ["县发展改革委"], ["县各有关部门"], {(2026, None)}),
    (11, ["县自然资源和规划局"], ["县林业站", "各镇人民政府"], {(2026, 12)}),
    (12, ["县美丽宝应建设工作专班"], [], {(None, None), (2025, 6)}),
    (13, [], [], {(None, None)}),
    (14, [], [], {(None, None)}),
]


@pytest.mark.parametrize("item_no,lead,support,deadlines", COUNTY_ITEMS)
def test_county_items(county, item_no, lead, support, deadlines):
    tasks = item_tasks(county, item_no)
    assert tasks, f"item {item_no} has no task"
    for t in tasks:
        assert names(t.parties, "lead") == sorted(lead)
        assert names(t.parties, "support") == sorted(support)
    assert {(t.deadline.year, t.deadline.month) for t in tasks} == deadlines


def test_county_deadline_sources_and_recurrence(county):
    by_item = {t.item_no: t for t in county.tasks if t.item_no}
    assert by_item[1].deadline.recurring == "每季度"
    assert by_item[4].deadline.recurring == "每月" and by_item[4].deadline.source == "explicit"
    assert by_item[14].deadline.recurring == "每季度"
    eleven = by_item[11].deadline
    assert (eleven.year, eleven.month, eleven.source) == (2026, 12, "explicit")
    assert "2026年12月底前" in eleven.text  # from the annotation's 完成时限
    nine = by_item[9].deadline
    assert nine.period == (2021, 2025)
    # Stage years of 总体要求 are only ever inherited, never explicit.
    thirteen = by_item[13].deadline
    assert thirteen.source == "inherited" and thirteen.stages == (2025, 2027, 2035)
    for t in county.tasks:
        d = t.deadline
        if d and d.source == "explicit" and d.start is not None:
            assert d.text in county.document.text


def test_county_goal_part_has_targets_not_tasks(county):
    goal = [t for t in county.tasks if "part_1" in t.clause_id.split("#")[1].split("__")[0:1]]
    assert goal == []
    part1 = [x for x in county.targets if x.clause_id.endswith("#part_1__cl_3")]
    assert [(x.indicator, x.value, x.unit, x.qualifier, x.year) for x in part1] == [
        ("全县国省考断面水质优良比例", 96, "%", "以上", 2027),
        ("细颗粒物平均浓度", 28, "微克/立方米", "以下", 2027),
        ("林木覆盖率", 12.5, "%", "以上", 2027),
    ]


def test_county_recipients_are_inherited_only_without_explicit_party(county):
    for t in county.tasks:
        inherited = [p for p in t.parties if p.source == "inherited"]
        explicit = [p for p in t.parties if p.source == "explicit" and p.role in ("lead", "owner")]
        if explicit:
            assert not inherited
        else:
            assert sorted(p.name for p in inherited) == sorted(county.document.recipients)
            assert all(p.role == "recipient" for p in inherited)


def test_county_closing_parties(county):
    closing = [t for t in county.tasks if t.clause_id.endswith("#closing__cl_1")]
    assert len(closing) == 1
    t = closing[0]
    assert names(t.parties, "owner") == ["县各有关部门", "各镇人民政府"]
    assert names(t.parties, "recipient") == ["县政府", "县生态环境局"]  # as written, not 县人民政府
    assert (t.deadline.year, t.deadline.month, t.deadline.recurring) == (None, 12, "每年")
    # 由其汇总: 其 is resolved to the body named right before it, and marked so; it does the collecting.
    assert names(t.parties, "owner", "resolved") == ["县生态环境局"]
    [ref] = t.references
    assert (ref.text, ref.status, ref.antecedents) == ("其", "resolved", ("县生态环境局",))


# ---------------------------------------------------------------------------
# The Yangzhou opinion
# ---------------------------------------------------------------------------

YANGZHOU_TARGETS = [
    ("生态保护红线和生态空间管控区域面积", 1172.77, "平方千米", "以上", 2035),
    ("具备条件的干散货港口料仓“全封闭”建设", "全覆盖", None, None, None),
    ("细颗粒物平均浓度", None, None, "优于国家目标", 2027),
    ("国省考断面水质优良比例", 95, "%", "左右", 2027),
    ("受污染耕地安全利用率", 94, "%", "以上", 2027),
    ("细颗粒物平均浓度", 28, "微克/立方米", "左右", 2035),
    ("宝应湖水质", "Ⅲ类", None, "稳定达到", 2027),
    # issue 13: a dated outcome without a number (到2030年，达到国家“无废城市”建设要求) is a target
    ("国家“无废城市”建设要求", None, None, "达到", 2030),
]


def test_yangzhou_targets(yangzhou):
    got = [(x.indicator, x.value, x.unit, x.qualifier, x.year) for x in yangzhou.targets]
    assert got == YANGZHOU_TARGETS
    text = yangzhou.document.text
    for x in yangzhou.targets:
        assert text[x.start:x.end] == x.text
        assert x.article_no is not None


def test_yangzhou_explicit_parties(yangzhou):
    def parties_of(suffix):
        return [p for t in yangzhou.tasks if t.clause_id.endswith(suffix) for p in t.parties]

    owners = parties_of("#part_6__art_21__cl_4")
    assert names(owners, "owner") == ["宝应县", "江都区", "高邮市"]
    closing = parties_of("#closing__cl_1")
    assert names(closing, "lead") == ["市生态文明建设领导小组"]
    assert "市生态环境局" in names(closing, "recipient")
    assert names(closing, "owner") == ["各地各有关部门"]


def test_yangzhou_recipients_inherited(yangzhou):
    recipients = list(yangzhou.document.recipients)
    assert recipients[0] == "各县（市、区）人民政府"
    inherited = [t for t in yangzhou.tasks if any(p.source == "inherited" for p in t.parties)]
    assert len(inherited) > 50
    for t in inherited:
        assert [p.name for p in t.parties if p.source == "inherited"] == recipients
        assert all(p.role == "recipient" for p in t.parties if p.source == "inherited")
        ev = next(p for p in t.parties if p.source == "inherited")
        assert yangzhou.document.text[ev.start:ev.end] == ev.evidence  # the 主送 line itself


@pytest.mark.parametrize("name", ["yangzhou", "county"])
def test_inferred_parties_carry_evidence_and_are_never_explicit(name, request):
    pd = request.getfixturevalue(name)
    keywords = {kw: dept for kw, dept in lx.load().topics}
    text = pd.document.text
    inferred = [(t, p) for t in pd.tasks for p in t.parties if p.source == "inferred"]
    assert inferred
    for t, p in inferred:
        assert p.evidence in keywords, p
        assert p.name.endswith(keywords[p.evidence])
        assert text[p.start:p.end] == p.evidence
        assert t.start <= p.start < t.end  # the keyword is in the task's own text
        # an inference never sits beside an explicit lead
        assert not any(q.source == "explicit" and q.role == "lead" for q in t.parties)
    for t in pd.tasks:
        for p in t.parties:
            if p.source == "explicit":
                assert text[p.start:p.end] == p.evidence
                assert p.evidence not in keywords or p.name in p.evidence


def test_carbon_trading_infers_ecology_bureau(yangzhou):
    t = next(t for t in yangzhou.tasks if "碳排放权市场交易" in t.text)
    lead = [p for p in t.parties if p.role == "lead"]
    assert [(p.name, p.source, p.evidence) for p in lead] == [("市生态环境局", "inferred", "碳排放权市场")]
    assert t.assignment == "inferred" and not t.unassigned


def test_task_ids_are_stable_and_unique(yangzhou):
    ids = [t.id for t in yangzhou.tasks]
    assert len(ids) == len(set(ids))
    assert all(t.id.startswith(t.clause_id + "__task_") for t in yangzhou.tasks)
    again = parse_file(YANGZHOU, read_sidecar(YANGZHOU.with_name("yangzhou-2024-118.meta.yaml")))
    assert [t.id for t in again.tasks] == ids


def test_yangzhou_stage_years_inherited_not_explicit(yangzhou):
    explicit_years = {t.deadline.year for t in yangzhou.tasks
                      if t.deadline and t.deadline.source == "explicit"}
    assert explicit_years == {2025, 2027, 2030, 2035}
    goal_tasks = [t for t in yangzhou.tasks if "#part_1__" in t.clause_id]
    assert goal_tasks == []
    inherited = [t.deadline for t in yangzhou.tasks if t.deadline and t.deadline.source == "inherited"]
    assert inherited and all(d.stages == (2025, 2030, 2035) and d.start is None and d.year is None
                             for d in inherited)


def test_unassigned_task():
    text = ("关于做好环境整治工作的通知\n\n一、工作任务\n\n（一）开展环境整治。完成环境整治。"
            "加强日常巡查。\n\n某某单位\n\n2024年1月2日")
    pd = parse_text(text, {}, "x.txt")
    assert pd.tasks
    for t in pd.tasks:
        assert t.parties == () and t.unassigned and t.assignment == "unassigned"


def test_outline_documents_are_left_alone():
    doc = Document(id="x", title="t", doc_number=None, issuer="", date=None, level="provincial",
                   status="outline", source="x.yaml", text="加强组织领导。")
    assert extract_document(doc, []) == ([], [])


def test_dev_gold_county_is_fully_right():
    """On the county fixture every labelled field of every clause agrees with the gold labels."""
    gold = [g for g in read_gold(ROOT / "eval" / "extract_gold.jsonl") if g["source"].endswith("county-plan.txt")]
    result = evaluate(gold, {gold[0]["source"]: parse_file(COUNTY)}, "gold")
    assert result.disagreements == []
    assert result.scores["lead"].tp >= 15 and result.scores["deadline_year"].tp >= 10


def test_postposed_deadline_dates_the_work_before_it():
    """…，2026年底前完成。（牵头单位：…）: one task, dated 2026, not a task of its own for 完成."""
    from indexer.pipeline import parse_text

    text = ("湖东县人民政府关于全面推进美丽湖东建设的实施方案\n\n二、重点任务\n\n（一）持续打好污染防治攻坚战\n\n"
            "1．深化水污染治理。实施入河排污口排查整治，推进污水处理厂扩建，2026年底前完成。（牵头单位：县水务局）")
    tasks = parse_text(text, {"level": "county", "issuer": "湖东县人民政府"}, doc_id="postposed").tasks
    assert len(tasks) == 1
    assert tasks[0].text.startswith("实施入河排污口排查整治")
    assert (tasks[0].deadline.year, tasks[0].deadline.month, tasks[0].deadline.source) == (2026, 12, "explicit")
