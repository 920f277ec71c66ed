"""What a sandbox endpoint answers: a status, headers and a body."""

from __future__ import annotations

import dataclasses
import json

JSON_TYPE = "application/json"
HTML_TYPE = "text/html; charset=utf-8"
# RFC 6749 §5.1: token replies must not be cached.
NO_STORE = (("Cache-Control", "no-store"), ("Pragma", "no-cache"))


@dataclasses.dataclass(frozen=True)
class Reply:
    """One HTTP answer; ``DROP`` closes the connection without one."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


DROP = Reply(0)


def json_reply(data, status: int = 200,
               headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return json_bytes(body.encode("utf-8"), status, headers)


def json_bytes(body: bytes, status: int = 200,
               headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    return Reply(status, body, (("Content-Type", JSON_TYPE),) + headers)


def html_reply(body: bytes, status: int = 200) -> Reply:
    return Reply(status, body, (("Content-Type", HTML_TYPE),
                                ("Cache-Control", "no-store")))


def redirect(location: str) -> Reply:
    return Reply(302, b"", (("Location", location),
                            ("Cache-Control", "no-store")))


def unauthorized(challenge: str) -> Reply:
    """401 with an empty body: Zelt's way, per the field reports."""
    return Reply(401, b"", (("WWW-Authenticate", challenge),))


def oauth_error(error: str, status: int = 400) -> Reply:
    """An RFC 6749 §5.2 error for requests malformed beyond Zelt's 401s."""
    return json_reply({"error": error}, status, NO_STORE)
