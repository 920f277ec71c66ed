"""Connection profiles: the non-secret settings of one Zelt app each.

Settings live in one JSON file in the platform's config folder.  The client
secret and the tokens never do: they are in the secret store, named by the
profile's id, which a rename keeps.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import logging
import os
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import filelock
import platformdirs

from zelt_desktop.errors import InputError, InvalidSetting

log = logging.getLogger(__name__)

APP_NAME = "zelt-desktop"
DEFAULT_BASE_URL = "https://go.zelt.app"
AUTHORIZE_PATH = "/apiv2/oauth/authorize"
TOKEN_PATH = "/apiv2/oauth/authorize/token"
DEFAULT_PORT = 53682
DEFAULT_REDIRECT_URI = f"http://127.0.0.1:{DEFAULT_PORT}/callback"
CLIENT_AUTH_STYLES = ("basic", "rfc6749")
SETTINGS_VERSION = 1

_TEXT_FIELDS = ("name", "client_id", "redirect_uri", "base_url",
                "authorize_url", "token_url", "listen_url", "issuer")


@dataclasses.dataclass
class Profile:
    """One Zelt app connection.

    ``authorize_url`` and ``token_url`` may be empty: they then follow
    ``base_url``.  ``listen_url`` is the loopback address the app listens
    on when it differs from ``redirect_uri`` (a relay page, a proxy).
    """

    name: str
    client_id: str = ""
    redirect_uri: str = DEFAULT_REDIRECT_URI
    base_url: str = DEFAULT_BASE_URL
    authorize_url: str = ""
    token_url: str = ""
    client_auth: str = "basic"
    listen_url: str = ""
    issuer: str = ""
    id: str = dataclasses.field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def authorization_endpoint(self) -> str:
        return self.authorize_url or self.base_url.rstrip("/") + AUTHORIZE_PATH

    @property
    def token_endpoint(self) -> str:
        return self.token_url or self.base_url.rstrip("/") + TOKEN_PATH

    @property
    def api_base_url(self) -> str:
        return self.base_url.rstrip("/")

    @property
    def listener_uri(self) -> str | None:
        """The loopback URI to listen on, or None: the user pastes then."""
        if self.listen_url:
            return self.listen_url
        if is_loopback_uri(self.redirect_uri):
            return self.redirect_uri
        return None

    def trimmed(self) -> tuple[Profile, list[str]]:
        """A copy with surrounding whitespace removed, and the fields cut."""
        changes = {}
        for name in _TEXT_FIELDS:
            value = getattr(self, name)
            if value != value.strip():
                changes[name] = value.strip()
        return dataclasses.replace(self, **changes), sorted(changes)

    def validate(self) -> None:
        """Raise InvalidSetting naming the first field that is not usable."""
        if not self.name.strip():
            raise InvalidSetting("Give this connection a name.", field="name")
        if not self.client_id:
            raise InvalidSetting("Enter the Client ID.", field="client_id")
        if any(ord(c) < 32 or ord(c) == 127 for c in self.name):
            raise InvalidSetting("The name cannot contain line breaks or "
                                 "control characters.", field="name")
        if self.client_auth not in CLIENT_AUTH_STYLES:
            raise InvalidSetting("Choose a client authentication style.",
                                 field="client_auth")
        if self.client_auth == "basic" and ":" in self.client_id:
            # RFC 7617 §2: the user-id of a Basic header holds no colon.
            raise InvalidSetting("The Client ID cannot contain a colon.",
                                 field="client_id")
        _check_url(self.redirect_uri, "redirect_uri", "Redirect URI",
                   redirect=True)
        _check_url(self.base_url, "base_url", "Base URL", query=False)
        for name, label in (("authorize_url", "Authorize URL"),
                            ("token_url", "Token URL"),
                            ("issuer", "Issuer")):
            if getattr(self, name):
                _check_url(getattr(self, name), name, label)
        if self.listen_url and not is_loopback_uri(self.listen_url):
            raise InvalidSetting(
                "The listener address must be http://127.0.0.1, "
                "http://[::1] or http://localhost with a port.",
                field="listen_url")

    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Profile:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def is_loopback_uri(uri: str) -> bool:
    """True for http://127.0.0.1, http://[::1] or http://localhost URIs.

    The name ``localhost`` is taken as loopback without resolving it
    (RFC 8252 §8.3); no other name is.
    """
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:
        return False
    if parts.scheme != "http" or not parts.hostname or port is None:
        return False
    return _is_loopback_host(parts.hostname)


def _check_url(value: str, field: str, label: str, *,
               redirect: bool = False, query: bool = True) -> None:
    """Raise InvalidSetting unless ``value`` is a usable address.

    Secrets and tokens travel to every address but the redirect URI, so
    those need https (http only on this computer).  The redirect URI may
    be any http(s) address the admin registered in Zelt; it carries only
    the short-lived code.
    """
    if not value:
        raise InvalidSetting(f"Enter the {label}.", field=field)
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise InvalidSetting(f"The {label} is not a valid address.",
                             field=field) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidSetting(
            f"The {label} must start with https:// (or http:// for this "
            "computer).", field=field)
    if parts.username is not None or parts.password is not None:
        raise InvalidSetting(f"The {label} cannot contain a user name or "
                             "password.", field=field)
    if parts.fragment or value.endswith("#"):
        # RFC 6749 §3.1.2: redirection endpoints have no fragment.
        raise InvalidSetting(f"The {label} cannot contain a “#” part.",
                             field=field)
    if not query and (parts.query or "?" in value):
        raise InvalidSetting(f"The {label} cannot contain a “?” part.",
                             field=field)
    if port == 0:
        raise InvalidSetting(f"The {label} needs a real port, not 0.",
                             field=field)
    if (not redirect and parts.scheme == "http"
            and not _is_loopback_host(parts.hostname)):
        raise InvalidSetting(
            f"The {label} must start with https://: the app's secret "
            "travels there. (http:// is allowed only for this computer.)",
            field=field)


def _is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclasses.dataclass
class Settings:
    """Every profile, and which one opens on start."""

    profiles: list[Profile] = dataclasses.field(default_factory=list)
    last_profile_id: str | None = None

    def find(self, name_or_id: str) -> Profile | None:
        folded = name_or_id.casefold()
        for profile in self.profiles:
            if profile.id == name_or_id or profile.name.casefold() == folded:
                return profile
        return None

    def last_used(self) -> Profile | None:
        for profile in self.profiles:
            if profile.id == self.last_profile_id:
                return profile
        return self.profiles[0] if self.profiles else None

    def put(self, profile: Profile) -> None:
        """Add or replace ``profile``; names are unique regardless of case."""
        clash = self.find(profile.name)
        if clash is not None and clash.id != profile.id:
            raise InvalidSetting(
                f"A connection named {clash.name!r} exists already.",
                field="name")
        self.profiles = [p for p in self.profiles if p.id != profile.id]
        self.profiles.append(profile)

    def remove(self, profile_id: str) -> None:
        self.profiles = [p for p in self.profiles if p.id != profile_id]
        if self.last_profile_id == profile_id:
            self.last_profile_id = None


class ProfileStore:
    """Reads and writes ``settings.json``, locked against other processes."""

    def __init__(self, config_dir: Path | None = None) -> None:
        self.config_dir = Path(config_dir or default_config_dir())
        self.path = self.config_dir / "settings.json"
        self._lock = filelock.FileLock(str(self.path) + ".lock", timeout=10)

    def load(self) -> Settings:
        try:
            with self._lock:
                text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return Settings()
        except filelock.Timeout as e:
            raise InputError("The settings file is locked.") from e
        try:
            data = json.loads(text)
            return Settings(
                profiles=[Profile.from_json(p) for p in data["profiles"]],
                last_profile_id=data.get("last_profile_id"))
        except (ValueError, KeyError, TypeError) as e:
            raise InputError(
                f"The settings file {self.path} is damaged.") from e

    def save(self, settings: Settings) -> None:
        data = {"version": SETTINGS_VERSION,
                "last_profile_id": settings.last_profile_id,
                "profiles": [p.to_json() for p in settings.profiles]}
        self.config_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with self._lock:
            # Readable by this user only: it names the company's app.
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with open(fd, "w", encoding="utf-8") as stream:
                json.dump(data, stream, indent=2)
            os.replace(tmp, self.path)
        log.debug("saved %d profiles", len(settings.profiles))


def default_config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
