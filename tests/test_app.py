"""The Streamlit app under AppTest, against a small KB built from the real seed corpus plus two
fixture documents (``escape-test`` with markup in its text, ``outline-test`` an outline).

Every page runs with no exception; widgets drive real queries through the ``kb`` API; deep links
open their views; document text is escaped. Views whose KB feature has not landed yet are
checked for their honest notice instead (and start being tested for real once it lands).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from fixture_kb import build_fixture_kb, run_app
from kb import open_kb
from policykb.ui import nav

ROOT = Path(__file__).resolve().parent.parent
SEED = "yangzhou-2024-118"
ARTICLE_6 = f"{SEED}#part_3__art_6"


@pytest.fixture(scope="module")
def app_home(tmp_path_factory) -> Path:
    return build_fixture_kb(tmp_path_factory.mktemp("appkb") / "home")


@pytest.fixture
def kb(app_home, monkeypatch):
    monkeypatch.setenv("POLICYKB_HOME", str(app_home))
    return open_kb(app_home)


def run(page: nav.PageSpec | None = None, **params) -> AppTest:
    """Run the app (optionally switched to ``page``) with query parameters; assert no exception."""
    at = run_app(page, **params)
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def htmls(at: AppTest) -> list[str]:
    """Every piece of markup the page shows: st.html bodies and markup with in-app links."""
    return [h.proto.body for h in at.get("html")] + [markup for _, markup in linked(at)]


def linked(at: AppTest) -> list[tuple[str, str]]:
    """(key, markup) of each markup block rendered with in-app links (``common.linked_html``)."""
    return [(key, data["html"]) for key, data in linked_data(at).items()]


def linked_data(at: AppTest) -> dict[str, dict]:
    return {e.key: json.loads(e.proto.json) for e in at.get("bidi_component")
            if e.proto.component_name == "policykb_links"}


def visit(at: AppTest, spec: nav.PageSpec, **params: str) -> AppTest:
    """Go to another view in the same session (what a page link or Back/Forward does)."""
    at.switch_page(spec.script)
    at.query_params.clear()
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert_clean(at)
    return at


def follow(at: AppTest, key: str, href: str) -> AppTest:
    """Click a link of a ``linked_html`` block, as the browser does with ``ui/links.js``.

    The script pushes the link's URL onto the history and Streamlit reruns the page the URL names
    with its query string, in the same session: here, the same AppTest (its session state) goes
    to that page with those query parameters. The script handles only links to the pages the
    component was given (any other link would load the page again).
    """
    parts = urlsplit(href)
    assert not parts.scheme and not parts.netloc, href
    page = parts.path.rsplit("/", 1)[-1]
    assert page in linked_data(at)[key]["pages"], f"{href}: not a page of the app"
    spec = next(p for p in nav.PAGES if p.url_path == page)
    return visit(at, spec, **dict(parse_qsl(parts.query)))


def hrefs(markup: str) -> list[str]:
    """The href of each link in ``markup``, unescaped."""
    return [html.unescape(m.group(1)) for tag in re.findall(r"<a\b[^>]*>", markup)
            if (m := re.search(r'href="([^"]*)"', tag))]


def result_cards(at: AppTest) -> list[str]:
    """The markup of each search result (the results are one block of ``<div class="pkb-hitbox">``)."""
    return [c for h in htmls(at) for c in re.split(r'(?=<div class="pkb-hitbox">)', h)
            if c.startswith('<div class="pkb-hitbox">')]


def citations(at: AppTest) -> list[str]:
    """The citations the page shows (each beside its 复制出处 button)."""
    return [html.unescape(m) for h in htmls(at) for m in re.findall(r'<div class="pkb-cite">(.*?)</div>', h)]


def copies(at: AppTest) -> dict[str, list[str]]:
    """Copy button label → the texts its buttons copy."""
    out: dict[str, list[str]] = {}
    for h in htmls(at):
        for text, label in re.findall(r'<button type="button" class="pkb-copy" data-copy="([^"]*)">([^<]*)</button>', h):
            out.setdefault(html.unescape(label), []).append(html.unescape(text))
    return out


def all_text(at: AppTest) -> str:
    parts = htmls(at) + [m.value for m in at.markdown] + citations(at) + [t.value for t in at.title]
    return "\n".join(parts)


def visible_text(markup: str) -> str:
    """Markup → the text a browser shows (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


# ---------------------------------------------------------------------------
# Every page
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("spec", nav.PAGES, ids=[p.key for p in nav.PAGES])
def test_every_page_renders(kb, spec):
    at = run(spec)
    assert not at.error, [e.value for e in at.error]
    assert at.title, "each page has a title"


def test_navigation_has_the_six_pages_in_chinese():
    assert [p.title for p in nav.PAGES] == ["检索", "文件", "条款", "任务", "对标", "图谱"]
    for p in nav.PAGES:
        assert (ROOT / p.script).is_file()


def test_kb_not_built_is_one_chinese_error(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYKB_HOME", str(tmp_path / "empty"))
    for spec in nav.PAGES:
        at = run(spec)
        assert len(at.error) == 1
        assert "policykb build" in at.error[0].value and "请先运行" in at.error[0].value


# ---------------------------------------------------------------------------
# 文件
# ---------------------------------------------------------------------------


def test_document_deep_link_opens_the_reader(kb):
    at = run(doc=SEED)  # on the start page: switches to 文件
    assert at.title[0].value == kb.document(SEED).title
    assert at.query_params["doc"] == SEED
    body = "".join(htmls(at))
    # the outline tree links every article to its anchor in the full text
    for p in kb.provisions(SEED, kinds=("article",)):
        anchor = p.id.split("#", 1)[1]
        assert f'href="#{anchor}"' in body and f'id="{anchor}"' in body
    # the citation has a copy button
    assert citations(at) == [kb.citation(SEED)] and copies(at)["复制出处"] == [kb.citation(SEED)]
    # every clause's text is there
    full = visible_text(body)
    for p in kb.provisions(SEED, kinds=("clause",)):
        assert p.text in full


def test_document_selectbox_switches_document_and_url(kb):
    at = run(nav.DOCUMENT, doc=SEED)
    at.selectbox(key="d_doc").select("escape-test").run()
    assert_clean(at)
    assert at.title[0].value == kb.document("escape-test").title
    assert at.query_params["doc"] == "escape-test"


def test_document_with_markup_renders_as_text(kb):
    at = run(nav.DOCUMENT, doc="escape-test")
    body = "".join(htmls(at))
    assert "<script" not in body.lower()
    assert "&lt;script&gt;" in body
    assert '<a href="javascript' not in body and "<b>" not in body and "<img" not in body
    assert "&lt;img" in body
    marked = [p.text for p in kb.provisions("escape-test", kinds=("clause",)) if "<script>" in p.text]
    assert marked, "the fixture keeps its markup through normalisation"
    assert all(t in visible_text(body) for t in marked)


def test_outline_document_has_banner(kb):
    at = run(nav.DOCUMENT, doc="outline-test")
    assert any("提纲文件，非官方全文" in w.value for w in at.warning)
    at = run(nav.DOCUMENT, doc=SEED)
    assert not any("提纲" in w.value for w in at.warning)


def test_unknown_document_is_a_chinese_error(kb):
    at = run(nav.DOCUMENT, doc="no-such-doc")
    assert [w.value for w in at.warning if "网址中的文件" in w.value], "a bad ?doc= says so"
    assert at.title[0].value == kb.document(SEED).title, "and the default document is shown"


MARKER = "pkb_test_marker"  # a session-state value a new session would not have


def reader_marks(at: AppTest) -> dict[str, str]:
    """The ¶ links of the reader: the anchor of the heading or clause each follows → its href."""
    markup = dict(linked(at))["d_text"]
    return {m.group(1): m.group(2) for m in re.finditer(
        r'<(?:h4|h5|p)\b[^>]*\bid="([^"]+)"[^>]*>(?:(?!</(?:h4|h5|p)>).)*?<a class="pkb-anchor" href="([^"]+)"',
        markup)}


@pytest.mark.parametrize("kind", ["article", "clause"])
def test_reader_mark_opens_the_provision_in_the_same_session(kb, kind):
    target = kb.provisions(SEED, kinds=(kind,))[7]
    assert target.id != ARTICLE_6
    at = run(nav.CLAUSE, clause=ARTICLE_6)  # this session has shown another clause before
    at.session_state[MARKER] = "kept"
    visit(at, nav.DOCUMENT, doc=SEED)
    marks = reader_marks(at)
    anchor = target.id.split("#", 1)[1]
    assert anchor in marks, f"the reader has a ¶ after {target.id}"
    follow(at, "d_text", html.unescape(marks[anchor]))
    assert at.session_state[MARKER] == "kept"
    assert at.query_params["clause"] == target.id
    assert at.selectbox(key="c_clause").value == target.id, "the link wins over the clause shown before"
    assert kb.citation(target.id) in citations(at)
    assert at.title[0].value == target.label.split(" / ")[-1]
    # Back: the reader again, in the same session
    visit(at, nav.DOCUMENT, doc=SEED)
    assert at.title[0].value == kb.document(SEED).title and at.session_state[MARKER] == "kept"


# ---------------------------------------------------------------------------
# 条款
# ---------------------------------------------------------------------------


def test_clause_deep_link(kb):
    at = run(clause=ARTICLE_6)  # on the start page: switches to 条款
    assert at.title[0].value.startswith("（六）")
    assert kb.citation(ARTICLE_6) in citations(at)
    assert at.query_params["clause"] == ARTICLE_6
    text = visible_text("".join(htmls(at)))
    for leaf in kb.descendants(kb.provision(ARTICLE_6)):
        if leaf.kind == "clause":
            assert leaf.text in text


def test_clause_picker_follows_document(kb):
    at = run(nav.CLAUSE, clause=ARTICLE_6)
    at.selectbox(key="c_doc").select("escape-test").run()
    assert_clean(at)
    chosen = at.selectbox(key="c_clause").value
    assert chosen.startswith("escape-test#")
    assert at.query_params["clause"] == chosen
    at.selectbox(key="c_clause").select("escape-test#part_2__art_3").run()
    assert at.title[0].value.startswith("（三）")


def test_clause_with_markup_renders_as_text(kb):
    at = run(nav.CLAUSE, clause="escape-test#part_1__art_1")
    body = "".join(htmls(at))
    assert "<script" not in body.lower() and "&lt;script&gt;" in body


def test_unknown_clause_is_a_chinese_error(kb):
    at = run(nav.CLAUSE, clause=f"{SEED}#part_9__art_99")
    assert [w.value for w in at.warning if "网址中的条款" in w.value], "a bad ?clause= says so"


def test_clause_entities_come_from_task_evidence(kb):
    tasks = [t for t in kb.tasks(doc="escape-test") if t.parties or t.deadline]
    assert tasks, "the fixture names 县数据局 and 到2026年"
    at = run(nav.CLAUSE, clause=tasks[0].clause_id)
    body = "".join(htmls(at))
    assert 'class="pkb-ent' in body


def test_clause_links_side_by_side_and_navigable(kb):
    trace = kb.trace(ARTICLE_6)
    assert trace["upstream"], "the seed's article (六) links to the central outline"
    at = run(nav.CLAUSE, clause=ARTICLE_6)
    assert any(m.value.startswith(f"**上级依据（{len(trace['upstream'])}）") for m in at.markdown)
    assert any(m.value.startswith(f"**下级落实（{len(trace['downstream'])}）") for m in at.markdown)
    body = "".join(htmls(at))
    best = trace["upstream"][0]
    assert render_esc(best["label"]) in body and f"得分 {best['score']:.2f}" in body
    at.button(key="open_上级依据_0").click().run()
    assert_clean(at)
    assert at.query_params["clause"] == best["id"]
    assert kb.citation(best["id"]) in citations(at)
    # the upstream provision lists the seed's article among its downstream links
    down = kb.trace(best["id"])["downstream"]
    assert any(m.value.startswith(f"**下级落实（{len(down)}）") for m in at.markdown)


def render_esc(s: str) -> str:
    return html.escape(s, quote=True)


# ---------------------------------------------------------------------------
# 检索
# ---------------------------------------------------------------------------


def test_search_deep_link_shows_cards_with_citations(kb):
    at = run(q="高邮湖")
    assert at.text_input(key="q").value == "高邮湖"
    cards = result_cards(at)
    assert cards
    first = re.search(r'data-hit-id="([^"]+)"', cards[0]).group(1)
    assert "<mark>" in "".join(cards)
    assert kb.citation(first) in citations(at)
    assert any(re.search(r"__art_(6|12)(__|$)", re.search(r'data-hit-id="([^"]+)"', c).group(1)) for c in cards[:3])


def test_search_box_drives_a_real_query_and_the_url(kb):
    at = run()
    at.text_input(key="q").input("挥发性有机物").run()
    assert_clean(at)
    assert at.query_params["q"] == "挥发性有机物"
    cards = result_cards(at)
    assert cards and all("挥发性有机物" in visible_text(c) for c in cards[:3])


def test_search_filters(kb):
    at = run(q="治理")
    at.selectbox(key="s_doc").select("escape-test").run()
    assert_clean(at)
    assert at.query_params["fdoc"] == "escape-test"
    ids = [re.search(r'data-hit-id="([^"]+)"', h).group(1) for h in result_cards(at)]
    assert all(i.startswith("escape-test#") for i in ids)
    at.selectbox(key="s_doc").select("全部").run()
    at.selectbox(key="s_level").select("county").run()
    assert_clean(at)
    ids = [re.search(r'data-hit-id="([^"]+)"', h).group(1) for h in result_cards(at)]
    assert all(kb.document(i.split("#")[0]).level == "county" for i in ids)


def test_search_result_with_markup_is_escaped(kb):
    at = run(q="字样 显示")
    cards = result_cards(at)
    assert any("escape-test" in c for c in cards)
    assert all("<script" not in c.lower() for c in cards)


def test_search_outline_badge(kb):
    at = run(q="湖泊")
    cards = result_cards(at)
    outline = [c for c in cards if 'data-hit-id="outline-test#' in c]
    assert outline and all("pkb-badge outline" in c for c in outline)
    assert all("pkb-badge outline" not in c for c in cards if f'data-hit-id="{SEED}#' in c)


# ---------------------------------------------------------------------------
# 任务, 对标, 图谱
# ---------------------------------------------------------------------------


def test_tasks_page(kb):
    at = run(nav.TASKS)  # opens on the full text with the most content
    assert at.selectbox(key="t_doc").value == SEED
    assert at.metric[0].value == str(len(kb.tasks(doc=SEED)))
    at.selectbox(key="t_doc").select("全部").run()
    assert at.metric[0].value == str(len(kb.tasks()))
    at.selectbox(key="t_doc").select("escape-test").run()
    assert_clean(at)
    assert at.metric[0].value == str(len(kb.tasks(doc="escape-test")))
    assert at.query_params["doc"] == "escape-test"
    labels_ = [b.proto.label for b in at.get("download_button")]
    assert labels_ == ["导出 Excel", "导出 CSV"]
    at.selectbox(key="t_role").select("lead").run()
    assert_clean(at)
    assert at.metric[0].value == str(len(kb.tasks(doc="escape-test", role="lead")))
    assert at.query_params["role"] == "lead"
    year = next(t.deadline.year for t in kb.tasks(doc=SEED) if t.deadline and t.deadline.year)
    at = run(nav.TASKS, doc=SEED, year=str(year))
    assert at.selectbox(key="t_year").value == year
    assert at.metric[0].value == str(len(kb.tasks(doc=SEED, year=year)))


def test_coverage_page(kb):
    against = "central-2023-beautiful-china"
    at = run(nav.COVERAGE, doc=SEED, against=against)
    assert at.selectbox(key="v_doc").value == SEED and at.selectbox(key="v_against").value == against
    cov = kb.coverage(SEED, against)
    summary = {m.label: m.value for m in at.metric}
    assert summary == {"已覆盖": str(cov["summary"]["covered"]), "部分覆盖": str(cov["summary"]["partial"]),
                       "未覆盖": str(cov["summary"]["uncovered"])}
    matrix = next(h for h in htmls(at) if "pkb-matrix" in h)
    assert matrix.count("<tr>") == len(cov["rows"]) + 1
    rows = [r for r in kb.compare_targets(doc=SEED) if r["upstream"]["doc_id"] == against]
    assert rows, "the seed has targets to compare with the centre's"
    table = dict(linked(at))["v_targets"]
    assert table.count("<tr>") == len(rows) + 1
    assert all(r["verdict_text"] in visible_text(table) for r in rows)
    at.selectbox(key="v_against").select("jiangsu-2024-beautiful-jiangsu").run()
    assert_clean(at)
    assert at.query_params["against"] == "jiangsu-2024-beautiful-jiangsu"


def test_coverage_matrix_links_open_clauses_in_the_same_session(kb):
    against = "central-2023-beautiful-china"
    cov = kb.coverage(SEED, against)
    row = next(r for r in cov["rows"] if r.get("id") and r.get("covered_by"))
    at = run(nav.CLAUSE, clause=ARTICLE_6)  # this session has shown another clause before
    at.session_state[MARKER] = "kept"
    for column, pid in (("上级条目", row["id"]), ("本级落实条款", row["covered_by"][0])):
        assert pid != ARTICLE_6
        visit(at, nav.COVERAGE, doc=SEED, against=against)
        markup = dict(linked(at))["v_matrix"]
        links = [h for h in hrefs(markup) if h.endswith(quote(pid, safe=""))]
        assert links, f"the {column} cell links to {pid}"
        follow(at, "v_matrix", links[0])
        assert at.session_state[MARKER] == "kept", column
        assert at.query_params["clause"] == pid, column
        assert at.selectbox(key="c_clause").value == pid
        assert kb.citation(pid) in citations(at)


def test_graph_page_draws_the_document_tree(kb):
    at = run(nav.GRAPH, doc=SEED)
    tree = dict(linked(at))["g_tree"]
    articles = kb.provisions(SEED, kinds=("article",))
    for p in articles:
        assert render_esc(f"{p.marker or ''}{p.heading or ''}") in tree
    at.selectbox(key="g_part").select(3).run()
    assert_clean(at)
    tree = dict(linked(at))["g_tree"]
    assert "（六）" in tree and "（一）" not in tree
    assert at.query_params["part"] == "3"
    # the part's articles in document order
    shown = [p for p in articles if p.part_no == 3]
    at_ = [tree.index(render_esc(f"{p.marker}{p.heading}")) for p in shown]
    assert at_ == sorted(at_)


def test_clause_parent_button_moves_up_and_updates_url(kb):
    clause = f"{ARTICLE_6}__cl_4"
    at = run(nav.CLAUSE, clause=clause)
    assert "高邮湖" in visible_text("".join(htmls(at)))
    at.button(key="open_parent").click().run()
    assert_clean(at)
    assert at.query_params["clause"] == ARTICLE_6
    assert at.title[0].value.startswith("（六）")


def test_outline_flags_from_the_kb_are_shown(kb):
    outlines = [d for d in kb.documents() if d.status == "outline" and isinstance(d.meta.get("verified"), dict)]
    if not outlines:
        pytest.skip("no outline document with verified flags in the corpus")
    doc = outlines[0]
    flags = doc.meta["verified"]
    at = run(nav.DOCUMENT, doc=doc.id)
    body = "".join(htmls(at))
    assert any("提纲文件，非官方全文" in w.value for w in at.warning)
    assert body.count('class="pkb-badge v-') == sum(
        1 for p in kb.provisions(doc.id) if p.id in flags and p.kind in ("part", "article", "item", "preamble", "closing"))
    pid, flag = next((k, v) for k, v in flags.items() if "__art_" in k or "part_" in k)
    at = run(nav.CLAUSE, clause=pid)
    assert any("核实状态" in w.value for w in at.warning)


def test_search_more_results_and_notices(kb):
    total = kb.search("治理", limit=1).total
    assert total > 20, "the fixture corpus has many 治理 clauses"
    at = run(q="治理")
    cards = result_cards(at)
    assert len(cards) == 20
    at.button(key="s_more").click().run()
    assert_clean(at)
    cards = result_cards(at)
    assert len(cards) == min(40, total)
    at = run(q='"高邮湖')  # unbalanced quote: searched as plain words, with the engine's notice
    notices = kb.search('"高邮湖').notices
    assert notices and [i.value for i in at.info] == notices
    assert result_cards(at)


def test_search_without_hits_says_what_to_do(kb):
    at = run(q="不存在的检索词甲乙丙丁")
    if kb.search("不存在的检索词甲乙丙丁").hits:
        pytest.skip("the engine found something for the nonsense query")
    assert any("没有找到" in w.value for w in at.warning)


def test_search_shows_corrections_and_partial_matches_in_chinese(kb):
    at = run(q="宝应胡水质")  # a typo: the nearest KB word is searched, and the page says so
    assert_clean(at)
    assert any(i.value.startswith("您要找的是不是：宝应湖") for i in at.info)
    assert result_cards(at)
    res = kb.search("光伏 船舶")  # no clause has both: partial matches only, in their own section
    assert not res.hits and res.partial
    at = run(q="光伏 船舶")
    assert_clean(at)
    assert any("没有找到同时包含全部检索内容" in w.value for w in at.warning)
    assert [s.value for s in at.subheader] == ["部分匹配"]
    assert len(result_cards(at)) == len(res.partial)


def test_search_with_an_unusable_filter_says_so(kb):
    at = run(q="治理", year="99999")  # a year from a (hand-edited) URL that no document has
    assert [w.value for w in at.warning if "网址中的年份" in w.value and "99999" in w.value]
    assert at.selectbox(key="s_year").value == "全部"
    assert result_cards(at), "the search runs without the bad filter"
