"""A generic department name (生态环境部门) in a document whose level and place are known is taken to
be the issuer's own body of that department (扬州市人民政府 → 市生态环境局), grouped with it, and said
to be an inference everywhere it shows (``kb.names.generic_body``; issue 15).

Checked on the seed, and on documents of other places and levels written here in the forms
governments use (a district's 实施意见, a province's 通知, a department's own document)."""

from __future__ import annotations

import pytest

from indexer.pipeline import parse_text
from kb import export, names, views

SEED = "yangzhou-2024-118"


@pytest.mark.parametrize("written,prefix,dept", [
    ("生态环境部门", "", "生态环境局"),
    ("生态环境主管部门", "", "生态环境局"),
    ("市场监管部门", "", "市场监管局"),  # the stem starts with 市, which is no prefix here
    ("县发展改革部门", "县", "发展改革委"),
    ("有关部门", None, None),  # names no department
    ("相关部门", None, None),
    ("各部门", None, None),
    ("责任部门", None, None),
    ("某某部门", None, None),
])
def test_generic_department_is_a_stem_and_部门(written, prefix, dept):
    found = names.generic_department(written)
    assert (found[0], found[1].name) == (prefix, dept) if dept else found is None


@pytest.mark.parametrize("name,before,level,issuer,guessed,body", [
    ("生态环境部门", "充分发挥", "municipal", "扬州市人民政府", (), "市生态环境局"),
    ("生态环境部门", "发挥", "municipal", "中共扬州市委 扬州市人民政府", (), "市生态环境局"),
    ("农业农村部门", "发挥", "county", "南京市江宁区人民政府", (), "区农业农村局"),
    ("生态环境部门", "发挥", "provincial", "安徽省人民政府", (), "省生态环境厅"),
    ("市场监管部门", "由", "central", "国务院", (), "市场监管总局"),
    ("市生态环境部门", "由", "municipal", "扬州市人民政府", (), "市生态环境局"),  # its own prefix
    # not one body, or not the issuer's level: no inference
    ("生态环境部门", "各级", "municipal", "扬州市人民政府", (), None),
    ("生态环境部门", "督促有关", "municipal", "扬州市人民政府", (), None),
    ("县生态环境部门", "由", "municipal", "扬州市人民政府", (), None),
    # level or place unknown: no inference
    ("生态环境部门", "发挥", "municipal", "扬州市生态环境局", (), None),  # a department says no level
    ("生态环境部门", "发挥", "municipal", "", (), None),
    ("生态环境部门", "发挥", "municipal", "扬州市人民政府", ("level",), None),
    ("生态环境部门", "发挥", "municipal", "扬州市人民政府", ("issuer",), None),
    ("政务服务部门", "发挥", "central", "国务院", (), None),  # the lexicon has no central name for it
])
def test_generic_body_is_the_issuers_own_when_level_and_place_are_known(name, before, level, issuer, guessed, body):
    g = names.generic_body(name, before, level, issuer, guessed)
    assert (g.body if g else None) == body
    if g:
        assert f"泛称“{name}”" in g.note and "推断" in g.note and body in g.note


def test_the_seed_groups_its_generic_name_with_the_city_body_and_says_so(kb):
    [task] = [t for t in kb.tasks(doc=SEED) if any(p.name == "生态环境部门" for p in t.parties)]
    [p] = [p for p in task.parties if p.name == "生态环境部门"]
    assert (p.source, p.canonical, p.canonical_inferred) == ("explicit", "市生态环境局", True)
    assert p.canonical_note == "原文为泛称“生态环境部门”，按发文机关（扬州市人民政府，市级）推断为本级的市生态环境局"
    assert task in kb.tasks(doc=SEED, party="市生态环境局")  # the body's filter finds it
    assert kb.generic_names() == {"生态环境部门": ["市生态环境局"]}
    assert export.lead_text(task) == "生态环境部门（泛称，推断为市生态环境局）"
    [body] = [c for c in views.count_parties(kb.tasks(doc=SEED), {"lead", "owner", "support"})
              if "市生态环境局" in c.name]
    assert "生态环境部门（泛称，推断）" in body.name.split("／")  # one unit, the generic name marked
    assert not [c for c in views.count_parties(kb.tasks(doc=SEED), {"owner"}) if c.name == "生态环境部门"]
    # every other party's canonical name is its own spelling normalised: nothing else is inferred
    assert all(p.canonical == names.canonical_name(p.name) for t in kb.tasks() for p in t.parties
               if not p.canonical_inferred and p.source == "explicit")


DISTRICT = """南京市江宁区人民政府关于加强秸秆综合利用的实施意见

各街道办事处，区各有关部门：

为做好秸秆综合利用工作，现提出如下意见。

一、重点任务

（一）强化禁烧监管。充分发挥农业农村部门牵头作用，2025年底前建成秸秆收储体系。

（二）推进资源化利用。由区财政局安排专项资金，支持秸秆还田。

（三）加强执法。各级生态环境部门负责开展露天焚烧巡查。

南京市江宁区人民政府

2024年3月5日
"""

PROVINCE = """安徽省人民政府关于做好城镇污水处理提质增效工作的通知

各市人民政府，省政府各部门、各直属机构：

一、工作任务

（一）补齐管网短板。由住房城乡建设部门牵头，2026年底前完成老旧管网改造。

（二）强化监测。省生态环境厅负责建立进水浓度监测制度。

安徽省人民政府

2024年6月1日
"""

DEPARTMENT = DISTRICT.replace("南京市江宁区人民政府", "南京市江宁区农业农村局")


def parties(text: str, doc_id: str):
    pd = parse_text(text, {}, name=f"{doc_id}.txt", doc_id=doc_id)
    return pd.document, [p for t in pd.tasks for p in t.parties]


def test_a_district_and_a_province_read_their_generic_names_as_their_own_bodies():
    doc, ps = parties(DISTRICT, "jiangning")
    assert (doc.level, doc.issuer) == ("county", "南京市江宁区人民政府")
    [farm] = [p for p in ps if p.name == "农业农村部门"]
    assert (farm.role, farm.canonical, farm.canonical_inferred) == ("lead", "区农业农村局", True)
    assert "南京市江宁区人民政府" in farm.canonical_note
    assert not any(p.canonical_inferred for p in ps if p.name != "农业农村部门")  # 各级生态环境部门 is several bodies
    doc, ps = parties(PROVINCE, "anhui")
    assert doc.level == "provincial"
    [build] = [p for p in ps if p.name == "住房城乡建设部门"]
    assert (build.canonical, build.canonical_inferred) == ("省住房城乡建设厅", True)


def test_a_department_as_issuer_says_no_level_and_nothing_is_inferred():
    doc, ps = parties(DEPARTMENT, "jiangning-farm")
    assert doc.issuer == "南京市江宁区农业农村局"
    [farm] = [p for p in ps if p.name == "农业农村部门"]
    assert (farm.canonical, farm.canonical_inferred, farm.canonical_note) == ("农业农村部门", False, "")
