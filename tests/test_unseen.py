"""The unseen-document fixtures (tests/fixtures/unseen/) against what a careful reader expects.

The corpus (the Yangzhou opinion, the outlines) plus every fixture is built once into a temporary
KB; each expectation of ``expectations.yaml`` is one check (see tests/unseen_check.py). The
expectations were written before the fixtures were first run; the ones still not met are listed
in ``KNOWN_GAPS`` with the reason, so a regression anywhere else fails here, and a gap that
closes shows up as a test to tighten (``test_known_gaps_are_still_gaps``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

import unseen_check
from conftest import ROOT

# (document id, check) → why it is not met. Said plainly in docs/ingest.md as well.
KNOWN_GAPS = {
    # A subject the lexicon does not know as a body (河湖长, 村庄, 运维单位) does not put the verb
    # after it in command position, and 巡河 is not an action verb.
    ("river-chief-measures-gb18030", "task «村级河湖长每周不少于1次»"): "unknown subject, no verb",
    ("river-chief-measures-gb18030", "task «村级河湖长每周不少于1次» recurring"): "unknown subject, no verb",
    ("river-chief-measures-gb18030", "task «市河长制办公室应当于每年1月底前» recipient"): "市总河长 is a person's role",
    ("sewage-plan", "task «城镇周边村庄优先纳入城镇污水管网»"): "unknown subject (村庄)",
    ("sewage-plan", "task «城镇周边村庄优先纳入城镇污水管网» lead"): "unknown subject (村庄)",
    ("sewage-plan", "task «城镇周边村庄优先纳入城镇污水管网» recurring"): "unknown subject (村庄)",
    ("sewage-plan", "task «居住分散村庄推广资源化利用模式»"): "unknown subject (村庄)",
    ("sewage-plan", "task «居住分散村庄推广资源化利用模式» lead"): "unknown subject (村庄)",
    ("sewage-plan", "task «居住分散村庄推广资源化利用模式» recurring"): "unknown subject (村庄)",
    # One sentence holding two duties with different subjects (建立…机制，运维单位每年12月…报送) is
    # one task; its recurrence (每年) wins over the annotation's 长期坚持.
    ("sewage-plan", "task «长效管护机制» recurring"): "two duties in one task",
    # 二是加强移动源管控，全年淘汰…: the time phrase opening the second segment makes it a task of
    # its own (as in the Yangzhou opinion); the first piece has no deadline of its own (only a
    # milestone — a time phrase then 完成/建成 — dates the work before it).
    ("linjiang-work-points", "task «加强移动源管控» year"): "cut at the time phrase",
    # The year of a 2025 工作要点 stands in an earlier sentence (2025年是…收官之年); targets take
    # only a year stated where they stand.
    ("linjiang-work-points", "target PM2.5年均浓度/32/微克/立方米/以下/2025"): "year in another sentence",
    ("linjiang-work-points", "target 空气质量优良天数比率/80/%/以上/2025"): "year in another sentence",
}


@pytest.fixture(scope="module")
def unseen_results(tmp_path_factory):
    from indexer.build import build
    from kb import open_kb

    base = tmp_path_factory.mktemp("unseen")
    corpus = unseen_check.make_corpus(base / "corpus")
    home = base / "home"
    build(corpus, home, progress=None)
    return unseen_check.check_all(open_kb(home))


@pytest.mark.parametrize("doc_id", [e["id"] for e in unseen_check.load()])
def test_unseen_document_meets_expectations(unseen_results, doc_id):
    results = [r for r in unseen_results if r.doc == doc_id]
    assert results, f"no expectations checked for {doc_id}"
    failed = [f"{r.check}: {r.detail}" for r in results if not r.ok and (r.doc, r.check) not in KNOWN_GAPS]
    assert not failed, "\n".join(failed)


def test_known_gaps_are_still_gaps(unseen_results):
    """A known gap that closes should be removed from KNOWN_GAPS (and from the docs)."""
    met = {(r.doc, r.check) for r in unseen_results if r.ok}
    closed = sorted(k for k in KNOWN_GAPS if k in met)
    assert not closed, f"these gaps are closed now, remove them from KNOWN_GAPS: {closed}"
    checked = {(r.doc, r.check) for r in unseen_results}
    assert set(KNOWN_GAPS) <= checked, sorted(set(KNOWN_GAPS) - checked)


def test_most_expectations_are_met(unseen_results):
    met = sum(r.ok for r in unseen_results)
    assert met >= len(unseen_results) - len(KNOWN_GAPS)
    assert len(unseen_results) >= 350  # the expectations file was not emptied


def _cli(*args, env):
    return subprocess.run([sys.executable, "-m", "policykb", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_ingest_cli_table_page_and_notice(tmp_path):
    """`policykb ingest` of a government page with a task table, then `tasks --json`: the rows
    carry their lead, support and deadline; a notice whose title is broken over two lines
    issues its annexed plan."""
    import os

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus, ignore=shutil.ignore_patterns("replaced"))
    env = {**os.environ, "POLICYKB_HOME": str(tmp_path / "home")}
    page = unseen_check.UNSEEN / "linjiang-work-points.html"
    r = _cli("ingest", str(page), "--corpus", str(corpus), "--json", env=env)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["doc_number"] == "临政办发〔2025〕6号" and doc["level"] == "county"
    r = _cli("tasks", "--doc", doc["id"], "--json", env=env)
    assert r.returncode == 0, r.stderr
    rows = [t for t in json.loads(r.stdout) if "#annex_1" in t["clause_id"]]
    assert len(rows) == 6
    first = rows[0]
    assert first["text"] == "完成5家钢铁、水泥企业超低排放改造"
    assert {(p["name"], p["role"]) for p in first["parties"] if p["source"] == "explicit"} == {
        ("区生态环境局", "lead"), ("区工信局", "support"), ("区发展改革委", "support")}
    assert (first["deadline"]["year"], first["deadline"]["month"]) == (2025, 10)
    assert rows[4]["deadline"]["recurring"] == "长期"

    notice = unseen_check.UNSEEN / "straw-notice.txt"
    r = _cli("ingest", str(notice), "--corpus", str(corpus), "--json", env=env)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["title"] == "青川市2025年秸秆综合利用和禁烧工作方案"
    assert doc["parts"] == 3 and doc["articles"] == 6
