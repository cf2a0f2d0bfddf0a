"""The wards' pseudonym keys (commdx.keys, `commdx keys`) and the HMAC-SHA-256 behind the
pseudonyms, checked against Python's hmac/hashlib (an independent implementation)."""
from __future__ import annotations

import hashlib
import hmac
import os
import random
import stat

import pytest

import commdx
from commdx import keys
from commdx.cli import main


def mode(p) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


# ---- HMAC-SHA-256 and the pseudonym format against hashlib -------------------------------------

def test_hmac_matches_python_hmac_on_random_keys_and_messages():
    rng = random.Random(11)
    for _ in range(3000):
        key = rng.randbytes(rng.choice([0, 1, 16, 32, 63, 64, 65, 131, rng.randrange(200)]))
        msg = rng.randbytes(rng.choice([0, 1, 55, 56, 63, 64, 65, 119, 120, rng.randrange(300)]))
        assert commdx._core._hmac_sha256_hex(key, msg) == hmac.new(key, msg, hashlib.sha256).hexdigest()


def test_pseudonym_is_p_and_the_first_20_hex_digits_of_the_hmac_of_the_id():
    rng = random.Random(5)
    key = rng.randbytes(32)
    ids = [f"H{rng.choice(['26506', '26545', '26560'])}-{rng.randrange(10**6):06d}" for _ in range(2000)]
    ids += [f"B26506-{n:05d}" for n in range(500)] + ["Hộ Nguyễn Văn Ánh", ""]
    for i in ids:
        expected = "P-" + hmac.new(key, i.encode("utf-8"), hashlib.sha256).hexdigest()[:20]
        assert commdx._core._plan_pseudonym(key, i) == expected


# ---- the key store ----------------------------------------------------------------------------

def test_create_makes_32_random_bytes_owner_only_and_load_returns_them(tmp_path):
    store = tmp_path / "keys"
    path = keys.create("26506", store)
    assert path == store / "26506.key" == keys.key_path("26506", store)
    assert mode(store) == 0o700 and mode(path) == 0o600
    key = keys.load("26506", store)
    assert isinstance(key, bytes) and len(key) == 32
    assert f"key={key.hex()}" in path.read_text()
    keys.create("26545", store)
    assert keys.load("26545", store) != key  # two wards, two independent keys
    # no temporary file left beside the keys
    assert sorted(p.name for p in store.iterdir()) == ["26506.key", "26545.key"]


def test_create_refuses_a_second_key_for_the_same_ward(tmp_path):
    keys.create("26506", tmp_path / "k")
    before = (tmp_path / "k" / "26506.key").read_bytes()
    with pytest.raises(commdx.ConfigError, match="already exists"):
        keys.create("26506", tmp_path / "k")
    assert (tmp_path / "k" / "26506.key").read_bytes() == before


@pytest.mark.parametrize("ward", ["../26506", "26506/x", "", ".hidden", "a b"])
def test_unit_codes_that_would_leave_the_store_are_refused(tmp_path, ward):
    with pytest.raises(commdx.ConfigError, match="not valid"):
        keys.create(ward, tmp_path / "k")
    assert not (tmp_path / "k").exists() or not any((tmp_path / "k").iterdir())


def test_missing_key_says_how_to_create_one(tmp_path):
    with pytest.raises(commdx.ConfigError, match="commdx keys create --ward 26506"):
        keys.load("26506", tmp_path / "k")
    with pytest.raises(commdx.ConfigError, match="commdx keys create --ward 26506"):
        keys.load("26506", tmp_path / "k", lang="vi")


def test_key_files_readable_by_others_are_refused_until_repaired(tmp_path):
    store = tmp_path / "k"
    path = keys.create("26506", store)
    key = keys.load("26506", store)
    os.chmod(path, 0o644)
    with pytest.raises(commdx.ConfigError, match="others can read") as e:
        keys.load("26506", store)
    assert str(path) in str(e.value) and "commdx keys repair" in str(e.value)
    os.chmod(path, 0o600)
    os.chmod(store, 0o755)
    with pytest.raises(commdx.ConfigError, match="others can enter"):
        keys.load("26506", store)
    os.chmod(path, 0o640)
    assert set(keys.repair(store)) == {store, path}
    assert mode(store) == 0o700 and mode(path) == 0o600
    assert keys.load("26506", store) == key
    assert keys.repair(store) == []


def test_damaged_or_foreign_key_files_are_refused_naming_the_line(tmp_path):
    store = tmp_path / "k"
    path = keys.create("26506", store)
    good = path.read_text()
    path.write_text(good.replace("key=", "key=zz"))
    with pytest.raises(commdx.ConfigError, match=r"line 4: not a commdx key file \(key must be 64 hex digits\)"):
        keys.load("26506", store)
    path.write_text(good)
    os.link(path, store / "26545.key")
    with pytest.raises(commdx.ConfigError, match="key of 26506, not of 26545"):
        keys.load("26545", store)


def test_default_store_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv(keys.ENV_STORE, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert keys.default_store() == tmp_path / "cfg" / "commdx" / "keys"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert keys.default_store() == tmp_path / "home" / ".config" / "commdx" / "keys"
    monkeypatch.setenv(keys.ENV_STORE, str(tmp_path / "env"))
    assert keys.default_store() == tmp_path / "env"
    keys.create("26506")
    assert (tmp_path / "env" / "26506.key").is_file()


def test_a_store_inside_or_around_an_output_folder_is_refused(tmp_path):
    out = tmp_path / "plan-out"
    out.mkdir()
    (out / "plan.json").write_text("{}")
    with pytest.raises(commdx.ConfigError, match="must not live inside the output folder"):
        keys.create("26506", out / "keys")
    with pytest.raises(commdx.ConfigError, match="contains the output folder"):
        keys.create("26506", tmp_path)
    # a folder about to be written counts even before it looks like an output
    with pytest.raises(commdx.ConfigError, match="must not live inside the output folder"):
        keys.create("26506", tmp_path / "demo-out" / "keys", outputs=(tmp_path / "demo-out",))
    assert not list(tmp_path.rglob("*.key"))
    keys.create("26506", tmp_path / "elsewhere")  # beside the output folder is fine


def test_fingerprint_is_stable_short_and_not_the_key():
    key = bytes(range(32))
    fp = keys.fingerprint(key)
    assert fp == keys.fingerprint(bytes(range(32))) and len(fp) == 19 and fp.count("-") == 3
    assert fp.replace("-", "") not in key.hex() and keys.fingerprint(bytes(range(1, 33))) != fp
    assert fp.replace("-", "") == hashlib.sha256(b"commdx key fingerprint\x00" + key).hexdigest()[:16]


# ---- the command line --------------------------------------------------------------------------

def test_cli_create_list_path_fingerprint_never_print_the_key(tmp_path, capsys):
    store = tmp_path / "k"
    assert main(["keys", "create", "--ward", "26506", "--key-store", str(store)]) == 0
    text = capsys.readouterr().out
    key = keys.load("26506", store)
    assert "Đã tạo khóa ẩn danh cho 26506" in text and str(store / "26506.key") in text
    assert keys.fingerprint(key) in text
    assert main(["keys", "create", "--ward", "26545", "--store", str(store), "--lang", "en"]) == 0
    assert "Created the pseudonym key of 26545" in capsys.readouterr().out
    assert main(["keys", "list", "--store", str(store), "--lang", "en"]) == 0
    listing = capsys.readouterr().out
    assert "26506" in listing and "26545" in listing and listing.count("private") == 2
    assert main(["keys", "path", "--ward", "26506", "--store", str(store)]) == 0
    assert capsys.readouterr().out.strip() == str(store / "26506.key")
    assert main(["keys", "show-fingerprint", "--ward", "26506", "--store", str(store)]) == 0
    shown = capsys.readouterr()
    assert shown.out.strip() == keys.fingerprint(key)
    os.chmod(store / "26545.key", 0o644)
    assert main(["keys", "list", "--store", str(store), "--lang", "en"]) == 0
    listing2 = capsys.readouterr().out
    assert "READABLE BY OTHERS" in listing2
    assert main(["keys", "repair", "--store", str(store), "--lang", "en"]) == 0
    repaired = capsys.readouterr().out
    assert "Permissions fixed" in repaired and mode(store / "26545.key") == 0o600
    for out in (text, listing, shown.out, listing2, repaired):
        assert key.hex() not in out and key.hex().upper() not in out


def test_cli_refusals_are_one_line_with_exit_2(tmp_path, capsys):
    store = tmp_path / "k"
    assert main(["keys", "show-fingerprint", "--ward", "26506", "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "commdx keys create --ward 26506" in err and "chưa có khóa" in err
    assert "Traceback" not in err
    assert main(["keys", "create", "--ward", "26506", "--store", str(store)]) == 0
    capsys.readouterr()
    assert main(["keys", "create", "--ward", "26506", "--store", str(store), "--lang", "en"]) == 2
    assert "already exists" in capsys.readouterr().err
