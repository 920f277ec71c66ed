"""The relay page: a static page that forwards Zelt's redirect to the app.

Zelt's docs ask for a public HTTPS redirect URI (zelt-api.md, "Setting up
an app").  An admin hosts this page at such an address and registers it;
the page sends the browser on to the app's loopback listener with the
same query, so nobody has to paste an address.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import logging
import re
import string
from pathlib import Path

from zelt_desktop import resources
from zelt_desktop.errors import InputError, InvalidSetting
from zelt_desktop.profiles import Profile, is_loopback_uri

log = logging.getLogger(__name__)

TEMPLATE = ("relay", "relay.html")
# The page loads nothing and sends nothing but its own navigation: its
# inline script and style are allowed by hash (CSP Level 2, "hash-source"),
# so no 'unsafe-inline' is needed.  A meta policy cannot carry
# frame-ancestors (CSP Level 3 §6.4.2), so that directive is left out.
CSP = ("default-src 'none'; script-src '{script}'; style-src '{style}'; "
       "img-src 'none'; base-uri 'none'; form-action 'none'")

_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
# Escaped inside the script so that no value can close the element
# (HTML §4.12.1.3, "Restrictions for contents of script elements").
_JS_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def render_relay_page(profile: Profile) -> str:
    """The relay page's HTML for ``profile``'s listener address.

    Raises InvalidSetting when the profile has no listener address apart
    from its redirect URI: the page would have nowhere to send the browser.
    """
    listener = _listener(profile)
    text = resources.read_text(*TEMPLATE)
    values = {"listener_json": js_string(listener),
              "listener_text": html.escape(listener)}
    # One substitution pass, so that a value holding "$" is never read as
    # a placeholder; the hash is of the script as the page will hold it.
    script = string.Template(_only(_SCRIPT, text, "script"))
    csp = CSP.format(script=csp_hash(script.substitute(values)),
                     style=csp_hash(_only(_STYLE, text, "style")))
    return string.Template(text).substitute(values, csp=csp)


def write_relay_page(profile: Profile, path: str | Path) -> Path:
    """Write the relay page for ``profile`` to ``path``; return the path."""
    page = render_relay_page(profile)
    path = Path(path)
    try:
        path.write_text(page, encoding="utf-8", newline="\n")
    except OSError as e:
        raise InputError(
            f"The relay page could not be written to {path}: "
            f"{e.strerror or type(e).__name__}.") from e
    log.info("relay page written for profile %s (%d chars)", profile.id,
             len(page))
    return path


def js_string(text: str) -> str:
    """``text`` as a JavaScript string literal safe inside <script>."""
    literal = json.dumps(text, ensure_ascii=True)
    for char, escape in _JS_ESCAPES.items():
        literal = literal.replace(char, escape)
    return literal


def csp_hash(text: str) -> str:
    """The CSP hash-source of an inline element's text (CSP §2.3.1)."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def _listener(profile: Profile) -> str:
    listener = profile.listen_url.strip()
    if not listener:
        raise InvalidSetting(
            "The relay page needs a listener address: set the loopback "
            "address the app listens on (such as "
            "http://127.0.0.1:53682/callback), apart from the Redirect URI.",
            field="listen_url")
    if not is_loopback_uri(listener):
        raise InvalidSetting(
            "The listener address must be http://127.0.0.1, http://[::1] "
            "or http://localhost with a port.", field="listen_url")
    return listener


def _only(pattern: re.Pattern, page: str, what: str) -> str:
    found = pattern.findall(page)
    if len(found) != 1:
        # The template is ours: this is a packaging error, not the user's.
        raise RuntimeError(f"the relay template must hold one {what}")
    return found[0]
