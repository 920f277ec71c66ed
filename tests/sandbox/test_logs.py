"""No secret, code or token reaches the sandbox's log records."""

from __future__ import annotations

import logging
import socket

from tests.sandbox.support import (CLIENT_SECRET, api_get, authorize_url,
                                   exchange, query_of, refresh)
from zelt_desktop.sandbox import robot


def test_a_whole_flow_logs_no_secret(sandbox, app, catcher, caplog):
    caplog.set_level(logging.DEBUG, logger="zelt_desktop")
    caught = sandbox.register_app("log-app", CLIENT_SECRET,
                                  catcher.redirect_uri)
    location = robot.press(authorize_url(sandbox, caught,
                                         state="state-not-real"))
    code = query_of(location)["code"]
    first = exchange(sandbox, caught, code).json()
    second = refresh(sandbox, caught, first["refresh_token"]).json()
    api_get(sandbox, "/apiv2/users", second["access_token"])
    api_get(sandbox, "/apiv2/users/me", "unknown-token-not-real")

    assert caplog.records  # the flow was logged at all
    secrets = (CLIENT_SECRET, code, "state-not-real", "unknown-token-not-real",
               first["access_token"], first["refresh_token"],
               second["access_token"], second["refresh_token"])
    for record in caplog.records:
        text = record.getMessage()
        for secret in secrets:
            assert secret not in text, record.name


def test_a_malformed_request_line_is_logged_without_its_query(sandbox,
                                                              caplog):
    caplog.set_level(logging.DEBUG, logger="zelt_desktop")
    port = sandbox.base_url.rsplit(":", 1)[1]
    with socket.create_connection(("127.0.0.1", int(port))) as sock:
        # Four words: http.server logs the whole line as bad syntax.
        sock.sendall(b"GET x /cb?code=code-not-real HTTP/1.1\r\n\r\n")
        answer = sock.recv(1024)

    assert answer.startswith(b"HTTP/1.1 400")
    assert any("Bad request syntax ('GET x /cb?" in r.getMessage()
               for r in caplog.records)
    assert "code-not-real" not in caplog.text
