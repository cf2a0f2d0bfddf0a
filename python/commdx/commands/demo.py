"""``commdx demo [--out DIR] [--households N] [--seed S] [--places P] [--start D] [--targets T] [--lang vi|en]``: the README's main job,
the whole pipeline on the example city.

1. generate the example city (``commdx.synth``) and write its files, as a city would have them;
2. check the teams (T1/T3 composition, T5 coverage);
3. field the household survey through the library's chain (size, select from the household list,
   "interview" the synthetic city, calibrate: ``survey/``, docs/selection.md) and estimate the
   indicators of the baseline and the follow-up round at every level from it, with errors;
4. score the wards on adoption and readiness;
5. class the wards central or remote, and the access segments of remote areas;
6. plan the outreach (visit lists, one XLSX sheet per member);
7. write the month's report for the city and for each ward (JSON, Markdown, HTML, XLSX, DOCX, PDF).

The steps' progress is on stderr (``commdx.progress.Steps``, tqdm): on a terminal a bar for the steps
and one for the member sheets and the reports inside the two slowest steps; in a pipe or a CI log one
plain line per step and per such loop, ``[6/7] planning the outreach``. A stage that is not
available, or that refuses its input, is reported by name at the end and the demo goes on with the
others: nothing is faked. Exit status 0 when every step ran, 1 when some could not, 2 on bad usage.
"""
from __future__ import annotations

import argparse
import time
import traceback
from pathlib import Path
from typing import Any, Callable

from ..cli import option_date
from ..progress import Steps


def add_parser(subparsers: "argparse._SubParsersAction") -> None:
    p = subparsers.add_parser(
        "demo",
        help="chạy toàn bộ quy trình trên thành phố mẫu / run the whole pipeline on the example city",
        description=(
            "Tạo thành phố mẫu, kiểm tra tổ, ước lượng chỉ tiêu, chấm điểm, xếp loại, lập kế hoạch và viết báo cáo "
            "tháng. Generates the example city, checks the teams, estimates the indicators, scores, classifies, "
            "plans and writes a month's report."
        ),
    )
    p.add_argument("--out", default="demo-out", help="thư mục kết quả (mặc định: demo-out) / output folder")
    p.add_argument("--households", type=int, default=None,
                   help="số hộ của thành phố mẫu (mặc định: cả thành phố, ~132.000) / households of the example "
                        "city (default: the whole city, ~132,000)")
    p.add_argument("--seed", type=int, default=1, help="hạt giống ngẫu nhiên (mặc định 1) / random seed")
    from ..places import add_places_argument

    add_places_argument(p, "thành phố mẫu Vũng Tàu 2022; có cây đơn vị thì dữ liệu mẫu được tạo trên đó",
                        "the built-in Vũng Tàu of 2022; given, the example data are generated on that tree")
    p.add_argument("--start", metavar="YYYY-MM-DD", default=None, type=option_date,
                   help="ngày đầu của chiến dịch như commdx synth --start: quyết định thành lập tổ, hạn, lượt đến hộ, "
                        "hai vòng khảo sát và kỳ kế hoạch theo đó (mặc định: lịch năm 2022 của chỉ thị) / first day "
                        "of the campaign, as commdx synth --start: team decisions, deadline, visits, the two survey "
                        "rounds and the plan's period follow it (default: the directive's 2022 calendar)")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ (mặc định: vi) / language")
    p.add_argument("--month", help="tháng báo cáo YYYY-MM (mặc định: tháng của vòng khảo sát lặp lại) / report month "
                                    "(default: the follow-up round's)")
    from ..targets import add_targets_argument

    add_targets_argument(p)
    p.add_argument("--key-store", help="kho khóa ẩn danh, ngoài --out (mặc định $COMMDX_KEY_STORE hoặc "
                                       "~/.config/commdx/keys) / pseudonym key store, outside --out")
    p.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..io.output import atomic_directory

    # the demo folder is one atomic output: built in a temporary sibling, swapped in with its
    # manifest.json when every step has run (an interrupted demo leaves the previous one)
    final = Path(args.out)
    _key_store_outside(args, final)  # refused now (exit 2), before the city is generated or a folder made
    from ..targets import read_targets

    # a targets file is read now too: a bad one is bad usage (exit 2), not a stage that failed
    targets = read_targets(args.targets, lang=args.lang) if getattr(args, "targets", None) else None
    with atomic_directory(final, command=getattr(args, "argv", None),
                          inputs=(targets.path if targets else None,)) as out:
        return _run(args, out, final, targets)


def _run(args: argparse.Namespace, out: Path, final: Path, targets: Any = None) -> int:
    vi = args.lang == "vi"
    state: dict[str, Any] = {"lang": args.lang, "targets": targets}
    problems: list[str] = []
    outputs: list[tuple[str, Path]] = []
    steps: list[tuple[str, str, Callable[[], None]]] = [
        ("synth", "tạo thành phố mẫu" if vi else "generating the example city", lambda: _synth(args, out, state, outputs)),
        ("teams", "kiểm tra tổ công nghệ số" if vi else "checking the teams", lambda: _teams(out, state, outputs)),
        ("indicators", "ước lượng chỉ tiêu" if vi else "estimating the indicators", lambda: _indicators(args, out, state, outputs)),
        ("scores", "chấm điểm" if vi else "scoring", lambda: _scores(out, state, outputs)),
        ("classify", "xếp loại trung tâm / xa" if vi else "classifying areas", lambda: _classify(out, state, outputs, args.lang)),
        ("plan", "lập kế hoạch đến hộ" if vi else "planning the outreach", lambda: _plan(args, out, state, outputs)),
        ("report", "viết báo cáo tháng" if vi else "writing the monthly reports", lambda: _report(args, out, state, outputs, problems)),
    ]
    start = time.perf_counter()
    bar = state["progress"] = Steps(len(steps))
    try:
        for name, label, fn in steps:
            bar.begin(label)
            if name != "synth" and "files" not in state:
                problems.append(f"{name}: skipped, the example city could not be generated")
                bar.end()
                continue
            try:
                fn()
            except OSError:  # a full disk or an unwritable folder is not a stage refusing its input: stop
                raise
            except Exception as exc:  # a stage refusing its input: report it by name, keep going
                problems.append(f"{name}: failed: {type(exc).__name__}: {exc}")
                if getattr(args, "debug", False):
                    traceback.print_exc()
            bar.end()
    finally:  # also on Ctrl+C or a full disk: the bars' line ends before the CLI's one-line message
        bar.close()
    total = time.perf_counter() - start
    print(("Kết quả trong " if vi else "Outputs in ") + f"{final.resolve()} ({total:.0f} s):")
    for label, path in outputs:
        print(f"  {label}: {final / Path(path).relative_to(out)}")
    if "key_path" in state:
        print((("Khóa ẩn danh của thành phố mẫu ({unit}), {how}, cất ngoài thư mục kết quả: {path} (dấu vân tay {fp})")
               if vi else ("Pseudonym key of the example city ({unit}), {how}, kept outside the outputs: {path} "
                           "(fingerprint {fp})")).format(**state["key_path"]))
    if problems:
        print("Chưa làm được:" if vi else "Not done:")
        for p in problems:
            print(f"  - {p}")
        return 1
    return 0


# ---- steps -----------------------------------------------------------------------------------

def _read(path: Path) -> Any:
    import pandas as pd

    text = {c: str for c in ("household_id", "business_id", "ward_code", "neighbourhood_code", "group_code",
                             "stratum", "psu", "member_id", "action", "outcome", "process", "date", "type",
                             "electricity_payment_method")}
    return pd.read_csv(path, dtype=text, keep_default_na=False, na_values=[""])


def _synth(args: argparse.Namespace, out: Path, state: dict[str, Any], outputs: list) -> None:
    from .. import synth
    from ..places import Places

    data = out / "data"
    kwargs: dict[str, Any] = {"seed": args.seed}
    if args.households:
        kwargs["households"] = args.households
    if getattr(args, "places", None):
        from ..places import places_from_option

        kwargs["places"] = places_from_option(args.places)
    synth.write(data, start=getattr(args, "start", None), **kwargs)
    state["synth"] = {**kwargs, "start": getattr(args, "start", None)}  # the survey's population is this city
    state["data"] = data
    state["calendar"] = synth.folder_calendar(data)  # the dates every later step runs on
    state["places"] = Places.from_file(str(data / "places.csv"))
    from ..io.json import read_json

    state["roster"] = read_json(data / "teams.json")
    files = {}
    for name in ("households", "sample_households", "followup_households", "visits", "manual_processes", "businesses"):
        p = data / f"{name}.csv"
        if p.exists():
            files[name] = _read(p)
    state["files"] = files
    outputs.append(("data (synth)", data))


def _teams(out: Path, state: dict[str, Any], outputs: list) -> None:
    from ..teams import check_teams, team_coverage

    d = out / "teams"
    d.mkdir(exist_ok=True)
    deadline = state["calendar"]["deadline"]
    findings = check_teams(state["roster"], state["places"], deadline=deadline)
    findings.to_csv(d / "findings.csv", index=False)
    cov = team_coverage(state["roster"], state["places"], deadline)
    cov.neighbourhoods.to_csv(d / "coverage-neighbourhoods.csv", index=False)
    cov.wards.to_csv(d / "coverage-wards.csv", index=False)
    outputs.append(("teams", d))


def _indicators(args: argparse.Namespace, out: Path, state: dict[str, Any], outputs: list) -> None:
    from ..indicators import indicators
    from ..render.tables import CSV_ENCODING, write_xlsx_tables

    rounds = _field_survey(args, out, state, outputs)
    state["calibration"] = tuple(cal for _, cal in rounds)  # the report's change tests carry it
    d = out / "indicators"
    d.mkdir(exist_ok=True)
    files = state["files"]
    biz = files.get("businesses")
    days = _survey_days(state["calendar"])
    tables = []
    for (sample, cal), day in zip(rounds, days):
        # the households under the calibrated design; the businesses (a full count, their own
        # design columns) as before: a calibrated design carries the households' rows only
        hh = indicators(sample, state["places"], cal, as_of=day, targets=state.get("targets"))
        if biz is not None:
            both = indicators(sample, state["places"], businesses=biz, as_of=day, targets=state.get("targets"))
            hh = _with_business_rows(hh, both)
        tables.append(hh)
    base, now = tables
    base.to_csv(d / "indicators-baseline.csv", index=False, encoding=CSV_ENCODING)
    now.to_csv(d / "indicators-followup.csv", index=False, encoding=CSV_ENCODING)
    state["estimates"], state["estimates_now"] = base, now
    vi = state.get("lang", "vi") == "vi"
    sheets = {"Đầu kỳ" if vi else "Baseline": base[base["level"].isin(["city", "ward"])],
              "Vòng lặp lại" if vi else "Follow-up": now[now["level"].isin(["city", "ward"])]}
    write_xlsx_tables(d / "indicators.xlsx", sheets, "vi" if vi else "en")
    outputs.append(("indicators (CSV, XLSX)", d))


def _with_business_rows(households: Any, both: Any) -> Any:
    """The household indicators' rows of ``households`` and the business indicators' rows of
    ``both``, in ``both``'s row order."""
    import pandas as pd

    key = ["indicator", "level", "unit"]
    order = both[key].assign(_order=range(len(both)))
    business = both[~both["indicator"].isin(set(households["indicator"]))]
    rows = pd.concat([households, business], ignore_index=True).merge(order, on=key, how="left", validate="one_to_one")
    return rows.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)[list(both.columns)]


def _field_survey(args: argparse.Namespace, out: Path, state: dict[str, Any], outputs: list) -> list:
    """The demo's household survey, fielded through the library's chain (issue 14) instead of
    synth's ready-made sample: sized per ward by ``commdx.sample_size`` and ``commdx.allocate``
    from ``survey-design.json`` (the commune's choices), selected from the team's household list
    (``households.csv``) by ``commdx.select_sample`` seeded with the demo's seed, "interviewed" (the
    selected households' answers taken from the synthetic city, before and after the outreach;
    synth models no non-response, so every selected household answers: no reserves), calibrated by
    ``commdx.calibrate`` to the households and residents of every ward in the list. Writes
    ``survey/``: the size and allocation, the groups, the sample file (pseudonyms of the city's key,
    design and calibrated weights of both rounds) and one visit list per drawn group. Returns
    ``[(baseline, calibrated design), (follow-up, calibrated design)]``; the two rounds (the same
    households, a panel) replace synth's in ``state["files"]`` for the steps after, with the
    calibrated weights as their ``weight``."""
    import math

    import commdx

    from .. import _core
    from ..io.json import shipped_json
    from ..render.tables import CSV_ENCODING
    from .survey_select import TEXT, shown_tables, write_visit_lists

    cfg = shipped_json("survey-design.json")
    files = state["files"]
    population = files["households"]
    wards = population.groupby("ward_code", sort=False).agg(population=("household_id", "size"),
                                                            groups=("group_code", "nunique")).reset_index()
    size = commdx.sample_size(wards.rename(columns={"ward_code": "domain"})[["domain", "population"]], p=cfg["p"],
                              margin=cfg["margin"], confidence=cfg["confidence"], deff=cfg["deff"],
                              response_rate=cfg["response_rate"])
    a = cfg["allocation"]
    alloc = commdx.allocate(wards.rename(columns={"ward_code": "stratum"})[["stratum", "population"]],
                            n=int(size["n"].sum()), method=a["method"], power=a["power"], minimum=a["minimum"])
    # households to groups at the ward's mean group size, every household of a drawn group taken
    alloc["groups"] = [min(g, math.ceil(n * g / N)) for n, g, N in zip(alloc["n"], wards["groups"], wards["population"])]
    sel = commdx.select_sample(population, n=dict(zip(alloc["stratum"].astype(str), alloc["groups"])), m=0,
                               seed=args.seed, method=cfg["selection_method"])
    # the interview: the answers of the selected households, before and after the outreach
    after = commdx.synth.city(census=True, **state["synth"]).followup
    design_columns = ["stratum", "psu", "weight", "fpc", "round"]
    residents = population.groupby("ward_code", sort=False)["members"].sum()
    margins = {"ward_code": {str(w): float(n) for w, n in zip(wards["ward_code"], wards["population"])},
               **{f"members_{w}": float(r) for w, r in residents.items()}}
    rounds, weights = [], {}
    for when, answers in ((0, population), (1, after)):
        sample = sel.sample[["household_id"]].merge(answers.drop(columns=design_columns), on="household_id",
                                                    how="left", validate="one_to_one")
        for c in ("stratum", "psu", "weight", "fpc"):
            sample[c] = sel.sample[c].to_numpy()
        for w in residents.index:
            sample[f"members_{w}"] = sample["members"].where(sample["ward_code"] == w, 0)
        cal = commdx.calibrate(sample, sel.design, margins, method=cfg["calibration"])
        weights[when] = cal.weights
        sample = sample.drop(columns=[f"members_{w}" for w in residents.index])
        rounds.append((sample, cal))
        # for the steps after (scores, classes, report): the round with its calibrated weights, in
        # synth's design columns (stratum = ward, PSU = group, fpc = the ward's groups: the SRS
        # approximation of the PPS first stage, certainty groups as ordinary PSUs), which the
        # report's disclosure control merges by group
        files["followup_households" if when else "sample_households"] = sample.assign(
            weight=cal.weights, round=when, stratum=sample["ward_code"], psu=sample["group_code"],
            fpc=sample["ward_code"].map(dict(zip(wards["ward_code"], wards["groups"]))).astype(float))
    d = out / "survey"
    d.mkdir(exist_ok=True)
    plan = size.rename(columns={"domain": "ward_code"}).merge(
        alloc[["stratum", "n", "bound", "groups"]].rename(columns={"stratum": "ward_code", "n": "allocated"}),
        on="ward_code")
    plan.to_csv(d / "design.csv", index=False, encoding=CSV_ENCODING)
    sel.groups.to_csv(d / "groups.csv", index=False, encoding=CSV_ENCODING)
    key = _demo_key(args, out, state)
    shown, reserves = shown_tables(sel, lambda _ward, h: _core._plan_pseudonym(key, h))
    shown = shown.assign(weight_calibrated=weights[0], weight_calibrated_followup=weights[1])
    shown.to_csv(d / "sample.csv", index=False, encoding=CSV_ENCODING)
    names = dict(zip(*(state["places"].to_dataframe()[c].astype(str) for c in ("code", "name"))))
    write_visit_lists(d / "visit-lists", sel, shown, reserves, TEXT[args.lang], names, args.seed)
    outputs.append(("survey (size, sample, visit lists)", d))
    return rounds


def _survey_days(calendar: dict[str, Any]) -> tuple[str, str]:
    """The days the example city's two survey rounds are taken on, from the calendar the data were
    generated on (``calendar.json``; by default the directive's: team-rules.json's deadline,
    synth-calibration.json's ``outreach``): the baseline on the teams' deadline (the campaign
    starts the day after, see campaigns.json ``period``), the follow-up the day after the last
    visit (the follow-up round is the households after the visits)."""
    import datetime as dt

    last_visit = dt.date.fromisoformat(str(calendar["last_visit"]))
    return str(calendar["deadline"]), (last_visit + dt.timedelta(days=1)).isoformat()


def _scores(out: Path, state: dict[str, Any], outputs: list) -> None:
    import pandas as pd

    from ..io.json import shipped_json
    from ..render.tables import CSV_ENCODING
    from ..scores import CompositeIndex, estimates_to_wide
    d = out / "scores"
    d.mkdir(exist_ok=True)
    result: dict[str, pd.DataFrame] = {}
    for when, key in (("baseline", "estimates"), ("now", "estimates_now")):
        if key not in state:
            continue
        rows = []
        for name in ("adoption", "readiness"):
            cfg = shipped_json(f"index-{name}.json")
            # the wards' wide table with the SEs carried (commdx::pipeline::estimates_to_wide)
            res = CompositeIndex.from_json(cfg).compute(estimates_to_wide(state[key], level="ward"))
            node = res[res["node"] == name] if "node" in res.columns else res
            rows.append(pd.DataFrame({"unit": node["unit"], "index": name, "score": node.get("score", node.get("value"))}))
        result[when] = pd.concat(rows, ignore_index=True)
        result[when].to_csv(d / f"scores-{when}.csv", index=False, encoding=CSV_ENCODING)  # BOM: Excel reads it right
    state["scores"] = result
    outputs.append(("scores", d))


def _classify(out: Path, state: dict[str, Any], outputs: list, lang: str) -> None:
    from ..classify import access_segments, classify_areas

    d = out / "classify"
    d.mkdir(exist_ok=True)
    places = state["places"].to_dataframe()
    areas = places[places["kind"].isin(["ward", "commune", "special_zone"])][["code", "name", "area_km2", "population"]]
    classes = {}
    for when, key in (("baseline", "sample_households"), ("now", "followup_households")):
        if key in state["files"]:
            classes[when] = classify_areas(areas, lang=lang, households=state["files"][key])
    from ..render.tables import CSV_ENCODING, write_xlsx_tables

    write_xlsx_tables(d / "classes.xlsx", {"Phân loại" if lang == "vi" else "Classes": classes["baseline"]}, lang)
    classes["baseline"].to_csv(d / "classes.csv", index=False, encoding=CSV_ENCODING)
    seg = access_segments(state["files"]["sample_households"], areas=classes["baseline"])
    groups = getattr(seg, "groups", None)
    if groups is not None:
        groups.to_csv(d / "access-groups.csv", index=False)
    state["classes"] = classes
    outputs.append(("classes (CSV, XLSX)", d))


def _key_store_outside(args: argparse.Namespace, out: Path) -> Path:
    from .. import keys

    store = Path(args.key_store) if args.key_store else keys.default_store()
    keys.check_outside(store, (out,), lang=args.lang)
    return store


def _demo_key(args: argparse.Namespace, out: Path, state: dict[str, Any]) -> bytes:
    """The example city's pseudonym key from the key store (created on the first run, reused after:
    the same households keep their pseudonyms across demo runs); never inside the output folder."""
    from .. import keys

    if "key" in state:  # the survey's visit lists and the plan take the same key
        return state["key"]
    vi = args.lang == "vi"
    places = state["places"].to_dataframe()
    unit = str(places[places["parent"] == ""]["code"].iloc[0])  # the root: the city, or a tree's top unit
    store = _key_store_outside(args, Path(args.out))  # the final folder, not the temporary one
    path = keys.key_path(unit, store, lang=args.lang)
    how = ("dùng lại khóa đã có" if vi else "reused") if path.exists() else ("vừa tạo" if vi else "created now")
    if not path.exists():
        keys.create(unit, store, outputs=(out,), lang=args.lang)
    key = keys.load(unit, store, lang=args.lang)
    state["key_path"] = {"unit": unit, "how": how, "path": path, "fp": keys.fingerprint(key)}
    state["key"] = key
    return key


def _plan(args: argparse.Namespace, out: Path, state: dict[str, Any], outputs: list) -> None:
    from ..plan import plan_outreach

    lang = args.lang
    key = _demo_key(args, out, state)
    d = out / "plan"
    files = state["files"]
    classes = state.get("classes", {}).get("baseline")
    # the campaign period of the data's calendar (by default campaigns.json "period")
    period = state["calendar"]["period"]
    plan = plan_outreach(files["households"], state["roster"], period["start"], period["end"],
                         businesses=files.get("businesses"), places=state["places"], classes=classes,
                         estimates=state.get("estimates"), key=key, targets=state.get("targets"))
    plan.write(d, lang=lang, progress=state["progress"].items("phiếu thành viên" if lang == "vi" else "member sheets"))
    state["plan"] = plan
    outputs.append(("plan (JSON, CSV, XLSX per member)", d))


def _report(args: argparse.Namespace, out: Path, state: dict[str, Any], outputs: list, problems: list) -> None:
    import pandas as pd

    from ..render.pdf import soffice
    from ..report import FORMATS, monthly_report, save_reports

    files = state["files"]
    d = out / "reports"
    month = args.month
    if month is None:  # the month of the follow-up round: the last month with visits
        month = str(pd.to_datetime(files["visits"]["date"]).max())[:7]
    common = dict(places=state["places"], roster=state["roster"], sample=files["sample_households"],
                  followup=files.get("followup_households"), visits=files["visits"],
                  manual_log=files.get("manual_processes"), households=files.get("households"),
                  plan=state.get("plan"), lang=args.lang, deadline=state["calendar"]["deadline"],
                  scores=state.get("scores"), classes=state.get("classes"), targets=state.get("targets"),
                  calibration=state.get("calibration"))
    formats = FORMATS if soffice() is not None else tuple(x for x in FORMATS if x != "pdf")
    if "pdf" not in formats:  # said at the end with the other steps not done, never silently dropped
        problems.append("report PDF: LibreOffice (soffice) is not installed (Debian package libreoffice-writer-nogui)")
    places = state["places"].to_dataframe()
    top = places[places["parent"].fillna("").astype(str) == ""]
    city_name = str(top["name"].iloc[0]) if len(top) else None
    wards = places[places["kind"].isin(["ward", "commune", "special_zone"])]["code"].tolist()
    vi = args.lang == "vi"
    bar = state["progress"]
    made = bar.items("báo cáo (thành phố, phường/xã)" if vi else "reports (the city, the wards)")
    made(0, 1 + len(wards))
    city = monthly_report(month, **common)
    made(1, 1 + len(wards))
    reports = [city]
    for code in wards:
        reports.append(monthly_report(month, ward=code, charts=True, **common))
        made(len(reports), 1 + len(wards))
    written = bar.items("ghi tệp báo cáo" if vi else "writing the reports' files")

    def saved(done: int, total: int) -> None:
        written(done, total)
        if done == total and "pdf" in formats:
            bar.phase("PDF (LibreOffice)")

    # the city's and every ward's file set, their PDFs made in one LibreOffice run
    paths = save_reports(reports, [d] + [d / "wards"] * len(wards), formats, city_name=city_name, progress=saved)[0]
    outputs.append(("report, city (HTML)", paths["html"]))
    outputs.append(("report, city (" + ", ".join(x.upper() for x in formats if x != "html") + ")", d))
    outputs.append((f"reports, {len(wards)} wards", d / "wards"))
    from ..render.words import missing_text

    for m in city.missing:  # in the demo's language, as the report prints them
        problems.append(("phần báo cáo: " if args.lang == "vi" else "report section: ") + missing_text(m, args.lang))
