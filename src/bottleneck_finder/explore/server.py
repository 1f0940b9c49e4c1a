"""The explore page's HTTP server: 127.0.0.1 only, a random token on every request, GET only."""

from __future__ import annotations

import json
import secrets
from http import HTTPStatus
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..errors import BottleneckError
from .compare_view import Comparer
from .drill import arrow_causes, case_timeline, edge_details, filtered_csv
from .session import Explorer
from .state import StateError, ViewState

HOST = "127.0.0.1"
COOKIE = "bottleneck_explore"
STATIC = {
    "/": ("explore.html", "text/html; charset=utf-8"),
    "/explore.js": ("explore.js", "text/javascript; charset=utf-8"),
    "/explore.css": ("explore.css", "text/css; charset=utf-8"),
}
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
"""The page may load nothing but this server's own files: no request can leave the machine."""


def static_file(name: str) -> bytes:
    """A file of the page (HTML, script, style), shipped in the package."""
    return resources.files(__package__).joinpath("static", name).read_bytes()


class ExploreServer(ThreadingHTTPServer):
    """The server of one explored log, bound to 127.0.0.1 on `port` (0: a free one); with a
    `comparer`, its two periods too (the before, after and difference views)."""

    daemon_threads = True

    def __init__(
        self,
        explorer: Explorer,
        *,
        port: int = 0,
        token: str | None = None,
        comparer: Comparer | None = None,
    ) -> None:
        self.explorer = explorer
        self.comparer = comparer
        self.token = token or secrets.token_urlsafe(24)
        super().__init__((HOST, port), Handler)

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        """The page's address with its token (the link to open)."""
        return f"http://{HOST}:{self.port}/?token={self.token}"


class Handler(BaseHTTPRequestHandler):
    """Answers GET requests carrying the server's token (query `?token=`, else the cookie
    the page received); anything else is refused."""

    server: ExploreServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing: the terminal shows only the address and the stop."""

    def _allowed(self, query: dict[str, list[str]]) -> tuple[bool, bool]:
        """(the request carries the token, it came in the query)."""
        given = query.get("token", [""])[0]
        if given:
            return secrets.compare_digest(given, self.server.token), True
        cookie = SimpleCookie(self.headers.get("Cookie", ""))
        morsel = cookie.get(COOKIE)
        return morsel is not None and secrets.compare_digest(morsel.value, self.server.token), False

    def _send(
        self, status: int, body: bytes, kind: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        headers = {
            "Content-Type": kind,
            "Content-Length": str(len(body)),
            "Content-Security-Policy": POLICY,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store",
            **(extra or {}),
        }
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, data: Any, status: int = 200) -> None:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8")

    def do_GET(self) -> None:
        """Serve the page, its data and its exports to the holder of the token."""
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        host = self.headers.get("Host", "")
        if host not in (f"{HOST}:{self.server.port}", f"localhost:{self.server.port}"):
            self._send(HTTPStatus.FORBIDDEN, b"wrong host\n", "text/plain; charset=utf-8")
            return
        allowed, in_query = self._allowed(query)
        if not allowed:
            self._send(
                HTTPStatus.FORBIDDEN,
                b"forbidden: open the address bottleneck explore printed (it holds the token)\n",
                "text/plain; charset=utf-8",
            )
            return
        cookie = {}
        if in_query:
            cookie = {
                "Set-Cookie": f"{COOKIE}={self.server.token}; Path=/; HttpOnly; SameSite=Strict"
            }
        try:
            self._route(parts.path, query, cookie)
        except StateError as error:
            self._json({"error": error.one_line()}, HTTPStatus.BAD_REQUEST)
        except BottleneckError as error:
            self._json({"error": error.one_line()}, HTTPStatus.INTERNAL_SERVER_ERROR)

    def _route(self, path: str, query: dict[str, list[str]], cookie: dict[str, str]) -> None:
        ex, two = self.server.explorer, self.server.comparer

        def arg(name: str) -> str:
            return query.get(name, [""])[0]

        if path in STATIC:
            name, kind = STATIC[path]
            self._send(HTTPStatus.OK, static_file(name), kind, cookie)
            return
        if path == "/api/meta":
            meta = ex.meta()
            if two is not None:
                meta = {**two.merged_values(meta), "compare": two.meta()}
            self._json(meta)
            return
        state = ViewState.from_json(arg("state"))
        if state.view and two is None:
            raise StateError("this log is explored alone: it has no before/after views")
        if path == "/api/view":
            self._json(ex.view(state) if two is None or not state.view else two.view(state))
        elif path == "/api/edge":
            self._json(edge_details(ex, state, arg("source"), arg("target")))
        elif path == "/api/causes":
            self._json(arrow_causes(ex, state, arg("source"), arg("target")))
        elif path == "/api/case":
            try:
                number = int(arg("n"))
            except ValueError as exc:
                raise StateError(f"{arg('n')!r} is not a case number") from exc
            self._json(case_timeline(ex, number))
        elif path in ("/export/map.svg", "/export/map.png"):
            from ..render.graph import render_dot

            dot = ex.map_dot(state) if two is None or not state.view else two.map_dot(state)
            if dot is None:
                raise StateError("no case passes these filters")
            fmt = path[-3:]  # the same DOT as the page's map, drawn by Graphviz to SVG or PNG
            disposition = {"Content-Disposition": f'attachment; filename="process-map.{fmt}"'}
            kind = "image/svg+xml" if fmt == "svg" else "image/png"
            self._send(HTTPStatus.OK, render_dot(dot, fmt), kind, disposition)
        elif path == "/export/log.csv":
            disposition = {"Content-Disposition": 'attachment; filename="explore-filtered.csv"'}
            self._send(
                HTTPStatus.OK, filtered_csv(ex, state), "text/csv; charset=utf-8", disposition
            )
        else:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8")
