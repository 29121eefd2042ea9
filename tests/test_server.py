"""``policykb serve``: the HTTP API run for real (uvicorn in a subprocess on a loopback port).

Every endpoint answers the CLI's ``--json`` document for the same parameters; errors are
one-line JSON with the right status; a property-based run of /openapi.json finds no 500;
concurrent clients over two worker processes get no error, also while a rebuild is published.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from pydantic import TypeAdapter

from conftest import CORPUS, ROOT, SEED_ID
from policykb.cli import main
from policykb import server as srv
from policykb.bench.serve_load import CLI, ServerProcess, request_mix, run_load

CLAUSE = f"{SEED_ID}#part_3__art_6__cl_4"
ARTICLE = f"{SEED_ID}#part_2__art_2"
UPSTREAM = "central-2023-beautiful-china"


def cli_json(home: Path, *args: str):
    """``policykb <args> --json`` in this process: (exit code, parsed stdout or None, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        mp.setenv("POLICYKB_HOME", str(home))
        code = main([*args, "--json"])
    return code, (json.loads(out.getvalue()) if code == 0 else None), err.getvalue()


@pytest.fixture(scope="module")
def server(kb_home):
    with ServerProcess(kb_home) as s:
        yield s


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c


def without_timing(d: dict) -> dict:
    return {k: v for k, v in d.items() if k != "took_ms"}


# ---------------------------------------------------------------------------
# Every endpoint = the CLI's --json
# ---------------------------------------------------------------------------


def test_curl_search_returns_the_same_hits_as_the_cli(server, kb_home):
    """The issue's check, byte for byte as curl sends it: the Chinese raw (not percent-encoded)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
        s.sendall("GET /search?q=高邮湖 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        raw = b""
        while chunk := s.recv(65536):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    http_hits = json.loads(body)
    code, cli, _ = cli_json(kb_home, "search", "高邮湖")
    assert code == 0 and cli["total"] >= 1
    assert without_timing(http_hits) == without_timing(cli)
    assert http_hits["hits"][0]["id"] == CLAUSE


# (path, CLI arguments, response model): one per endpoint and filter the CLI has.
SAME_AS_CLI = [
    ("/docs", ["docs"], list[srv.Document]),
    (f"/show/{SEED_ID}", ["show", SEED_ID], srv.Show),
    (f"/show/{quote(CLAUSE, safe='')}", ["show", CLAUSE], srv.Show),
    (f"/show/{quote(ARTICLE, safe='')}", ["show", ARTICLE], srv.Show),
    ("/search?q=碳达峰&level=municipal&limit=5", ["search", "碳达峰", "--level", "municipal", "--limit", "5"], srv.Search),
    ("/search?q=水质&year=2027&doc=" + SEED_ID, ["search", "水质", "--year", "2027", "--doc", SEED_ID], srv.Search),
    ("/search?q=生态&party=发改委", ["search", "生态", "--party", "发改委"], srv.Search),
    (f"/trace/{quote(ARTICLE, safe='')}", ["trace", ARTICLE], srv.Trace),
    (f"/trace/{quote(CLAUSE, safe='')}", ["trace", CLAUSE], srv.Trace),
    ("/tasks", ["tasks"], list[srv.Task]),
    (f"/tasks?doc={SEED_ID}&year=2027", ["tasks", "--doc", SEED_ID, "--year", "2027"], list[srv.Task]),
    ("/tasks?party=水利局&role=lead", ["tasks", "--party", "水利局", "--role", "lead"], list[srv.Task]),
    ("/targets", ["targets"], list[srv.Target]),
    (f"/targets?doc={SEED_ID}&year=2027", ["targets", "--doc", SEED_ID, "--year", "2027"], list[srv.Target]),
    ("/targets?compare=true&indicator=细颗粒物", ["targets", "--compare", "--indicator", "细颗粒物"],
     list[srv.TargetComparison]),
    (f"/coverage?doc={SEED_ID}&against={UPSTREAM}", ["coverage", "--doc", SEED_ID, "--against", UPSTREAM],
     srv.Coverage),
]


@pytest.mark.parametrize("path,args,model", SAME_AS_CLI, ids=[p for p, _, _ in SAME_AS_CLI])
def test_every_endpoint_answers_the_cli_json(client, kb_home, path, args, model):
    r = client.get(path)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    assert r.headers[srv.BUILD_HEADER] == (kb_home / "current").resolve().name
    code, cli, err = cli_json(kb_home, *args)
    assert code == 0, err
    got = r.json()
    assert (without_timing(got) if isinstance(got, dict) else got) == \
        (without_timing(cli) if isinstance(cli, dict) else cli)
    TypeAdapter(model).validate_python(got)  # the shape /openapi.json describes
    assert got  # every case above has something to show on the real corpus


def test_a_provision_id_needs_its_hash_percent_encoded(client):
    """Unencoded, ``#…`` is a URL fragment that clients never send: the whole document comes back."""
    provision = client.get(f"/show/{quote(CLAUSE, safe='')}").json()
    assert provision["provision"]["id"] == CLAUSE and len(provision["provisions"]) == 1
    whole = client.get(f"/show/{CLAUSE}").json()  # httpx, like every client, drops the fragment
    assert "provision" not in whole and len(whole["provisions"]) > 100


def test_healthz_openapi_and_docs_page(client, kb_home):
    h = client.get("/healthz").json()
    assert h["status"] == "ok" and h["build"] == (kb_home / "current").resolve().name and h["engine"]
    spec = client.get("/openapi.json").json()
    assert set(spec["paths"]) == {"/docs", "/show/{id}", "/search", "/trace/{id}", "/tasks", "/targets",
                                  "/coverage", "/healthz"}
    search = {p["name"]: p for p in spec["paths"]["/search"]["get"]["parameters"]}
    assert set(search) == {"q", "doc", "level", "year", "party", "limit"} and search["q"]["required"]
    page = client.get("/api-docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "/coverage" in page.text and "%23" in page.text and "<script" not in page.text


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("path,args", [
    ("/show/no-such-doc", ["show", "no-such-doc"]),
    (f"/show/{quote(SEED_ID + '#part_99', safe='')}", ["show", SEED_ID + "#part_99"]),
    (f"/trace/{SEED_ID}", ["trace", SEED_ID]),
    ("/search?q=碳达峰&doc=no-such-doc", ["search", "碳达峰", "--doc", "no-such-doc"]),
    ("/tasks?doc=no-such-doc", ["tasks", "--doc", "no-such-doc"]),
    (f"/coverage?doc={SEED_ID}&against=no-such-doc", ["coverage", "--doc", SEED_ID, "--against", "no-such-doc"]),
])
def test_an_unknown_id_is_404_with_the_cli_message(client, kb_home, path, args):
    r = client.get(path)
    assert r.status_code == 404
    code, _, err = cli_json(kb_home, *args)
    assert code == 1 and err.startswith("Error: ") and err.count("\n") == 1
    assert r.json() == {"error": err.removeprefix("Error: ").strip(), "parameter": None}


@pytest.mark.parametrize("path,parameter", [
    ("/search?q=碳达峰&limit=0", "limit"),
    (f"/search?q=碳达峰&limit={srv.MAX_LIMIT + 1}", "limit"),
    ("/search?q=碳达峰&limit=many", "limit"),
    ("/search?q=" + "碳" * (srv.MAX_QUERY_CHARS + 1), "q"),
    ("/search", "q"),
    ("/search?q=碳达峰&level=district", "level"),
    ("/search?q=碳达峰&year=1800", "year"),
    ("/tasks?year=二〇二七", "year"),
    ("/tasks?year=99999999999999999999", "year"),
    ("/tasks?role=boss", "role"),
    ("/targets?compare=perhaps", "compare"),
    (f"/coverage?doc={SEED_ID}", "against"),
    ("/tasks?party=" + "局" * (srv.MAX_PARAM_CHARS + 1), "party"),
])
def test_a_malformed_parameter_is_422_naming_it(client, path, parameter):
    r = client.get(path)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["parameter"] == parameter and parameter in body["error"] and "\n" not in body["error"]


def test_other_methods_and_paths_get_one_json_line(client):
    r = client.post("/search?q=碳达峰")
    assert r.status_code == 405 and r.headers["allow"] == "GET" and "read-only" in r.json()["error"]
    r = client.get("/admin")
    assert r.status_code == 404 and "/api-docs" in r.json()["error"]


def test_cors_is_off_unless_an_origin_is_configured(client, kb_home):
    origin = "https://oa.example.gov.cn"
    r = client.get("/docs", headers={"Origin": origin})
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers
    with ServerProcess(kb_home, args=("--cors-origin", origin)) as s, httpx.Client(base_url=s.url) as c:
        r = c.get("/docs", headers={"Origin": origin})
        assert r.headers["access-control-allow-origin"] == origin
        assert srv.BUILD_HEADER.lower() in r.headers["access-control-expose-headers"].lower()
        assert "access-control-allow-origin" not in c.get("/docs", headers={"Origin": "https://evil.example"}).headers


def test_without_a_kb_it_answers_503_with_the_fix_then_serves_the_first_build(tmp_path):
    home = tmp_path / "home"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for p in CORPUS.glob(f"{SEED_ID}.*"):
        shutil.copy(p, corpus / p.name)
    with ServerProcess(home) as s, httpx.Client(base_url=s.url, timeout=60) as c:
        for path in ("/search?q=碳达峰", "/healthz", "/docs"):
            r = c.get(path)
            assert r.status_code == 503 and "policykb build" in r.json()["error"], r.text
        assert "Warning: no KB" in s.output()
        env = {**os.environ, "POLICYKB_HOME": str(home)}
        build = subprocess.run(CLI + ["build", "--quiet", "--corpus", str(corpus)], env=env, cwd=ROOT,
                               capture_output=True, text=True)
        assert build.returncode == 0, build.stderr
        r = c.get("/search?q=碳达峰")  # no restart
        assert r.status_code == 200 and r.json()["total"] > 0
    assert "Traceback" not in s.output()


def test_a_damaged_kb_gets_one_json_line_and_no_traceback(kb_home, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(kb_home, home, symlinks=True)
    db = (home / "current").resolve() / "kb.sqlite"
    db.write_bytes(b"not a database" * 100)
    with ServerProcess(home) as s, httpx.Client(base_url=s.url, timeout=60) as c:
        r = c.get("/docs")
        assert r.status_code in (500, 503)
        body = r.json()
        assert set(body) == {"error", "parameter"} and "\n" not in body["error"]
        assert "Traceback" not in r.text and "File \"" not in r.text


# ---------------------------------------------------------------------------
# Property-based: the OpenAPI description, bounded
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api_schema(server):
    return schemathesis.openapi.from_url(server.url + "/openapi.json")


openapi = schemathesis.pytest.from_fixture("api_schema")


@openapi.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
def test_openapi_property_run_finds_no_server_error(case):
    """Generated requests (valid and not) against the running server: never a 5xx, every
    answer conforms to the description (status codes, content type, the response schema)."""
    response = case.call(timeout=60)
    assert response.status_code < 500, response.text
    assert "Traceback" not in response.text
    case.validate_response(response)


# ---------------------------------------------------------------------------
# Load on loopback, and a rebuild published under it
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_home(kb_home, tmp_path_factory) -> Path:
    """A copy of the session KB (with its parse cache) that a test may rebuild."""
    home = tmp_path_factory.mktemp("serve-live") / "home"
    shutil.copytree(kb_home, home, symlinks=True)
    (home / ".build.lock").unlink(missing_ok=True)
    return home


@pytest.fixture(scope="module")
def two_workers(live_home):
    with ServerProcess(live_home, workers=2) as s:
        yield s


@pytest.fixture(scope="module")
def mix(kb):
    from policykb.bench.queries import load_queries, resolve_docs

    return request_mix(kb, resolve_docs(load_queries(), [d.id for d in kb.documents()]))


def test_concurrent_clients_over_two_workers_get_no_error(two_workers, mix):
    samples, _ = run_load(two_workers.url, mix, clients=16, seconds=60, max_requests=2 * len(mix))
    assert len(samples) == 2 * len(mix)
    assert [s.error for s in samples if s.error] == []
    assert sorted(s.kind for s in samples) == sorted(kind for kind, _ in mix * 2)  # each request twice
    assert {s.kind for s in samples} == {"search", "docs", "show", "trace", "tasks", "targets", "coverage"}


def test_a_rebuild_under_load_fails_no_request_and_new_requests_see_it(two_workers, live_home, mix):
    old = (live_home / "current").resolve().name
    stop = threading.Event()
    done: dict = {}

    def rebuild():
        env = {**os.environ, "POLICYKB_HOME": str(live_home)}
        done["proc"] = subprocess.run(CLI + ["build", "--quiet", "--corpus", str(CORPUS)], env=env, cwd=ROOT,
                                      capture_output=True, text=True)
        done["at"] = time.monotonic()
        time.sleep(1.0)  # keep the load on after the swap
        stop.set()

    th = threading.Thread(target=rebuild)
    th.start()
    samples, _ = run_load(two_workers.url, mix, clients=8, seconds=240, stop=stop)
    th.join()
    assert done["proc"].returncode == 0, done["proc"].stderr
    new = (live_home / "current").resolve().name
    assert new != old
    assert [s.error for s in samples if s.error] == []
    assert {s.build for s in samples} <= {old, new} and any(s.build == old for s in samples)
    late = [s for s in samples if s.sent > done["at"]]
    assert late and all(s.build == new for s in late)

    assert "Traceback" not in two_workers.output()
