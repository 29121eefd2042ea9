"""kb.views and kb.indicators: what the views open on, the real upstreams, readable names, the
任务分解表's rows, and the verdict of a target against its upstream — on the real corpus."""

from __future__ import annotations

import pytest

from kb import export, indicators, views
from kb.models import Deadline, Document, Party, Task

SEED = "yangzhou-2024-118"
CENTRAL = "central-2023-beautiful-china"
JIANGSU = "jiangsu-2024-beautiful-jiangsu"


def doc(id_, status="full", clauses=1, level="municipal") -> Document:
    return Document(id=id_, title=id_, doc_number=None, issuer="", date=None, level=level, status=status,
                    source="", clauses=clauses)


def test_default_document_is_the_full_text_with_the_most_content():
    docs = [doc("a-outline", "outline", 500), doc("b-small", clauses=3), doc("c-big", clauses=90)]
    assert views.default_document(docs) == "c-big"
    assert views.default_document([doc("a-outline", "outline", 5)]) == "a-outline"
    assert views.default_document([]) is None


def test_upstreams_are_higher_and_linked(kb):
    assert views.upstreams(kb, SEED) == [CENTRAL, JIANGSU]  # both cited; the centre has more links
    assert views.upstreams(kb, CENTRAL) == []  # nothing is above the centre
    assert views.upstreams(kb, JIANGSU) == [CENTRAL]
    assert views.default_pair(kb) == (SEED, CENTRAL)


@pytest.mark.parametrize("name,way", [("细颗粒物平均浓度", "lower"), ("全国细颗粒物平均浓度", "lower"),
                                      ("空气质量优良天数比率", "higher"), ("受污染耕地安全利用率", "higher"),
                                      ("国省考断面水质优良比例", "higher"), ("劣Ⅴ类水体比例", "lower"),
                                      ("单位地区生产总值二氧化碳排放降低", "higher"), ("宝应湖水质", None)])
def test_indicator_direction_comes_from_the_lexicon(name, way):
    assert indicators.direction(name) == way


def test_verdict_follows_the_direction():
    pm = indicators.compare({"indicator": "细颗粒物平均浓度", "value": 28, "unit": "微克/立方米"},
                            {"indicator": "全国细颗粒物平均浓度", "value": 25, "unit": "微克/立方米"})
    assert (pm["difference_text"], pm["verdict"], pm["verdict_text"]) == ("+3 微克/立方米", "looser", "宽于上级")
    good = indicators.compare({"indicator": "优良天数比率", "value": 85, "unit": "%"},
                              {"indicator": "优良天数比率", "value": 80, "unit": "%"})
    assert good["verdict_text"] == "严于上级" and good["difference_text"] == "+5 %"
    same = indicators.compare({"indicator": "受污染耕地安全利用率", "value": 94, "unit": "%"},
                              {"indicator": "受污染耕地安全利用率", "value": 94, "unit": "%"})
    assert same["verdict_text"] == "持平上级"
    unknown = indicators.compare({"indicator": "某某指数", "value": 3, "unit": ""},
                                 {"indicator": "某某指数", "value": 2, "unit": ""})
    assert unknown["verdict"] is None and "方向未知" in unknown["verdict_text"]
    units = indicators.compare({"indicator": "细颗粒物浓度", "value": 3, "unit": "%"},
                               {"indicator": "细颗粒物浓度", "value": 2, "unit": "微克/立方米"})
    assert units["difference"] is None and "单位不同" in units["verdict_text"]


def test_compare_targets_carries_the_verdict(kb):
    rows = {(r["indicator"], r["downstream"]["year"]): r for r in kb.compare_targets(doc=SEED)}
    pm = next(r for (ind, year), r in rows.items() if "细颗粒物" in ind and year == 2035)
    assert pm["verdict_text"] == "宽于上级" and pm["difference_text"] == "+3 微克/立方米"


def test_coverage_strength_is_the_status(kb):
    rows = kb.coverage(SEED, CENTRAL)["rows"]
    assert {(r["status"], r["strength"]) for r in rows} <= {("covered", "强"), ("partial", "中"), ("uncovered", "弱")}
    assert all(r["basis"] in ("article", "sentences", "sentence", "none") for r in rows)


def test_outline_fields_and_readable_refs(kb):
    assert views.outline_field("阶段目标〔已核实〕：到2027年，美丽中国建设成效显著") == ("阶段目标", "到2027年，美丽中国建设成效显著")
    assert views.outline_field("摘要：以主体功能区为基础") == ("摘要", "以主体功能区为基础")
    assert views.outline_field("继续推动跨界河湖联保共治，到2027年") == (None, "继续推动跨界河湖联保共治，到2027年")
    assert views.ref(kb, f"{SEED}#part_2__art_4__cl_3") == "（四）第3句"
    assert views.ref(kb, f"{SEED}#part_3") == "第三部分"
    assert views.ref(kb, f"{SEED}#closing__cl_1") == "结语第1句"  # never a bare 第1句


def test_breakdown_adds_the_clauses_stating_dated_targets(kb):
    tasks = kb.tasks(doc=SEED, year=2027)
    rows = export.breakdown(kb, doc=SEED, year=2027)
    extra = [r.task for r in rows if r.kind == "target"]
    assert [r.task for r in rows if r.kind == "task"] == tasks and extra
    names = {g.indicator for t in extra for g in t.targets}
    assert {"细颗粒物平均浓度", "国省考断面水质优良比例", "受污染耕地安全利用率"} <= names
    assert all(views.task_year(r.task) == 2027 for r in rows)
    assert all(not t.parties and export.lead_text(t) == "未明确" for t in extra)  # no party is made up
    lead = export.breakdown(kb, doc=SEED, year=2027, role="lead")
    assert [r.task for r in lead] == kb.tasks(doc=SEED, year=2027, role="lead") and {r.kind for r in lead} == {"task"}


def test_task_years_count_the_undated_apart():
    dated = Task("a", "d#c", "d", None, None, "x", deadline=Deadline(2027, None, "到2027年", "explicit"))
    inherited = Task("b", "d#c", "d", None, None, "y", deadline=Deadline(None, None, "", "inherited", stages=(2035,)))
    assert views.count_years([dated, inherited, inherited]) == {"2027": 1, views.NO_YEAR: 2}


def test_party_counts_split_stated_from_guessed():
    said = Party("县水务局", "lead", "explicit", "", canonical="县水利局")
    guess = Party("县水利局", "lead", "inferred", "", canonical="县水利局")
    ts = [Task("a", "d#c", "d", None, None, "x", parties=(said,)),
          Task("b", "d#c", "d", None, None, "y", parties=(guess,))]
    [c] = views.count_parties(ts, ("lead",))
    assert (c.name, c.stated, c.guessed) == ("县水利局／县水务局", 1, 1)  # one body, both spellings
    assert views.lead_stated(ts[0]) and not views.lead_stated(ts[1])


def test_export_name_is_readable(kb):
    name = views.export_name(kb, SEED, None, 2027, "lead", lambda r: "牵头")
    assert name == "任务分解表-全面推进美丽扬州建设的实施意见-2027年-牵头"
    assert views.export_name(kb, None, None, None, None, str) == "任务分解表-全部文件"


def test_quote_is_the_text_then_the_citation(kb):
    pid = f"{SEED}#part_3__art_6__cl_4"
    assert kb.quote(pid) == f"{kb.provision(pid).text}\n（{kb.citation(pid)}）"
    assert kb.text(f"{SEED}#part_3__art_6").count("\n") == len(kb.children(f"{SEED}#part_3__art_6")) - 1
