"""Helpers for the sandbox tests: consent, exchange, a redirect catcher."""

from __future__ import annotations

import http.server
import socketserver
import threading
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from zelt_desktop.sandbox import robot

CLIENT_ID = "test-client"
CLIENT_SECRET = "test-secret-not-real"
# Port 9 (discard) on loopback: tests that use it never follow the redirect.
REDIRECT_URI = "http://127.0.0.1:9/callback"
AUTHORIZE = "/apiv2/oauth/authorize"
TOKEN = "/apiv2/oauth/authorize/token"


def authorize_url(sandbox, app, **params) -> str:
    query = {"response_type": "code", "client_id": app.client_id,
             "redirect_uri": app.redirect_uri, "state": "state-123"}
    query.update(params)
    query = {k: v for k, v in query.items() if v is not None}
    return f"{sandbox.base_url}{AUTHORIZE}?{urlencode(query)}"


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def new_code(sandbox, app, **params) -> str:
    location = robot.press(authorize_url(sandbox, app, **params),
                           follow=False)
    return query_of(location)["code"]


def post_token(sandbox, data: dict, auth=(CLIENT_ID, CLIENT_SECRET),
               headers: dict | None = None) -> requests.Response:
    return requests.post(sandbox.base_url + TOKEN, data=data, auth=auth,
                         headers=headers, timeout=10)


def exchange(sandbox, app, code: str, **extra) -> requests.Response:
    data = {"grant_type": "authorization_code", "code": code,
            "redirect_uri": app.redirect_uri, **extra}
    return post_token(sandbox, data, auth=(app.client_id, app.client_secret))


def sign_in(sandbox, app) -> dict:
    response = exchange(sandbox, app, new_code(sandbox, app))
    assert response.status_code == 200, response.headers
    return response.json()


def refresh(sandbox, app, refresh_token: str, **extra) -> requests.Response:
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token,
            "redirect_uri": app.redirect_uri, **extra}
    return post_token(sandbox, data, auth=(app.client_id, app.client_secret))


def api_get(sandbox, path: str, access_token: str | None,
            **params) -> requests.Response:
    headers = {"Authorization": f"Bearer {access_token}"} \
        if access_token else {}
    return requests.get(sandbox.base_url + path, params=params,
                        headers=headers, timeout=10)


class Catcher:
    """A loopback HTTP server that records the paths it is asked for."""

    def __init__(self) -> None:
        paths: list[str] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                paths.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format, *args) -> None:
                pass

        self.paths = paths
        # TCPServer, not HTTPServer: no host name lookup at bind.
        self._server = socketserver.TCPServer(("127.0.0.1", 0), Handler)
        port = self._server.server_address[1]
        self.redirect_uri = f"http://127.0.0.1:{port}/callback"
        self._thread = threading.Thread(target=self._server.serve_forever)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
