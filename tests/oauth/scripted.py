"""A token endpoint on 127.0.0.1 that answers what a test scripts."""

from __future__ import annotations

import dataclasses
import http.server
import socketserver
import threading
from urllib.parse import parse_qsl


@dataclasses.dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict = dataclasses.field(default_factory=dict)
    drop: bool = False  # close the connection without answering
    hold: threading.Event | None = None  # answer only once it is set


@dataclasses.dataclass
class Received:
    headers: dict
    form: dict


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        server: ScriptedServer = self.server
        length = int(self.headers.get("Content-Length", 0))
        form = dict(parse_qsl(self.rfile.read(length).decode("ascii"),
                              keep_blank_values=True))
        server.received.append(Received(dict(self.headers), form))
        answer = server.answer
        if answer.hold is not None:
            answer.hold.wait(30)
        if answer.drop:
            self.close_connection = True
            return
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    def log_message(self, format, *args) -> None:
        pass  # standard error may be None; the tests need no access log


class ScriptedServer(socketserver.ThreadingTCPServer):
    """Records each request and answers with ``answer``."""

    daemon_threads = True
    block_on_close = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answer = Answer()
        self.received: list[Received] = []
        host, port = self.server_address
        self.url = f"http://{host}:{port}/token"

    def __enter__(self) -> ScriptedServer:
        threading.Thread(target=self.serve_forever,
                         kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()
