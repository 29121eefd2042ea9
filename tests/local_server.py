"""A local web server on 127.0.0.1 for the tests that ingest by URL."""

from __future__ import annotations

import contextlib
import http.server
import sys
import threading
from typing import Iterator


class QuietServer(http.server.ThreadingHTTPServer):
    """A client that gives up (a size cap, a timeout) is what these tests provoke: no
    traceback on stderr for it; any other error is still printed."""

    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(handler) -> Iterator[str]:
    """Serve ``handler`` on a free port; yields the base URL."""
    httpd = QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
