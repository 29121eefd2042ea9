"""The app shows user- and document-supplied strings as text, never as Markdown (issue 17).

A URL parameter (``?doc=[请重新登录](http://…)``, ``?doc=![](http://…)``) and a document whose
title and headings carry Markdown (from a sidecar or a page ``<title>``) must not become a link
or make the browser fetch an outside image. Checked twice: under AppTest (every Markdown
element's body, rendered by a CommonMark parser, holds no link or image) and in a real headless
Chromium (no request leaves the app's own address, no outside <a>/<img> in the page).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from browser import CHROMIUM, AppServer, Browser
from fixture_kb import run_app
from indexer.build import build
from policykb.ui import nav
from policykb.ui.render import md

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE = "198.51.100.7"  # TEST-NET-2: never a real host
LINK = f"[请重新登录](http://{OUTSIDE}/login)"
IMAGE = f"![](http://{OUTSIDE}/pixel.png)"
DOC_ID = "md-attack"
TITLE = f"{LINK}{IMAGE}湖东县人民政府关于加强河湖管理的通知"
TEXT = f"""{TITLE}
东政发〔2025〕3号
各乡镇人民政府，县各有关部门：
为加强河湖管理，现就有关事项通知如下。
一、{IMAGE}加强河湖巡查
（一）http://{OUTSIDE}/autolink 落实巡查责任。各乡镇要建立河湖巡查制度，到2026年实现全覆盖（县水利局牵头）。
（二）:red[强化] $x$ 考核。县水利局要将巡查情况纳入年度考核。
湖东县人民政府
2025年3月1日
"""


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("mdkb")
    corpus = base / "corpus"
    corpus.mkdir()
    (corpus / f"{DOC_ID}.txt").write_text(TEXT, encoding="utf-8")
    # The title comes from the sidecar: what `policykb ingest` writes from a page's <title>.
    (corpus / f"{DOC_ID}.meta.yaml").write_text(
        f"id: {DOC_ID}\ntitle: '{TITLE}'\nlevel: county\n", encoding="utf-8")
    build(corpus, base / "home", progress=None)
    return base / "home"


# What GFM's autolink-literal transform links in the parsed text (mdast-util-gfm-autolink-literal).
GFM_AUTOLINK = re.compile(r"(?i)(https?://|www\.)[-.\w]+|[-.\w+]+@[-\w]+\.[-\w]+")


def rendered_text_links(body: str) -> list[str]:
    """Links and images CommonMark makes of ``body``, plus what GFM would autolink in its text."""
    out = MarkdownIt("commonmark").render(body)
    found = re.findall(r"<(?:a|img)\b[^>]*>", out)
    return found + [m.group(0) for m in GFM_AUTOLINK.finditer(html.unescape(re.sub(r"<[^>]+>", "", out)))]


def test_md_escapes_every_markdown_construct():
    parser = MarkdownIt("commonmark")
    for attack in (LINK, IMAGE, f"<http://{OUTSIDE}/>", "[x]: http://e/ \n[y][x]", "# 标题", "`code`",
                   "**粗**", "1. 列表", "> 引用", "\n\n    缩进", "www.example.com", "admin@example.com",
                   "HTTPS://EXAMPLE.COM"):
        rendered = parser.render(md(attack))
        assert not rendered_text_links(md(attack)), attack
        assert "<h1" not in rendered and "<code" not in rendered and "<strong" not in rendered
        assert "<ol" not in rendered and "<blockquote" not in rendered
    assert md("[a](b)") == r"\[a\]\(b\)"
    assert md("人民政府") == "人民政府"
    # What the reader sees is the text itself (the joiner is invisible).
    shown = html.unescape(re.sub(r"<[^>]+>", "", parser.render(md(LINK)))).strip()
    assert shown.replace("\u2060", "") == LINK


def markdown_bodies(at: AppTest) -> list[str]:
    """Every element of the run whose body Streamlit renders as Markdown."""
    out = []
    for kind in ("error", "warning", "info", "success", "caption", "markdown", "title", "subheader", "header"):
        out += [str(e.value) for e in getattr(at, kind)]
    out += [str(e.label) for e in at.expander]
    return out


def assert_no_links(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    for body in markdown_bodies(at):
        assert not rendered_text_links(body), body


def run(home, monkeypatch, page=None, **params) -> AppTest:
    monkeypatch.setenv("POLICYKB_HOME", str(home))
    return run_app(page, **params)


@pytest.mark.parametrize("value", [LINK, IMAGE])
def test_a_doc_parameter_with_markdown_is_text(value, home, monkeypatch):
    at = run(home, monkeypatch, nav.DOCUMENT, doc=value)
    assert_no_links(at)
    # The page says the parameter was not found (a warning, then it shows the default document).
    assert at.warning and md(value) in at.warning[0].value


@pytest.mark.parametrize("value", [LINK, f"{DOC_ID}#{IMAGE}"])
def test_a_clause_parameter_with_markdown_is_text(value, home, monkeypatch):
    at = run(home, monkeypatch, nav.CLAUSE, clause=value)
    assert_no_links(at)
    assert at.warning or at.error


def test_a_document_title_and_headings_with_markdown_are_text(home, monkeypatch):
    at = run(home, monkeypatch, nav.DOCUMENT, doc=DOC_ID)
    assert_no_links(at)
    assert at.title[0].value == md(TITLE)
    at = run(home, monkeypatch, nav.CLAUSE, clause=f"{DOC_ID}#part_1__art_1")
    assert_no_links(at)
    at = run(home, monkeypatch, nav.GRAPH, doc=DOC_ID)
    assert_no_links(at)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_no_outside_fetch_from_any_page_in_a_real_browser(home):
    """Every request the browser makes goes to the app itself; no link or image points outside."""
    urls = [f"/?doc={quote(LINK)}", f"/?doc={quote(IMAGE)}", f"/?doc={DOC_ID}",
            f"/clause?clause={quote(DOC_ID + '#part_1__art_1')}", f"/clause?clause={quote(IMAGE)}",
            f"/graph?doc={DOC_ID}", f"/?q={quote(IMAGE)}"]
    with AppServer(home) as app, Browser() as browser:
        own = urlsplit(app.url).netloc
        for path in urls:
            browser.open(app.url + path.replace("/?doc=", "/document?doc="))
            browser.wait_for("!!document.querySelector('[data-testid=\"stApp\"]')")
            browser.settled()
            outside = browser.eval(
                f"Array.from(document.querySelectorAll('a[href], img[src]'))"
                f".map(e => e.href || e.src).filter(u => new URL(u, location.href).host === '{OUTSIDE}')")
            assert outside == [], (path, outside)
        requested = [e["params"]["request"]["url"] for e in browser.events
                     if e.get("method") == "Network.requestWillBeSent"]
        foreign = [u for u in requested if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                   and urlsplit(u).netloc != own]
        assert requested and not foreign, foreign
