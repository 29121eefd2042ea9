"""``ui.render``: escaping, spans, entities, the reader's anchors and links, the graph's DOT source."""

from __future__ import annotations

import html
import re

from hypothesis import given, strategies as st

from kb.models import Deadline, Hit, Party, Provision, Target, Task
from policykb.ui import nav, render


def test_mark_html_escapes_text_and_marks_spans():
    text = '<script>alert("x")</script> 高邮湖水质'
    out = render.mark_html(text, [(28, 31)])
    assert out.startswith("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; ")
    assert "<mark>高邮湖</mark>" in out
    assert "<script" not in out


@given(st.text(max_size=60), st.lists(st.tuples(st.integers(-5, 70), st.integers(-5, 70)), max_size=6))
def test_mark_html_never_breaks_markup(text, spans):
    out = render.mark_html(text, spans)
    assert out.count("<mark>") == out.count("</mark>")
    assert html.unescape(re.sub(r"</?mark>", "", out)) == text
    assert "<" not in re.sub(r"</?mark>", "", out)


def test_clean_spans_clips_sorts_merges():
    assert render.clean_spans([(5, 8), (-3, 2), (7, 12), (20, 30), (4, 4)], 25) == [(0, 2), (5, 12), (20, 25)]


def test_safe_highlight_keeps_real_marks_only():
    # the text itself contains a literal "<mark>" that the search layer escaped
    hl = "a &lt;mark&gt; b <mark>高邮湖</mark> <script>"
    out = render.safe_highlight(hl)
    assert "<mark>高邮湖</mark>" in out
    assert "&amp;lt;mark&amp;gt;" in out and "<script>" not in out


def test_window_keeps_the_first_span_visible():
    text = "甲" * 300 + "高邮湖" + "乙" * 300
    snippet, spans = render.window(text, [(300, 303)], width=100)
    assert snippet.startswith("…") and snippet.endswith("…")
    a, b = spans[0]
    assert snippet[a:b] == "高邮湖"


def test_hit_card_escapes_and_badges():
    hit = Hit(id="d#part_1__art_1__cl_1", doc_id="d", level="county", kind="clause", part_no=1, article_no=1,
              heading=None, text="显示<script>x</script>高邮湖", highlight="", score=1.5, spans=((20, 23),),
              label="第一部分 / （一）<b>x</b>", status="outline")
    card = render.hit_card_html(hit, None, 1)
    assert "<script" not in card and "<b>x" not in card and "&lt;b&gt;x" in card
    assert "pkb-badge outline" in card and "县级" in card
    assert 'data-hit-id="d#part_1__art_1__cl_1"' in card


def test_hit_relevance_is_said_against_the_best_hit_not_as_a_raw_score():
    assert [render.relevance(s, 8.0) for s in (8.0, 5.0, 3.0, 1.0)] == ["高", "高", "中", "低"]
    assert render.relevance(2.0, None) == "相关"
    hit = Hit(id="d#part_1__art_1__cl_1", doc_id="d", level="county", kind="clause", part_no=1, article_no=1,
              heading=None, text="高邮湖", highlight="", score=4.16, spans=())
    card = render.hit_card_html(hit, None, 2, best=7.26)
    assert ">相关度 中<" in card and "相关度 4.16" not in card and 'title="检索得分 4.16' in card


def test_evidence_reads_once_as_依据():
    html = render.evidence_html(["共有词：绿色", "候选依据：引用《某意见》", "<b>"])
    assert html.count("依据") == 1 and "候选依据" not in html and "<li>引用《某意见》</li>" in html
    assert "&lt;b&gt;" in html and render.evidence_html([]) == ""


def task(text, base, **kw):
    return Task(id="t1", clause_id="d#cl_1", doc_id="d", article_no=None, item_no=None, text=text, **kw)


def test_clause_entities_from_offsets_and_fallbacks():
    text = "到2026年，县数据局负责完成检查，水质优良比例达到90%以上。"
    base = 1000
    t = task(text, base,
             parties=(Party("县数据局", "lead", "explicit", "县数据局负责", base + 7, base + 11),
                      Party("县政府", "recipient", "inherited", "主送"),
                      Party("各镇", "support", "explicit", "各镇配合", None, None)),  # not in this text
             deadline=Deadline(2026, None, "到2026年", "explicit", start=base, end=base + 6),
             targets=(Target("d", "d#cl_1", None, 2026, "水质优良比例", 90, "%", "以上", "水质优良比例达到90%以上",
                             start=None, end=None),))
    ents = render.clause_entities(text, base, [t])
    got = [(text[e.start:e.end], e.cls) for e in ents]
    assert got == [("到2026年", "time"), ("县数据局", "party"), ("水质优良比例达到90%以上", "target")]
    out = render.entities_html(text, ents)
    assert out.count('<mark class="pkb-ent ') == 3 and "责任单位" in out


def test_locate_ignores_stale_offsets():
    assert render.locate("甲乙丙丁", 10, 50, 52, "乙丙") == (1, 3)
    assert render.locate("甲乙丙丁", 10, 11, 13, "乙丙") == (1, 3)
    assert render.locate("甲乙丙丁", 10, None, None, "戊") is None


def test_overlapping_entities_keep_the_longer():
    ents = [render.Entity(0, 4, "party", ""), render.Entity(2, 8, "target", ""), render.Entity(9, 10, "time", "")]
    kept = render.resolve_overlaps(ents, 10)
    assert [(e.start, e.end) for e in kept] == [(2, 8), (9, 10)]


def prov(pid, kind, parent=None, marker=None, heading=None, text="", depth=0, part_no=None):
    return Provision(id=pid, doc_id="d", kind=kind, parent=parent, seq=0, part_no=part_no, article_no=None,
                     item_no=None, clause_no=None, heading=heading, text=text, start=0, end=len(text),
                     marker=marker, label=f"{marker or ''}{heading or ''}", depth=depth)


def test_reader_and_toc_anchor_every_article():
    ps = [prov("d#part_1", "part", marker="一、", heading="总体<要求>", part_no=1),
          prov("d#part_1__art_1", "article", "d#part_1", "（一）", "甲", depth=1),
          prov("d#part_1__art_1__cl_1", "clause", "d#part_1__art_1", text="<i>正文</i>", depth=2)]
    toc = render.toc_html(ps)
    doc = render.document_html(ps)
    assert 'href="#part_1__art_1"' in toc and 'id="part_1__art_1"' in doc
    assert "&lt;i&gt;正文&lt;/i&gt;" in doc and "<i>" not in doc and "<要求>" not in toc + doc
    assert 'href="clause?clause=d%23part_1__art_1__cl_1"' in doc


def test_tree_escapes_and_hangs_tasks_under_their_article():
    from kb.models import Document

    doc = Document(id="d", title='含"引号"<b>的标题', doc_number=None, issuer="", date=None, level="county",
                   status="full", source="")
    ps = [prov("d#part_1", "part", marker="一、", heading="总体", part_no=1),
          prov("d#part_1__art_1", "article", "d#part_1", "（一）", "甲", depth=1)]
    t = task("任务<i>", 0, parties=(Party("县\"局", "lead", "explicit", ""),))
    t = Task(**{**t.__dict__, "clause_id": "d#part_1__art_1__cl_1"})
    tree = render.tree_html(doc, ps, [t])
    assert "<b>的标题" not in tree and "&lt;b&gt;" in tree and "&lt;i&gt;" in tree
    # document → part → article → task → party, in that nesting
    assert tree.index("一、总体") < tree.index("（一）甲") < tree.index("任务&lt;i&gt;") < tree.index("县&quot;局")
    assert 'href="clause?clause=d%23part_1__art_1"' in tree  # the article opens its clause view
    assert 'href="clause?clause=d%23part_1__art_1__cl_1"' in tree  # so does the task


def test_target_year_is_marked_as_time():
    text = "到2027年，宝应湖水质稳定达到Ⅲ类。"
    g = Target("d", "d#cl_1", None, 2027, "宝应湖水质", "Ⅲ类", None, None, "宝应湖水质稳定达到Ⅲ类",
               start=6, end=17, year_source="explicit")
    ents = render.clause_entities(text, 0, [], [g])
    assert [(text[e.start:e.end], e.cls) for e in ents] == [("到2027年", "time"), ("宝应湖水质稳定达到Ⅲ类", "target")]


def test_tree_marks_guessed_parties_and_counts_tasks():
    from kb.models import Document

    doc = Document(id="d", title="文件", doc_number=None, issuer="", date=None, level="county", status="full",
                   source="")
    ps = [prov("d#part_1", "part", marker="一、", heading="总体", part_no=1),
          prov("d#part_1__art_1", "article", "d#part_1", "（一）", "甲", depth=1)]
    lead = Party("县局", "lead", "explicit", "")
    guess = Party("县委", "lead", "inferred", "")
    ts = [Task(id=f"t{i}", clause_id=f"d#part_1__art_1__cl_{i}", doc_id="d", article_no=1, item_no=None,
               text="任务", parties=parties) for i, parties in enumerate([(lead,), (lead, guess)], 1)]
    tree = render.tree_html(doc, ps, ts)
    assert tree.count('class="party"') == 2 and tree.count('class="party guess"') == 1
    assert tree.count("任务 2 项") == 3  # document, part and article each count both tasks


def test_hit_card_marks_the_heading_match_in_the_path():
    hit = Hit(id="d#part_3__art_6__cl_1", doc_id="d", level="municipal", kind="clause", part_no=3, article_no=6,
              heading="全面推进高宝邵伯湖综合治理", text="严格执行生态环境准入制度。", highlight="", score=2.0,
              label="第三部分 推动生态环境实现根本好转 / （六）全面推进高宝邵伯湖综合治理",
              heading_spans=((4, 9),))
    card = render.hit_card_html(hit, None, 1)
    assert "（六）全面推进<mark>高宝邵伯湖</mark>综合治理" in card


def test_reader_links_name_an_app_page_and_the_provision():
    """The ¶ links are relative URLs of the 条款 page (ui/links.js keeps them in the session;
    opened as a page they are deep links), the id percent-encoded (``#`` is ``%23``)."""
    from urllib.parse import parse_qs, urlsplit

    ps = [prov("d#part_1", "part", marker="一、", heading="总体", part_no=1),
          prov("d#part_1__art_1", "article", "d#part_1", "（一）", "甲", depth=1),
          prov("d#part_1__art_1__cl_1", "clause", "d#part_1__art_1", text="正文。", depth=2)]
    links = [urlsplit(html.unescape(h)) for h in re.findall(r'<a [^>]*href="([^"]+)"', render.document_html(ps))]
    assert [(u.scheme, u.netloc, u.path) for u in links] == [("", "", nav.CLAUSE.url_path)] * 2
    assert [parse_qs(u.query) for u in links] == [{"clause": ["d#part_1__art_1"]},
                                                  {"clause": ["d#part_1__art_1__cl_1"]}]


def test_task_cells_carry_the_warning_of_an_unread_annotation():
    t = Task(id="d#item_1__cl_1__task_1", clause_id="d#item_1__cl_1", doc_id="d", article_no=None, item_no=1,
             text="开展日常巡查", warnings=("括注“（按属地原则负责）”未读出责任单位",))
    assert render.task_cell_html(t).endswith('<div class="pkb-warn">提示：括注“（按属地原则负责）”未读出责任单位</div>')
    quiet = Task(id="x", clause_id="x", doc_id="d", article_no=None, item_no=None, text="t<b>")
    assert render.task_cell_html(quiet) == "t&lt;b&gt;"


def test_a_generic_name_taken_for_the_issuers_body_is_drawn_as_a_guess_and_says_so():
    p = Party("生态环境部门", "owner", "explicit", "充分发挥生态环境部门职能作用", canonical="市生态环境局",
              canonical_inferred=True, canonical_note="原文为泛称“生态环境部门”，按发文机关（扬州市人民政府，市级）推断为本级的市生态环境局")
    chip = render.party_chip(p)
    assert 'class="party guess"' in chip and "生态环境部门（泛称，推断为市生态环境局）" in chip and "推断为本级" in chip
    plain = render.party_chip(Party("市生态环境局", "owner", "explicit", "市生态环境局"))
    assert 'class="party"' in plain and ">市生态环境局<" in plain
