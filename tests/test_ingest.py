"""`policykb ingest`: every input kind end to end, outline replacement, and bad input leaving the
corpus and the KB exactly as they were."""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from local_server import serve

from kb.api import open_kb
from indexer.build import build
from policykb import cli

REPO = Path(__file__).resolve().parents[1]
FIX = Path(__file__).parent / "fixtures"


def snapshot(root: Path) -> dict:
    """Every file of the corpus (path → sha256) and the KB's current build and its database."""
    corpus, home = root / "corpus", root / "home"
    files = {str(p.relative_to(corpus)): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(corpus.rglob("*")) if p.is_file()}
    dirs = sorted(str(p.relative_to(corpus)) for p in corpus.rglob("*") if p.is_dir())
    current = (home / "current").resolve()
    db = hashlib.sha256((current / "kb.sqlite").read_bytes()).hexdigest()
    return {"files": files, "dirs": dirs, "current": str(current), "db": db,
            "home": sorted(os.listdir(home))}


def make_root(tmp: Path) -> Path:
    shutil.copytree(REPO / "corpus", tmp / "corpus")
    build(tmp / "corpus", tmp / "home", progress=None)
    return tmp


@pytest.fixture
def root(tmp_path, monkeypatch):
    r = make_root(tmp_path)
    monkeypatch.setenv("POLICYKB_HOME", str(r / "home"))
    monkeypatch.chdir(r)  # ./corpus is the default corpus
    return r


def run(capsys, *args) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def ingest_json(capsys, *args) -> dict:
    code, out, err = run(capsys, "ingest", *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_county_page_ingests_with_metadata_structure_and_resolved_citation(root, capsys):
    d = ingest_json(capsys, str(FIX / "county-page-gbk.html"), "--id", "hudong-2024-37")
    assert d["id"] == "hudong-2024-37"
    assert d["doc_number"] == "湖政发〔2024〕37号"
    assert d["issuer"] == "湖东县人民政府"
    assert d["date"] == "2024-11-18"
    assert d["level"] == "county" and d["status"] == "full"
    assert d["title"] == "湖东县人民政府关于全面推进美丽湖东建设的实施方案"
    assert (d["parts"], d["articles"]) == (3, 5)
    assert d["meta"]["published"] == "2024-11-22" and d["meta"]["index_no"] == "01410234X/2024-00123"
    assert d["recipients"] == ["各镇人民政府", "湖东经济开发区管委会", "县各委办局", "县各直属单位"]
    cites = {c["text"]: c["resolved_id"] for c in d["cites"]}
    assert cites["《市政府关于全面推进美丽扬州建设的实施意见》（扬府发〔2024〕118号）"] == "yangzhou-2024-118"
    assert cites["《实施意见》"] == "yangzhou-2024-118"  # short form in context
    kb = open_kb()
    ids = [p.id for p in kb.provisions("hudong-2024-37") if p.kind != "clause"]
    assert ids == ["hudong-2024-37#preamble", "hudong-2024-37#part_1", "hudong-2024-37#part_2",
                   "hudong-2024-37#part_2__art_1", "hudong-2024-37#part_2__art_1__item_1",
                   "hudong-2024-37#part_2__art_1__item_2", "hudong-2024-37#part_2__art_2",
                   "hudong-2024-37#part_2__art_2__item_1", "hudong-2024-37#part_2__art_2__item_2",
                   "hudong-2024-37#part_2__art_2__item_3", "hudong-2024-37#part_2__art_3",
                   "hudong-2024-37#part_2__art_3__item_1", "hudong-2024-37#part_2__art_3__item_2",
                   "hudong-2024-37#part_3", "hudong-2024-37#part_3__art_1", "hudong-2024-37#part_3__art_2"]
    item = kb.provision("hudong-2024-37#part_2__art_2__item_2")
    assert item.heading == "深化水污染治理" and "堃山镇" in item.text
    # the corpus keeps the page and its metadata; a fresh build reproduces the same KB
    assert (root / "corpus" / "hudong-2024-37.html").read_bytes() == (FIX / "county-page-gbk.html").read_bytes()
    assert "doc_number: 湖政发〔2024〕37号" in (root / "corpus" / "hudong-2024-37.meta.yaml").read_text("utf-8")
    before = kb.document_dict(kb.document("hudong-2024-37"))
    build(root / "corpus", root / "home", progress=None)
    kb2 = open_kb()
    after = kb2.document_dict(kb2.document("hudong-2024-37"))
    assert {k: v for k, v in after.items() if k != "meta"} == {k: v for k, v in before.items() if k != "meta"}
    assert [p.id for p in kb2.provisions("hudong-2024-37")] == [p.id for p in kb.provisions("hudong-2024-37")]


def test_notice_docx_then_pdf_chain_of_citations(root, capsys):
    ingest_json(capsys, str(FIX / "county-page-gbk.html"), "--id", "hudong-2024-37")
    d = ingest_json(capsys, str(FIX / "notice-plan.docx"))
    assert d["id"] == "notice-plan"
    assert d["title"] == "湖东县农村人居环境整治提升行动方案（2025—2027年）"
    assert d["doc_number"] == "湖政办发〔2025〕8号"
    assert d["date"] == "2025-02-10" and d["issuer"] == "湖东县人民政府办公室" and d["level"] == "county"
    assert d["meta"]["notice_title"].startswith("湖东县人民政府办公室关于印发《")
    kb = open_kb()
    parts = [p for p in kb.provisions("notice-plan") if p.kind == "part"]
    assert [p.id.split("#")[1] for p in parts] == ["part_1", "part_2", "part_3", "annex_1"]
    preamble = kb.provision("notice-plan#preamble")
    assert "现印发给你们" in preamble.text and "2025年2月10日" in preamble.text  # the notice is kept
    cites = [(c["text"], c["resolved_id"]) for c in d["cites"]]
    assert ("《湖东县人民政府关于全面推进美丽湖东建设的实施方案》（湖政发〔2024〕37号）", "hudong-2024-37") in cites
    assert ("上述文件", "hudong-2024-37") in cites

    d = ingest_json(capsys, str(FIX / "town-plan.pdf"), "--level", "county", "--id", "hubin-2025-3")
    assert (d["doc_number"], d["date"], d["issuer"]) == ("湖滨政发〔2025〕3号", "2025-03-05", "湖滨镇人民政府")
    assert (d["parts"], d["articles"]) == (3, 4)
    assert {c["resolved_id"] for c in d["cites"]} == {"hudong-2024-37", "yangzhou-2024-118"}


def test_notice_page_html(root, capsys):
    d = ingest_json(capsys, str(FIX / "notice-page.html"), "--id", "hudong-2025-8")
    assert d["title"] == "湖东县农村人居环境整治提升行动方案（2025—2027年）"
    assert d["doc_number"] == "湖政办发〔2025〕8号" and d["date"] == "2025-02-10"


@pytest.mark.parametrize("name, content", [
    ("plan-utf8.txt", lambda t: t.encode("utf-8")),
    ("plan-bom.md", lambda t: b"\xef\xbb\xbf" + t.encode("utf-8")),
    ("plan-gb.txt", lambda t: t.encode("gb18030")),
])
def test_text_files(root, capsys, tmp_path, name, content):
    text = ("某县人民政府关于推进测试工作的通知\n某政发〔2025〕1号\n各镇人民政府：\n"
            "为贯彻落实扬府发〔2024〕118号文件精神，现通知如下。\n一、总体要求\n（一）加强领导。抓好落实。\n"
            "某县人民政府\n2025年1月2日\n")
    p = tmp_path / name
    p.write_bytes(content(text))
    d = ingest_json(capsys, str(p))
    assert d["id"] == Path(name).stem and d["doc_number"] == "某政发〔2025〕1号" and d["date"] == "2025-01-02"
    assert [c["resolved_id"] for c in d["cites"]] == ["yangzhou-2024-118"]


def test_official_text_replaces_the_outline_and_can_be_restored(root, capsys, tmp_path):
    official = tmp_path / "official.txt"
    official.write_text("中共中央国务院关于全面推进美丽中国建设的意见\n（测试文本：仅用于测试提纲替换，不是官方文本）\n"
                        "一、测试部分\n（一）测试条款。本段文字只用于测试。\n（二）第二条款。继续测试。\n",
                        encoding="utf-8")
    d = ingest_json(capsys, str(official))
    assert d["id"] == "central-2023-beautiful-china" and d["status"] == "full"
    assert d["replaced"] == "central-2023-beautiful-china"
    assert d["level"] == "central" and d["issuer"] == "中共中央 国务院" and d["date"] == "2023-12-27"
    corpus = root / "corpus"
    assert not (corpus / "central-2023-beautiful-china.outline.yaml").exists()
    assert (corpus / "replaced" / "central-2023-beautiful-china.outline.yaml").exists()
    kb = open_kb()
    assert len(kb.documents()) == 3
    yz = {c.title: c.resolved_id for c in kb.citations("yangzhou-2024-118")}
    assert yz["中共中央国务院关于全面推进美丽中国建设的意见"] == "central-2023-beautiful-china"
    # restore: remove the official files, move the outline back, build
    for p in corpus.glob("central-2023-beautiful-china.*"):
        p.unlink()
    shutil.move(corpus / "replaced" / "central-2023-beautiful-china.outline.yaml", corpus)
    build(corpus, root / "home", progress=None)
    assert open_kb().document("central-2023-beautiful-china").status == "outline"


def test_title_variant_replaces_jiangsu_outline(root, capsys, tmp_path):
    p = tmp_path / "js.txt"
    p.write_text("中共江苏省委 江苏省人民政府\n关于全面推进美丽江苏建设的实施意见\n一、测试部分\n（一）测试条款。仅用于测试。\n",
                 encoding="utf-8")
    d = ingest_json(capsys, str(p))
    assert d["id"] == "jiangsu-2024-beautiful-jiangsu" and d["level"] == "provincial"


def test_a_county_document_with_a_similar_title_does_not_replace_an_outline(root, capsys, tmp_path):
    p = tmp_path / "similar.txt"
    p.write_text("某县人民政府关于全面推进美丽中国建设的意见\n一、总体要求\n（一）加强领导。认真贯彻落实各项部署要求。\n"
                 "某县人民政府\n2025年1月2日\n", encoding="utf-8")
    d = ingest_json(capsys, str(p), "--id", "county-similar")
    assert d["replaced"] is None
    assert (root / "corpus" / "central-2023-beautiful-china.outline.yaml").exists()


def test_ingest_by_url(root, capsys):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(FIX), **kw)

        def log_message(self, *args):
            pass

    with serve(Handler) as base:
        url = f"{base}/county-page-gbk.html"
        d = ingest_json(capsys, url, "--id", "hudong-url")
    assert d["doc_number"] == "湖政发〔2024〕37号" and d["meta"]["source_url"] == url
    assert "source_url: " + url in (root / "corpus" / "hudong-url.meta.yaml").read_text("utf-8")


# ---------------------------------------------------------------------------
# Bad input: one line `Error: <file>: …`, exit 1, corpus and KB untouched
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    return make_root(tmp_path_factory.mktemp("pristine"))


def _county() -> bytes:
    return (FIX / "county-page-gbk.html").read_bytes()


def _write_huge(p: Path) -> None:
    with open(p, "wb") as f:
        f.write(("关于测试的通知。" * 10).encode() + b"\n")
        f.truncate(20 * 1024 * 1024)


BAD = [
    ("empty.txt", lambda p: p.write_bytes(b""), "empty"),
    ("empty.html", lambda p: p.write_bytes(b"  \n"), "empty"),
    ("binary.txt", lambda p: p.write_bytes(bytes(range(256)) * 64), "binary"),
    ("undecodable.txt", lambda p: p.write_bytes(b"abc\x81\x20def" * 300), "cannot decode"),
    ("bom-garbage.txt", lambda p: p.write_bytes(b"\xef\xbb\xbf" + "某县人民政府关于测试的通知".encode("gbk") * 20),
     "byte-order mark"),
    ("huge.txt", _write_huge, "over the 8 MB limit"),
    ("truncated.html", lambda p: p.write_bytes(_county()[: len(_county()) // 2]), "truncated"),
    ("malformed.html", lambda p: p.write_bytes(b"<html><body><div><<<p>><td><a href=/>\xca\xd7\xd2\xb3</a></table>"
                                               b"</div></body></html>"), "no article body"),
    ("nobody.html", lambda p: p.write_bytes(re.sub(rb'<div class="wz_article".*?</div>', b"", _county(),
                                                   flags=re.S)), "no article body"),
    ("scan.pdf", lambda p: p.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"),
     "PDF"),
    ("notzip.docx", lambda p: p.write_bytes(b"plain text, not a Word file"), "not a readable .docx"),
    ("english.txt", lambda p: p.write_text("Just some English text without any Chinese in it.\n" * 5), "no Chinese"),
    ("old.doc", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100), "save it as .docx"),
]


@pytest.mark.parametrize("name, make, message", BAD, ids=[b[0] for b in BAD])
def test_bad_input_leaves_corpus_and_kb_untouched(pristine, tmp_path, monkeypatch, capsys, name, make, message):
    monkeypatch.setenv("POLICYKB_HOME", str(pristine / "home"))
    path = tmp_path / name
    make(path)
    before = snapshot(pristine)
    code, out, err = run(capsys, "ingest", str(path), "--corpus", str(pristine / "corpus"))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"Error: {path}: ")
    assert message in err
    assert "Traceback" not in err
    assert snapshot(pristine) == before


@pytest.mark.parametrize("args, message", [
    (["/no/such/file.html"], "no such file"),
    (["ftp://127.0.0.1/x.html"], "only http:// and https://"),
    (["http://127.0.0.1:9/x.html"], "cannot fetch"),
    ([str(FIX / "county-page-gbk.html"), "--id", "yangzhou-2024-118"], "already has a document with this id"),
    ([str(FIX / "county-page-gbk.html"), "--id", "bad id!"], "may use only letters"),
])
def test_bad_arguments(pristine, monkeypatch, capsys, args, message):
    monkeypatch.setenv("POLICYKB_HOME", str(pristine / "home"))
    before = snapshot(pristine)
    code, out, err = run(capsys, "ingest", *args, "--corpus", str(pristine / "corpus"))
    assert code == 1 and err.startswith("Error: ") and err.count("\n") == 1 and message in err
    assert snapshot(pristine) == before


def test_same_doc_number_twice_is_refused(root, capsys):
    ingest_json(capsys, str(FIX / "county-page-gbk.html"), "--id", "hudong-2024-37")
    before = snapshot(root)
    code, _, err = run(capsys, "ingest", str(FIX / "county-page-gbk.html"), "--id", "another")
    assert code == 1 and "already in the corpus as 'hudong-2024-37'" in err
    assert snapshot(root) == before


def test_failed_rebuild_rolls_back_every_change(root, capsys, tmp_path):
    """The rebuild fails (another document in the corpus is broken): the new files are removed and
    the outline that would have been replaced is moved back."""
    (root / "corpus" / "zz-broken.txt").write_bytes(b"")  # discovered, fails only when parsed
    before = snapshot(root)
    official = tmp_path / "official.txt"
    official.write_text("中共中央 国务院关于全面推进美丽中国建设的意见\n一、测试部分\n（一）测试条款。仅用于测试。\n",
                        encoding="utf-8")
    code, _, err = run(capsys, "ingest", str(official))
    assert code == 1 and "zz-broken.txt" in err and "empty" in err and err.count("\n") == 1
    assert snapshot(root) == before
    assert not (root / "corpus" / "replaced").exists()


def test_ingest_is_documented():
    doc = (REPO / "docs" / "ingest.md").read_text(encoding="utf-8")
    for word in ("policykb ingest", "--id", "--level", ".docx", ".pdf", "提纲", "corpus/replaced"):
        assert word in doc
