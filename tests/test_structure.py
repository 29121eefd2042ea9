"""The parser: the seed against its reviewed golden file, the other numbering forms, and properties."""

from __future__ import annotations

import json
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CORPUS, FIXTURES, SEED_ID
from indexer.normalize import normalize
from indexer.pipeline import parse_file, parse_text
from indexer.structure import parse
from kb.models import to_dict

GOLDEN = FIXTURES.parent / "golden" / f"{SEED_ID}.json"


def structure_record(pd) -> dict:
    """What the golden file pins: metadata, provisions and citations (not later extraction)."""
    doc = to_dict(pd.document)
    doc.pop("text")
    return {"document": doc, "provisions": [to_dict(p) for p in pd.provisions],
            "citations": [to_dict(c) for c in pd.citations]}


def test_seed_matches_golden():
    pd = parse_file(CORPUS / f"{SEED_ID}.txt", {})
    got = json.loads(json.dumps(structure_record(pd), ensure_ascii=False))
    if os.environ.get("POLICYKB_REGEN_GOLDEN"):
        GOLDEN.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert got == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_seed_shape():
    pd = parse_file(CORPUS / f"{SEED_ID}.txt", {})
    parts = [p for p in pd.provisions if p.kind == "part"]
    articles = [p for p in pd.provisions if p.kind == "article"]
    assert [p.part_no for p in parts] == [1, 2, 3, 4, 5, 6]
    assert [a.article_no for a in articles] == list(range(1, 23))
    assert all(a.heading for a in articles)
    assert articles[4].heading == "持续深入打好蓝天碧水净土保卫战"
    assert articles[4].id == f"{SEED_ID}#part_3__art_5"
    assert parts[0].heading == "总体要求"
    d = pd.document
    assert d.doc_number == "扬府发〔2024〕118号"
    assert d.date == "2024-09-26" and d.issuer == "扬州市人民政府"
    assert d.recipients[0] == "各县（市、区）人民政府" and len(d.recipients) == 4
    kinds = {p.kind for p in pd.provisions}
    assert {"preamble", "closing"} <= kinds
    closing = next(p for p in pd.provisions if p.kind == "closing")
    assert closing.text.startswith("美丽扬州建设工作由市生态文明建设领导小组统筹推进")


def test_sidecar_and_text_agree():
    """The sidecar's 文号, 主送, issuer and date agree with what the parser reads from the text."""
    import yaml

    meta = yaml.safe_load((CORPUS / f"{SEED_ID}.meta.yaml").read_text(encoding="utf-8"))
    pd = parse_file(CORPUS / f"{SEED_ID}.txt", {k: (str(v) if k == "date" else v) for k, v in meta.items()})
    assert not [w for w in pd.warnings if "differs" in w]
    disagreeing = parse_file(CORPUS / f"{SEED_ID}.txt", {"doc_number": "扬府发〔2024〕119号"})
    assert any("doc_number" in w and "differs" in w for w in disagreeing.warnings)


def test_every_sentence_of_the_body_is_in_a_clause():
    """Paragraph by paragraph: marker + heading + the clauses in it give back the paragraph exactly."""
    pd = parse_file(CORPUS / f"{SEED_ID}.txt", {})
    d = pd.document
    for m in re.finditer(r"[^\n]+", d.text[d.body_start:d.body_end]):
        start, end = d.body_start + m.start(), d.body_start + m.end()
        opener = [p for p in pd.provisions if p.kind != "clause" and p.start == start and p.marker]
        prefix = ""
        if opener:
            p = opener[-1]
            prefix = p.marker + (p.heading or "")
            if d.text[start + len(prefix):start + len(prefix) + 1] == "。":
                prefix += "。"
        inside = "".join(c.text for c in pd.provisions if c.kind == "clause" and start <= c.start < end)
        assert prefix + inside == m.group(), m.group()


def test_ids_identical_across_parses():
    a = parse_file(CORPUS / f"{SEED_ID}.txt", {})
    b = parse_file(CORPUS / f"{SEED_ID}.txt", {})
    assert [p.id for p in a.provisions] == [p.id for p in b.provisions]
    assert len({p.id for p in a.provisions}) == len(a.provisions)


def test_ascii_and_fullwidth_sources_give_identical_records():
    raw = (CORPUS / f"{SEED_ID}.txt").read_text(encoding="utf-8")
    full = raw.translate(str.maketrans("(),:;", "（），：；"))
    a, b = parse_text(raw, {}, doc_id="x"), parse_text(full, {}, doc_id="x")
    assert [to_dict(p) for p in a.provisions] == [to_dict(p) for p in b.provisions]


def test_regulation_chapters_and_tiao():
    r = parse(normalize((FIXTURES / "structure" / "regulation.txt").read_text()), "reg")
    ids = [p.id for p in r.provisions if p.kind != "clause"]
    assert ids == ["reg#chp_1", "reg#chp_1__art_1", "reg#chp_1__art_2", "reg#chp_1__art_2__item_1",
                   "reg#chp_1__art_2__item_2", "reg#chp_2", "reg#chp_2__art_3", "reg#chp_2__art_4"]
    assert r.header.title == "江苏省某某管理办法"
    art2 = next(p for p in r.provisions if p.id == "reg#chp_1__art_2")
    assert art2.heading is None  # articles of regulations have no heading
    item = next(p for p in r.provisions if p.id == "reg#chp_1__art_2__item_2")
    assert (item.kind, item.part_no, item.article_no, item.item_no) == ("item", 2 - 1, 2, 2)


def test_notice_items_closing_signature_and_annex():
    r = parse(normalize((FIXTURES / "structure" / "notice-with-annex.txt").read_text()), "n")
    assert r.header.doc_number == "宝政发〔2024〕56号"
    assert r.header.recipients == ("各镇人民政府", "县各委办局")
    assert (r.signature.issuer, r.signature.date) == ("宝应县人民政府", "2024-10-08")
    by_id = {p.id: p for p in r.provisions}
    item = by_id["n#part_2__art_1__item_1"]
    assert item.heading == "优化空间格局" and item.item_no == 1
    # the 牵头/配合 annotation stays on its clause; the ； inside it does not split
    assert by_id["n#part_2__art_1__item_1__cl_1"].text == (
        "严守生态保护红线。（牵头单位：县自然资源和规划局；配合单位：县生态环境局、各镇人民政府）")
    assert by_id["n#part_2__art_1__item_2__sub_1"].kind == "item"
    assert by_id["n#closing__cl_1"].text == "本方案自印发之日起施行。"
    assert by_id["n#annex_1"].heading == "重点任务清单"
    assert "n#annex_1__item_1" in by_id


def test_text_without_numbering_still_parses_with_a_warning():
    r = parse(normalize((FIXTURES / "structure" / "plain.txt").read_text()), "p")
    assert r.warnings and "no numbered structure" in r.warnings[0]
    assert [p.text for p in r.provisions if p.kind == "clause"] == [
        "这是一段没有编号的文字。", "它有两句话。", "第二段也没有编号；", "但有分号。"]


# ---------------------------------------------------------------------------
# Properties: any text parses; leaves are ordered, disjoint, and cover the body.
# ---------------------------------------------------------------------------

PIECES = ["一、", "二、", "十、", "（一）", "（三）", "(二)", "1．", "2.", "3、", "（1）", "①", "第一章", "第二条",
          "附件", "附件1", "根据《意见》", "扬府发〔2024〕118号", "市生态环境局", "到2027年", "。", "；", "，",
          "：", "“", "”", "（", "）", "\n", "\n\n", " ", "各县（市、区）人民政府：", "扬州市人民政府",
          "2024年9月26日", "本意见自印发之日起施行。", "加强", "推进生态保护", "PM2.5", "ａ", "\u3000", "\r\n"]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=60).map("".join)


def check_invariants(text: str) -> None:
    norm = normalize(text)
    r = parse(norm, "h")
    provs = r.provisions
    assert [p.seq for p in provs] == list(range(len(provs)))
    assert len({p.id for p in provs}) == len(provs)
    clauses = [p for p in provs if p.kind == "clause"]
    for a, b in zip(clauses, clauses[1:]):
        assert a.end <= b.start, (a, b)  # ordered, no overlap
    for p in provs:
        assert 0 <= p.start <= p.end <= len(norm)
        assert p.text == norm[p.start:p.end]
    # every non-space character of the body is in a clause, or is a container's
    # marker, heading, or the 。 that ends its heading
    covered = bytearray(len(norm))
    for c in clauses:
        covered[c.start:c.end] = b"\x01" * (c.end - c.start)
    for p in provs:
        if p.kind == "clause":
            continue
        inner = [c.start for c in provs if c.parent == p.id] or [p.end]
        pos = p.start
        if p.marker:
            assert norm[pos:pos + len(p.marker)] == p.marker, p
            covered[pos:pos + len(p.marker)] = b"\x01" * len(p.marker)
            pos += len(p.marker)
        if p.heading:
            at = norm.find(p.heading, pos)
            assert pos <= at and at + len(p.heading) <= min(inner), (p, norm)
            stop = at + len(p.heading) + (norm[at + len(p.heading):at + len(p.heading) + 1] in "。！？")
            covered[at:stop] = b"\x01" * (stop - at)
    missing = [i for i in range(r.body_start, r.body_end) if not covered[i] and not norm[i].isspace()]
    assert not missing, (norm, [norm[i] for i in missing])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_any_text_parses_and_leaves_cover_the_body(text):
    check_invariants(text)


def test_invariants_hold_on_seed_and_fixtures():
    check_invariants((CORPUS / f"{SEED_ID}.txt").read_text(encoding="utf-8"))
    for f in (FIXTURES / "structure").glob("*.txt"):
        check_invariants(f.read_text(encoding="utf-8"))
