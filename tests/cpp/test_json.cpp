// The JSON reading rules (io/json.hpp, docs/errors.md): every refusal is a config_error with an id,
// naming the source, the line and character, and the key where there is one. Python's reader
// (python/commdx/io/json.py) follows the same rules; tests/python/test_json_configs.py checks it.
#include <gtest/gtest.h>

#include <commdx/io/json.hpp>
#include <commdx/plan.hpp>
#include <commdx/teams.hpp>

#include <fstream>
#include <string>

namespace {

using commdx::config_error;
using commdx::io::parse_json;

// Runs parse_json and returns the config_error it must throw.
config_error refusal(const std::string& text, const std::string& source = "rules.json") {
  try {
    parse_json(text, source);
  } catch (const config_error& e) {
    return e;
  }
  ADD_FAILURE() << "no config_error for: " << text.substr(0, 80);
  return config_error(commdx::location{}, "none");
}

TEST(Json, DuplicateKeyNamesFileLineCharacterAndKey) {
  const std::string text = "{\n  \"teams\": [\n    {\"id\": \"T1\",\n     \"id\": \"T2\"}\n  ]\n}\n";
  const auto e = refusal(text);
  EXPECT_EQ(e.id(), "commdx.json.duplicate_key");
  EXPECT_EQ(e.where().file, "rules.json");
  EXPECT_EQ(e.where().line, 4u);
  EXPECT_EQ(e.where().column_number, 6u);
  EXPECT_EQ(e.where().column, "id");
  EXPECT_EQ(std::string(e.what()), "rules.json, line 4, character 6, column 'id': duplicate key 'id' (first at line 3)");
}

TEST(Json, SameKeyInDifferentObjectsIsFine) {
  const auto j = parse_json(R"({"a": {"id": 1}, "b": {"id": 2}, "c": [{"id": 3}, {"id": 4}], "id": 5})", "x.json");
  EXPECT_EQ(j["c"][1]["id"], 4);
  EXPECT_EQ(j["id"], 5);
}

TEST(Json, DuplicateKeyWithEscapedQuoteIsFoundWhereItStarts) {
  const auto e = refusal("{\"a\\\"b\": 1, \"a\\\"b\": 2}");
  EXPECT_EQ(e.id(), "commdx.json.duplicate_key");
  EXPECT_EQ(e.where().column, "a\"b");
  EXPECT_EQ(e.where().line, 1u);
  EXPECT_EQ(e.where().column_number, 13u);
}

TEST(Json, DuplicateKeyInARosterIsRefusedNotSilentlyOverwritten) {
  const std::string text =
      "{\"teams\": [{\"id\": \"T-1\", \"level\": \"ward\", \"unit\": \"26506\", \"unit\": \"26509\", \"members\": []}]}";
  try {
    commdx::roster::from_json_text(text, "teams.json");
    FAIL() << "accepted";
  } catch (const config_error& e) {
    EXPECT_EQ(e.id(), "commdx.json.duplicate_key");
    EXPECT_EQ(e.where().column, "unit");
    EXPECT_EQ(e.where().file, "teams.json");
  }
}

TEST(Json, NestingDeeperThanTheLimitIsRefusedWithoutRecursion) {
  const std::size_t n = 100000;
  const auto e = refusal(std::string(n, '[') + std::string(n, ']'), "deep.json");
  EXPECT_EQ(e.id(), "commdx.json.depth");
  EXPECT_EQ(e.where().line, 1u);
  EXPECT_EQ(e.where().column_number, commdx::io::max_json_depth + 1);
  // exactly at the limit is accepted
  const std::size_t ok = commdx::io::max_json_depth;
  EXPECT_NO_THROW(parse_json(std::string(ok, '[') + std::string(ok, ']'), "deep.json"));
  const auto objects = refusal(std::string(300 * 6, ' ').replace(0, 0, [] {
    std::string s;
    for (int i = 0; i < 300; ++i) s += "{\"a\":";
    return s;
  }()));
  EXPECT_EQ(objects.id(), "commdx.json.depth");
}

TEST(Json, NumberOutOfRangeNamesTheNumber) {
  const auto e = refusal("{\n  \"weight\": 1e400\n}", "design.json");
  EXPECT_EQ(e.id(), "commdx.json.number_range");
  EXPECT_EQ(e.where().line, 2u);
  EXPECT_EQ(e.where().column_number, 13u);
  EXPECT_NE(std::string(e.what()).find("1e400"), std::string::npos);
  EXPECT_EQ(refusal("[-1e400]").id(), "commdx.json.number_range");
  EXPECT_EQ(refusal("1e400").id(), "commdx.json.number_range");
}

TEST(Json, ByteOrderMarkIsAcceptedAndPositionsCountAfterIt) {
  const auto j = parse_json("\xEF\xBB\xBF{\"a\": 1}", "bom.json");
  EXPECT_EQ(j["a"], 1);
  const auto e = refusal("\xEF\xBB\xBF{\"a\": 1, \"a\": 2}", "bom.json");
  EXPECT_EQ(e.where().column_number, 10u);
}

TEST(Json, TrailingCommaIsASyntaxErrorWithItsLine) {
  const auto e = refusal("{\n  \"a\": 1,\n}\n", "cat.json");
  EXPECT_EQ(e.id(), "commdx.json.syntax");
  EXPECT_EQ(e.where().line, 3u);
  EXPECT_EQ(e.where().file, "cat.json");
  EXPECT_EQ(refusal("[1, 2,]").id(), "commdx.json.syntax");
}

TEST(Json, EmptyFileIsNamedEmpty) {
  EXPECT_EQ(refusal("").id(), "commdx.json.empty");
  EXPECT_EQ(refusal(" \r\n\t").id(), "commdx.json.empty");
  EXPECT_EQ(refusal("\xEF\xBB\xBF").id(), "commdx.json.empty");
  EXPECT_EQ(std::string(refusal("", "c.json").what()), "c.json: empty file: no JSON value");
}

TEST(Json, NanAndInfinityAreNotNumbers) {
  for (const char* lit : {"NaN", "Infinity", "-Infinity"}) {
    const auto e = refusal(std::string("{\"target\":\n ") + lit + "}");
    EXPECT_EQ(e.id(), "commdx.json.not_finite") << lit;
    EXPECT_EQ(e.where().line, 2u) << lit;
    EXPECT_NE(std::string(e.what()).find(lit), std::string::npos);
  }
}

TEST(Json, InvalidUtf8AndUtf16AreEncodingErrors) {
  EXPECT_EQ(refusal("{\"name\": \"Ph\xFF\"}").id(), "commdx.json.encoding");
  EXPECT_EQ(refusal(std::string("\xFF\xFE{\0\"\0", 6)).id(), "commdx.json.encoding");
}

TEST(Json, UnreadableFileIsAnInputErrorNamingIt) {
  try {
    commdx::io::read_json_file("/nonexistent/dir/x.json");
    FAIL();
  } catch (const commdx::input_error& e) {
    EXPECT_EQ(e.id(), "commdx.file.unreadable");
    EXPECT_EQ(e.where().file, "/nonexistent/dir/x.json");
  }
}

TEST(Json, WrongTypeInACatalogueNamesFileAndFieldPath) {
  // "visit": [] where an object is due used to escape as nlohmann's type_error.306.
  auto cat = parse_json(R"({"visit": [], "actions": []})", "campaigns.json");
  try {
    commdx::campaign_catalogue::from_json(cat, "campaigns.json");
    FAIL() << "accepted";
  } catch (const config_error& e) {
    EXPECT_EQ(e.id(), "commdx.json.type");
    EXPECT_EQ(e.where().file, "campaigns.json");
    EXPECT_EQ(e.where().column, "/visit");
  }
}

TEST(Json, RequireAndGetAsNameTheFieldsPath) {
  // the one field-access pair: the error names the field's location, the object's path + the key
  const auto j = parse_json(R"({"a": "x", "visits": [{"id": 1}]})", "c.json");
  const auto where = commdx::location::in_file("c.json").at_row(2);
  try {
    commdx::io::get_as<double>(j, "a", where);
    FAIL();
  } catch (const config_error& e) {
    EXPECT_EQ(e.id(), "commdx.json.type");
    EXPECT_EQ(e.where().column, "/a");
    EXPECT_EQ(e.where().row, 2u);
  }
  try {
    commdx::io::require(j, "b", where);
    FAIL();
  } catch (const config_error& e) {
    EXPECT_EQ(e.id(), "commdx.json.missing_field");
    EXPECT_EQ(std::string(e.what()), "c.json, row 2, column '/b': missing required field");
  }
  const auto visit = commdx::io::json_child(commdx::io::json_child(commdx::location::in_file("c.json"), "visits"), "0");
  try {
    commdx::io::get_as<std::string>(j.at("visits").at(0), "id", visit);
    FAIL();
  } catch (const config_error& e) {
    EXPECT_EQ(e.where().column, "/visits/0/id");
  }
}

// Issue 12: parse_json is linear in the records of an array (nlohmann's callback parser rescanned
// the enclosing array at the end of every object). A big document read whole, its values checked,
// and the checks that need the parser's position still made at its far end.
TEST(Json, BigArrayOfRecordsIsReadWholeAndChecked) {
  const std::size_t n = 100000;
  std::string text = "{\"source\": \"big.json\",\n \"records\": [\n";
  for (std::size_t i = 0; i < n; ++i) {
    text += "  {\"id\": " + std::to_string(i) + ", \"code\": \"u" + std::to_string(i % 97) +
            "\", \"share\": " + std::to_string(i % 8) + ".5, \"tags\": [\"a\", {\"k\": null}]}";
    text += i + 1 < n ? ",\n" : "\n";
  }
  text += "]}\n";
  const auto j = parse_json(text, "big.json");
  const auto& records = j.at("records");
  ASSERT_EQ(records.size(), n);
  long long id_sum = 0;
  double share_sum = 0;
  for (const auto& r : records) {
    id_sum += r.at("id").get<long long>();
    share_sum += r.at("share").get<double>();
  }
  EXPECT_EQ(id_sum, static_cast<long long>(n) * (static_cast<long long>(n) - 1) / 2);
  EXPECT_DOUBLE_EQ(share_sum, 0.5 * n + (0 + 1 + 2 + 3 + 4 + 5 + 6 + 7) * (n / 8.0));
  EXPECT_EQ(records[54321].at("code"), "u" + std::to_string(54321 % 97));
  EXPECT_TRUE(records[n - 1].at("tags").at(1).at("k").is_null());
  // parent pointers (JSON_DIAGNOSTICS) are right: nlohmann's own errors name the value's path
  try {
    (void)records[n - 1].at("code").get<double>();
    FAIL();
  } catch (const nlohmann::json::type_error& e) {
    EXPECT_NE(std::string(e.what()).find("(/records/" + std::to_string(n - 1) + "/code)"), std::string::npos) << e.what();
  }
  // a duplicate key in the last record: found, with its line (the header is 2 lines)
  std::string dup = text;
  const auto last = dup.rfind("\"share\"");
  dup.insert(last, "\"id\": 7, ");
  const auto e = refusal(dup, "big.json");
  EXPECT_EQ(e.id(), "commdx.json.duplicate_key");
  EXPECT_EQ(e.where().line, n + 2);
  EXPECT_EQ(e.where().column, "id");
  // and a NaN there is still named as one
  std::string nan = text;
  nan.replace(nan.rfind("7.5"), 3, "NaN");
  EXPECT_EQ(refusal(nan, "big.json").id(), "commdx.json.not_finite");
}

TEST(ErrorContract, LocationBuilderAndAggregateAgree) {
  const auto built = commdx::location::in_file("plan").at_row(3).at_line(4).at_character(5).in_column("start").for_unit("26506");
  const commdx::location aggregate{"plan", 3, 4, 5, "start", "26506"};
  EXPECT_EQ(built.to_string(), aggregate.to_string());
  EXPECT_EQ(built.to_string(), "plan, row 3, line 4, character 5, column 'start', unit 26506");
}

TEST(ErrorContract, EveryClassHasAnIdAndAnExplicitIdWins) {
  EXPECT_EQ(commdx::input_error({}, "x").id(), "commdx.input");
  EXPECT_EQ(commdx::validation_error({}, "x").id(), "commdx.validation");
  EXPECT_EQ(commdx::config_error({}, "x").id(), "commdx.config");
  EXPECT_EQ(commdx::error("x").id(), "commdx.error");
  EXPECT_EQ(commdx::name_match_error("a", {}, "x").id(), "commdx.places.name_match");
  const commdx::validation_error e(commdx::location::in_file("f.csv").at_row(2), "bad", "commdx.survey.weight");
  EXPECT_EQ(e.id(), "commdx.survey.weight");
  EXPECT_EQ(e.reason(), "bad");
  EXPECT_EQ(std::string(e.what()), "f.csv, row 2: bad");
}

}  // namespace
