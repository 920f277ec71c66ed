"""``profile add | list | remove | relay-page`` and choosing a profile."""

from __future__ import annotations

from tests.cli.conftest import CLIENT_ID
from zelt_desktop.profiles import Profile


def add_args(profile: Profile) -> list[str]:
    return ["profile", "add", profile.name, "--client-id", CLIENT_ID,
            "--redirect-uri", profile.redirect_uri,
            "--base-url", profile.base_url]


def test_add_reads_the_secret_from_stdin_and_list_shows_no_secret(
        rig, profile):
    added = rig.run(*add_args(profile),
                    stdin=b"  test-secret-from-stdin-not-real \n")
    assert added.returncode == 0, added.stderr
    assert added.stdout == b""
    assert "removed spaces around the client secret" in added.stderr

    saved = rig.profiles().load().find("Acme")
    assert saved.redirect_uri == profile.redirect_uri
    store = rig.token_store()
    assert store.load_client_secret(saved.id) == \
        "test-secret-from-stdin-not-real"

    listed = rig.run("profile", "list")
    assert listed.returncode == 0
    lines = listed.out.splitlines()
    assert lines[0].split() == ["NAME", "CLIENT", "ID", "BASE", "URL",
                                "REDIRECT", "URI"]
    assert lines[1].split() == ["Acme", CLIENT_ID, profile.base_url,
                                profile.redirect_uri]
    assert "secret" not in listed.out + listed.stderr


def test_add_reads_the_secret_from_the_named_variable(rig, profile):
    added = rig.run(*add_args(profile), "--client-secret-env", "ZELT_SECRET",
                    env={"ZELT_SECRET": "test-secret-from-env-not-real"})
    assert added.returncode == 0, added.stderr
    saved = rig.profiles().load().find("Acme")
    assert rig.token_store().load_client_secret(saved.id) == \
        "test-secret-from-env-not-real"


def test_add_without_a_secret_or_with_a_bad_setting_is_usage(rig, profile):
    missing = rig.run(*add_args(profile), "--client-secret-env", "NOT_SET")
    assert missing.returncode == 2
    assert "NOT_SET is not set" in missing.stderr

    args = add_args(profile)
    args[args.index("--redirect-uri") + 1] = "not a url"
    bad = rig.run(*args, stdin=b"test-secret-not-real\n")
    assert bad.returncode == 2
    assert "--redirect-uri" in bad.stderr
    assert rig.profiles().load().profiles == []
    assert rig.secret_entries() == ""


def test_remove_deletes_the_profile_and_its_secrets(rig, profile):
    rig.add_profile(profile)
    rig.connect(profile)
    other = rig.add_profile(Profile(name="Other", client_id="other-app",
                                    base_url=profile.base_url))
    assert profile.id in rig.secret_entries()

    removed = rig.run("profile", "remove", "acme")  # any letter case
    assert removed.returncode == 0, removed.stderr
    assert [p.name for p in rig.profiles().load().profiles] == ["Other"]
    assert profile.id not in rig.secret_entries()
    assert rig.token_store().load_client_secret(other.id) is not None


def test_unknown_profile_exits_2_and_lists_the_profiles(rig, profile):
    rig.add_profile(profile)
    rig.add_profile(Profile(name="Other", client_id="other-app",
                            base_url=profile.base_url))

    unknown = rig.run("status", "--profile", "Nope")
    assert unknown.returncode == 2
    assert "'Nope'" in unknown.stderr
    assert "'Acme', 'Other'" in unknown.stderr

    unchosen = rig.run("status")
    assert unchosen.returncode == 2
    assert "--profile" in unchosen.stderr
    assert "'Acme', 'Other'" in unchosen.stderr


def test_config_dir_option_keeps_settings_apart(rig, profile, tmp_path):
    folder = tmp_path / "elsewhere"
    added = rig.run("--config-dir", str(folder), *add_args(profile),
                    stdin=b"test-secret-not-real\n")
    assert added.returncode == 0, added.stderr
    assert (folder / "settings.json").is_file()
    assert rig.profiles().load().profiles == []

    listed = rig.run("profile", "list", "--config-dir", str(folder))
    assert "Acme" in listed.out


def test_relay_page_command_writes_the_page(rig, profile, tmp_path):
    profile.redirect_uri = "https://relay.zelt-desktop.test/zelt.html"
    profile.listen_url = "http://127.0.0.1:53999/callback"
    rig.add_profile(profile)
    target = tmp_path / "zelt.html"

    written = rig.run("profile", "relay-page", "Acme", "--output",
                      str(target))
    assert written.returncode == 0, written.stderr
    assert '"http://127.0.0.1:53999/callback"' in target.read_text()
    assert profile.redirect_uri in written.stderr
