"""Issue 15: the member sheets a team takes to the door, filled in and read back as the visit log,
and the next week's plan made from them (`commdx plan update --returned`), on the example city's
own files. The filling-in is simulated with openpyxl, as a member's spreadsheet program would
save it; every expected count comes from what the simulation wrote, never from the reader."""
from __future__ import annotations

import datetime as dt
import json
import zipfile

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

import commdx
from commdx.cli import main

WARD = "26506"  # Phường 1
OUTCOME_WORDS = {"adopted": "Đã sử dụng được", "declined": "Từ chối", "not_home": "Vắng nhà"}


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    d = tmp_path_factory.mktemp("synth")
    assert main(["synth", "--out", str(d), "--households", "4000", "--seed", "3", "--lang", "en"]) == 0
    store = d.parent / (d.name + "-keys")
    commdx.keys.create(WARD, store)
    return d, store


def _plan(city, out, *extra):
    d, store = city
    return main(["plan", *extra, "--households", str(d / "households.csv"), "--roster", str(d / "teams.json"),
                 "--ward", WARD, "--key-store", str(store), "--out", str(out)])


def _fill(folder, seed=7):
    """Fill week 1 of every member sheet: per action line x and an outcome (or nothing), as a
    member would; returns what was written (pseudonym, action, outcome word) per line."""
    rng = np.random.default_rng(seed)
    written = []
    for path in sorted(folder.glob("*.xlsx")):
        wb = load_workbook(path)
        ws = wb["Tuần 1"] if "Tuần 1" in wb.sheetnames else None
        if ws is None:
            continue
        header = [c.value for c in ws[7]]
        col = {name: header.index(name) + 1 for name in ("Mã hộ / cơ sở", "Mã việc", "Đã làm (x)", "Kết quả")}
        unit = None
        for r in range(8, ws.max_row + 1):
            unit = ws.cell(r, col["Mã hộ / cơ sở"]).value or unit
            action = ws.cell(r, col["Mã việc"]).value
            if action is None:
                continue
            u = rng.random()
            outcome = "adopted" if u < 0.5 else "declined" if u < 0.7 else "not_home" if u < 0.8 else None
            if outcome is None:
                continue
            ws.cell(r, col["Đã làm (x)"]).value = "x"
            ws.cell(r, col["Kết quả"]).value = OUTCOME_WORDS[outcome]
            written.append((unit, action, outcome))
        wb.save(path)
    return written


def test_sheets_filled_in_read_back_and_the_next_weeks_plan(city, tmp_path, capsys):
    d, store = city
    first = tmp_path / "plan-week1"
    assert _plan(city, first) == 0
    sheets = sorted((first / "members").glob("*.xlsx"))
    plan1 = json.loads((first / "plan.json").read_text(encoding="utf-8"))
    visits1 = pd.DataFrame(plan1["visits"])
    scheduled = visits1[visits1["status"] == "scheduled"]
    # one workbook per member with visits, none for a member without
    assert {p.stem for p in sheets} == set(scheduled["member_id"])
    # the printed layout: A4 landscape, the header row repeated, a date cell, a rank, one line per action
    wb = load_workbook(sheets[0])
    ws = wb.worksheets[0]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$7:$7"
    assert ws.cell(1, 1).value.startswith("PHIẾU ĐI THĂM HỘ — TUẦN 1 (")
    assert isinstance(ws.cell(8, 2).value, dt.datetime) and ws.cell(8, 2).number_format == "dd/mm/yyyy"
    assert wb["_commdx"].sheet_state == "hidden"
    mine = scheduled[scheduled["member_id"] == sheets[0].stem]
    lines = sum(wb[s].max_row - 7 for s in wb.sheetnames if s != "_commdx")
    assert lines == mine["actions"].str.count(";").sum() + len(mine)
    # pseudonyms only in the shared folder: no household id of the ward in any sheet
    for p in sheets:
        with zipfile.ZipFile(p) as z:
            assert not any(f"H{WARD}-" in z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))

    written = _fill(first / "members")
    assert len(written) > 50
    log_out = tmp_path / "ward-data" / "nhat-ky.csv"
    log_out.parent.mkdir()
    second = tmp_path / "plan-week2"
    capsys.readouterr()
    rc = main(["plan", "update", "--returned", str(first / "members"), "--log-out", str(log_out),
               "--households", str(d / "households.csv"), "--roster", str(d / "teams.json"), "--ward", WARD,
               "--key-store", str(store), "--out", str(second)])
    out = capsys.readouterr()
    assert rc == 0, out.err
    assert f"Đã đọc {len(written)} việc" in out.out
    log = pd.read_csv(log_out, dtype=str, encoding="utf-8-sig")
    key = commdx.keys.load(WARD, store)
    real = {commdx._core._plan_pseudonym(key, h): h
            for h in pd.read_csv(d / "households.csv", dtype=str)["household_id"]}
    expected = sorted((real[u], a, o) for u, a, o in written)
    assert sorted(zip(log["household_id"], log["action"], log["outcome"])) == expected
    # the next plan starts the week after week 1 and ends when the first did
    plan2 = json.loads((second / "plan.json").read_text(encoding="utf-8"))
    start1 = dt.date.fromisoformat(plan1["start"])
    assert plan2["start"] == (start1 + dt.timedelta(days=7)).isoformat()
    assert plan2["deadline"] == plan1["deadline"]
    # what was adopted is not offered again; the success rates learned what the sheets say
    adopted = {(u, a) for u, a, o in written if o == "adopted"}
    visits2 = pd.DataFrame(plan2["visits"])
    offered = {(u, a) for u, acts in zip(visits2["unit_id"], visits2["eligible_actions"]) for a in acts.split(";")}
    assert adopted and not (adopted & offered)
    post = pd.DataFrame(plan2["posteriors"])
    assert post["successes"].sum() == len(adopted)
    assert post["failures"].sum() == sum(o == "declined" for _, _, o in written)


def test_named_sheets_on_the_wards_machine_and_their_read_back(city, tmp_path):
    d, store = city
    plan_dir = tmp_path / "plan"
    assert _plan(city, plan_dir) == 0
    register = pd.read_csv(d / "households.csv", dtype=str)
    register["head_name"] = [f"Nguyễn Văn {i}" for i in range(len(register))]
    register["address"] = [f"{i % 90 + 1} đường Trần Phú" for i in range(len(register))]
    reg_path = tmp_path / "ward-data" / "ho-co-ten.csv"
    reg_path.parent.mkdir()
    register.to_csv(reg_path, index=False)
    # never inside the shared plan folder
    assert main(["plan", "sheets", "--plan", str(plan_dir), "--households", str(reg_path), "--key-ward", WARD,
                 "--key-store", str(store), "--out", str(plan_dir / "co-ten")]) == 2
    named = tmp_path / "ward-data" / "phieu"
    assert main(["plan", "sheets", "--plan", str(plan_dir), "--households", str(reg_path), "--key-ward", WARD,
                 "--key-store", str(store), "--out", str(named)]) == 0
    path = sorted(named.glob("*.xlsx"))[0]
    ws = load_workbook(path).worksheets[0]
    header = [c.value for c in ws[7]]
    hid, name = ws.cell(8, header.index("Mã hộ / cơ sở") + 1).value, ws.cell(8, header.index("Chủ hộ / tên") + 1).value
    assert hid.startswith(f"H{WARD}-")
    assert name == register.set_index("household_id").loc[hid, "head_name"]
    # a named sheet reads back without the key: its ids are the ward's own
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    ws.cell(8, header.index("Kết quả") + 1).value = "Đã hướng dẫn"
    wb.save(path)
    from commdx.plan_sheets import read_returned_sheets

    log = read_returned_sheets([path])
    assert log.loc[0, "household_id"] == hid and log.loc[0, "outcome"] == "informed"


def test_a_wrong_outcome_or_another_key_is_refused_naming_the_cell(city, tmp_path, capsys):
    d, store = city
    plan_dir = tmp_path / "plan"
    assert _plan(city, plan_dir) == 0
    path = sorted((plan_dir / "members").glob("*.xlsx"))[0]
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[7]]
    ws.cell(9, header.index("Kết quả") + 1).value = "có lẽ"
    wb.save(path)
    capsys.readouterr()
    rc = main(["plan", "update", "--returned", str(path), "--log-out", str(tmp_path / "log.csv"),
               "--households", str(d / "households.csv"), "--roster", str(d / "teams.json"), "--ward", WARD,
               "--key-store", str(store), "--out", str(tmp_path / "next")])
    err = capsys.readouterr().err
    assert rc == 2
    assert f"{path}, sheet '{ws.title}', row 9, column 'Kết quả': 'có lẽ'" in err
    assert not (tmp_path / "next").exists() and not (tmp_path / "log.csv").exists()
    # pseudonyms under another ward's key cannot be turned back: said, not guessed
    ws.cell(9, header.index("Kết quả") + 1).value = "Từ chối"
    wb.save(path)
    other = tmp_path / "other-keys"
    commdx.keys.create(WARD, other)
    from commdx.plan_sheets import read_returned_sheets

    with pytest.raises(commdx.InputError, match="under the key"):
        read_returned_sheets([path], key=commdx.keys.load(WARD, other),
                             register=pd.read_csv(d / "households.csv", dtype=str))


def test_a_damaged_sheet_is_refused_naming_the_cell_and_mixed_plans_are_not_read_as_one(city, tmp_path):
    """Each refusal of the read-back names where: a date cell that is no date, an action id the
    campaign catalogue lacks, a workbook commdx did not write, and sheets of two plans (periods)."""
    from commdx.plan import campaign_catalogue
    from commdx.plan_sheets import read_returned_sheets

    d, store = city
    key = commdx.keys.load(WARD, store)
    register = pd.read_csv(d / "households.csv", dtype=str)
    plan_dir = tmp_path / "plan"
    assert _plan(city, plan_dir) == 0
    sheets = sorted((plan_dir / "members").glob("*.xlsx"))
    path = sheets[0]
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[7]]
    col = {name: header.index(name) + 1 for name in ("Ngày", "Mã việc", "Kết quả")}
    ws.cell(8, col["Kết quả"]).value = "Từ chối"
    wb.save(path)
    log = read_returned_sheets([path], key=key, register=register, catalogue=campaign_catalogue())
    assert len(log) == 1 and log.loc[0, "outcome"] == "declined"
    start, until = log.attrs["period"]
    assert start < until

    ws.cell(8, col["Ngày"]).value = "thứ hai"
    wb.save(path)
    with pytest.raises(commdx.InputError, match=f"sheet '{ws.title}', row 8, column 'Ngày': 'thứ hai': not a date"):
        read_returned_sheets([path], key=key, register=register)

    wb = load_workbook(path)
    ws = wb.worksheets[0]
    ws.cell(8, col["Ngày"]).value = dt.date.fromisoformat(start)
    ws.cell(8, col["Mã việc"]).value = "mo_tai_khoan_ao"
    wb.save(path)
    with pytest.raises(commdx.InputError,
                       match=f"row 8, column 'Mã việc': unknown action 'mo_tai_khoan_ao' .not in the campaign catalogue"):
        read_returned_sheets([path], key=key, register=register, catalogue=campaign_catalogue())

    other = tmp_path / "khac.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(other, index=False)
    with pytest.raises(commdx.InputError, match="khac.xlsx: not a commdx member sheet"):
        read_returned_sheets([other])
    text = tmp_path / "hong.xlsx"
    text.write_text("không phải XLSX")
    with pytest.raises(commdx.InputError, match="hong.xlsx: not a readable XLSX workbook"):
        read_returned_sheets([text])

    # a second plan with another period: its sheets do not belong with the first plan's
    later = tmp_path / "plan-later"
    assert _plan(city, later, "--from", (dt.date.fromisoformat(start) + dt.timedelta(days=7)).isoformat()) == 0
    second = sorted((later / "members").glob("*.xlsx"))[0]
    with pytest.raises(commdx.InputError, match="a sheet of the plan .* beside .* of the plan"):
        read_returned_sheets([sheets[1], second], key=key, register=register)
