"""Serves the demo clinic page with the chat widget on it.

    python -m widget.serve --port 8080 --server http://localhost:5005 [--transport socketio]

Standard library only. Serves exactly four things: the demo page at `/`, the widget's
script and stylesheet, and the demo page's stylesheet; everything else is 404 (no directory
listing). Every answer carries a Content-Security-Policy: scripts and styles only from this
server, no inline script, and connections only to the assistant's origin (fetch; with
socket.io also its WebSocket, ws: or wss:).
"""

from __future__ import annotations

import argparse
import html
import os
import re
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
CLINIC_DOMAIN = HERE.parent / "domain" / "clinic.yml"
DEFAULT_COLOR = "#1d5c87"
TRANSPORTS = ("rest", "socketio")

ASSETS = {
    "/ms-precheck-widget.js": ("ms-precheck-widget.js", "text/javascript; charset=utf-8"),
    "/ms-precheck-widget.css": ("ms-precheck-widget.css", "text/css; charset=utf-8"),
    "/demo.css": ("demo.css", "text/css; charset=utf-8"),
}


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of an http(s) URL; ValueError for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    if any(c in url for c in " ;,'\"\n\r"):
        raise ValueError(f"unexpected character in URL: {url!r}")
    return f"{parts.scheme}://{parts.netloc}".lower()


def socket_origin(server_origin: str) -> str:
    """The WebSocket origin of the assistant: ws: for http:, wss: for https:."""
    return "ws" + server_origin.removeprefix("http")


def content_security_policy(server_origin: str, transport: str = "rest") -> str:
    sockets = f" {socket_origin(server_origin)}" if transport == "socketio" else ""
    return "; ".join([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        f"connect-src {server_origin}{sockets}",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
        "require-trusted-types-for 'script'",
    ])


def clinic_from_domain(path: Path = CLINIC_DOMAIN) -> tuple[str, str]:
    """The clinic's name and phone from domain/clinic.yml, so the page and the assistant agree.

    A tiny reader for the two `initial_value` lines (no YAML library: standard library only).
    """
    values = {"clinic_name": "the clinic", "clinic_phone": ""}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return values["clinic_name"], values["clinic_phone"]
    for slot in values:
        match = re.search(rf"^\s*{slot}:\s*\n(?:\s+.*\n)*?\s+initial_value:\s*(.+)$", text,
                          re.MULTILINE)
        if match:
            values[slot] = match.group(1).strip().strip("\"'")
    return values["clinic_name"], values["clinic_phone"]


def render_page(server: str, clinic_name: str, clinic_phone: str, primary_color: str,
                transport: str) -> bytes:
    template = (HERE / "demo" / "index.html").read_text(encoding="utf-8")
    page_title = clinic_name if clinic_name.lower() != "the clinic" else "Demo Massage Clinic"
    fields = {
        "server": server,
        "clinic_name": clinic_name,
        "clinic_phone": clinic_phone,
        "clinic_phone_tel": re.sub(r"[^0-9+]", "", clinic_phone),
        "primary_color": primary_color,
        "transport": transport,
        "page_title": page_title[:1].upper() + page_title[1:],
    }
    return re.sub(r"\{\{(\w+)\}\}", lambda m: html.escape(fields[m.group(1)], quote=True),
                  template).encode("utf-8")


class DemoServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], server: str, clinic_name: str,
                 clinic_phone: str, primary_color: str = DEFAULT_COLOR,
                 verbose: bool = False, transport: str = "rest") -> None:
        if transport not in TRANSPORTS:
            raise ValueError(f"transport must be one of {', '.join(TRANSPORTS)}: {transport!r}")
        self.assistant_url = server.rstrip("/")
        self.transport = transport
        self.csp = content_security_policy(origin_of(self.assistant_url), transport)
        self.page = render_page(self.assistant_url, clinic_name, clinic_phone, primary_color,
                                transport)
        self.verbose = verbose
        super().__init__(address, DemoHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = "localhost" if host in ("127.0.0.1", "0.0.0.0", "localhost") else host
        return f"http://{host}:{port}/"


class DemoHandler(BaseHTTPRequestHandler):
    server: DemoServer
    server_version = "ms-precheck-widget"
    sys_version = ""

    def do_GET(self) -> None:
        self.answer(include_body=True)

    def do_HEAD(self) -> None:
        self.answer(include_body=False)

    def answer(self, include_body: bool) -> None:
        path = urlsplit(self.path).path
        if path in ("/", "/index.html"):
            body, kind = self.server.page, "text/html; charset=utf-8"
        elif path in ASSETS:
            name, kind = ASSETS[path]
            body = (STATIC / name).read_bytes()
        else:
            body, kind = b"Not found\n", "text/plain; charset=utf-8"
            self.send_response(HTTPStatus.NOT_FOUND)
            self.send_headers(kind, len(body))
            if include_body:
                self.wfile.write(body)
            return
        self.send_response(HTTPStatus.OK)
        self.send_headers(kind, len(body))
        if include_body:
            self.wfile.write(body)

    def send_headers(self, kind: str, length: int) -> None:
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        self.send_header("Content-Security-Policy", self.server.csp)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        if self.server.verbose:
            super().log_message(format, *args)


def main(argv: list[str] | None = None) -> int:
    name, phone = clinic_from_domain()
    # The same environment that sets the assistant's contact (README "Configuration").
    name, phone = os.environ.get("CLINIC_NAME") or name, os.environ.get("CLINIC_PHONE") or phone
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080, help="port of the demo page (8080)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (127.0.0.1; 0.0.0.0 for the network)")
    parser.add_argument("--server", default="http://localhost:5005",
                        help="the assistant's URL, as the browser reaches it "
                             "(http://localhost:5005)")
    parser.add_argument("--clinic-name", default=name,
                        help=f"clinic name shown by the widget (domain/clinic.yml: {name!r})")
    parser.add_argument("--clinic-phone", default=phone,
                        help=f"clinic phone shown by the widget (domain/clinic.yml: {phone!r})")
    parser.add_argument("--primary-color", default=DEFAULT_COLOR,
                        help=f"the widget's main colour, hex ({DEFAULT_COLOR})")
    parser.add_argument("--transport", choices=TRANSPORTS,
                        default=os.environ.get("DEMO_TRANSPORT") or "rest",
                        help="how the widget talks to the assistant: rest or socketio "
                             "(env DEMO_TRANSPORT; rest)")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    if args.transport not in TRANSPORTS:   # from DEMO_TRANSPORT, which argparse does not check
        parser.error(f"DEMO_TRANSPORT must be one of {', '.join(TRANSPORTS)}: {args.transport!r}")
    try:
        httpd = DemoServer((args.host, args.port), args.server, args.clinic_name,
                           args.clinic_phone, args.primary_color, args.verbose, args.transport)
    except ValueError as problem:
        print(f"error: --server: {problem}", file=sys.stderr)
        return 2
    except OSError as problem:
        print(f"error: cannot listen on {args.host}:{args.port}: {problem.strerror}",
              file=sys.stderr)
        return 2
    print(f"demo page: {httpd.url} (widget talks to {httpd.assistant_url} over "
          f"{httpd.transport}; the assistant must "
          f"allow the origin {httpd.url.rstrip('/')} in CORS_ORIGINS)", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
