"""Profiles: checks before anything is sent, and the settings file."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from zelt_desktop.errors import InvalidSetting
from zelt_desktop.profiles import (Profile, ProfileStore, Settings,
                                   is_loopback_uri)


def profile(**changes) -> Profile:
    values = dict(name="Acme", client_id="acme-app",
                  redirect_uri="http://127.0.0.1:53682/callback",
                  base_url="https://go.zelt.app")
    values.update(changes)
    return Profile(**values)


def test_a_complete_profile_is_valid():
    profile().validate()
    profile(base_url="http://127.0.0.1:8000",
            redirect_uri="https://hr.example.test/zelt").validate()


@pytest.mark.parametrize("changes, field", [
    ({"client_id": ""}, "client_id"),
    ({"name": " "}, "name"),
    ({"name": "Acme\nInc"}, "name"),
    ({"client_id": "a:b"}, "client_id"),
    ({"redirect_uri": "127.0.0.1:53682/callback"}, "redirect_uri"),
    ({"redirect_uri": "http://127.0.0.1:53682/cb#top"}, "redirect_uri"),
    ({"redirect_uri": "http://127.0.0.1:0/cb"}, "redirect_uri"),
    ({"redirect_uri": "http://[::1/cb"}, "redirect_uri"),
    ({"base_url": "http://zelt.example.test"}, "base_url"),
    ({"base_url": "https://go.zelt.app/?x=1"}, "base_url"),
    ({"base_url": "https://user:pw@go.zelt.app"}, "base_url"),
    ({"token_url": "http://zelt.example.test/token"}, "token_url"),
    ({"issuer": "ftp://zelt.example.test"}, "issuer"),
    ({"client_auth": "digest"}, "client_auth"),
    ({"listen_url": "http://192.0.2.1:8000/cb"}, "listen_url"),
])
def test_a_bad_field_is_named(changes, field):
    with pytest.raises(InvalidSetting) as raised:
        profile(**changes).validate()
    assert raised.value.field == field


def test_a_colon_in_the_client_id_is_fine_when_encoded():
    profile(client_id="a:b", client_auth="rfc6749").validate()


def test_trimming_reports_the_fields_it_changed():
    trimmed, fields = profile(client_id=" acme-app\n",
                              redirect_uri="http://127.0.0.1:1/cb ").trimmed()
    assert trimmed.client_id == "acme-app"
    assert fields == ["client_id", "redirect_uri"]


def test_endpoints_follow_the_base_url_unless_set():
    p = profile(base_url="https://zelt.example.test/")
    assert p.authorization_endpoint == \
        "https://zelt.example.test/apiv2/oauth/authorize"
    assert p.token_endpoint == \
        "https://zelt.example.test/apiv2/oauth/authorize/token"
    p.token_url = "https://auth.example.test/token"
    assert p.token_endpoint == "https://auth.example.test/token"


@pytest.mark.parametrize("uri, loopback", [
    ("http://127.0.0.1:1/cb", True),
    ("http://[::1]:1/cb", True),
    ("http://localhost:1/cb", True),
    ("http://127.0.0.1/cb", False),      # no port: nothing to listen on
    ("https://127.0.0.1:1/cb", False),
    ("http://localhost.example.test:1/cb", False),
    ("http://[::1:1/cb", False),
])
def test_loopback_uris(uri, loopback):
    assert is_loopback_uri(uri) is loopback


def test_the_listener_follows_the_redirect_uri_or_its_own_setting():
    assert profile().listener_uri == "http://127.0.0.1:53682/callback"
    public = profile(redirect_uri="https://hr.example.test/zelt")
    assert public.listener_uri is None
    public.listen_url = "http://127.0.0.1:9000/callback"
    assert public.listener_uri == "http://127.0.0.1:9000/callback"


def test_names_are_unique_regardless_of_case():
    settings = Settings()
    settings.put(profile())
    with pytest.raises(InvalidSetting):
        settings.put(profile(name="ACME"))
    first = settings.profiles[0]
    first.name = "Acme Ltd"
    settings.put(first)                  # a rename keeps the id
    assert settings.find("acme ltd").id == first.id


def test_settings_round_trip_and_stay_private(tmp_path):
    store = ProfileStore(tmp_path / "config")
    settings = Settings()
    settings.put(profile())
    settings.last_profile_id = settings.profiles[0].id
    store.save(settings)

    loaded = store.load()

    assert loaded.last_used() == settings.profiles[0]
    if sys.platform != "win32":
        mode = stat.S_IMODE(os.stat(store.path).st_mode)
        assert mode == 0o600


def test_no_secret_field_is_ever_saved(tmp_path):
    store = ProfileStore(tmp_path)
    settings = Settings()
    settings.put(profile())
    store.save(settings)
    text = store.path.read_text()
    assert "secret" not in text
    assert "token" not in text.replace("token_url", "")
