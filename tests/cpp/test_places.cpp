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
    // JSON goes through the same reader as CSV: a key no unit has is a missing column.
    EXPECT_NE(std::string(e.what()).find("units.json, column 'name': missing required column"), std::string::npos)
        << e.what();
  }
}

// ---- issue 13: 2025 places, the national list, one reader ---------------------------------------

TEST(Places, VietnamIsCountryProvincesAndTheirUnits) {
  const auto vn = places::vietnam();
  EXPECT_EQ(vn.vintage(), "2025");
  EXPECT_EQ(vn.size(), 1u + 34u + 3321u);  // shared/reference/README.md: 3,321 units of 34 provinces
  EXPECT_EQ(vn.children("VN").size(), 34u);
  EXPECT_EQ(vn.at("79").kind, commdx::unit_kind::province);
  EXPECT_EQ(vn.at("26506").name, "Phường Vũng Tàu");
  EXPECT_EQ(vn.ancestors("26545"), (std::vector<std::string>{"79", "VN"}));
  EXPECT_EQ(vn.at("06994").kind, commdx::unit_kind::special_zone);  // Đặc khu Vân Đồn
  EXPECT_EQ(vn.at_level(1).size(), 3321u);
  EXPECT_EQ(vn.level("VN"), -1);
}

TEST(Places, VungTau2025AndTheMappingFrom2022) {
  const auto t = places::vung_tau_2025();
  EXPECT_EQ(t.vintage(), "2025");
  EXPECT_EQ(t.children("79").size(), 5u);
  EXPECT_DOUBLE_EQ(t.at("26506").area_km2, 16.86);  // published: 16.86 km², 117,413 people
  EXPECT_DOUBLE_EQ(t.at("26506").population, 117413);
  EXPECT_DOUBLE_EQ(t.at("26545").area_km2, 56.5);
  const auto links = places::vung_tau_2022_to_2025();
  ASSERT_EQ(links.size(), 17u);
  std::size_t into_vung_tau = 0;
  for (const auto& l : links) into_vung_tau += l.code_2025 == "26506";
  EXPECT_EQ(into_vung_tau, 7u);  // P1–P5, Thắng Nhì, Thắng Tam
  EXPECT_EQ(links.front().name_2022, "Phường 1");
  EXPECT_EQ(places::vung_tau().vintage(), "2022");
}

TEST(Places, OneReaderForVietnameseHeadersNumbersAndKinds) {
  // NFD "Phường" (ư = u + U+031B, ờ = o + U+031B + U+0300), Vietnamese numbers, every depth.
  const std::string phuong_nfd = "Phu\xCC\x9Bo\xCC\x9B\xCC\x80ng";
  const std::string csv = "Mã,Tên,Loại,Mã cha,Diện tích (km2),Dân số,Số hộ\n"
                          "79,Thành phố Hồ Chí Minh,Tỉnh,,,,\n"
                          "26506," + phuong_nfd + " Vũng Tàu,phuong,79,\"16,86\",117.413,33.546\n"
                          "26506-KP1,Khu phố 1,,26506,\"1.234,5\",,\n"
                          "26506-KP1-T1,Tổ dân phố 1,TỔ DÂN PHỐ,26506-KP1,,312,85\n";
  const auto p = places::from_csv_text(csv, "don-vi.csv");
  EXPECT_EQ(p.at("26506").name, "Phường Vũng Tàu");
  EXPECT_DOUBLE_EQ(p.at("26506").area_km2, 16.86);
  EXPECT_DOUBLE_EQ(p.at("26506").population, 117413);
  EXPECT_DOUBLE_EQ(p.at("26506").households, 33546);
  EXPECT_DOUBLE_EQ(p.at("26506-KP1").area_km2, 1234.5);
  EXPECT_EQ(p.at("26506-KP1").kind, commdx::unit_kind::neighbourhood);  // from the name's kind word
  EXPECT_EQ(p.at("26506-KP1-T1").kind, commdx::unit_kind::residential_group);
  EXPECT_EQ(p.at("79").kind, commdx::unit_kind::province);
  const auto j = places::from_json(p.to_json(), "round.json");
  EXPECT_EQ(j.to_json(), p.to_json());
}

TEST(Places, ScientificNotationAsSpreadsheetsExportIt) {
  // Excel's General format exports 0.0007 as "7E-04"; a Vietnamese-locale Excel as "1,2E-03".
  // commdx synth on 300 households wrote "7e-04" itself, and its places reader refused it.
  const std::string csv = "code,name,kind,parent,area_km2,population\n"
                          "26506,Phường 1,ward,,0.0053,52\n"
                          "26506-KP05,Khu phố 5,neighbourhood,26506,7e-04,11\n"
                          "26506-KP06,Khu phố 6,neighbourhood,26506,\"1,2E-03\",9\n"
                          "26506-KP07,Khu phố 7,neighbourhood,26506,+2.5e+0,1.2e3\n";
  const auto p = places::from_csv_text(csv, "places.csv");
  EXPECT_DOUBLE_EQ(p.at("26506-KP05").area_km2, 0.0007);
  EXPECT_DOUBLE_EQ(p.at("26506-KP06").area_km2, 0.0012);
  EXPECT_DOUBLE_EQ(p.at("26506-KP07").area_km2, 2.5);
  EXPECT_DOUBLE_EQ(p.at("26506-KP07").population, 1200);
  EXPECT_DOUBLE_EQ(p.at("26506").area_km2, 0.0053);  // the plain cells of the column unchanged
  for (const std::string bad : {"7e", "e5", "1.2.3e4", "7e-0x", "1e400", "5e2%", "+-5e3", "++5e3"}) {
    try {
      places::from_csv_text("code,name,kind,parent,area_km2\n26506,Phường 1,ward,," + bad + "\n", "p.csv");
      ADD_FAILURE() << bad;
    } catch (const commdx::input_error& e) {
      EXPECT_NE(std::string(e.what()).find("area_km2"), std::string::npos) << e.what();
    }
  }
}

TEST(Places, WorkbooksAreRefusedNotReadAsCsv) {
  try {
    places::from_file("/nonexistent/places.xlsx");
    FAIL();
  } catch (const commdx::input_error& e) {
    EXPECT_NE(std::string(e.what()).find("places.xlsx: an Excel workbook"), std::string::npos) << e.what();
  }
  try {
    places::from_csv_text(std::string("PK\x03\x04\x14\0\0\0", 8), "renamed.csv");
    FAIL();
  } catch (const commdx::input_error& e) {
    EXPECT_NE(std::string(e.what()).find("renamed.csv: a zip archive"), std::string::npos) << e.what();
  }
}

TEST(Places, ACodeOfAnotherYearIsRefusedNamingBoth) {
  const auto old_city = places::vung_tau();
  try {
    old_city.match_row("26506", "Phường Vũng Tàu", commdx::location{"five.csv", 1, 0, 0, "code", ""});
    FAIL();
  } catch (const commdx::validation_error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("five.csv, row 1"), std::string::npos) << m;
    EXPECT_NE(m.find("26506 Phường 1 in vungtau-units.csv (2022)"), std::string::npos) << m;
    EXPECT_NE(m.find("26506 Phường Vũng Tàu in vungtau-2025-units.csv (2025)"), std::string::npos) << m;
  }
  EXPECT_EQ(old_city.match_row("26506", "P.1", {}), "26506");
  EXPECT_EQ(old_city.match_row("", "phuong 1", {}), "26506");
}

TEST(Places, ACommuneAddsItsOwnUnitsUnderTheNationalList) {
  const auto vn = places::vietnam();
  const auto own = places::from_csv_text(
      "ma,ten,cap,ma_cha,dan_so\n00640,Xã Thanh Trì,xã,,12.400\n00640-T1,Thôn 1,thôn,00640,1.530\n"
      "00640-T1-1,Tổ 1,tổ dân phố,00640-T1,210\n",
      "thanh-tri.csv");
  const auto p = vn.subtree("00640").with_units(own, "00640");
  EXPECT_EQ(p.size(), 5u);  // VN, Hà Nội, the commune, a thôn, a tổ
  EXPECT_EQ(p.ancestors("00640-T1-1"), (std::vector<std::string>{"00640-T1", "00640", "01", "VN"}));
  EXPECT_DOUBLE_EQ(p.at("00640").population, 12400);
  EXPECT_EQ(p.ward_of("00640-T1-1").value(), "00640");
  EXPECT_THROW(vn.with_units(places::vung_tau(), "00640"), commdx::validation_error);  // 2022 into 2025
}

TEST(Places, UnitsInsideASpecialZoneLieInIt) {
  // Đặc khu Côn Đảo (26732, Ho Chi Minh City) of the national list, with a khu phố and a tổ of its
  // own: the special zone is their commune-level unit, as a ward or a commune is
  const auto own = places::from_csv_text(
      "ma,ten,cap,ma_cha\n26732,Đặc khu Côn Đảo,đặc khu,\n26732-KP1,Khu phố 1,khu phố,26732\n26732-KP1-T1,Tổ 1,tổ,26732-KP1\n", "con-dao.csv");
  const auto p = places::vietnam().subtree("26732").with_units(own, "26732");
  EXPECT_EQ(p.at("26732").kind, commdx::unit_kind::special_zone);
  EXPECT_EQ(p.ward_of("26732-KP1-T1").value(), "26732");
  EXPECT_EQ(p.ward_of("26732-KP1").value(), "26732");
  EXPECT_EQ(p.ward_of("26732").value(), "26732");
  EXPECT_FALSE(p.ward_of("79").has_value());
  EXPECT_FALSE(p.ward_of("VN").has_value());
  const auto t = p.to_table();
  const auto& ward = t.text("ward");
  for (std::size_t r = 0; r < t.rows(); ++r) {
    if (t.text("code")[r].rfind("26732", 0) == 0) {
      EXPECT_EQ(ward[r], "26732") << t.text("code")[r];
    }
  }
}

}  // namespace
