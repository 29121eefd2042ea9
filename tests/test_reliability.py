"""Reliability: builds killed midway, many threads on one KB, hostile files and queries.

* A ``policykb build`` killed with SIGKILL while it writes its new build folder leaves the
  previous KB answering ``docs``/``show``/``search``; the next build removes the leftovers.
* 8 threads × 1,000 mixed queries against one opened ``KB``: no errors, same answers as alone.
* Bad input (empty, binary, BOM + garbage, truncated HTML, 20 MB files; hostile queries): one
  ``Error: …`` line or a normal answer, never a traceback, never a document lost.

Every test here takes seconds: the large corpus for the kill test is generated once
(``policykb.bench.synth``) and shared.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from local_server import serve

from conftest import CORPUS, ROOT, SEED_ID
from policykb.cli import main

KILL_CLAUSES = 5000  # enough that writing the new build (SQLite, search index) takes seconds


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def cli_env(home: Path) -> dict[str, str]:
    """The environment of a CLI process on ``home``."""
    env = {**os.environ, "POLICYKB_HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.pop("POLICYKB_DEBUG", None)
    return env


def cli(home: Path, *argv, timeout: float = 120) -> subprocess.CompletedProcess:
    """The CLI as a user runs it: a fresh process."""
    return subprocess.run([sys.executable, "-m", "policykb", *argv], capture_output=True, text=True,
                          env=cli_env(home), cwd=ROOT, timeout=timeout)


def assert_one_line_error(proc_or_err, code: int | None = None) -> str:
    err = proc_or_err if isinstance(proc_or_err, str) else proc_or_err.stderr
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert "Traceback" not in err
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    assert "internal error" not in lines[0], lines[0]
    if code is not None and not isinstance(proc_or_err, str):
        assert proc_or_err.returncode == code
    return lines[0]


def doc_ids(home: Path) -> list[str]:
    """``policykb docs --json`` on ``home`` (in this process)."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        mp.setenv("POLICYKB_HOME", str(home))
        code = main(["docs", "--json"])
    assert code == 0, err.getvalue()
    return [d["id"] for d in json.loads(out.getvalue())]


def build_dirs(home: Path) -> list[str]:
    """Build folders and temporary links (not ``current``, not the build lock)."""
    return sorted(p.name for p in home.iterdir() if p.name.startswith(("build-", ".current-")))


# ---------------------------------------------------------------------------
# A build killed midway
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory) -> Path:
    """A synthetic corpus of KILL_CLAUSES clauses (plus the real documents)."""
    from policykb.bench.synth import write_corpus

    out = tmp_path_factory.mktemp("big-corpus")
    write_corpus(out, KILL_CLAUSES, CORPUS, seed=7)
    return out


def kill_midway(home: Path, corpus: Path, wait_for: str | None = None, argv=("build",)) -> Path:
    """Start ``policykb *argv --corpus corpus --quiet`` (a build, or an ingest and its rebuild);
    SIGKILL it once its ``build-*.tmp`` folder exists (and, if given, once ``wait_for`` exists
    inside it). Returns the leftover folder."""
    proc = subprocess.Popen([sys.executable, "-m", "policykb", *argv, "--quiet", "--corpus", str(corpus)],
                            env=cli_env(home), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    tmp = None
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            tmps = list(home.glob("build-*.tmp"))
            if tmps and (wait_for is None or (tmps[0] / wait_for).exists()):
                tmp = tmps[0]
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.002)
    finally:
        if proc.poll() is None and tmp is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stderr.close()
    assert tmp is not None, (f"`policykb {' '.join(argv)}` ended (exit {proc.returncode}) before its "
                             "build could be killed midway; raise KILL_CLAUSES")
    assert proc.returncode == -signal.SIGKILL
    # No worker process (parsing pool, tokenizing helper) outlives the build.
    deadline = time.monotonic() + 10
    while processes_mentioning(str(corpus)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not processes_mentioning(str(corpus)), "a worker of the killed build is still running"
    return tmp


def processes_mentioning(text: str) -> list[int]:
    """Live processes whose command line mentions ``text`` (zombies excluded)."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            if text in (d / "cmdline").read_bytes().decode(errors="replace") and \
                    (d / "stat").read_text().split(") ", 1)[1][:1] != "Z":
                out.append(int(d.name))
        except OSError:
            continue
    return out


@pytest.mark.parametrize("wait_for", [None, "kb.sqlite"], ids=["tmp-folder-created", "writing-kb"])
def test_build_killed_midway_leaves_previous_kb_usable(built_home, big_corpus, small_corpus, wait_for,
                                                       capsys, monkeypatch):
    home = built_home
    monkeypatch.setenv("POLICYKB_HOME", str(home))
    before_ids = doc_ids(home)
    before_target = os.readlink(home / "current")
    seed_show = run(capsys, "show", SEED_ID, "--json")
    found = run(capsys, "search", "船舶 岸电", "--json")
    assert seed_show[0] == 0 and found[0] == 0 and json.loads(found[1])["total"] > 0

    leftover = kill_midway(home, big_corpus, wait_for)

    # The previous build is still the current one, complete and answering docs/show/search.
    assert os.readlink(home / "current") == before_target
    assert leftover.exists(), "the killed build should have left its .tmp folder behind"
    assert doc_ids(home) == before_ids
    assert run(capsys, "show", SEED_ID, "--json") == seed_show
    hits = lambda out: [(h["id"], h["score"]) for h in json.loads(out)["hits"]]  # noqa: E731
    assert hits(run(capsys, "search", "船舶 岸电", "--json")[1]) == hits(found[1])
    code, out, err = run(capsys, "show", f"{SEED_ID}#part_3__art_5__cl_4", "--json")
    assert code == 0 and "船舶受电设施改造" in out, err

    # The next build succeeds and clears the leftovers.
    code, _, err = run(capsys, "build", "--quiet", "--corpus", str(small_corpus))
    assert code == 0, err
    assert not leftover.exists()
    names = build_dirs(home)
    assert len(names) == 1 and not names[0].endswith(".tmp"), names
    assert doc_ids(home) == before_ids


def test_stale_leftovers_of_any_kind_are_cleared(built_home, small_corpus):
    """Leftovers a kill can leave at each step: a .tmp folder, a finished folder never
    linked, a temporary symlink not yet renamed."""
    home = built_home
    current = os.readlink(home / "current")
    (home / "build-20000101-000000-1-000001.tmp").mkdir()
    (home / "build-20000101-000000-1-000001.tmp" / "kb.sqlite").write_bytes(b"partial")
    (home / "build-20000101-000000-2-000002").mkdir()
    os.symlink("build-20000101-000000-2-000002", home / ".current-20000101-000000-2-000002")
    assert SEED_ID in doc_ids(home)  # readers ignore them
    assert os.readlink(home / "current") == current
    proc = cli(home, "build", "--quiet", "--corpus", str(small_corpus))
    assert proc.returncode == 0, proc.stderr
    left = build_dirs(home)
    assert len(left) == 1 and os.readlink(home / "current") == left[0], left


def test_a_second_build_while_one_runs_fails_at_once_with_one_line(built_home, big_corpus, small_corpus):
    home = built_home
    first = subprocess.Popen([sys.executable, "-m", "policykb", "build", "--quiet", "--corpus", str(big_corpus)],
                             env=cli_env(home), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        lock = home / ".build.lock"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and first.poll() is None:
            if lock.exists() and lock.read_text().strip() == str(first.pid):
                break
            time.sleep(0.002)
        assert first.poll() is None, "the first build ended before the second started"
        t = time.monotonic()
        second = cli(home, "build", "--quiet", "--corpus", str(small_corpus))
        assert time.monotonic() - t < 30
        line = assert_one_line_error(second, code=1)
        assert f"another `policykb build` (pid {first.pid})" in line
    finally:
        first.kill()
        first.wait()
    # The lock dies with its holder: the next build runs.
    proc = cli(home, "build", "--quiet", "--corpus", str(small_corpus))
    assert proc.returncode == 0, proc.stderr
    assert SEED_ID in doc_ids(home)


# ---------------------------------------------------------------------------
# Many threads on one KB
# ---------------------------------------------------------------------------

ENGINES = ("whoosh", "tantivy")
THREADS, PER_THREAD = 8, 1000
QUERIES = ["碳达峰", "生态环境", '"生态保护红线"', "高邮湖 OR 邵伯湖", "污染 NOT 大气", "长江 保护", "PM2.5",
           "船舶 岸电", "空气质量", "(噪声 OR 扬尘) 治理", "邵伯湖", "入湖污染负荷", '"无废城市', "(碳达峰", ""]


@pytest.fixture(scope="module", params=ENGINES)
def shared_kb(request, tmp_path_factory):
    """One KB object of the real corpus per engine, as the app shares it."""
    from indexer.build import build
    from kb import open_kb

    home = tmp_path_factory.mktemp(f"threads-{request.param}")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POLICYKB_ENGINE", request.param)
        build(CORPUS, home, progress=None)
    return open_kb(home)


def _operations(kb) -> list:
    """Mixed read operations (name, callable → comparable answer)."""
    from kb.api import provision_dict

    clauses = [p.id for p in kb.provisions(SEED_ID, kinds=("clause",))]
    articles = [p.id for p in kb.provisions(SEED_ID, kinds=("article",))]
    ops = []
    for text in QUERIES:
        ops.append((f"search {text}", lambda t=text: (lambda r: (r.total, [(h.id, h.score, h.highlight) for h in r.hits],
                                                               r.notices))(kb.search(t, limit=10))))
    ops.append(("search level", lambda: [h.id for h in kb.search("长江", level="municipal").hits]))
    ops.append(("search year", lambda: [h.id for h in kb.search("水质", year=2027).hits]))
    ops.append(("search doc", lambda: kb.search("治理", doc=SEED_ID).total))
    for pid in clauses[::9] + articles[::4]:
        ops.append((f"provision {pid}", lambda p=pid: provision_dict(kb.provision(p))))
        ops.append((f"citation {pid}", lambda p=pid: kb.citation(p)))
    for aid in articles[::5]:
        ops.append((f"show {aid}", lambda a=aid: kb.show(a)))
        ops.append((f"trace {aid}", lambda a=aid: kb.trace(a)))
    ops.append(("documents", lambda: [d.id for d in kb.documents()]))
    ops.append(("tasks", lambda: [t.id for t in kb.tasks(doc=SEED_ID)]))
    ops.append(("targets", lambda: [t.text for t in kb.targets()]))
    return ops


def test_eight_threads_of_mixed_queries_on_one_kb(shared_kb):
    import random
    import threading

    ops = _operations(shared_kb)
    expected = {name: fn() for name, fn in ops}  # answered alone first
    assert sum(name.startswith("search") for name, _ in ops) >= 15
    errors: list[str] = []
    wrong: list[str] = []
    done = [0] * THREADS
    start = threading.Barrier(THREADS)

    def worker(k: int) -> None:
        rng = random.Random(k)
        start.wait()
        for _ in range(PER_THREAD):
            name, fn = rng.choice(ops)
            try:
                if fn() != expected[name]:
                    wrong.append(name)
            except Exception as e:  # any error at all fails the test
                errors.append(f"{name}: {type(e).__name__}: {e}")
            done[k] += 1

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads)
    assert done == [PER_THREAD] * THREADS
    assert errors == [] and wrong == []


# ---------------------------------------------------------------------------
# Hostile queries and bad files
# ---------------------------------------------------------------------------

HOSTILE_QUERIES = ['"', "(", ")", "AND", "OR", "NOT", "*", "?", "碳" * 5000, "a" * 5000, "碳达峰 " * 1000,
                   "<script>alert(1)</script>", "' OR 1=1 --", "'; DROP TABLE provisions; --",
                   "1; SELECT * FROM provisions", "%' AND '1'='1", "\x00", "\u202e碳达峰", "-碳达峰", "NOT 碳达峰",
                   "((((((((((碳达峰", '"""', "\\", "title:碳达峰", "碳达峰^9", "碳达峰~", "{}", "[]", "\n\n"]


@pytest.mark.parametrize("text", HOSTILE_QUERIES, ids=range(len(HOSTILE_QUERIES)))
def test_hostile_queries_answer_or_fail_in_one_line(shared_kb, text, capsys, monkeypatch):
    home = shared_kb.build_dir.parent
    monkeypatch.setenv("POLICYKB_HOME", str(home))
    t = time.monotonic()
    code, out, err = run(capsys, "search", text, "--json")
    assert time.monotonic() - t < 5
    if code == 0:
        data = json.loads(out)
        assert isinstance(data["total"], int) and isinstance(data["hits"], list)
        for h in data["hits"]:  # what a hit shows is escaped: no markup from the query or text
            assert "<script>" not in h["highlight"]
    else:  # 1: the query cannot be used; 2: a usage error (a leading '-' reads as an option)
        assert code in (1, 2) and out == ""
        line = assert_one_line_error(err)
        assert code == 1 or "after `--`" in line
    assert "Traceback" not in err
    # the KB is read-only for a search: the provisions are all still there
    assert shared_kb.provision(f"{SEED_ID}#part_3__art_5__cl_4").text.startswith("完善港口码头岸电设施建设")


def _write_20mb_text(p: Path) -> None:
    line = "（一）推进生态环境治理。加强大气、水、土壤污染防治。\n".encode()
    with open(p, "wb") as f:
        for _ in range(20 * 2**20 // len(line) + 1):
            f.write(line)


def _write_20mb_binary(p: Path) -> None:
    with open(p, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(os.urandom(20 * 2**20))


def _truncated_html(p: Path) -> None:
    page = ("<html><head><meta charset='utf-8'><title>某县人民政府关于推进生态环境治理的通知</title></head>"
            "<body><div class='article'><p>某县人民政府关于推进生态环境治理的通知</p><p>一、总体要求</p>"
            "<p>（一）加强大气污染防治。持续推进").encode()
    p.write_bytes(page)


BAD_FILES = [
    ("empty.txt", lambda p: p.write_bytes(b"")),
    ("spaces.txt", lambda p: p.write_bytes(b" \n\t \r\n")),
    ("binary.txt", lambda p: p.write_bytes(bytes(range(256)) * 40)),
    ("bom-garbage.txt", lambda p: p.write_bytes(b"\xef\xbb\xbf" + os.urandom(4000))),
    ("bom-only.txt", lambda p: p.write_bytes(b"\xef\xbb\xbf")),
    ("utf16-garbage.txt", lambda p: p.write_bytes(b"\xff\xfe" + os.urandom(4001))),
    ("truncated.html", _truncated_html),
    ("big-text.txt", _write_20mb_text),
    ("big-binary.pdf", _write_20mb_binary),
]


@pytest.mark.parametrize("name, make", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_fail_in_one_line_and_lose_no_document(name, make, built_home, small_corpus, tmp_path,
                                                         capsys, monkeypatch):
    home = built_home
    before_ids = doc_ids(home)
    before_target = os.readlink(home / "current")
    bad = tmp_path / name
    make(bad)
    monkeypatch.setenv("POLICYKB_HOME", str(home))

    # parse: one line naming the file, or a parse (a truncated page still has text)
    t = time.monotonic()
    code, out, err = run(capsys, "parse", str(bad), "--json")
    assert time.monotonic() - t < 30
    if code:
        assert code == 1 and str(bad) in assert_one_line_error(err)
    else:
        assert json.loads(out)["provisions"]

    # build: a corpus holding the file fails in one line or builds; the KB loses no document
    corpus = tmp_path / "corpus"
    shutil.copytree(small_corpus, corpus)
    shutil.copy(bad, corpus / name)
    code, out, err = run(capsys, "build", "--corpus", str(corpus), "--quiet")
    if code:
        assert code == 1 and name in assert_one_line_error(err)
        assert os.readlink(home / "current") == before_target
    assert set(before_ids) <= set(doc_ids(home))
    assert not list(home.glob("build-*.tmp"))


# ---------------------------------------------------------------------------
# Ingest: killed midway; URLs (http/https only, timeout, size cap)
# ---------------------------------------------------------------------------

COUNTY_TEXT = """某县人民政府关于加快推进生态环境治理的实施方案

某政发〔2025〕12号

各镇人民政府，县各委办局：

为推进生态环境治理，制定本方案。

一、重点任务

（一）加强大气污染防治。推进工业企业超低排放改造。开展扬尘专项整治。

（二）加强水污染防治。推进农村生活污水治理。

某县人民政府

2025年3月1日
"""


def test_ingest_killed_midway_leaves_previous_kb_usable(built_home, big_corpus, small_corpus, tmp_path,
                                                        capsys, monkeypatch):
    home = built_home
    monkeypatch.setenv("POLICYKB_HOME", str(home))
    before_ids = doc_ids(home)
    before_target = os.readlink(home / "current")
    corpus = tmp_path / "corpus"  # a large corpus: the ingest's rebuild takes seconds
    shutil.copytree(big_corpus, corpus)
    source = tmp_path / "county.txt"
    source.write_text(COUNTY_TEXT, encoding="utf-8")
    kill_midway(home, corpus, argv=("ingest", str(source), "--id", "county-x"))

    # The KB is the previous one, answering.
    assert os.readlink(home / "current") == before_target
    assert doc_ids(home) == before_ids
    code, out, _ = run(capsys, "search", "船舶 岸电", "--json")
    assert code == 0 and json.loads(out)["total"] > 0
    # The document was copied whole before the rebuild began: the next build takes it in.
    assert (corpus / "county-x.txt").read_bytes() == source.read_bytes()
    code, _, err = run(capsys, "build", "--corpus", str(small_corpus), "--quiet")
    assert code == 0, err
    assert not list(home.glob("build-*.tmp"))


class _Pages(http.server.BaseHTTPRequestHandler):
    """A local web server: a policy page, a stalled answer, a drip feed, a huge page, a redirect
    to a file: URL."""

    def log_message(self, *args):
        pass

    def _head(self, ctype="text/html; charset=utf-8", length=None):
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def do_GET(self):
        try:
            if self.path == "/page.html":
                body = ("<html><head><title>某县人民政府关于加快推进生态环境治理的实施方案</title></head><body>"
                        "<div class='article'>" + "".join(f"<p>{ln}</p>" for ln in COUNTY_TEXT.splitlines() if ln)
                        + "</div></body></html>").encode()
                self._head(length=len(body))
                self.wfile.write(body)
            elif self.path == "/stall.html":
                time.sleep(3)
            elif self.path == "/drip.html":
                self._head()
                for _ in range(40):
                    self.wfile.write(b"<p>")
                    self.wfile.flush()
                    time.sleep(0.1)
            elif self.path == "/huge.html":
                self._head()  # no Content-Length: the cap must hold while reading
                chunk = ("<p>" + "生态环境治理" * 1000 + "</p>").encode()
                for _ in range(2 * 2**20 // len(chunk) + 2):
                    self.wfile.write(chunk)
            elif self.path == "/to-file":
                self.send_response(302)
                self.send_header("Location", "file:///etc/passwd")
                self.end_headers()
            else:
                self.send_error(404)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture(scope="module")
def pages():
    with serve(_Pages) as url:
        yield url


def _state(corpus: Path, home: Path) -> tuple:
    return (sorted((p.name, p.stat().st_size) for p in corpus.iterdir()), os.readlink(home / "current"))


@pytest.mark.parametrize("path, message", [
    ("/stall.html", "cannot fetch"),
    ("/drip.html", "took longer than"),
    ("/huge.html", "limit"),
    ("/to-file", ""),
    ("/missing.html", "HTTP 404"),
], ids=["stalled", "drip-fed", "over-the-cap", "redirect-to-file", "missing"])
def test_ingest_url_fails_in_one_line_within_its_limits(pages, path, message, built_home, small_corpus, tmp_path,
                                                        capsys, monkeypatch):
    from indexer import sources

    monkeypatch.setattr(sources.fetch_url, "__kwdefaults__",
                        {**sources.fetch_url.__kwdefaults__, "timeout": 0.5, "max_bytes": 2**20})
    monkeypatch.setenv("POLICYKB_HOME", str(built_home))
    corpus = tmp_path / "corpus"
    shutil.copytree(small_corpus, corpus)
    before = _state(corpus, built_home)
    t = time.monotonic()
    code, out, err = run(capsys, "ingest", f"{pages}{path}", "--corpus", str(corpus), "--quiet")
    assert time.monotonic() - t < 4  # the timeout (0.5 s) and the total deadline (1.5 s) hold
    assert code == 1 and message in assert_one_line_error(err)
    assert _state(corpus, built_home) == before


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/page.html", "file:///etc/passwd", "javascript:alert(1)",
                                 "gopher://127.0.0.1:70/"])
def test_ingest_url_http_and_https_only(url, built_home, small_corpus, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("POLICYKB_HOME", str(built_home))
    corpus = tmp_path / "corpus"
    shutil.copytree(small_corpus, corpus)
    before = _state(corpus, built_home)
    code, out, err = run(capsys, "ingest", url, "--corpus", str(corpus), "--quiet")
    assert code == 1
    line = assert_one_line_error(err)
    assert "http" in line
    assert _state(corpus, built_home) == before


def test_ingest_url_of_a_page_adds_it(pages, built_home, small_corpus, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("POLICYKB_HOME", str(built_home))
    corpus = tmp_path / "corpus"
    shutil.copytree(small_corpus, corpus)
    code, out, err = run(capsys, "ingest", f"{pages}/page.html", "--id", "county-web", "--corpus", str(corpus),
                         "--quiet", "--json")
    assert code == 0, err
    assert json.loads(out)["id"] == "county-web"
    assert set(doc_ids(built_home)) == {SEED_ID, "county-web"}
