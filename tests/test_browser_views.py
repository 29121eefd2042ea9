"""The app as its three users meet it, in a real browser (issue 15): an official searching clauses,
a drafter citing upstream policy, an analyst browsing task linkages.

``streamlit run app.py`` headless on 127.0.0.1 and Debian's headless Chromium over the DevTools
protocol (``tests/browser.py``), at 1366×768 unless a test says otherwise. Every page is also
captured at 1366×768 and 1920×1080 into ``tests/artifacts/pages/`` (git-ignored).

Run alone with output:  python -m pytest tests/test_browser_views.py -q -s
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from browser import CHROMIUM, AppServer, Browser
from fixture_kb import build_fixture_kb
from kb import open_kb, views

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                                "(apt-get install chromium fonts-noto-cjk) — the browser test needs it")

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "pages"
SEED = "yangzhou-2024-118"
CENTRAL = "central-2023-beautiful-china"
BODY = "document.body.innerText"


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return build_fixture_kb(tmp_path_factory.mktemp("viewskb") / "home")


@pytest.fixture(scope="module")
def kb(home):
    return open_kb(home)


@pytest.fixture(scope="module")
def app(home):
    with AppServer(home) as server:
        yield server


@pytest.fixture
def browser():
    with Browser(1366, 768) as b:
        yield b


def show(browser: Browser, url: str, ready: str = "!!document.querySelector('h1')") -> None:
    browser.open(url)
    browser.wait_for(ready)
    browser.settled()


def param(browser: Browser, name: str):
    return browser.eval(f"new URLSearchParams(location.search).get({json.dumps(name)})")


def selected(browser: Browser, label: str) -> str:
    """The text a select box labelled ``label`` shows."""
    return browser.eval(f"Array.from(document.querySelectorAll('[data-testid=\"stSelectbox\"]'))"
                        f".find(e => e.querySelector('[data-testid=\"stWidgetLabel\"]')?.innerText.trim() === "
                        f"{json.dumps(label)})?.querySelector('input[role=\"combobox\"]')?.value.trim()")


def fits(browser: Browser, selector: str) -> bool:
    """Every element ``selector`` matches ends inside the window (nothing cut off to the right)."""
    return browser.eval(f"Array.from(document.querySelectorAll({json.dumps(selector)}))"
                        ".every(e => e.getBoundingClientRect().right <= window.innerWidth + 1)")


RAW_ID = re.compile(r"part_\d|__art_|__cl_|[a-z]+-\d{4}-[\w-]+#")


# ---------------------------------------------------------------------------
# Defaults: the full text users came for
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("page,label", [("document", "文件"), ("clause", "文件"), ("tasks", "文件"), ("graph", "文件")])
def test_every_page_opens_on_the_full_text_with_the_most_content(kb, app, browser, page, label):
    expected = views.default_document(kb.documents())
    assert expected == SEED and kb.document(SEED).status == "full"
    show(browser, f"{app.url}/{page}")
    assert selected(browser, label).endswith(kb.document(SEED).title), selected(browser, label)
    if page == "document":  # the documents it cites: the outlines among them say so
        rows = browser.eval("Array.from(document.querySelectorAll('[data-testid=\"stExpander\"] .pkb-table tbody tr'))"
                            ".map(r => r.cells[0].textContent)")
        outlines = {c.resolved_id for c in kb.citations(SEED) if c.resolved_id
                    and kb.document(c.resolved_id).status == "outline"}
        assert len(rows) == len(kb.citations(SEED)) and sum("提纲" in r for r in rows) == len(outlines) == 2, rows


def test_coverage_defaults_to_the_full_text_against_its_real_upstream(kb, app, browser):
    show(browser, f"{app.url}/coverage", "!!document.querySelector('.pkb-matrix')")
    assert selected(browser, "本级文件").endswith(kb.document(SEED).title)
    assert kb.document(CENTRAL).title in selected(browser, "对标的上级文件")
    summary = kb.coverage(SEED, CENTRAL)["summary"]
    metrics = browser.eval("Object.fromEntries(Array.from(document.querySelectorAll('[data-testid=\"stMetric\"]'))"
                           ".map(m => [m.querySelector('[data-testid=\"stMetricLabel\"]').innerText.trim(),"
                           " m.querySelector('[data-testid=\"stMetricValue\"]').innerText.trim()]))")
    assert metrics == {"已覆盖": str(summary["covered"]), "部分覆盖": str(summary["partial"]),
                       "未覆盖": str(summary["uncovered"])}
    print(f"\nbrowser: bare /coverage → 扬州 vs 中央 {summary['covered']}/{summary['partial']}/{summary['uncovered']}")
    # only real upstreams (higher level and linked) are offered
    browser.click("Array.from(document.querySelectorAll('[data-testid=\"stSelectbox\"]'))[1]"
                  ".querySelector('input[role=\"combobox\"]')")
    browser.wait_for("document.querySelectorAll('[role=\"option\"]').length > 0")
    offered = browser.eval("Array.from(document.querySelectorAll('[role=\"option\"]')).map(e => e.innerText.trim())")
    titles = {kb.document(i).title for i in views.upstreams(kb, SEED)}
    assert len(offered) == len(titles) and all(any(t in o for t in titles) for o in offered), offered
    # status and strength agree in every row (one rule)
    cells = browser.eval("Array.from(document.querySelectorAll('.pkb-matrix tbody tr')).map(r => r.cells[1].innerText)")
    pairs = {"已覆盖": "强", "部分覆盖": "中", "未覆盖": "弱"}
    assert cells and all(f"{s}（{pairs[s]}）" in c for c in cells for s in pairs if c.startswith(s)), cells


# ---------------------------------------------------------------------------
# 对标: 目标对比
# ---------------------------------------------------------------------------


def test_target_comparison_states_the_verdict_with_units_on_screen(kb, app, browser):
    show(browser, f"{app.url}/coverage?doc={SEED}&against={CENTRAL}", "!!document.querySelector('.pkb-targets')")
    rows = browser.eval("Array.from(document.querySelectorAll('.pkb-targets tbody tr'))"
                        ".map(r => Array.from(r.cells).map(c => c.innerText.trim()))")
    pm = next(r for r in rows if r[1].startswith("2035年"))
    assert "细颗粒物" in pm[0] and "28" in pm[1] and "25" in pm[2]
    assert pm[3] == "+3 微克/立方米", pm  # 差值 with its unit
    assert pm[4] == "宽于上级", pm  # lower concentration is stricter: 28 against 25 is looser
    assert "提纲" in pm[2], "the upstream is an outline and says so"
    assert all(not RAW_ID.search(r[5]) and r[5] for r in rows), [r[5] for r in rows]  # 本级条款 readable
    assert fits(browser, ".pkb-targets th, .pkb-targets td"), "上级目标/差值/判断 are on screen at 1366 px"


# ---------------------------------------------------------------------------
# 任务
# ---------------------------------------------------------------------------


def test_tasks_page_is_honest_and_fits(kb, app, browser):
    show(browser, f"{app.url}/tasks?doc={SEED}", "!!document.querySelector('.pkb-table')")
    body = browser.eval(BODY)
    tasks = kb.tasks(doc=SEED)
    parties = views.count_parties(tasks, {"lead", "support", "owner", "mentioned"})
    stated = sum(1 for c in parties if c.stated)
    assert f"原文写明的 {stated} 个，仅由推断得出的 {len(parties) - stated} 个" in body
    assert browser.eval("document.querySelectorAll('.pkb-bars .guessed').length") > 0, "guesses are drawn apart"
    assert views.NO_YEAR in browser.eval("Array.from(document.querySelectorAll('.pkb-bars .row > span:first-child'))"
                                         ".map(e => e.innerText).join('|')"), "tasks without a date do not vanish"
    assert fits(browser, ".pkb-table th, .pkb-table td"), "every column of the table is on screen at 1366 px"
    assert not RAW_ID.search(body), RAW_ID.search(body)
    name = re.search(r"导出文件名：(\S+)\.xlsx", body).group(1)
    assert name.startswith("任务分解表-") and not RAW_ID.search(name) and "#" not in name, name
    # 生态环境部门 (a generic name in the city's document) is one unit with 市生态环境局, said to be inferred
    bars = browser.eval("Array.from(document.querySelectorAll('.pkb-bars .row > span:first-child'))"
                        ".map(e => e.innerText)")
    assert "市生态环境局／生态环境部门（泛称，推断）" in bars, bars
    assert not [b for b in bars if b.startswith("生态环境部门")], bars
    browser.click("Array.from(document.querySelectorAll('[data-testid=\"stSelectbox\"]')).find(e => e.innerText"
                  ".includes('责任单位'))?.querySelector('input[role=\"combobox\"]')")
    browser.call("Input.insertText", text="生态环境")  # the list is long: narrow it as a user types
    options = browser.wait_for("(() => { const o = Array.from(document.querySelectorAll('[role=\"option\"]'))"
                               ".map(e => e.innerText.trim()); return o.length ? o : null; })()")
    assert "生态环境部门（泛称，推断为市生态环境局）" in options, options
    assert "市生态环境局（含推断：泛称“生态环境部门”）" in options, options


def test_tasks_of_2027_include_the_dated_targets(kb, app, browser):
    show(browser, f"{app.url}/tasks?doc={SEED}&year=2027", "!!document.querySelector('.pkb-table')")
    rows = browser.eval("Array.from(document.querySelectorAll('.pkb-table tbody tr')).map(r => r.innerText)")
    assert len(rows) > len(kb.tasks(doc=SEED, year=2027)), rows
    text = "\n".join(rows)
    assert "细颗粒物" in text and "95%" in text and "94%" in text


# ---------------------------------------------------------------------------
# 条款: clean copies for drafters
# ---------------------------------------------------------------------------


def clipboard(browser: Browser) -> str:
    out = browser.call("Runtime.evaluate", expression="navigator.clipboard.readText()", awaitPromise=True,
                       returnByValue=True, userGesture=True)
    return out.get("result", {}).get("value")


def test_clause_text_copies_clean_and_with_its_source(kb, app, browser):
    article = f"{SEED}#part_3__art_6"
    clause = kb.provision(f"{article}__cl_4")
    browser.call("Browser.grantPermissions", permissions=["clipboardReadWrite", "clipboardSanitizedWrite"])
    show(browser, f"{app.url}/clause?clause={quote(article, safe='')}",
         f"!!document.getElementById({json.dumps('part_3__art_6__cl_4')})")
    # selecting the paragraph copies exactly the clause: the entity tags are not part of the text
    picked = browser.eval("(() => { const p = document.getElementById('part_3__art_6__cl_4');"
                          " const r = document.createRange(); r.selectNodeContents(p);"
                          " const s = window.getSelection(); s.removeAllRanges(); s.addRange(r);"
                          " return s.toString(); })()")
    assert picked == clause.text, picked
    buttons = "Array.from(document.querySelectorAll('button.pkb-copy'))"
    for label, expected in (("复制条文", kb.text(article)), ("复制条文及出处", kb.quote(article)),
                            ("复制出处", kb.citation(article))):
        browser.click(f"{buttons}.find(b => b.innerText === {json.dumps(label)})")
        browser.wait_for(f"{buttons}.some(b => b.innerText === '已复制')", timeout=10)
        assert clipboard(browser) == expected, label
        browser.wait_for(f"!{buttons}.some(b => b.innerText === '已复制')", timeout=10)
    assert kb.quote(article).endswith("第三部分第（六）条）")
    # every upstream card carries its own copy of the citation
    cards = browser.eval("document.querySelectorAll('.pkb-links .pkb-card .pkb-badge.score').length")
    shown = browser.eval("Array.from(document.querySelectorAll('.pkb-links')).filter(e => e.querySelector('.pkb-card')"
                         " && Array.from(e.querySelectorAll('button.pkb-copy')).some(b => b.textContent === '复制出处')).length")
    assert cards and shown >= cards, (cards, shown)


def test_outline_clause_shows_its_points_under_their_own_labels(kb, app, browser):
    pid = f"{CENTRAL}#part_3__art_1"
    show(browser, f"{app.url}/clause?clause={quote(pid, safe='')}", "!!document.querySelector('.pkb-card')")
    headings = browser.eval("Array.from(document.querySelectorAll('h3')).map(e => e.innerText.trim())")
    assert "提纲要点" in headings and "条文" not in headings, headings
    body = browser.eval(BODY)
    assert "摘要：" in body and "关键词：" in body
    assert "提纲（非原文）" in body, "the reader link says 提纲 on an outline"
    # an outline's text is our summary: it is never copied as 条文, and its copy says 提纲
    buttons = browser.eval("Array.from(document.querySelector('.pkb-cite').parentElement.querySelectorAll("
                           "'button.pkb-copy')).map(b => b.textContent)")  # the clause's own citation block
    assert "复制条文" not in buttons and "复制提纲要点及出处（非原文）" in buttons, buttons


def test_upstream_cards_of_outlines_copy_no_条文_and_say_their_evidence_plainly(kb, app, browser):
    pid = f"{SEED}#part_2__art_1"
    show(browser, f"{app.url}/clause?clause={quote(pid, safe='')}", "!!document.querySelector('.pkb-card')")
    cards = browser.eval("Array.from(document.querySelectorAll('.pkb-links')).filter(e => e.querySelector("
                         "'.pkb-card .pkb-badge.score')).map(e => ({outline: !!e.querySelector('.pkb-card .pkb-badge.outline'),"
                         " text: e.textContent, buttons: Array.from(e.querySelectorAll('button.pkb-copy'))"
                         ".map(b => b.textContent)}))")
    assert any(c["outline"] for c in cards), cards
    for c in cards:
        assert ("复制条文" in c["buttons"]) != c["outline"], c
        assert "候选依据" not in c["text"] and "依据：" not in c["text"] and "依据" in c["text"], c["text"]


# ---------------------------------------------------------------------------
# 检索
# ---------------------------------------------------------------------------


def test_search_cards_show_lead_deadline_date_and_open_the_hit(kb, app, browser):
    show(browser, f"{app.url}/?q={quote('高邮湖')}", "document.querySelectorAll('.pkb-card[data-hit-id]').length > 0")
    card = browser.eval("document.querySelector('.pkb-hitbox').innerText")
    first = browser.eval("document.querySelector('.pkb-card[data-hit-id]').dataset.hitId")
    assert "牵头：" in card and "时限：" in card and f"成文日期：{kb.document(SEED).date}" in card, card
    browser.click("Array.from(document.querySelector('.pkb-hitbox').querySelectorAll('a'))"
                  ".find(a => a.innerText === '原文')")
    anchor = first.split("#", 1)[1]
    browser.wait_for(f"location.pathname.endsWith('/document') && !!document.querySelector('.pkb-hit')")
    browser.settled()
    assert browser.eval("document.querySelector('.pkb-hit').id") == anchor
    browser.wait_for(f"(() => {{ const r = document.getElementById({json.dumps(anchor)}).getBoundingClientRect();"
                     " return r.top >= -5 && r.top < window.innerHeight; })()", timeout=10)
    # a hit in an outline says 提纲, not 原文
    show(browser, f"{app.url}/?q={quote('湖泊')}&fdoc=outline-test",
         "document.querySelectorAll('.pkb-card[data-hit-id]').length > 0")
    labels = browser.eval("Array.from(document.querySelectorAll('.pkb-hitbox a')).map(a => a.innerText)")
    assert "提纲（非原文）" in labels and "原文" not in labels


def change_then_back(browser: Browser, label: str, option: str, param_: str, value: str, state: str) -> None:
    """Choose ``option`` in the select box ``label`` (the URL gets ``param_=value`` and the JavaScript
    ``state`` changes), then the browser's Back: the URL and ``state`` are what they were."""
    before = browser.eval(state)
    browser.select(label, option)
    browser.wait_for(f"new URLSearchParams(location.search).get({json.dumps(param_)}) === {json.dumps(value)}"
                     f" && {state} !== {json.dumps(before)}")
    browser.settled()
    browser.eval("history.back()")
    browser.wait_for(f"new URLSearchParams(location.search).get({json.dumps(param_)}) === null"
                     f" && {state} === {json.dumps(before)}")
    browser.settled()


def test_back_after_a_filter_change_restores_the_results(kb, app, browser):
    show(browser, f"{app.url}/?q={quote('治理')}", "document.querySelectorAll('.pkb-card[data-hit-id]').length > 0")
    change_then_back(browser, "层级", "县级", "level", "county",
                     "Array.from(document.querySelectorAll('.pkb-card[data-hit-id]')).map(e => e.dataset.hitId).join()")
    assert selected(browser, "层级") == "全部"
    # the same on 任务
    show(browser, f"{app.url}/tasks?doc={SEED}", "!!document.querySelector('.pkb-table')")
    change_then_back(browser, "角色", "牵头", "role", "lead", "document.querySelectorAll('.pkb-table tbody tr').length")
    assert selected(browser, "角色") == "全部"


def test_search_sorts_by_date_and_filters_by_issuer_and_time(kb, app, browser):
    show(browser, f"{app.url}/?q={quote('水质')}&sort=date", "document.querySelectorAll('.pkb-card').length > 0")
    dates = browser.eval("Array.from(document.querySelectorAll('.pkb-facts')).map(e => e.innerText.match(/成文日期：(\\S+)/)[1])")
    dated = [d for d in dates if d != "未注明"]
    hits = kb.search("水质", limit=200).hits
    assert len(hits) <= 20 and len(dates) == len(hits)
    assert dated == sorted(dated, reverse=True) and len(set(dated)) > 1, dates
    assert selected(browser, "排序") == "按成文日期（新→旧）"
    issuer = kb.document(SEED).issuer
    show(browser, f"{app.url}/?q={quote('治理')}&issuer={quote(issuer)}", "document.querySelectorAll('.pkb-card').length > 0")
    assert selected(browser, "发文机关") == issuer
    docs = browser.eval("Array.from(document.querySelectorAll('.pkb-card[data-hit-id]')).map(e => e.dataset.hitId.split('#')[0])")
    assert set(docs) == {d.id for d in kb.documents() if d.issuer == issuer}
    show(browser, f"{app.url}/?q={quote('检查')}&since=2025", "document.querySelectorAll('.pkb-card').length > 0")
    docs = browser.eval("Array.from(document.querySelectorAll('.pkb-card[data-hit-id]')).map(e => e.dataset.hitId.split('#')[0])")
    assert docs and all((kb.document(d).date or "0")[:4] >= "2025" for d in docs), docs


# ---------------------------------------------------------------------------
# 图谱
# ---------------------------------------------------------------------------


def test_graph_is_a_readable_clickable_tree(kb, app, browser):
    show(browser, f"{app.url}/graph", "!!document.querySelector('.pkb-tree')")
    assert selected(browser, "文件").endswith(kb.document(SEED).title)
    sizes = browser.eval("Array.from(document.querySelectorAll('.pkb-tree a, .pkb-tree .party, .pkb-tree .count'))"
                         ".map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert sizes and min(sizes) >= 12, min(sizes)
    cited = browser.eval("Array.from(document.querySelectorAll('a[href^=\"document?doc=\"]')).map(a => a.getAttribute('href'))")
    assert f"document?doc={CENTRAL}" in cited, cited  # a cited document in the KB opens
    show(browser, f"{app.url}/graph?doc={SEED}&part=3", "!!document.querySelector('.pkb-tree')")
    shown = browser.eval("Array.from(document.querySelectorAll('.pkb-tree details details > summary a'))"
                         ".map(a => new URLSearchParams(a.getAttribute('href').split('?')[1]).get('clause'))")
    expected = [p.id for p in kb.provisions(SEED, kinds=("article",)) if p.part_no == 3]
    assert shown == expected, shown
    target = expected[1]
    browser.click(f"document.querySelector('.pkb-tree a[href=\"clause?clause={quote(target, safe='')}\"]')")
    browser.wait_for(f"location.pathname.endsWith('/clause') && new URLSearchParams(location.search).get('clause') === "
                     f"{json.dumps(target)}")


# ---------------------------------------------------------------------------
# Everywhere
# ---------------------------------------------------------------------------

PAGES = {"search": f"/?q={quote('高邮湖')}", "document": "/document", "clause": "/clause", "tasks": "/tasks",
         "coverage": "/coverage", "graph": "/graph"}
ENGLISH = ("(() => { const skip = e => !!e.closest('.pkb-links, [data-testid=\"stIconMaterial\"], .pkb-doc')"
           " || getComputedStyle(e).fontFamily.includes('Material');"  # icon names drawn as ligatures
           " const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT); const out = [];"
           " for (let n = w.nextNode(); n; n = w.nextNode()) { const p = n.parentElement;"
           " if (!p || skip(p) || !p.offsetParent) continue; const m = n.nodeValue.match(/[A-Za-z]{3,}/g);"
           " if (m) out.push(...m); } return out; })()")


FILE_FORMATS = {"Excel", "CSV", "xlsx", "csv"}  # the app's own export buttons name the formats


@pytest.mark.parametrize("page", list(PAGES))
def test_no_english_from_streamlit_and_screenshots(kb, app, browser, page):
    shots = []
    for width, height in ((1366, 768), (1920, 1080)):
        browser.resize(width, height)
        show(browser, app.url + PAGES[page])
        english = [w for w in browser.eval(ENGLISH) if w not in FILE_FORMATS]
        assert english == [], f"{page} at {width}: {english}"
        body = browser.eval(BODY)
        assert "policykb" not in body and ".txt" not in body and "corpus/" not in body, page
        assert browser.eval("document.documentElement.scrollWidth <= window.innerWidth + 1"), \
            f"{page} scrolls sideways at {width} px"
        shots.append(browser.screenshot(ARTIFACTS / f"{page}-{width}x{height}.png"))
    print(f"\nbrowser: {page} screenshots {', '.join(map(str, shots))}")


# Streamlit's own elements a person points at or types in (not the app's markup, .pkb-…)
CHROME_TARGETS = ("Array.from(document.querySelectorAll('button, [role=button], summary, "
                  "[data-testid=stTooltipHoverTarget], [data-testid=stTooltipIcon], [data-testid=stSidebarNav] a'))"
                  ".filter(e => e.getClientRects().length && !e.closest('[class*=pkb]'))")


# What a screen reader says once the page is settled: labels, and text kept off screen (跳到正文)
HEARD = ("Array.from(document.querySelectorAll('[aria-label], [data-testid=stSkipToContent]'))"
         ".filter(e => !e.closest('[class*=pkb]'))"
         ".map(e => ({kind: 'heard', text: e.getAttribute('aria-label') || e.innerText,"
         " where: e.closest('[data-testid]')?.dataset.testid || e.tagName}))")


def words(texts) -> list[str]:
    return [w for t in texts for w in re.findall(r"[A-Za-z]{3,}", t["text"]) if w not in FILE_FORMATS]


def test_no_english_from_streamlit_even_in_passing(kb, app, browser):
    """Every page, and what shows only for a moment or on a gesture: tooltips of Streamlit's buttons
    and icons, a select box's list and its "no results", the text box's "Press Enter to apply",
    "Running…" while a page reruns; and what a screen reader says. Every text that reaches the
    screen is recorded as it appears (tests/browser.py record_painted_text), not only at the end.
    Not the "Page not found" dialog of a mistyped address: it opens before the app's translation
    is installed (see test_unknown_page_is_said_in_chinese for what it shows once installed)."""
    browser.record_painted_text()
    english: dict[str, list] = {}
    seen: set[str] = set()
    for page, url in PAGES.items():
        show(browser, app.url + url)
        for i in range(browser.eval(f"{CHROME_TARGETS}.length")):
            browser.hover(f"{CHROME_TARGETS}[{i}]")
            browser.eval("new Promise(r => setTimeout(r, 120))")  # a tooltip opens after a short delay
        for i in range(browser.eval("document.querySelectorAll('[data-testid=stSelectbox]').length")):
            browser.click(f"document.querySelectorAll('[data-testid=stSelectbox]')[{i}].querySelector('input')")
            browser.wait_for("document.querySelectorAll('[role=option]').length > 0")
            browser.call("Input.insertText", text="zzqq")  # nothing matches: the list says so
            browser.wait_for("/没有匹配|No results/.test(document.querySelector('[role=listbox]')?.innerText)", timeout=20)
            browser.key("Escape", 27)
            browser.click("document.querySelector('h1')")  # away: the list closes, the choice stays
            browser.wait_for("!document.querySelector('[role=listbox]')", timeout=20)
        if browser.eval("!!document.querySelector('[data-testid=stTextInput] input')"):
            browser.click("document.querySelector('[data-testid=stTextInput] input')")
            browser.call("Input.insertText", text="水质")
            browser.wait_for("!!document.querySelector('[data-testid=InputInstructions]')")
            browser.key("Enter", 13)  # a rerun: the status widget may show while it runs
            browser.settled()
        if page == "tasks":  # a filter change reruns the page
            browser.select("年份", "2027")
            browser.settled()
        painted = browser.painted(clear=True) + browser.eval(HEARD)
        seen |= {t["where"] for t in painted} | {t["where"] for t in browser.eval(
            "Array.from(document.querySelectorAll('[data-testid]')).map(e => ({where: e.dataset.testid}))")}
        if words(painted):
            english[page] = sorted({(t["kind"], t["text"], t["where"]) for t in painted if words([t])})
    assert english == {}, english
    assert {"InputInstructions", "stSelectbox", "stSidebarNav"} <= seen, seen  # the gestures took place


def test_unknown_page_is_said_in_chinese(app, browser):
    show(browser, f"{app.url}/no-such-page")
    browser.wait_for("document.body.innerText.includes('找不到页面')", timeout=20)
    assert "Page not found" not in browser.eval(BODY) and "requested page" not in browser.eval(BODY)
    browser.screenshot(ARTIFACTS / "not-found-1366x768.png")


@pytest.mark.parametrize("url,says", [
    ("/tasks?year=abc", "网址中的年份“abc”无效"),
    (f"/coverage?doc={SEED}&against=escape-test", "网址中的上级文件“escape-test”无效"),
    (f"/graph?doc={SEED}&part=99", "网址中的部分“99”无效"),
    ("/document?doc=no-such-doc", "网址中的文件“no-such-doc”无效"),
])
def test_bad_url_parameters_say_so(app, browser, url, says):
    show(browser, app.url + url, "!!document.querySelector('[data-testid=\"stAlertContentWarning\"]')")
    warning = browser.eval("document.querySelector('[data-testid=\"stAlertContentWarning\"]').innerText")
    assert says in warning, warning
