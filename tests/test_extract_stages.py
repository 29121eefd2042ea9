"""The stages of ``indexer.extract.tasks.extract_document``, each called on its own clause record."""

from __future__ import annotations

from kb.models import Document, Provision
from indexer.extract import tasks as tk
from indexer.extract.nlp import get_nlp


def _context(text: str, clauses: list[Provision], year: int | None = 2025) -> tk.DocumentContext:
    doc = Document(id="t", title="t", doc_number=None, issuer="某县人民政府", date=f"{year}-01-01" if year else None,
                   level="county", status="full", source="t.txt", text=text)
    return tk.DocumentContext(doc, {c.id: c for c in clauses}, year,
                              tk._extract_matches(doc, clauses, get_nlp()), tk.tables.table_rows(text))


def _clause(text: str, start: int = 0, cid: str = "t#art_1__cl_1", parent: str | None = None) -> Provision:
    return Provision(id=cid, doc_id="t", kind="clause", parent=parent, seq=0, part_no=None, article_no=1,
                     item_no=None, clause_no=1, heading=None, text=text, start=start, end=start + len(text))


def test_annotations_stage_reads_a_closing_annotation_and_skips_it():
    text = "开展河道清淤。（牵头单位：县水利局；配合单位：县财政局；完成时限：2025年底前）"
    c = _clause(text)
    ci = tk._extract_annotations(c, _context(text, [c]))
    [ann] = ci.annotations
    assert [(p.name, p.role) for p in ann.parties] == [("县水利局", "lead"), ("县财政局", "support")]
    assert ann.deadline.year == 2025 and ann.deadline.month == 12
    assert (ann.start, ann.end) in ci.skip
    assert tk.closing_annotation(ci) is ann


def test_pieces_stage_cuts_before_an_opening_time_phrase():
    text = "严格生态保护红线监管，到2027年，完成30个农村生活污水治理项目。"
    c = _clause(text)
    ctx = _context(text, [c])
    ci = tk._extract_annotations(c, ctx)
    ct = tk._extract_times(ci, 2025, None)
    pieces = tk._extract_pieces(ci, ct, None, has_targets=True, has_ann_parties=False)
    assert [text[a:b] for a, b, _ in pieces] == ["严格生态保护红线监管，", "到2027年，完成30个农村生活污水治理项目。"]
    assert tk._extract_deadline(ci, ct, pieces, 1, None, ()) is None
    assert tk._extract_deadline(ci, ct, pieces, 2, None, ()).year == 2027


def test_deadline_stage_falls_back_to_the_stage_years_as_inherited():
    text = "加强河湖管护。"
    c = _clause(text)
    ctx = _context(text, [c])
    ci = tk._extract_annotations(c, ctx)
    ct = tk._extract_times(ci, 2025, None)
    pieces = tk._extract_pieces(ci, ct, None, False, False)
    d = tk._extract_deadline(ci, ct, pieces, 1, None, (2025, 2027))
    assert (d.year, d.source, d.stages) == (None, "inherited", (2025, 2027))


def test_times_stage_carries_an_opening_time_phrase_past_a_semicolon_only():
    a, b = "到2027年，建成幸福河湖10条；", "完成岸线整治。"
    c1, c2 = _clause(a), _clause(b, len(a), "t#art_1__cl_2")
    ctx = _context(a + b, [c1, c2])
    ct1 = tk._extract_times(tk._extract_annotations(c1, ctx), 2025, None)
    carried = ct1.carried_on(c1)
    assert carried is not None and carried.year == 2027
    ct2 = tk._extract_times(tk._extract_annotations(c2, ctx), 2025, carried)
    assert ct2.at(c2.start + 2).year == 2027
    assert ct2.carried_on(c2) is None  # ends in 。


def test_parties_stage_infers_a_lead_only_without_an_explicit_one():
    text = "开展河湖清四乱行动。"
    c = _clause(text)
    ctx = _context(text, [c])
    ci = tk._extract_annotations(c, ctx)
    parties, refs = tk._extract_parties(ci, 0, len(text), [], ci.running, [], [], ctx)
    assert refs == ()
    assert [p.source for p in parties if p.role == "lead"] == ["inferred"]


def test_a_stage_window_in_a_heading_sentence_ending_in_a_full_stop_dates_its_work():
    from indexer.pipeline import parse_text

    body = ("三、实施步骤\n\n（一）摸底排查阶段（2026年2月—3月）。各村（社区）完成撂荒耕地核实和台账建立工作。\n\n"
            "（二）集中复耕阶段（2026年4月—9月）。各村（社区）组织集中复耕，镇农业农村办公室每月通报一次进度。")
    pd = parse_text("某镇撂荒耕地复耕工作方案\n\n" + body,
                    {"id": "t", "date": "2026-02-01", "level": "town", "issuer": "某镇人民政府"}, name="t.txt")
    assert [(t.deadline.year, t.deadline.month) for t in pd.tasks] == [(2026, 3), (2026, 9)]


def test_a_window_across_years_and_undated_months_inside_a_stage_of_a_stated_year():
    from indexer.pipeline import parse_text

    body = ("三、实施步骤\n\n（一）集中推进阶段（2026年7月—2028年9月）：区应急管理局牵头推进年度改造提升任务。\n\n"
            "（二）总结评估阶段（2027年7月—9月）。县卫生健康局对实施情况开展评估，9月30日前形成评估报告。\n\n"
            "（三）验收阶段（2028年10月—12月）。区应急管理局年底前组织验收评估。\n\n"
            "四、其他\n\n（一）落实。6月底前将2026年取水总量控制指标分解下达到各乡镇。")
    pd = parse_text("某区某某行动方案\n\n" + body,
                    {"id": "t", "date": "2026-04-01", "level": "district", "issuer": "某区人民政府"}, name="t.txt")
    assert [(t.deadline.year, t.deadline.month) for t in pd.tasks] == [(2028, 9), (2027, 9), (2027, 9), (2028, 12),
                                                                       (2026, 6)]
