"""Drive a real headless Chromium over the DevTools protocol, and run the app under ``streamlit run``.

Used by ``tests/test_browser.py`` (and handy by hand)::

    with AppServer(home) as app, Browser() as browser:
        browser.open(app.url + "/?q=高邮湖")
        browser.wait_for("document.querySelectorAll('.pkb-card').length > 0")
        browser.screenshot(Path("tests/artifacts/search.png"))

No fixed sleeps: every wait polls the DOM (or the server's health endpoint)
until a condition holds or a deadline passes.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--hide-scrollbars", "--lang=zh-CN"]


# What record_painted_text installs in every page: text is kept when it is on screen at the next
# animation frame (not hidden, not a 1-pixel screen-reader-only box) and outside the app's own markup.
PAINTED_JS = r"""
(() => {
  if (window.__pkbPainted) return;
  const kept = window.__pkbPainted = [];
  const SKIP = '.pkb-links, .pkb-doc, .pkb-table, .pkb-tree, [data-testid="stIconMaterial"], script, style, noscript';
  const ATTRS = ['title', 'placeholder'];  // an aria-label is heard, not seen
  const skip = e => !!e.closest(SKIP) || getComputedStyle(e).fontFamily.includes('Material');
  // on screen: rendered, larger than a screen-reader-only pixel, not clipped away, not moved off the page
  const shown = e => { if (!e.isConnected || !e.checkVisibility({opacityProperty: true, visibilityProperty: true}))
                         return false;
                       const r = e.getBoundingClientRect(), s = getComputedStyle(e);
                       return r.width > 1 && r.height > 1 && r.right + scrollX > 0 && r.bottom + scrollY > 0
                         && s.clipPath === 'none' && (s.clip === 'auto' || s.clip === ''); };
  const where = e => e.closest('[data-testid]')?.dataset.testid || e.tagName;
  const keep = (kind, text, e) => { if (/[A-Za-z]{3,}/.test(text)) kept.push({kind, text: text.trim(), where: where(e)}); };
  const textOf = (t) => { const p = t.parentElement; if (p && !skip(p) && shown(p)) keep('text', t.nodeValue, p); };
  const look = (n) => {
    if (!n.isConnected) return;
    if (n.nodeType === Node.TEXT_NODE) return textOf(n);
    if (n.nodeType !== Node.ELEMENT_NODE || skip(n)) return;
    const elements = [n, ...n.querySelectorAll('[title], [placeholder]')];
    for (const e of elements) {
      if (skip(e)) continue;
      for (const a of ATTRS) { const v = e.getAttribute(a); if (v && shown(e)) keep(a, v, e); }
    }
    const w = document.createTreeWalker(n, NodeFilter.SHOW_TEXT);
    for (let t = w.nextNode(); t; t = w.nextNode()) if (/[A-Za-z]{3,}/.test(t.nodeValue)) textOf(t);
  };
  const pending = new Set();
  let scheduled = false;
  const flush = () => { scheduled = false; const ns = Array.from(pending); pending.clear(); ns.forEach(look); };
  new MutationObserver(ms => {
    for (const m of ms) {
      if (m.type === 'childList') m.addedNodes.forEach(n => pending.add(n)); else pending.add(m.target);
    }
    if (!scheduled) { scheduled = true; requestAnimationFrame(flush); }
  }).observe(document, {subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRS});
})();
"""


class JSError(ValueError):
    """A JavaScript expression threw (e.g. the page is between documents); polling retries."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url: str, timeout: float = 2.0) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as r:  # noqa: S310 (loopback only)
        return r.read()


def poll(fn, timeout: float, interval: float = 0.05, what: str = "condition"):
    """Call ``fn`` until it returns something truthy; its value, or TimeoutError."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = fn()
            if value:
                return value
        except (OSError, ValueError) as e:  # not up yet
            last_error = e
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}"
                       + (f" (last error: {last_error})" if last_error else ""))


class AppServer:
    """``streamlit run app.py`` on 127.0.0.1 and a free port, with ``POLICYKB_HOME=home``."""

    def __init__(self, home: Path, port: int | None = None):
        self.home = Path(home)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="pkb-streamlit-", suffix=".log", delete=False)

    def __enter__(self) -> "AppServer":
        env = {**os.environ, "POLICYKB_HOME": str(self.home)}
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(self.port),
             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        try:
            poll(lambda: self.proc.poll() is None and http_get(self.url + "/_stcore/health") == b"ok",
                 timeout=60, interval=0.1, what="the streamlit server's health check")
        except TimeoutError:
            self.__exit__()
            raise RuntimeError(f"streamlit did not start; its log: {self.log_text()[-2000:]}") from None
        self.ready_after = time.perf_counter() - t0  # process start → health check answers
        return self

    def log_text(self) -> str:
        return Path(self.log.name).read_text(encoding="utf-8", errors="replace")

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Browser:
    """A headless Chromium with one page, driven over a CDP websocket."""

    def __init__(self, width: int = 1400, height: int = 1000):
        self.width, self.height = width, height
        self.port = free_port()
        self.profile = tempfile.mkdtemp(prefix="pkb-chromium-")
        self.proc: subprocess.Popen | None = None
        self.ws = None
        self._id = 0
        self.events: list[dict] = []

    def __enter__(self) -> "Browser":
        if not CHROMIUM:
            raise RuntimeError("chromium is not installed (apt-get install chromium fonts-noto-cjk)")
        self.proc = subprocess.Popen(
            [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}",
             f"--remote-debugging-port={self.port}", "--remote-debugging-address=127.0.0.1",
             f"--window-size={self.width},{self.height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{self.port}"
        targets = poll(lambda: [t for t in json.loads(http_get(base + "/json/list")) if t.get("type") == "page"],
                       timeout=30, interval=0.1, what="chromium's DevTools endpoint")
        self.ws = connect(targets[0]["webSocketDebuggerUrl"], max_size=64 * 2**20, open_timeout=10).__enter__()
        self.call("Page.enable")
        self.call("Runtime.enable")
        self.call("Network.enable")  # websocket creations tell whether a click started a new session
        self.call("Emulation.setDeviceMetricsOverride", width=self.width, height=self.height,
                  deviceScaleFactor=1, mobile=False)
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self.ws is not None:
                self.ws.close()
        finally:
            if self.proc and self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            shutil.rmtree(self.profile, ignore_errors=True)

    def call(self, method: str, timeout: float = 30, **params) -> dict:
        self._id += 1
        my_id = self._id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            msg = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)
            if msg.get("method") == "Page.javascriptDialogOpening":  # never let an alert block the page
                self.ws.send(json.dumps({"id": 10**9 + len(self.events), "method": "Page.handleJavaScriptDialog",
                                         "params": {"accept": True}}))

    def open(self, url: str) -> None:
        self.call("Page.navigate", url=url)

    def eval(self, expression: str):
        out = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in out:
            raise JSError(f"{expression}: {out['exceptionDetails'].get('text')}")
        return out.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout: float = 60, interval: float = 0.05):
        """Poll a JavaScript expression until it is truthy; returns its value."""
        return poll(lambda: self.eval(expression), timeout=timeout, interval=interval, what=expression)

    def settled(self, timeout: float = 30) -> None:
        """Wait until Streamlit has finished running the script and drawn its output.

        ``stApp`` carries the script-run state (``data-test-script-state``, which
        Streamlit's own end-to-end tests read); after ``notRunning`` the page has no
        placeholder skeletons or stale elements left, and the fonts have loaded.
        """
        js = ("(() => { const app = document.querySelector('[data-testid=\"stApp\"]');"
              " return !!app && app.dataset.testScriptState === 'notRunning'"
              " && !document.querySelector('[data-testid=\"stSkeleton\"]')"
              " && !document.querySelector('[data-stale=\"true\"]')"
              " && document.fonts.status === 'loaded'; })()")
        self.wait_for(js, timeout=timeout)
        time.sleep(0.2)  # a rerun (st.switch_page, a URL update) may start right after; check again
        self.wait_for(js, timeout=timeout)

    def resize(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    def click(self, element_js: str) -> None:
        """A real mouse click (pressed and released) at the centre of the element ``element_js`` finds,
        scrolled into view first: what widgets that listen to pointer events need."""
        box = self.eval(f"(() => {{ const e = {element_js}; if (!e) return null; e.scrollIntoView({{block: 'center'}});"
                        " const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()")
        if not box:
            raise JSError(f"nothing to click: {element_js}")
        x, y = box
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def select(self, label: str, option: str, timeout: float = 30) -> None:
        """Choose ``option`` (its text) in the Streamlit select box labelled ``label``."""
        box = (f"Array.from(document.querySelectorAll('[data-testid=\"stSelectbox\"]'))"
               f".find(e => e.querySelector('[data-testid=\"stWidgetLabel\"]')?.innerText.trim() === {json.dumps(label)})"
               "?.querySelector('input[role=\"combobox\"]')")
        self.click(box)
        item = (f"Array.from(document.querySelectorAll('[role=\"option\"]'))"
                f".find(e => e.innerText.trim() === {json.dumps(option)})")
        self.wait_for(f"!!{item}", timeout=timeout)
        self.click(item)

    def record_painted_text(self) -> None:
        """From the next page load on, keep every text that reaches the screen, however briefly: each
        text node, ``title`` and ``placeholder`` that is added or changed is looked at on the next
        animation frame (after the page's own observers, such as the app's translation of
        Streamlit's strings, have run) and kept if it is then on screen. Text inside the app's own
        markup (``.pkb-…``: document text) is left out. :meth:`painted` returns them."""
        self.call("Page.addScriptToEvaluateOnNewDocument", source=PAINTED_JS)

    def painted(self, clear: bool = False) -> list[dict]:
        """The texts :meth:`record_painted_text` kept: ``{"kind", "text", "where"}`` (``where`` is the
        nearest Streamlit ``data-testid``)."""
        return self.eval("(() => { const s = (window.__pkbPainted || []).slice();"
                         + (" if (window.__pkbPainted) window.__pkbPainted.length = 0;" if clear else "")
                         + " return s; })()") or []

    def hover(self, element_js: str) -> bool:
        """Move the mouse over the element ``element_js`` finds (what shows a tooltip); False if none."""
        box = self.eval(f"(() => {{ const e = {element_js}; if (!e) return null; e.scrollIntoView({{block: 'center'}});"
                        " const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()")
        if not box:
            return False
        self.call("Input.dispatchMouseEvent", type="mouseMoved", x=box[0], y=box[1])
        return True

    def key(self, key: str, code: int) -> None:
        """Press and release one key (Enter 13, Escape 27) in the focused element."""
        for kind in ("keyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", type=kind, key=key, code=key, windowsVirtualKeyCode=code,
                      text="\r" if key == "Enter" and kind == "keyDown" else "")

    def sockets(self, path: str = "/_stcore/stream") -> int:
        """How many websockets to ``path`` the page has opened so far: Streamlit opens one per
        session, so a click that keeps the session opens none."""
        self.eval("0")  # collect the events that arrived since the last call
        return sum(1 for e in self.events if e.get("method") == "Network.webSocketCreated"
                   and path in e.get("params", {}).get("url", ""))

    def dialogs(self) -> list[dict]:
        return [e for e in self.events if e.get("method") == "Page.javascriptDialogOpening"]

    def screenshot(self, path: Path, full_page: bool = True) -> Path:
        params = {"format": "png"}
        if full_page:
            metrics = self.call("Page.getLayoutMetrics")
            size = metrics.get("cssContentSize") or metrics.get("contentSize")
            # Streamlit scrolls inside its main container: capture the window, taller if the app is taller
            height = max(self.height, int(self.eval(
                "Math.max(...Array.from(document.querySelectorAll('[data-testid=\"stMain\"], section.main, "
                "[data-testid=\"stAppViewContainer\"]')).map(e => e.scrollHeight), 0)") or 0))
            height = min(height, 6000)
            if size and height > self.height:
                self.call("Emulation.setDeviceMetricsOverride", width=self.width, height=height,
                          deviceScaleFactor=1, mobile=False)
                self.settled()
        data = self.call("Page.captureScreenshot", **params)["data"]
        if full_page:
            self.call("Emulation.setDeviceMetricsOverride", width=self.width, height=self.height,
                      deviceScaleFactor=1, mobile=False)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path
