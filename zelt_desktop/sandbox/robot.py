"""A browser stand-in: opens a consent page and presses one of its buttons.

Used by the tests and by the product's self-test, where no person is
there to press Allow access.
"""

from __future__ import annotations

import html.parser
import logging
from urllib.parse import urljoin, urlsplit

import requests

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
BUTTONS = ("allow", "deny")


class _ConsentForm(html.parser.HTMLParser):
    """Collects the form's action, hidden fields and decision buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self.buttons: dict[str, tuple[str, str]] = {}  # value: name, value
        self.heading = ""
        self._in_heading = False

    def handle_starttag(self, tag, attrs) -> None:
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form" and self.action is None:
            self.action = attrs.get("action", "")
        elif tag == "input" and attrs.get("type") == "hidden" \
                and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value", "")
        elif tag == "button" and attrs.get("name"):
            value = attrs.get("value", "")
            self.buttons[value] = (attrs["name"], value)
        elif tag == "h1":
            self._in_heading = True

    def handle_endtag(self, tag) -> None:
        if tag == "h1":
            self._in_heading = False

    def handle_data(self, data) -> None:
        if self._in_heading:
            self.heading += data


def press(consent_url: str, button: str = "allow", *, follow: bool = True,
          timeout: float = 10.0) -> str:
    """Press ``button`` ("allow" or "deny") on the consent page.

    Redirects to the consent page are followed within the sandbox (the
    Code flow page leads there).  Returns the address the sandbox then
    redirects to; with ``follow`` it is also requested, as a browser
    would, so that the app's listener receives it.
    """
    if button not in BUTTONS:
        raise ValueError(f"button must be one of {BUTTONS}")
    with requests.Session() as session:
        page_url, page = _open_consent(session, consent_url, timeout)
        form = _ConsentForm()
        form.feed(page.text)
        form.close()
        if form.action is None or button not in form.buttons:
            raise RuntimeError(
                f"not a consent page (HTTP {page.status_code}: "
                f"{form.heading.strip() or 'no heading'})")

        name, value = form.buttons[button]
        data = dict(form.fields, **{name: value})
        answer = session.post(urljoin(page_url, form.action), data=data,
                              allow_redirects=False, timeout=timeout)
        location = answer.headers.get("Location")
        if answer.status_code not in (302, 303) or not location:
            raise RuntimeError(
                f"the consent form was refused (HTTP {answer.status_code})")
        location = urljoin(page_url, location)
        log.debug("pressed %s; redirected (%d chars)", button, len(location))
        if follow:
            _visit(session, location, timeout)
    return location


def _open_consent(session: requests.Session, url: str, timeout: float
                  ) -> tuple[str, requests.Response]:
    origin = _origin(url)
    for _ in range(MAX_REDIRECTS + 1):
        response = session.get(url, allow_redirects=False, timeout=timeout)
        location = response.headers.get("Location")
        if not response.is_redirect or not location:
            return url, response
        url = urljoin(url, location)
        # Only the sandbox's own pages lead to the consent.
        if _origin(url) != origin:
            raise RuntimeError("not a consent page: redirected elsewhere")
    raise RuntimeError("not a consent page: too many redirects")


def _visit(session: requests.Session, location: str, timeout: float) -> None:
    try:
        response = session.get(location, allow_redirects=False,
                               timeout=timeout)
    except requests.RequestException as e:
        raise RuntimeError(
            f"the redirect target did not answer: {type(e).__name__}") from e
    log.debug("redirect target answered %d", response.status_code)


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc
