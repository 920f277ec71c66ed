"""The sandbox's HTML pages, filled from templates in resources/sandbox."""

from __future__ import annotations

import functools
import html
import string

from zelt_desktop import resources

NO_SCOPES = ("No permissions: this app has no scopes, so every list it "
             "reads will be empty.")


@functools.cache
def _template(name: str) -> string.Template:
    return string.Template(resources.read_text("sandbox", name))


@functools.cache
def _style() -> str:
    return resources.read_text("sandbox", "style.css")


def consent_page(app_name: str, scopes: tuple[str, ...], action: str,
                 fields: dict[str, str]) -> bytes:
    """The consent form; ``fields`` travel back as hidden inputs."""
    if scopes:
        items = "\n".join(f"<li><code>{html.escape(s)}</code></li>"
                          for s in scopes)
    else:
        items = f"<li>{html.escape(NO_SCOPES)}</li>"
    hidden = "\n".join(
        f'<input type="hidden" name="{html.escape(k)}" '
        f'value="{html.escape(v)}">' for k, v in fields.items())
    page = _template("consent.html").substitute(
        style=_style(), app=html.escape(app_name), scopes=items,
        action=html.escape(action), fields=hidden)
    return page.encode("utf-8")


def error_page(title: str, message: str) -> bytes:
    page = _template("error.html").substitute(
        style=_style(), title=html.escape(title),
        message=html.escape(message))
    return page.encode("utf-8")


def blocked_page() -> bytes:
    """What the edge answers to a burst (zelt-api.md, Load)."""
    return _template("blocked.html").template.encode("utf-8")
