"""Fetching URLs (issue 17): a whole-request deadline, an address and redirect policy, IDN hosts,
credentials. Local servers only (tests/local_server.py); the deadline is scaled down (timeout
0.5 s → the whole request ends by 1.5 s where the audit's server dripped a header every 15 s).
"""

from __future__ import annotations

import http.server
import socket
import time
from urllib.parse import quote

import pytest

from kb.errors import InputError
from local_server import serve
from indexer.sources import URL_TOTAL_TIMEOUTS, fetch_url

PAGE = ("<html><head><meta charset='utf-8'><title>湖东县人民政府关于加强河湖管理的通知</title></head><body>"
        "<div class='article'><p>各乡镇要落实属地责任，持续推进河湖整治，到2027年水质稳定达标（县水利局牵头）。</p>"
        "</div></body></html>").encode()


class Handler(http.server.BaseHTTPRequestHandler):
    other_port = 0  # set by the test: a second local server

    def log_message(self, *args):
        pass

    def do_GET(self):
        try:
            if self.path == "/drip-headers":
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                for i in range(100):  # one header line now and then, never the end of the headers
                    self.wfile.write(f"X-Drip-{i}: .\r\n".encode())
                    self.wfile.flush()
                    time.sleep(0.3)
            elif self.path == "/page.html" or self.path == "/" + quote("政策文件.html"):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(PAGE)))
                self.end_headers()
                self.wfile.write(PAGE)
            elif self.path == "/same-origin":
                self.redirect("/page.html")
            elif self.path == "/other-port":
                self.redirect(f"http://127.0.0.1:{Handler.other_port}/page.html")
            elif self.path == "/loop":
                self.redirect("/loop")
            else:
                self.send_error(404)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def redirect(self, location: str):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture(scope="module")
def server():
    with serve(Handler) as other, serve(Handler) as url:
        Handler.other_port = int(other.rsplit(":", 1)[1])
        yield url


def test_a_server_dripping_headers_is_cut_at_the_whole_request_deadline(server, tmp_path):
    timeout = 0.5
    t = time.monotonic()
    with pytest.raises(InputError, match=r"took longer than 1\.5 s"):
        fetch_url(f"{server}/drip-headers", timeout=timeout, workdir=tmp_path)
    took = time.monotonic() - t
    assert URL_TOTAL_TIMEOUTS * timeout <= took < URL_TOTAL_TIMEOUTS * timeout + 1.5, took


def test_a_loopback_address_given_directly_is_fetched(server, tmp_path):
    f = fetch_url(f"{server}/page.html", workdir=tmp_path)
    assert f.path.read_bytes() == PAGE


def test_a_redirect_within_the_same_origin_is_followed(server, tmp_path):
    f = fetch_url(f"{server}/same-origin", workdir=tmp_path)
    assert f.url.endswith("/page.html") and f.path.read_bytes() == PAGE


def test_a_redirect_to_another_local_port_is_refused(server, tmp_path):
    with pytest.raises(InputError, match="redirected to port .* not a web port"):
        fetch_url(f"{server}/other-port", workdir=tmp_path)


def test_redirect_loops_end(server, tmp_path):
    with pytest.raises(InputError, match="more than 5 redirects"):
        fetch_url(f"{server}/loop", workdir=tmp_path)


def test_private_addresses_can_be_refused_even_when_given(server, tmp_path):
    """What an HTTP service exposing ingest passes: never a local or private address."""
    with pytest.raises(InputError, match="private or local address"):
        fetch_url(f"{server}/page.html", workdir=tmp_path, allow_private=False)


def test_a_name_resolving_to_a_private_address_is_refused(tmp_path, monkeypatch):
    """A host name (not an IP literal, not localhost) that resolves to a private address: the SSRF
    and DNS-rebinding path. This machine's own name resolves to its private address."""
    name = socket.gethostname()
    try:
        ip = socket.gethostbyname(name)
    except OSError:
        pytest.skip("this machine's name does not resolve")
    import ipaddress

    if ipaddress.ip_address(ip).is_global or name.lower() == "localhost":
        pytest.skip(f"{name} resolves to a public address here")
    monkeypatch.delenv("POLICYKB_FETCH_PRIVATE", raising=False)
    with pytest.raises(InputError, match=rf"{name} resolves to a private or local address .*POLICYKB_FETCH_PRIVATE=1"):
        fetch_url(f"http://{name}:9/page.html", workdir=tmp_path, timeout=0.5)
    # The explicit setting (an intranet site) lets it through to the network (nothing listens on :9).
    monkeypatch.setenv("POLICYKB_FETCH_PRIVATE", "1")
    with pytest.raises(InputError, match="cannot fetch the page"):
        fetch_url(f"http://{name}:9/page.html", workdir=tmp_path, timeout=0.5)


def test_idn_host_is_sent_as_punycode(tmp_path):
    """政府.测试 → xn--…: the lookup happens (.测试 is a reserved test domain: it never resolves)."""
    with pytest.raises(InputError) as e:
        fetch_url("http://政府.测试/通知.html", workdir=tmp_path, timeout=0.5)
    assert "xn--" in str(e.value) and "ordinal" not in str(e.value)


def test_a_non_ascii_path_is_percent_encoded(server, tmp_path):
    f = fetch_url(f"{server}/政策文件.html", workdir=tmp_path)
    assert f.path.read_bytes() == PAGE


@pytest.mark.parametrize("url", ["http://user:secret@127.0.0.1/x.html", "https://admin@example.gov.cn/a.html"])
def test_credentials_in_the_url_say_so(url):
    with pytest.raises(InputError, match="user name or password"):
        fetch_url(url)


@pytest.mark.parametrize("url, message", [("http://127.0.0.1:99999/x", "port"), ("http://[::1/x", "not a valid web address")])
def test_malformed_addresses_are_one_line(url, message):
    with pytest.raises(InputError, match=message):
        fetch_url(url)
