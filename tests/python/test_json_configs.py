"""JSON is read by the same rules in Python (commdx.io.json) as in C++ (io/json.hpp,
tests/cpp/test_json.cpp): each refusal a ConfigError with its id, naming file, line, character
and key; and every reader of a user's or a shipped JSON file goes through those rules."""
from __future__ import annotations

import json
import pathlib

import pandas as pd
import pytest

import commdx
from commdx.io.json import MAX_DEPTH, parse_json, read_json, shipped_json


def refusal(text, source="rules.json") -> commdx.ConfigError:
    with pytest.raises(commdx.ConfigError) as err:
        parse_json(text, source)
    return err.value


def test_duplicate_key_names_file_line_character_and_key():
    text = '{\n  "teams": [\n    {"id": "T1",\n     "id": "T2"}\n  ]\n}\n'
    e = refusal(text)
    assert (e.id, e.file, e.line, e.character, e.column) == ("commdx.json.duplicate_key", "rules.json", 4, 6, "id")
    # the very text C++ gives for the same input (tests/cpp/test_json.cpp)
    assert str(e) == "rules.json, line 4, character 6, column 'id': duplicate key 'id' (first at line 3)"


def test_same_key_in_different_objects_is_fine():
    assert parse_json('{"a": {"id": 1}, "b": {"id": 2}, "c": [{"id": 3}, {"id": 4}], "id": 5}', "x") == {
        "a": {"id": 1}, "b": {"id": 2}, "c": [{"id": 3}, {"id": 4}], "id": 5}


def test_duplicate_key_with_escapes_and_nested_same_key():
    e = refusal('{"a\\"b": 1, "x": {"a\\"b": 3}, "a\\"b": 2}')
    assert e.column == 'a"b' and e.line == 1 and e.character == 31


def test_the_first_duplicate_in_the_text_is_reported():
    e = refusal('{"outer": {"k": 1, "k": 2}, "outer": 3}')
    assert e.column == "k" and e.character == 20


def test_depth_limit_and_a_100000_deep_file_without_recursion_error():
    e = refusal("[" * 100_000 + "]" * 100_000, "deep.json")
    assert (e.id, e.file, e.line, e.character) == ("commdx.json.depth", "deep.json", 1, MAX_DEPTH + 1)
    assert parse_json("[" * MAX_DEPTH + "]" * MAX_DEPTH, "ok.json") is not None
    e = refusal('{"a":' * 300 + "1" + "}" * 300)
    assert e.id == "commdx.json.depth" and e.character == 5 * MAX_DEPTH + 1


def test_number_out_of_range_is_refused_not_made_infinite():
    e = refusal('{\n  "weight": 1e400\n}', "design.json")
    assert (e.id, e.line, e.character) == ("commdx.json.number_range", 2, 13)
    assert "1e400" in str(e)
    assert refusal("[-1e400]").id == "commdx.json.number_range"
    assert refusal("1" * 400).id == "commdx.json.number_range"
    assert parse_json("[1e308, -1e308, 123456789012345678901234567890]", "x")[0] == 1e308


def test_bom_is_accepted_and_positions_count_after_it():
    assert parse_json("\ufeff{\"a\": 1}", "bom.json") == {"a": 1}
    assert parse_json(b"\xef\xbb\xbf{\"a\": 1}", "bom.json") == {"a": 1}
    assert refusal(b'\xef\xbb\xbf{"a": 1, "a": 2}').character == 10


def test_trailing_comma_is_a_syntax_error_with_its_line():
    e = refusal('{\n  "a": 1,\n}\n', "cat.json")
    assert (e.id, e.file, e.line) == ("commdx.json.syntax", "cat.json", 3)
    assert refusal("[1, 2,]").id == "commdx.json.syntax"


def test_empty_file():
    for text in ("", " \r\n\t", "\ufeff", b""):
        assert refusal(text).id == "commdx.json.empty"
    assert str(refusal("", "c.json")) == "c.json: empty file: no JSON value"


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_numbers(literal):
    e = refusal('{"target":\n ' + literal + "}")
    assert (e.id, e.line, e.character) == ("commdx.json.not_finite", 2, 2)
    assert literal in str(e)


def test_invalid_utf8_and_utf16():
    e = refusal(b'{"name":\n "Ph\xff"}', "areas.json")
    assert (e.id, e.line, e.character) == ("commdx.json.encoding", 2, 5)
    assert refusal("{}".encode("utf-16")).id == "commdx.json.encoding"


def test_unreadable_file_is_an_input_error_naming_it(tmp_path):
    with pytest.raises(commdx.InputError) as err:
        read_json(tmp_path / "missing.json")
    assert err.value.id == "commdx.file.unreadable" and err.value.file.endswith("missing.json")
    with pytest.raises(commdx.InputError):
        read_json(tmp_path)  # a folder


def test_read_json_from_a_file_and_from_text(tmp_path):
    p = tmp_path / "c.json"
    p.write_text('{"x": [1, 2.5, "ạ"]}', "utf-8")
    assert read_json(p) == read_json(str(p)) == read_json(p.read_text("utf-8"), source="c.json") == {"x": [1, 2.5, "ạ"]}


def test_every_shipped_json_file_reads_by_the_rules():
    from importlib import resources

    names = [f.name for f in resources.files("commdx").joinpath("data").iterdir() if f.name.endswith(".json")]
    assert len(names) >= 9
    for name in names:
        assert shipped_json(name) == json.loads(resources.files("commdx").joinpath("data", name).read_text("utf-8"))


# ---- the readers that used to call json.load, each now refusing a duplicate key ------------------

def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, "utf-8")
    return p


def test_classify_config_file_with_duplicate_key(tmp_path):
    p = write(tmp_path, "classify.json", '{"borderline_fraction": 0.1,\n "borderline_fraction": 0.2}')
    with pytest.raises(commdx.ConfigError) as err:
        commdx.classify_config(p)
    assert (err.value.id, err.value.file, err.value.line, err.value.column) == (
        "commdx.json.duplicate_key", str(p), 2, "borderline_fraction")


def test_indicator_catalogue_file_with_out_of_range_number(tmp_path):
    p = write(tmp_path, "catalogue.json", '{"indicators": [{"id": "x", "target": 1e400}]}')
    with pytest.raises(commdx.ConfigError) as err:
        commdx.indicators(pd.DataFrame({"a": [1]}), commdx.Places.vung_tau(), commdx.SurveyDesign(weight=None),
                          catalogue=p)
    assert (err.value.id, err.value.file) == ("commdx.json.number_range", str(p))


def test_survey_mapping_file_with_trailing_comma(tmp_path):
    from commdx.survey import _mapping

    p = write(tmp_path, "mapping.json", '{"columns": {"a": "b",}}')
    with pytest.raises(commdx.ConfigError) as err:
        _mapping(p)
    assert (err.value.id, err.value.file, err.value.line) == ("commdx.json.syntax", str(p), 1)


def test_report_config_with_nan(tmp_path):
    p = write(tmp_path, "report.json", '{"min_households": NaN}')
    with pytest.raises(commdx.ConfigError) as err:
        commdx.report.load_report_config(p)
    assert err.value.id == "commdx.json.not_finite" and err.value.file == str(p)


def test_roster_with_duplicate_key_through_the_cpp_reader(tmp_path):
    p = write(tmp_path, "teams.json",
              '{"teams": [{"id": "T-1", "level": "ward", "unit": "26506",\n "unit": "26509", "members": []}]}')
    with pytest.raises(commdx.ConfigError) as err:
        commdx.read_roster(p)
    e = err.value
    assert (e.id, e.file, e.line, e.character, e.column) == ("commdx.json.duplicate_key", str(p), 2, 2, "unit")


def test_campaign_catalogue_with_visit_as_array_names_the_field():
    # nlohmann's type_error.306 used to escape as a bare RuntimeError
    with pytest.raises(commdx.ConfigError) as err:
        _plan_with_catalogue({"visit": [], "actions": []})
    assert (err.value.id, err.value.file, err.value.column) == ("commdx.json.type", "catalogue", "/visit")


def _plan_with_catalogue(catalogue):
    households = pd.DataFrame({"household_id": ["H1"], "ward_code": ["26506"], "neighbourhood_code": ["26506-KP1"],
                               "group_code": ["26506-KP1-T1"]})
    roster = read_json(pathlib.Path(__file__).resolve().parents[1] / "data" / "teams" / "compliant.json")
    return commdx.plan_outreach(households, roster, start="2022-08-01", deadline="2022-12-31", catalogue=catalogue,
                                with_names=True)


def test_the_fuzz_corpus_seeds_every_shipped_json_file_as_shipped():
    # tests/fuzz/make_corpus.py copies them: a seed older than its file (campaigns.json without
    # its period and visit_log) fuzzes a reader on a document it no longer meets
    root = pathlib.Path(__file__).resolve().parents[2]
    shipped = sorted((root / "python" / "commdx" / "data").glob("*.json"))
    assert {p.name for p in shipped} >= {"campaigns.json", "team-rules.json", "classify-config.json"}
    corpus = root / "tests" / "fuzz" / "corpus" / "json"
    stale = [p.name for p in shipped if not (corpus / p.name).exists() or (corpus / p.name).read_bytes() != p.read_bytes()]
    assert not stale, f"stale fuzz seeds (rerun tests/fuzz/make_corpus.py): {stale}"
