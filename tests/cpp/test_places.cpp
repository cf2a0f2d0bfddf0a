// P1, P2: the administrative tree, its validation, and Vietnamese name matching.
#include <gtest/gtest.h>

#include <commdx/places.hpp>

#include <string>

namespace {

using commdx::places;

// A small ward with neighbourhoods and residential groups, as a ward office would type it.
const char* kSmallTree =
    "code,name,kind,parent,area_km2,population,households\n"
    "747,Thành phố Vũng Tàu,city,,141.1,464860,\n"
    "26506,Phường 1,phuong,747,1.2,18000,5000\n"
    "26545,Xã Long Sơn,xa,747,56.5,17767,4500\n"
    "26506-KP3,Khu phố 3,khu_pho,26506,0.4,6000,1600\n"
    "26506-KP3-T1,Tổ 1,to_dan_cu,26506-KP3,,300,80\n"
    "26545-T2,Thôn 2,thon,26545,5,1700,450\n";

TEST(Places, BuiltInCityHasTheSeventeenOfficialUnits) {
  const auto city = places::vung_tau();
  EXPECT_EQ(city.size(), 18u);  // the city and its 17 units
  EXPECT_EQ(city.children("747").size(), 17u);
  EXPECT_EQ(city.at("26506").name, "Phường 1");
  EXPECT_EQ(city.at("26545").kind, commdx::unit_kind::commune);
  EXPECT_EQ(city.at_level(1).size(), 17u);
  EXPECT_EQ(city.ward_of("26545").value(), "26545");
  EXPECT_FALSE(city.ward_of("747").has_value());
}

TEST(Places, QueriesWalkTheTree) {
  const auto p = places::from_csv_text(kSmallTree, "small.csv");
  EXPECT_EQ(p.parent("26506-KP3-T1").value(), "26506-KP3");
  EXPECT_EQ(p.ancestors("26506-KP3-T1"), (std::vector<std::string>{"26506-KP3", "26506", "747"}));
  EXPECT_EQ(p.descendants("26506"), (std::vector<std::string>{"26506-KP3", "26506-KP3-T1"}));
  EXPECT_EQ(p.level("26506-KP3-T1"), 3);
  EXPECT_EQ(p.ward_of("26506-KP3-T1").value(), "26506");
  EXPECT_TRUE(commdx::is_missing(p.at("26506-KP3-T1").area_km2));
  EXPECT_DOUBLE_EQ(p.at("26545").area_km2, 56.5);
}

TEST(Places, JsonRoundTripKeepsEveryField) {
  const auto p = places::from_csv_text(kSmallTree, "small.csv");
  const auto q = places::from_json(p.to_json(), "roundtrip");
  ASSERT_EQ(q.size(), p.size());
  EXPECT_EQ(q.to_json(), p.to_json());
}

TEST(Places, MatchesEveryWayAWardIsTyped) {
  const auto city = places::vung_tau();
  // NFD form of "PHƯỜNG 1": U+01AF is written as U + U+031B, Ờ as O + U+031B + U+0300.
  const std::string nfd_upper = "PHU\xCC\x9BO\xCC\x9B\xCC\x80NG 1";
  for (const std::string name : {"Phường 1", "P.1", "p1", "phuong 1", "PHƯỜNG 1", "P. 01", "26506"})
    EXPECT_EQ(city.match(name), "26506") << name;
  EXPECT_EQ(city.match(nfd_upper), "26506");
  EXPECT_EQ(city.match("Xã Long Sơn"), "26545");
  EXPECT_EQ(city.match("xa long son"), "26545");
  EXPECT_EQ(city.match("Long Son"), "26545");
  EXPECT_EQ(city.match("P. Thắng Tam"), "26508");
  EXPECT_EQ(city.match("phuong nguyen an ninh"), "26526");
}

TEST(Places, MatchesNeighbourhoodsVillagesAndFoldsD) {
  const auto p = places::from_csv_text(kSmallTree + std::string("26506-KP4,Khu phố Đồi Dương,khu_pho,26506,,,\n"), "small.csv");
  EXPECT_EQ(p.match("Khu phố 3"), "26506-KP3");
  EXPECT_EQ(p.match("KP3"), "26506-KP3");
  EXPECT_EQ(p.match("kp 03"), "26506-KP3");
  EXPECT_EQ(p.match("Thôn 2"), "26545-T2");
  EXPECT_EQ(p.match("khu pho doi duong"), "26506-KP4");
  EXPECT_EQ(p.match("KP3, P.1"), "26506-KP3");
  EXPECT_EQ(p.match("Tổ 1", "26506"), "26506-KP3-T1");
}

TEST(Places, AmbiguousAndUnknownNamesListCandidates) {
  const auto p = places::from_csv_text(
      kSmallTree + std::string("26545-T3,Thôn 3,thon,26545,,,\n26545-KP3,Khu phố 3,khu_pho,26506,,,\n"), "small.csv");
  try {
    p.match("Khu phố 3");
    FAIL() << "expected an ambiguity";
  } catch (const commdx::name_match_error& e) {
    EXPECT_EQ(e.candidates().size(), 2u);
    EXPECT_NE(std::string(e.what()).find("ambiguous"), std::string::npos);
  }
  try {
    p.match("Phường 19");
    FAIL() << "expected no match";
  } catch (const commdx::name_match_error& e) {
    ASSERT_FALSE(e.candidates().empty());
    EXPECT_EQ(e.candidates()[0], "26506 Phường 1");
  }
  EXPECT_THROW(p.match("Thôn 3", "26506"), commdx::name_match_error);
}

std::string error_of(const std::string& csv) {
  try {
    places::from_csv_text(csv, "units.csv");
  } catch (const commdx::error& e) {
    return e.what();
  }
  return "no error";
}

TEST(Places, BadTreesAreRefusedWithTheRowAndColumn) {
  const std::string head = "code,name,kind,parent,area_km2\n";
  EXPECT_EQ(error_of(head + "1,A,ward,,\n1,B,ward,,\n"),
            "units.csv, row 2, column 'code', unit 1: duplicate code 1 (first at row 1)");
  EXPECT_EQ(error_of(head + "1,A,ward,,\n2,KP,khu_pho,9,\n"),
            "units.csv, row 2, column 'parent', unit 2: unknown parent '9'");
  EXPECT_NE(error_of(head + "1,A,khu_pho,2,\n2,B,khu_pho,1,\n").find("cycle"), std::string::npos);
  EXPECT_NE(error_of(head + "1,A,ward,,\n2,B,thon,1,\n").find("cannot sit under a ward"), std::string::npos);
  EXPECT_NE(error_of(head + "1,A,ward,,-3\n").find("area_km2 must be a non-negative number"), std::string::npos);
  EXPECT_NE(error_of(head + "1,A,castle,,\n").find("row 1, column 'kind'"), std::string::npos);
  EXPECT_NE(error_of(head + "1,A,ward,,abc\n").find("row 1, column 'area_km2'"), std::string::npos);
  EXPECT_NE(error_of("code,name,kind\n1,\xff\xfe,ward\n").find("line 2"), std::string::npos);
}

TEST(Places, MalformedJsonNamesLineAndCharacter) {
  try {
    places::from_json_text("{\"units\": [\n  {\"code\": \"1\", \"name\": \"A\",, }\n]}", "units.json");
    FAIL();
  } catch (const commdx::input_error& e) {
    EXPECT_EQ(e.where().file, "units.json");
    EXPECT_EQ(e.where().line, 2u);
    EXPECT_GT(e.where().column_number, 0u);
  }
  try {
    places::from_json_text("{\"units\": [{\"code\": \"1\", \"kind\": \"ward\"}]}", "units.json");
    FAIL();
  } catch (const commdx::input_error& e) {
    EXPECT_EQ(std::string(e.what()), "units.json, row 1, column 'name', unit 1: missing required field");
  }
}

}  // namespace
