"""Cross-document links: trace, coverage, alignment accuracy on our labels, a county plan → Yangzhou."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import CORPUS, FIXTURES, ROOT, SEED_ID
from policykb.cli import main

CENTRAL = "central-2023-beautiful-china"
JIANGSU = "jiangsu-2024-beautiful-jiangsu"


def up_articles(entries, doc_id):
    return [e["article_no"] for e in entries if e["doc_id"] == doc_id and e["kind"] == "aligned"]


def test_trace_article_two_puts_central_article_two_first(kb):
    out = kb.trace(f"{SEED_ID}#part_2__art_2")
    central = [e for e in out["upstream"] if e["doc_id"] == CENTRAL]
    assert central[0]["article_no"] == 2
    assert central[0]["heading"] == "积极稳妥推进碳达峰碳中和"
    assert central[0]["strength"] == "强" and central[0]["evidence"]
    scores = [e["score"] for e in out["upstream"]]
    assert scores == sorted(scores, reverse=True)
    assert all({"id", "doc_id", "level", "article_no", "kind", "score", "evidence"} <= set(e)
               for e in out["upstream"])


def test_trace_article_five_leads_with_blue_sky_clear_water_clean_soil(kb):
    out = kb.trace(f"{SEED_ID}#part_3__art_5")
    assert set(up_articles(out["upstream"], CENTRAL)[:3]) == {5, 6, 7}


def test_article_trace_aggregates_its_clauses(kb):
    out = kb.trace(f"{SEED_ID}#part_3__art_5")
    top = out["upstream"][0]
    assert any("__cl_" in v for v in top["via"])  # clause links count for the article


def test_clause_trace_and_downstream(kb):
    clause = kb.trace(f"{SEED_ID}#part_3__art_5__cl_12")  # 扎实推进受污染耕地安全利用和风险管控。
    assert up_articles(clause["upstream"], CENTRAL)[0] == 7  # 持续深入打好净土保卫战
    down = kb.trace(f"{CENTRAL}#part_3__art_2")["downstream"]
    assert down and down[0]["doc_id"] == SEED_ID
    assert f"{SEED_ID}#part_2__art_2" in [e["id"] for e in down[:3]]


def test_citation_links(kb):
    out = kb.trace(f"{SEED_ID}#preamble__cl_1")
    cited = {e["id"] for e in out["upstream"] if e["kind"] == "citation"}
    assert cited == {CENTRAL, JIANGSU}
    assert all(e["score"] == 1.0 for e in out["upstream"] if e["kind"] == "citation")


def test_coverage_against_central_outline(kb):
    out = kb.coverage(SEED_ID, CENTRAL)
    rows = {r["article_no"]: r for r in out["rows"]}
    assert len(rows) == 33
    assert {r["status"] for r in out["rows"]} <= {"covered", "partial", "uncovered"}
    assert rows[2]["status"] == "covered" and f"{SEED_ID}#part_2__art_2" in rows[2]["covered_by"]
    assert rows[29]["heading"] == "共谋全球生态文明建设" and rows[29]["status"] != "covered"
    not_covered = [r for r in out["rows"] if r["status"] != "covered"]
    assert 2 <= len(not_covered) <= 12
    assert any(r["status"] == "uncovered" for r in out["rows"])


def test_weak_links_are_labelled_weak(kb):
    out = kb.trace(f"{SEED_ID}#part_2__art_2")
    for e in out["upstream"]:
        assert e["strength"] == ("强" if e["score"] >= 0.6 else "中" if e["score"] >= 0.3 else "弱")


def test_alignment_accuracy_floor_on_our_labels(kb_home, monkeypatch, capsys):
    monkeypatch.setenv("POLICYKB_HOME", str(kb_home))
    assert main(["eval-align", str(ROOT / "eval" / "align_gold.tsv"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["labels"] >= 60
    assert out["top1"] >= 0.8 and out["top3"] >= 0.95


@pytest.mark.parametrize("argv, needle", [
    (["trace", SEED_ID, "--json"], "is a document id; trace takes a provision id"),
    (["trace", f"{SEED_ID}#part_9__art_99", "--json"], "no provision"),
    (["coverage", "--doc", SEED_ID, "--against", "nope", "--json"], "no document 'nope'"),
])
def test_trace_errors_are_one_line(use_home, capsys, argv, needle):
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and needle in err and err.count("\n") == 1


@pytest.fixture(scope="module")
def county_kb(tmp_path_factory):
    """The real corpus plus a county plan (our GBK web-page fixture) that cites 扬府发〔2024〕118号."""
    from indexer.build import build
    from indexer.ingest import ingest
    from kb import open_kb

    corpus = tmp_path_factory.mktemp("corpus")
    shutil.copytree(CORPUS, corpus, dirs_exist_ok=True)
    home = tmp_path_factory.mktemp("home")
    build(corpus, home, progress=None)
    result = ingest(str(FIXTURES / "county-page-gbk.html"), corpus, home=home, progress=None)
    return open_kb(home), result.document.id


def test_county_items_trace_to_yangzhou_clauses(county_kb):
    kb, county = county_kb
    items = [p for p in kb.provisions(county) if p.kind == "item"]
    assert items
    traced = 0
    for item in items:
        ups = [e for e in kb.trace(item.id)["upstream"] if e["kind"] == "aligned"]
        # It cites Yangzhou only: Yangzhou, and through its citations the central and Jiangsu
        # documents; each link says which way the document became a candidate.
        for e in ups:
            why = next(x for x in e["evidence"] if x.startswith("候选依据："))
            if e["doc_id"] == SEED_ID:
                assert why.startswith("候选依据：引用《")
            else:
                assert e["doc_id"] in (CENTRAL, JIANGSU) and why.startswith("候选依据：经引用链：")
        traced += bool(ups)
    assert traced == len(items)
    soil = next(p for p in items if "受污染耕地" in p.text)
    ups = [e for e in kb.trace(soil.id)["upstream"] if e["kind"] == "aligned" and e["doc_id"] == SEED_ID]
    assert ups[0]["article_no"] == 5  # （五）持续深入打好蓝天碧水净土保卫战
    assert any(e["provision_kind"] == "clause" and "受污染耕地" in e["text"] for e in ups[:4])


def test_target_comparison_pm25_across_levels(kb):
    rows = [r for r in kb.compare_targets(doc=SEED_ID) if "细颗粒物" in r["indicator"]]
    y2035 = next(r for r in rows if r["downstream"]["year"] == 2035)
    assert y2035["downstream"]["value"] == 28 and y2035["downstream"]["qualifier"] == "左右"
    assert y2035["upstream"]["doc_id"] == CENTRAL and y2035["upstream"]["year"] == 2035
    assert [(u["year"], u["value"]) for u in y2035["upstream_all_years"]] == [(2027, 28), (2035, 25)]
    assert y2035["difference"] == 3
    # a shared tail (…水质优良比例) is not the same indicator: no comparison rather than a wrong one
    assert not [r for r in kb.compare_targets(doc=SEED_ID) if r["indicator"].startswith("近岸海域")]


def test_targets_compare_cli(use_home, capsys):
    assert main(["targets", "--compare", "--indicator", "细颗粒物", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all("细颗粒物" in r["indicator"] for r in rows)
