"""Writes the hand-designed roster fixtures of tests/data/teams (run once; the outputs are committed).

compliant.*: every team of places.csv meets every rule of team-rules.json, decided by 2022-07-20.
seeded.*:    the compliant roster with exactly one violation of each rule, each described beside
             the change below; tests/cpp/test_teams.cpp and tests/python/test_teams.py list the
             expected (rule, team, unit) findings by hand from these descriptions.
"""
import copy
import csv
import json
import pathlib

HERE = pathlib.Path(__file__).parent
counter = {}


def m(team, role, aff, skills=("it",), hours=4, phone=None, name=None):
    counter[team] = counter.get(team, 0) + 1
    k = counter[team]
    return {"id": f"M-{team[2:]}-{k:02d}", "name": name or f"Thành viên {k} {team[2:]}", "role": role,
            "affiliation": aff, "skills": list(skills), "weekly_hours": hours, "phone": phone}


def ward_team(unit, ward_name, number, date):
    tid = f"T-{unit}"
    return {"id": tid, "level": "ward", "unit": unit, "decided_by": f"UBND {ward_name}",
            "decision_number": number, "decision_date": date, "members": [
                m(tid, "leader", "pc_vice_chairman", ("it", "smartphone"), 2, "0901234567", "Nguyễn Văn An"),
                m(tid, "deputy", "youth_union_secretary", ("it",), 6, "0912345678", "Trần Thị Bình"),
                m(tid, "member", "fatherland_front", ("smartphone",), 3),
                m(tid, "member", "womens_union", ("smartphone",), 3, None, "Lê Thị Đào"),
                m(tid, "member", "youth_union_member", ("it",), 8),
                m(tid, "member", "youth_union_member", ("it", "smartphone"), 8),
                m(tid, "member", "youth_union_member", ("it",), 10)]}


def nb_team(unit, decided_by, number, date):
    tid = f"T-{unit}"
    return {"id": tid, "level": "neighbourhood", "unit": unit, "decided_by": decided_by,
            "decision_number": number, "decision_date": date, "members": [
                m(tid, "leader", "executive_board", ("smartphone",), 4),
                m(tid, "deputy", "youth_union_secretary", ("it", "smartphone"), 6),
                m(tid, "member", "youth_union_member", ("smartphone",), 8),
                m(tid, "member", "youth_union_member", ("smartphone", "it"), 8),
                m(tid, "member", "youth_union_member", ("it",), 8),
                m(tid, "member", "bank_staff", ("it", "smartphone"), 2),
                m(tid, "member", "group_leader", (), 3)]}


def group_team(unit, decided_by, number, date):
    tid = f"T-{unit}"
    return {"id": tid, "level": "residential_group", "unit": unit, "decided_by": decided_by,
            "decision_number": number, "decision_date": date, "members": [
                m(tid, "leader", "group_leader", ("smartphone",), 3),
                m(tid, "member", "youth_union_member", ("smartphone",), 5)]}


P1, P2, LS = "UBND Phường 1", "UBND Phường 2", "UBND xã Long Sơn"
compliant = {"teams": [
    ward_team("26506", "Phường 1", "45/QĐ-UBND", "2022-07-01"),
    ward_team("26509", "Phường 2", "31/QĐ-UBND", "2022-07-04"),
    ward_team("26545", "xã Long Sơn", "52/QĐ-UBND", "2022-07-02"),
    nb_team("26506-KP1", P1, "46/QĐ-UBND", "2022-07-05"),
    nb_team("26506-KP2", P1, "47/QĐ-UBND", "2022-07-05"),
    nb_team("26506-KP3", P1, "48/QĐ-UBND", "2022-07-20"),  # on the deadline day: on time
    nb_team("26545-TH1", LS, "53/QĐ-UBND", "2022-07-08"),
    nb_team("26545-TH2", LS, "54/QĐ-UBND", "2022-07-08"),
    nb_team("26545-TH3", LS, "55/QĐ-UBND", "2022-07-15"),
    group_team("26506-KP1-T1", P1, "60/QĐ-UBND", "2022-08-01"),
    group_team("26545-TH1-T1", LS, "61/QĐ-UBND", "2022-08-03"),
]}

seeded = copy.deepcopy(compliant)
T = {t["id"]: t for t in seeded["teams"]}
# T1.leader_it: Phường 1's leader (a PC vice-chairman) has no IT skill.
T["T-26506"]["members"][0]["skills"] = ["smartphone"]
# T1.womens_union: Phường 1's Women's Union representative becomes "other".
T["T-26506"]["members"][3]["affiliation"] = "other"
# T1.fatherland_front: Phường 2 has no Fatherland Front representative (becomes Youth Union member without IT).
T["T-26509"]["members"][2]["affiliation"] = "youth_union_member"
# T1.youth_union_it: Phường 2's third IT-skilled Youth Union member has only a smartphone.
T["T-26509"]["members"][6]["skills"] = ["smartphone"]
# T1.leader: Long Sơn's leader is a Fatherland Front cadre (with IT) instead of a PC vice-chairman.
T["T-26545"]["members"][0]["affiliation"] = "fatherland_front"
# T1.deputy: Long Sơn's deputy is a Youth Union member, not the secretary (still IT-skilled).
T["T-26545"]["members"][1]["affiliation"] = "youth_union_member"
# T3.executive_board: Khu phố 1's leader is "other".
T["T-26506-KP1"]["members"][0]["affiliation"] = "other"
# T3.youth_union_secretary: Khu phố 2's deputy is "other".
T["T-26506-KP2"]["members"][1]["affiliation"] = "other"
# T3.youth_union_members and T5.late: Khu phố 3 has two skilled Youth Union members (the third has
# no skills) and was decided on 2022-07-21, a day late.
T["T-26506-KP3"]["members"][4]["skills"] = []
T["T-26506-KP3"]["decision_date"] = "2022-07-21"
# T3.bank_staff: Thôn 1 has no bank staff (becomes "other").
T["T-26545-TH1"]["members"][5]["affiliation"] = "other"
# T3.group_leaders: Thôn 2 has no residential-group leader (becomes "other").
T["T-26545-TH2"]["members"][6]["affiliation"] = "other"
# T5.missing: Thôn 3 has no team.
seeded["teams"].remove(T["T-26545-TH3"])
# team.one_leader: the group team of Khu phố 1, Tổ 1 has its leader listed as a member.
T["T-26506-KP1-T1"]["members"][0]["role"] = "member"
# team.decision: the group team of Thôn 1, Tổ 1 has no decision number.
T["T-26545-TH1-T1"]["decision_number"] = ""
# team.unit_level: a residential-group team filed against Khu phố 2 (a neighbourhood).
extra = group_team("26506-KP2", P1, "62/QĐ-UBND", "2022-08-05")
extra["id"] = "T-26506-KP2-G"
for k, x in enumerate(extra["members"], 1):
    x["id"] = f"M-26506-KP2-G-{k:02d}"
seeded["teams"].append(extra)

COLUMNS = ["team_id", "level", "unit", "decided_by", "decision_number", "decision_date", "member_id",
           "name", "role", "affiliation", "skills", "weekly_hours", "phone"]


def write(name, roster):
    (HERE / f"{name}.json").write_text(json.dumps(roster, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    with open(HERE / f"{name}.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        for t in roster["teams"]:
            for x in t["members"]:
                w.writerow([t["id"], t["level"], t["unit"], t["decided_by"], t["decision_number"],
                            t["decision_date"], x["id"], x["name"], x["role"], x["affiliation"],
                            " ".join(x["skills"]), x["weekly_hours"], x["phone"] or ""])


write("compliant", compliant)
write("seeded", seeded)
