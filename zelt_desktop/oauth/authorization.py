"""The authorization request: a fresh state, PKCE S256 and the consent URL."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import logging
import secrets
from urllib.parse import urlencode, urlsplit, urlunsplit

from zelt_desktop.profiles import Profile

log = logging.getLogger(__name__)

# 32 random bytes give a 43-character state: far beyond guessing.
STATE_BYTES = 32
# RFC 7636 §4.1: a verifier of 43 to 128 characters; 48 bytes give 64.
VERIFIER_BYTES = 48


@dataclasses.dataclass(frozen=True)
class AuthorizationRequest:
    """One consent that this app starts (RFC 6749 §4.1.1, RFC 7636 §4.3).

    ``code_verifier`` is None for a consent started in Zelt, whose state
    Zelt chose: its code is exchanged without a verifier.
    """

    authorization_endpoint: str
    client_id: str
    redirect_uri: str
    state: str = dataclasses.field(repr=False)
    code_verifier: str | None = dataclasses.field(default=None, repr=False)

    @classmethod
    def start(cls, profile: Profile) -> AuthorizationRequest:
        """A request with a new random state and code_verifier."""
        request = cls(
            authorization_endpoint=profile.authorization_endpoint,
            client_id=profile.client_id,
            redirect_uri=profile.redirect_uri,
            state=secrets.token_urlsafe(STATE_BYTES),
            code_verifier=secrets.token_urlsafe(VERIFIER_BYTES))
        log.debug("new authorization request for client id of %d chars",
                  len(profile.client_id))
        return request

    @property
    def code_challenge(self) -> str | None:
        """BASE64URL(SHA256(code_verifier)), unpadded (RFC 7636 §4.2)."""
        if self.code_verifier is None:
            return None
        digest = hashlib.sha256(self.code_verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    @property
    def url(self) -> str:
        """The consent URL to open in the browser.

        A query already on the endpoint is kept (RFC 6749 §3.1); a fragment
        is dropped, as the endpoint must not have one.
        """
        params = {"response_type": "code",
                  "client_id": self.client_id,
                  "redirect_uri": self.redirect_uri,
                  "state": self.state}
        challenge = self.code_challenge
        if challenge is not None:
            params["code_challenge"] = challenge
            params["code_challenge_method"] = "S256"
        parts = urlsplit(self.authorization_endpoint)
        query = urlencode(params)
        if parts.query:
            query = parts.query + "&" + query
        return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
