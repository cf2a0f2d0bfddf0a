"""The pseudonym-reversal attack (issue 11) against the published plan outputs of the example city.

Household ids are sequential (``H<ward>-nnnnnn``, businesses ``B<ward>-nnnnn``), so an attacker who
knows the key can hash every candidate id and read every household off the exported lists. The
old library did exactly that possible with its public default key "commdx". Here the attacker takes
everything ``commdx plan`` writes, enumerates every candidate id of the sequential pattern and
hashes it under the keys one would guess; nothing may resolve. With the ward's real key (which
never leaves the key store) everything resolves, which shows the attack itself is sound."""
from __future__ import annotations

import base64
import hmac
import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import commdx
from commdx import keys
from commdx.cli import main

PSEUDONYM = re.compile(rb"P-[0-9a-f]{20}")
REAL_ID = re.compile(rb"[HB]\d{5}-\d{5,6}")
CITY = "747"
WARD = "26506"  # the extra runs below plan one ward: fewer member sheets to write
# The attacker's range: far beyond any ward of this city (checked below against the real ids).
HOUSEHOLD_NUMBERS, BUSINESS_NUMBERS = 3000, 1000


def plan_args(data: Path, out: Path, start: str, deadline: str, *extra: str) -> list:
    return ["plan", "--households", str(data / "households.csv"), "--businesses", str(data / "businesses.csv"),
            "--roster", str(data / "teams.json"), "--places", str(data / "places.csv"),
            "--from", start, "--until", deadline, "--out", str(out), "--lang", "en", *extra]


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    root = tmp_path_factory.mktemp("privacy")
    data = root / "data"
    commdx.synth.write(data, households=3000, seed=1)
    store = root / "keys"
    keys.create(CITY, store)
    runs = {}
    for month, (start, deadline) in {"2022-07": ("2022-07-21", "2022-08-20"),
                                      "2022-08": ("2022-08-21", "2022-09-20")}.items():
        out = root / f"plan-{month}"
        assert main(plan_args(data, out, start, deadline, "--key-ward", CITY, "--key-store", str(store))) == 0
        runs[month] = out
    return {"root": root, "data": data, "store": store, "key": keys.load(CITY, store), "runs": runs}


def file_bytes(folder: Path):
    """Every file under folder as bytes, and every member of the zip files (XLSX) decompressed,
    since the XML inside an XLSX is compressed."""
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        raw = p.read_bytes()
        yield p, raw
        if zipfile.is_zipfile(io.BytesIO(raw)):
            with zipfile.ZipFile(io.BytesIO(raw)) as z:
                for name in z.namelist():
                    yield p / name, z.read(name)


def published_pseudonyms(folder: Path) -> set:
    return {m for _, b in file_bytes(folder) for m in PSEUDONYM.findall(b)}


def candidates(data: Path) -> list:
    places = pd.read_csv(data / "places.csv", dtype=str)
    wards = places[places["parent"] == CITY]["code"].tolist()
    ids = [(w, f"H{w}-{n:06d}") for w in wards for n in range(HOUSEHOLD_NUMBERS)]
    ids += [(w, f"B{w}-{n:05d}") for w in wards for n in range(BUSINESS_NUMBERS)]
    return ids


def reverse(pseudonyms: set, ids: list, key_of_ward) -> dict:
    """The attack: hash every candidate under the guessed key; return pseudonym -> recovered id."""
    found = {}
    for ward, i in ids:
        p = b"P-" + hmac.digest(key_of_ward(ward), i.encode(), "sha256").hex()[:20].encode()
        if p in pseudonyms:
            found[p] = i
    return found


def test_the_candidate_range_covers_every_real_id(city):
    h = pd.read_csv(city["data"] / "households.csv", dtype=str, usecols=["household_id"])
    b = pd.read_csv(city["data"] / "businesses.csv", dtype=str, usecols=["business_id"])
    assert h["household_id"].str.split("-").str[1].astype(int).max() < HOUSEHOLD_NUMBERS
    assert b["business_id"].str.split("-").str[1].astype(int).max() < BUSINESS_NUMBERS
    real = set(h["household_id"]) | set(b["business_id"])
    assert real <= {i for _, i in candidates(city["data"])}


@pytest.mark.parametrize("guess", ["old public key 'commdx'", "empty key", "the ward's code",
                                   "the city's code", "'secret'", "a key from another store"])
def test_hashing_every_candidate_under_a_guessed_key_recovers_nothing(city, guess):
    pseudonyms = set().union(*(published_pseudonyms(o) for o in city["runs"].values()))
    assert len(pseudonyms) > 1000
    other_store = city["root"] / "other-keys"
    if not (other_store / f"{CITY}.key").exists():
        keys.create(CITY, other_store)
    other_key = keys.load(CITY, other_store)
    key_of = {
        "old public key 'commdx'": lambda w: b"commdx",
        "empty key": lambda w: b"",
        "the ward's code": lambda w: w.encode(),
        "the city's code": lambda w: CITY.encode(),
        "'secret'": lambda w: b"secret",
        "a key from another store": lambda w: other_key,
    }[guess]
    assert reverse(pseudonyms, candidates(city["data"]), key_of) == {}


def test_with_the_wards_key_every_published_pseudonym_resolves(city):
    ids = candidates(city["data"])
    for out in city["runs"].values():
        pseudonyms = published_pseudonyms(out)
        found = reverse(pseudonyms, ids, lambda w: city["key"])
        assert set(found) == pseudonyms
        h = pd.read_csv(city["data"] / "households.csv", dtype=str, usecols=["household_id"])
        b = pd.read_csv(city["data"] / "businesses.csv", dtype=str, usecols=["business_id"])
        assert set(found.values()) <= set(h["household_id"]) | set(b["business_id"])


def test_no_output_file_holds_the_key_or_a_real_id(city):
    key = city["key"]
    forms = [key, key.hex().encode(), key.hex().upper().encode(), base64.b64encode(key),
             base64.urlsafe_b64encode(key)]
    scanned = 0
    for out in city["runs"].values():
        assert not [p for p in out.rglob("*") if p.suffix == ".key" or p.name == ".plan-secret"]
        for where, b in file_bytes(out):
            scanned += 1
            for f in forms:
                assert f not in b, f"the key is in {where}"
            assert not REAL_ID.search(b), f"a real id is in {where}: {REAL_ID.search(b).group()!r}"
    assert scanned > 50  # CSV, JSON and the members' XLSX sheets (with their XML parts)


def test_the_same_household_keeps_its_pseudonym_across_months(city):
    # visits.csv lists every household and business with work to do, scheduled this month or not
    lists = {m: pd.read_csv(o / "visits.csv", dtype=str) for m, o in city["runs"].items()}
    first, second = (set(v["unit_id"]) for v in lists.values())
    assert len(first) > 1000 and first == second
    # and pseudonym -> id is the same mapping in both months (the ward's key reverses both alike)
    ids = candidates(city["data"])
    maps = [reverse({p.encode() for p in s}, ids, lambda w: city["key"]) for s in (first, second)]
    assert maps[0] == maps[1]


def test_another_key_gives_unrelated_pseudonyms(city, tmp_path):
    store = tmp_path / "keys"
    keys.create(CITY, store)
    out = tmp_path / "plan"
    assert main(plan_args(city["data"], out, "2022-07-21", "2022-08-20", "--ward", WARD, "--key-ward", CITY,
                          "--key-store", str(store))) == 0
    mine = published_pseudonyms(out)
    assert len(mine) > 50 and mine.isdisjoint(published_pseudonyms(city["runs"]["2022-07"]))


def test_plan_without_a_key_is_refused_and_says_how_to_make_one(city, tmp_path, capsys):
    out = tmp_path / "plan"
    assert main(plan_args(city["data"], out, "2022-07-21", "2022-08-20", "--key-store", str(tmp_path / "none"))) == 2
    err = capsys.readouterr().err
    assert "commdx keys create --ward CODE" in err and "Traceback" not in err and err.count("\n") == 1
    assert not out.exists()
    assert main(plan_args(city["data"], out, "2022-07-21", "2022-08-20", "--ward", "26506",
                          "--key-store", str(tmp_path / "none"))) == 2
    assert "commdx keys create --ward 26506" in capsys.readouterr().err
    households = pd.read_csv(city["data"] / "households.csv", dtype=str, nrows=300)
    roster = commdx.synth.city(households=3000, seed=1).roster
    with pytest.raises(commdx.ConfigError, match="commdx keys create"):
        commdx.plan_outreach(households, roster, "2022-07-21", "2022-08-20")
    with pytest.raises(commdx.ConfigError, match="key must be bytes"):
        commdx.plan_outreach(households, roster, "2022-07-21", "2022-08-20", key="commdx")
    with pytest.raises(commdx.ConfigError, match="at least 16"):
        commdx.plan_outreach(households, roster, "2022-07-21", "2022-08-20", key=b"commdx")


def test_a_key_file_inside_the_output_folder_is_refused(city, tmp_path, capsys):
    out = tmp_path / "plan"
    out.mkdir()
    inside = out / "747.key"
    inside.write_bytes((city["store"] / f"{CITY}.key").read_bytes())
    inside.chmod(0o600)
    assert main(plan_args(city["data"], out, "2022-07-21", "2022-08-20", "--key-file", str(inside))) == 2
    assert "must not live inside the output folder" in capsys.readouterr().err
    assert not (out / "plan.json").exists()
    # an output folder inside the key store is refused too
    assert main(plan_args(city["data"], city["store"] / "plan", "2022-07-21", "2022-08-20", "--key-ward", CITY,
                          "--key-store", str(city["store"]))) == 2
    assert "inside the key store" in capsys.readouterr().err
    assert sorted(p.name for p in city["store"].iterdir()) == [f"{CITY}.key"]


def test_an_old_runs_key_in_the_output_folder_is_removed_and_said(city, tmp_path, capsys):
    out = tmp_path / "plan"
    out.mkdir()
    (out / ".plan-secret").write_text("0123456789abcdef0123456789abcdef\n")
    assert main(plan_args(city["data"], out, "2022-07-21", "2022-08-20", "--ward", WARD, "--key-file",
                          str(city["store"] / f"{CITY}.key"))) == 0
    err = capsys.readouterr().err
    assert f"removed {out / '.plan-secret'}" in err and "leaked" in err
    assert not (out / ".plan-secret").exists()
    # the key file gives the same pseudonyms as the store lookup of the city-wide run
    mine = published_pseudonyms(out)
    assert len(mine) > 50 and mine <= published_pseudonyms(city["runs"]["2022-07"])


def test_with_names_needs_no_key_and_shows_real_ids(city, tmp_path):
    out = tmp_path / "plan"
    assert main(plan_args(city["data"], out, "2022-07-21", "2022-08-20", "--with-names", "--ward", WARD,
                          "--key-store", str(tmp_path / "none"))) == 0
    assert not published_pseudonyms(out)
    v = pd.read_csv(out / "visits.csv", dtype=str)
    assert v["unit_id"].str.match(r"^[HB]\d{5}-\d+$").all()


def test_the_demo_refuses_a_key_store_inside_its_output_folder_before_doing_anything(tmp_path, capsys):
    out = tmp_path / "demo-out"
    assert main(["demo", "--out", str(out), "--households", "500", "--key-store", str(out / "keys")]) == 2
    err = capsys.readouterr().err
    assert "không để khóa trong thư mục kết quả" in err and "Traceback" not in err
    assert not out.exists()
