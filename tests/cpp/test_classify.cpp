// C1, C2, R2, R3, S5: central/remote classification, its input formats, access segments.
#include <gtest/gtest.h>

#include <commdx/classify.hpp>
#include <commdx/io/csv.hpp>

#include <cmath>
#include <cstdint>
#include <string>

namespace {

using commdx::area_class;
using commdx::area_input;
using commdx::classify_config;
using commdx::places;

commdx::table csv_table(const std::string& text, const std::string& source) {
  // Every column as text, as typed: the classify reader decides the number format per column.
  auto rec = commdx::io::parse_csv(text, source);
  std::set<std::string> all(rec.header.begin(), rec.header.end());
  return commdx::io::to_table(rec, all);
}

commdx::classification classify_csv(const std::string& text, const std::string& source = "areas.csv",
                                    const classify_config& c = classify_config::defaults()) {
  static const places city = places::vung_tau();
  return commdx::classify_areas(csv_table(text, source), c, &city);
}

const commdx::area_result& by_code(const commdx::classification& r, const std::string& code) {
  for (const auto& a : r.areas)
    if (a.input.code == code) return a;
  throw std::runtime_error("no area " + code);
}

std::string fixture(const std::string& name) {
  return commdx::io::read_file(std::string(COMMDX_SOURCE_DIR) + "/tests/data/classify/" + name);
}

template <class E, class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "<no error>";
}

// ---- the example city ------------------------------------------------------------------------

TEST(Classify, LongSonAndTheOuterWardsAreRemoteTheCoreCentral) {
  // tests/data/classify/README.md: areas and populations derived from the published 2025-unit
  // totals; expected classes worked by hand from the rule (1,500/km²).
  for (const std::string file : {"vungtau-wards-derived.csv", "vungtau-wards-vi.csv"}) {
    auto r = classify_csv(fixture(file), file);
    ASSERT_EQ(r.areas.size(), 17u) << file;
    for (const auto& a : r.areas) {
      bool outer = a.input.code == "26539" || a.input.code == "26542" || a.input.code == "26545";
      EXPECT_EQ(a.cls, outer ? area_class::remote : area_class::central) << file << " " << a.input.name;
      EXPECT_FALSE(a.borderline) << a.input.name;
      EXPECT_TRUE(a.education_measure.empty());
      EXPECT_NE(a.reasons_vi.find("Không có số liệu học vấn: chỉ xếp loại theo mật độ"), std::string::npos);
      EXPECT_NE(a.reasons_en.find("No education data: classified on density alone"), std::string::npos);
    }
    const auto& ls = by_code(r, "26545");
    EXPECT_EQ(ls.input.name, "Xã Long Sơn");
    EXPECT_NEAR(ls.density, 17767.0 / 56.5, 1e-9);
    EXPECT_EQ(ls.density_band, "urban_cluster");
    // 17,767 / 56.5 = 314.5; 1 - 314.5/1500 = 79% below.
    EXPECT_NE(ls.reasons_vi.find("Mật độ 314 người/km² < ngưỡng trung tâm đô thị 1.500 (thấp hơn 79 %)"), std::string::npos)
        << ls.reasons_vi;
    EXPECT_NE(ls.reasons_en.find("Density 314 inhabitants/km² < the urban-centre threshold 1,500 (79% below)"), std::string::npos)
        << ls.reasons_en;
    EXPECT_NE(ls.reasons_vi.find("Kết luận: xa (quyết định bởi: mật độ)"), std::string::npos);
    const auto& p1 = by_code(r, "26506");
    EXPECT_NEAR(p1.density, 16774 / 2.41, 1e-9);  // 6,960.2
    EXPECT_NE(p1.reasons_vi.find("Mật độ 6.960 người/km² ≥ ngưỡng trung tâm đô thị 1.500 (cao hơn 364 %)"), std::string::npos)
        << p1.reasons_vi;
    EXPECT_NE(p1.reasons_vi.find("Kết luận: trung tâm"), std::string::npos);
    // Second opinion on density alone: the 14 dense wards against the 3 sparse ones.
    EXPECT_EQ(r.agreement.central_central, 14u);
    EXPECT_EQ(r.agreement.remote_remote, 3u);
    EXPECT_EQ(r.agreement.total(), 17u);
  }
}

// ---- the rule, borderline, uncertainty, second opinion ---------------------------------------

std::vector<area_input> six_areas() {
  // density = population / area with area 1 km²; education = share of adults with upper secondary.
  std::vector<area_input> v;
  const double dens[] = {7000, 6000, 3900, 1100, 314, 1400};
  const double edu[] = {0.55, 0.50, 0.42, 0.33, 0.25, 0.45};
  for (std::size_t i = 0; i < 6; ++i) {
    area_input a;
    a.code = "A" + std::to_string(i + 1);
    a.name = a.code;
    a.area_km2 = 1;
    a.population = dens[i];
    a.upper_secondary_share = edu[i];
    a.row = i + 1;
    v.push_back(a);
  }
  return v;
}

TEST(Classify, RuleNeedsDensityAndEducation) {
  auto v = six_areas();
  v[1].upper_secondary_share = 0.30;  // dense but below 36.5%
  auto r = commdx::classify_areas(v);
  EXPECT_EQ(r.areas[0].cls, area_class::central);
  EXPECT_EQ(r.areas[0].decided_by, (std::vector<std::string>{"density", "education"}));
  EXPECT_EQ(r.areas[1].cls, area_class::remote);
  EXPECT_EQ(r.areas[1].decided_by, (std::vector<std::string>{"education"}));
  // 30.0% vs 36.5%: 6.5 points below.
  EXPECT_NE(r.areas[1].reasons_vi.find("Tỷ lệ người lớn có học vấn THPT trở lên 30,0 % < ngưỡng 36,5 % (thấp hơn 6,5 điểm %)"),
            std::string::npos)
      << r.areas[1].reasons_vi;
  EXPECT_NE(r.areas[1].reasons_en.find("Adults with upper secondary or more 30.0% < the threshold 36.5% (6.5 points below)"),
            std::string::npos)
      << r.areas[1].reasons_en;
  EXPECT_EQ(r.areas[3].cls, area_class::remote);
  EXPECT_EQ(r.areas[4].cls, area_class::remote);
}

TEST(Classify, BorderlineWhenAThresholdMovedTenPercentFlipsTheClass) {
  auto v = six_areas();
  v[2].upper_secondary_share = 0.40;  // 0.365 × 1.1 = 0.4015 > 0.40: flips on education
  auto r = commdx::classify_areas(v);
  EXPECT_TRUE(r.areas[2].borderline);
  EXPECT_EQ(r.areas[2].borderline_on, (std::vector<std::string>{"education"}));
  // 1,400/km² is remote, but central once 1,500 drops 10% to 1,350.
  EXPECT_EQ(r.areas[5].cls, area_class::remote);
  EXPECT_EQ(r.areas[5].borderline_on, (std::vector<std::string>{"urban_centre"}));
  EXPECT_NE(r.areas[5].reasons_vi.find("Sát ngưỡng: đổi loại khi ngưỡng mật độ trung tâm đô thị thay đổi ±10 %"), std::string::npos);
  // 7,000/km² and 55%: far from every threshold.
  EXPECT_FALSE(r.areas[0].borderline);
  // 1,100/km²: 1,350 is still above it.
  EXPECT_FALSE(r.areas[3].borderline);
}

TEST(Classify, ProbabilityCentralFromTheEducationStandardError) {
  auto v = six_areas();
  v[2].upper_secondary_share = 0.40;
  v[2].education_se = 0.02;
  v[3].education_se = 0.02;  // density below the urban centre: central is impossible
  auto r = commdx::classify_areas(v);
  // R: pnorm((0.40 - 0.365) / 0.02) = pnorm(1.75) = 0.9599408431
  EXPECT_NEAR(r.areas[2].p_central, 0.9599408431, 1e-9);
  EXPECT_DOUBLE_EQ(r.areas[3].p_central, 0.0);
  EXPECT_TRUE(commdx::is_missing(r.areas[0].p_central));  // no SE given
  EXPECT_NE(r.areas[2].reasons_vi.find("Xác suất là trung tâm (theo sai số mẫu của học vấn): 96 %"), std::string::npos);
}

TEST(Classify, KMeansSecondOpinionMatchesR) {
  // R 4.x: z <- scale-by-population-sd(cbind(log(d), e/0.365));
  // kmeans(z, centers = z[c(which.min(d), which.max(d)), ], algorithm = "Lloyd")$cluster
  // = 2 2 2 1 1 2 (cluster 2 started at the densest area: central).
  auto r = commdx::classify_areas(six_areas());
  const area_class expected[] = {area_class::central, area_class::central, area_class::central,
                                 area_class::remote,  area_class::remote,  area_class::central};
  for (std::size_t i = 0; i < 6; ++i) {
    ASSERT_TRUE(r.areas[i].kmeans.has_value());
    EXPECT_EQ(*r.areas[i].kmeans, expected[i]) << i;
  }
  // Rule: A1-A3 central, A4-A6 remote (A6 is 1,400/km²). Agreement 2×2:
  EXPECT_EQ(r.agreement.central_central, 3u);
  EXPECT_EQ(r.agreement.central_remote, 0u);
  EXPECT_EQ(r.agreement.remote_central, 1u);
  EXPECT_EQ(r.agreement.remote_remote, 2u);
  auto t = r.to_table("en");
  EXPECT_EQ(t.text("kmeans_class")[5], "central");
  EXPECT_DOUBLE_EQ(t.numeric("kmeans_agrees")[5], 0.0);
}

TEST(Classify, MeanYearsAndReadinessAndTheIntermediateBand) {
  area_input a;
  a.code = "X";
  a.name = "X";
  a.area_km2 = 2;
  a.population = 2000;  // 1,000/km²: between the two UN thresholds
  a.mean_years = 9.5;
  a.readiness = 0.7;
  auto c = classify_config::from_json({{"intermediate_band", "education_and_readiness"}});
  auto r = commdx::classify_areas({a}, c);
  EXPECT_EQ(r.areas[0].education_measure, "mean_years");
  EXPECT_DOUBLE_EQ(r.areas[0].education_threshold, 8.37);
  EXPECT_EQ(r.areas[0].cls, area_class::central);
  a.readiness = 0.4;
  EXPECT_EQ(commdx::classify_areas({a}, c).areas[0].cls, area_class::remote);
  EXPECT_EQ(commdx::classify_areas({a}, c).areas[0].decided_by, (std::vector<std::string>{"density", "readiness"}));
  EXPECT_EQ(commdx::classify_areas({a}).areas[0].cls, area_class::remote);  // default: the band is remote
}

// ---- configuration ---------------------------------------------------------------------------

TEST(ClassifyConfig, DefaultsAreTheDocumentedOnes) {
  auto c = classify_config::defaults();
  EXPECT_DOUBLE_EQ(c.urban_centre_density, 1500);
  EXPECT_DOUBLE_EQ(c.urban_cluster_density, 300);
  EXPECT_DOUBLE_EQ(c.upper_secondary_share_threshold, 0.365);
  EXPECT_DOUBLE_EQ(c.mean_years_threshold, 8.37);
  EXPECT_DOUBLE_EQ(c.borderline_fraction, 0.10);
  EXPECT_EQ(c.basic_catalogue.size(), 5u);
}

TEST(ClassifyConfig, OverridesAndRefusals) {
  auto c = classify_config::from_json({{"density", {{"urban_centre", 1000}}}});
  EXPECT_DOUBLE_EQ(c.urban_centre_density, 1000);
  EXPECT_DOUBLE_EQ(c.urban_cluster_density, 300);
  auto r = classify_csv(fixture("vungtau-wards-derived.csv"), "f.csv", c);
  EXPECT_EQ(by_code(r, "26539").cls, area_class::central);  // 1,110/km² ≥ 1,000
  EXPECT_NE(error_of<commdx::config_error>([] { classify_config::from_json({{"densty", 1}}); }).find("densty"), std::string::npos);
  EXPECT_NE(error_of<commdx::config_error>([] { classify_config::from_json({{"density", {{"urban_centre", "high"}}}}); })
                .find("density.urban_centre"),
            std::string::npos);
  EXPECT_NE(error_of<commdx::config_error>([] { classify_config::from_json({{"intermediate_band", 3}}); }).find("wrong type"),
            std::string::npos);
  EXPECT_NE(error_of<commdx::config_error>([] { classify_config::from_json({{"readiness", {{"threshold", nullptr}}}}); })
                .find("missing or of the wrong type"),
            std::string::npos);
  EXPECT_NE(error_of<commdx::config_error>([] { classify_config::from_json({{"density", {{"urban_cluster", 2000}}}}); })
                .find("urban_cluster < urban_centre"),
            std::string::npos);
}

// ---- input formats ---------------------------------------------------------------------------

TEST(ClassifyInput, VietnameseNumberFormats) {
  double v = 0;
  using commdx::detail::number_style;
  EXPECT_TRUE(commdx::detail::parse_number_with_style("117.413", number_style::vietnamese, v));
  EXPECT_DOUBLE_EQ(v, 117413);
  EXPECT_TRUE(commdx::detail::parse_number_with_style("16,86", number_style::vietnamese, v));
  EXPECT_DOUBLE_EQ(v, 16.86);
  EXPECT_TRUE(commdx::detail::parse_number_with_style("1.234,5", number_style::vietnamese, v));
  EXPECT_DOUBLE_EQ(v, 1234.5);
  EXPECT_TRUE(commdx::detail::parse_number_with_style("1.234.567", number_style::vietnamese, v));
  EXPECT_DOUBLE_EQ(v, 1234567);
  EXPECT_TRUE(commdx::detail::parse_number_with_style("1,234.5", number_style::english, v));
  EXPECT_DOUBLE_EQ(v, 1234.5);
  EXPECT_FALSE(commdx::detail::parse_number_with_style("1.23.4", number_style::vietnamese, v));
  EXPECT_FALSE(commdx::detail::parse_number_with_style("12.34", number_style::vietnamese, v));
  EXPECT_FALSE(commdx::detail::parse_number_with_style("1,2,3", number_style::english, v));
}

TEST(ClassifyInput, FormattedNumbersReadBackInEitherConvention) {
  // Property: any number written by the Vietnamese or English formatter (a different function
  // from the parser) reads back to the same value with that convention.
  using commdx::detail::number_style;
  std::uint64_t state = 12345;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0;  // [0, 1)
  };
  for (int i = 0; i < 2000; ++i) {
    double magnitude = std::pow(10.0, std::floor(next() * 9) - 2);
    int decimals = static_cast<int>(next() * 4);
    double x = std::round(next() * magnitude * std::pow(10.0, decimals)) / std::pow(10.0, decimals);
    for (bool vi : {true, false}) {
      std::string s = commdx::detail::format_localised(x, decimals, vi);
      double back = -1;
      ASSERT_TRUE(commdx::detail::parse_number_with_style(s, vi ? number_style::vietnamese : number_style::english, back)) << s;
      EXPECT_NEAR(back, x, 1e-9 * std::max(1.0, x)) << s;
    }
  }
}

TEST(ClassifyInput, SpreadsheetNumberCellsKeepTheirValueInAnyColumnFormat) {
  // The XLSX reader marks number cells; "2.41" from a number cell must not be read as evidence
  // against the typed Vietnamese "2,41", nor "\x01" "16774" as anything but 16,774.
  commdx::table t("areas.xlsx");
  t.set("Tên", commdx::text_column{"Phường 1", "Phường 2"});
  t.set("Diện tích (km2)", commdx::text_column{"\x01" "2.41", "2,41"});
  t.set("Dân số", commdx::text_column{"16.774", "\x01" "16773"});
  t.set("Mã", commdx::text_column{"\x01" "26506", "26509"});
  auto city = places::vung_tau();
  auto r = commdx::classify_areas(t, classify_config::defaults(), &city);
  EXPECT_EQ(r.areas[0].input.code, "26506");
  EXPECT_DOUBLE_EQ(r.areas[0].input.area_km2, 2.41);
  EXPECT_DOUBLE_EQ(r.areas[1].input.area_km2, 2.41);
  EXPECT_DOUBLE_EQ(r.areas[0].input.population, 16774);
  EXPECT_DOUBLE_EQ(r.areas[1].input.population, 16773);
}

TEST(ClassifyInput, EachHeaderLanguageAndNumberFormatGivesTheSameAreas) {
  const std::string files[] = {
      // English headers, plain numbers
      "code,name,area_km2,population\n26545,Xã Long Sơn,56.5,17767\n26506,Phường 1,2.41,16774\n",
      // English headers, English thousands
      "Code,Name,Area (km2),Population\n26545,Long Son,56.50,\"17,767\"\n26506,P.1,2.41,\"16,774\"\n",
      // Vietnamese headers without diacritics, Vietnamese numbers
      "ma;ten;dien_tich_km2;dan_so\n26545;xa long son;56,5;17.767\n26506;phuong 1;2,41;16.774\n",
      // Vietnamese headers with diacritics; no codes, names only
      "Tên;Diện tích (km2);Dân số\nXã Long Sơn;56,50;17.767\nPhường 1;2,41;16.774\n",
      // Vietnamese headers, "1.234,5" style with spaces and a BOM
      "\xEF\xBB\xBF" "Mã; Tên ;Diện tích (km²);Dân số (người)\n"
      "26545;Xã Long Sơn;56,500;17.767\n26506;Phường 1;2,410; 16.774 \n",
  };
  for (const auto& f : files) {
    auto r = classify_csv(f);
    ASSERT_EQ(r.areas.size(), 2u) << f;
    EXPECT_EQ(r.areas[0].input.code, "26545") << f;
    EXPECT_EQ(r.areas[0].input.name, "Xã Long Sơn") << f;
    EXPECT_DOUBLE_EQ(r.areas[0].input.area_km2, 56.5) << f;
    EXPECT_DOUBLE_EQ(r.areas[0].input.population, 17767) << f;
    EXPECT_DOUBLE_EQ(r.areas[1].input.area_km2, 2.41) << f;
    EXPECT_DOUBLE_EQ(r.areas[1].input.population, 16774) << f;
    EXPECT_EQ(r.areas[0].cls, area_class::remote);
    EXPECT_EQ(r.areas[1].cls, area_class::central);
  }
}

TEST(ClassifyInput, AmbiguousThousandsFollowTheHeaderLanguageUnlessTheColumnShowsItsFormat) {
  // "1.234" alone: Vietnamese header -> 1234; English header -> 1.234.
  auto vi = classify_csv("ten,dien_tich_km2,dan_so\nPhường 1,1.234,5000\n");
  EXPECT_DOUBLE_EQ(vi.areas[0].input.area_km2, 1234);
  auto en = classify_csv("name,area_km2,population\nPhường 1,1.234,5000\n");
  EXPECT_DOUBLE_EQ(en.areas[0].input.area_km2, 1.234);
  // A Vietnamese-header column whose other cell is "2.41" (dot + 2 digits) is written the English way.
  auto mixed = classify_csv("ten;dien_tich_km2;dan_so\nPhường 1;1.234;5.000\nPhường 2;2.41;16.773\n");
  EXPECT_DOUBLE_EQ(mixed.areas[0].input.area_km2, 1.234);
  EXPECT_DOUBLE_EQ(mixed.areas[0].input.population, 5000);
  // Both conventions in one column: refused, naming the rows.
  auto msg = error_of<commdx::input_error>([] { classify_csv("ten;dien_tich_km2;dan_so\nPhường 1;1.234,5;5000\nPhường 2;2.41;16773\n"); });
  EXPECT_NE(msg.find("column 'dien_tich_km2'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("row 1 '1.234,5'"), std::string::npos) << msg;
}

TEST(ClassifyInput, NfcAndNfdNamesMatchTheSameUnits) {
  const std::string nfc = "Xã Long Sơn";
  const std::string nfd = "X" "a\xCC\x83" " Long S" "o\xCC\x9B" "n";  // a + combining tilde, o + horn
  ASSERT_NE(nfc, nfd);
  for (const auto& name : {nfc, nfd}) {
    auto r = classify_csv("ten,dien_tich_km2,dan_so\n" + name + ",56.5,17767\n");
    EXPECT_EQ(r.areas[0].input.code, "26545");
    EXPECT_EQ(r.areas[0].input.name, nfc);
  }
}

TEST(ClassifyInput, PercentShares) {
  auto r = classify_csv("ma;ty_le_thpt;sai_so_ty_le_thpt;dien_tich;dan_so\n26506;52,3;2,1;2,41;16.774\n26545;30;1,5;56,5;17.767\n");
  EXPECT_NEAR(r.areas[0].input.upper_secondary_share, 0.523, 1e-12);
  EXPECT_NEAR(r.areas[0].input.education_se, 0.021, 1e-12);
  auto r2 = classify_csv("code,education,area_km2,population\n26506,52.3%,2.41,16774\n26545,0.30,56.5,17767\n");
  EXPECT_NEAR(r2.areas[0].input.upper_secondary_share, 0.523, 1e-12);
  EXPECT_NEAR(r2.areas[1].input.upper_secondary_share, 0.30, 1e-12);
}

TEST(ClassifyInput, ClearErrorsNameTheRowAndColumn) {
  auto missing_col = error_of<commdx::input_error>([] { classify_csv("ten;dan_so\nPhường 1;16.774\n"); });
  EXPECT_NE(missing_col.find("column 'area_km2'"), std::string::npos) << missing_col;
  EXPECT_NE(missing_col.find("thiếu cột"), std::string::npos) << missing_col;
  EXPECT_NE(missing_col.find("Diện tích (km2)"), std::string::npos) << missing_col;

  auto non_numeric = error_of<commdx::input_error>(
      [] { classify_csv("Tên;Diện tích (km2);Dân số\nPhường 1;2,41;16.774\nPhường 2;khoảng 3;16.773\n", "phuong.csv"); });
  EXPECT_NE(non_numeric.find("phuong.csv, row 2, column 'Diện tích (km2)'"), std::string::npos) << non_numeric;
  EXPECT_NE(non_numeric.find("'khoảng 3' is not a number"), std::string::npos) << non_numeric;

  auto zero = error_of<commdx::validation_error>([] { classify_csv("ma,dien_tich,dan_so\n26506,0,16774\n"); });
  EXPECT_NE(zero.find("row 1, column 'dien_tich', unit 26506"), std::string::npos) << zero;
  EXPECT_NE(zero.find("greater than 0"), std::string::npos) << zero;

  auto dup = error_of<commdx::validation_error>(
      [] { classify_csv("ma,ten,dien_tich,dan_so\n26506,Phường 1,2.41,16774\n26509,Phường 2,2.41,16773\n26506,P1,2.41,16774\n"); });
  EXPECT_NE(dup.find("row 3, column 'ma', unit 26506"), std::string::npos) << dup;
  EXPECT_NE(dup.find("first at row 1"), std::string::npos) << dup;

  auto dup_name = error_of<commdx::validation_error>([] { classify_csv("ten,dien_tich,dan_so\nPhường 1,2.41,16774\nP.1,2.41,16774\n"); });
  EXPECT_NE(dup_name.find("duplicate unit 26506"), std::string::npos) << dup_name;

  auto unknown = error_of<commdx::name_match_error>([] { classify_csv("ten,dien_tich,dan_so\nPhường 1,2.41,16774\nPhường 99,2,100\n"); });
  EXPECT_NE(unknown.find("row 2, column 'ten'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("matches no unit"), std::string::npos) << unknown;

  auto mismatch = error_of<commdx::validation_error>([] { classify_csv("ma,ten,dien_tich,dan_so\n26506,Phường 2,2.41,16774\n"); });
  EXPECT_NE(mismatch.find("code 26506 is 26506 Phường 1 in vungtau-units.csv (2022) but the name 'Phường 2' is 26509 Phường 2"),
            std::string::npos) << mismatch;
  // A reused code (issue 13): 26506 is Phường Vũng Tàu since 2025; the 2022 unit is not substituted.
  auto reused = error_of<commdx::validation_error>([] { classify_csv("ma,ten,dien_tich,dan_so\n26506,Phường Vũng Tàu,16.86,117413\n"); });
  EXPECT_NE(reused.find("26506 Phường Vũng Tàu in vungtau-2025-units.csv (2025)"), std::string::npos) << reused;

  auto empty_pop = error_of<commdx::input_error>([] { classify_csv("ma,dien_tich,dan_so\n26506,2.41,\n"); });
  EXPECT_NE(empty_pop.find("row 1, column 'dan_so'"), std::string::npos) << empty_pop;

  auto bad_share = error_of<commdx::input_error>([] { classify_csv("ma,ty_le_thpt,dien_tich,dan_so\n26506,130%,2.41,16774\n"); });
  EXPECT_NE(bad_share.find("column 'ty_le_thpt'"), std::string::npos) << bad_share;
}

// ---- households --------------------------------------------------------------------------------

commdx::table households() {
  // Three households in two groups; hand-worked scores below.
  commdx::table t("households.csv");
  t.set("household_id", commdx::text_column{"H1", "H2", "H3", "H4"});
  t.set("ward_code", commdx::text_column{"26545", "26545", "26545", "26545"});
  t.set("group_code", commdx::text_column{"G1", "G1", "G2", "G2"});
  t.set("adults", commdx::numeric_column{2, 3, 1, 2});
  t.set("adults_upper_secondary", commdx::numeric_column{1, 0, 1, commdx::missing});
  t.set("adults_smartphone", commdx::numeric_column{1, 0, 1, commdx::missing});
  t.set("smartphones", commdx::numeric_column{1, 0, 2, commdx::missing});
  t.set("home_internet", commdx::numeric_column{0, 0, 1, commdx::missing});
  t.set("head_age", commdx::numeric_column{60, 80, 30, commdx::missing});
  t.set("head_education", commdx::numeric_column{2, 1, 5, commdx::missing});
  t.set("bank_account", commdx::numeric_column{1, 0, 1, 1});
  t.set("e_wallet", commdx::numeric_column{0, 0, 1, commdx::missing});
  t.set("app_vssid", commdx::numeric_column{1, 0, 0, commdx::missing});
  t.set("weight", commdx::numeric_column{10, 30, 20, 20});
  return t;
}

TEST(Access, HandWorkedScoresAndGroupCatalogues) {
  auto r = commdx::access_segments(households());
  const auto& score = r.households.numeric("access_score");
  // H1: 0.25·(1/2) + 0.10·1 + 0.20·0 + 0.10·((75−60)/30) + 0.15·(2/3) + 0.10·1 + 0.10·1 = 0.575
  EXPECT_NEAR(score[0], 0.575, 1e-12);
  // H2: 0.25·0 + 0 + 0 + 0.10·0 (age 80) + 0.15·(1/3) + 0 + 0 = 0.05
  EXPECT_NEAR(score[1], 0.05, 1e-12);
  // H3: everything 1 -> 1
  EXPECT_NEAR(score[2], 1.0, 1e-12);
  // H4: only bank_account known (weight 0.10 < 0.5 of the total): unknown
  EXPECT_TRUE(commdx::is_missing(score[3]));
  EXPECT_EQ(r.households.text("access"), (commdx::text_column{"high", "low", "high", "unknown"}));
  // G1: weighted low share 30 / (10 + 30) = 0.75 >= 0.5 -> basic; G2: 0 of 20 -> central.
  EXPECT_NEAR(r.groups.numeric("low_access_share")[0], 0.75, 1e-12);
  EXPECT_EQ(r.groups.text("catalogue"), (commdx::text_column{"basic", "central"}));
  EXPECT_EQ(r.groups.text("catalogue_items")[0], "R3.smartphone_basics R3.bank_account R3.basic_payment R3.health_book R3.vssid");
  EXPECT_DOUBLE_EQ(r.groups.numeric("households_unknown")[1], 1);
  // A stricter switch (basic only from 80% low access) keeps G1 on the central catalogue.
  auto strict = classify_config::from_json({{"access", {{"basic_catalogue_low_access_share", 0.8}}}});
  EXPECT_EQ(commdx::access_segments(households(), strict).groups.text("catalogue")[0], "central");
  // Groups of a central ward get the central catalogue outright.
  EXPECT_EQ(commdx::access_segments(households(), classify_config::defaults(), {"26545"}).groups.text("catalogue")[0], "central");
}

TEST(Access, EducationByWardIsARatioOfWeightedSums) {
  auto t = commdx::education_by_ward(households());
  // (10·1 + 30·0 + 20·1) / (10·2 + 30·3 + 20·1) = 30 / 130; H4 left out and counted.
  EXPECT_NEAR(t.numeric("education")[0], 30.0 / 130.0, 1e-12);
  EXPECT_DOUBLE_EQ(t.numeric("households_missing")[0], 1);
}

TEST(Access, BadFlagNamesTheRow) {
  auto h = households();
  h.set("home_internet", commdx::numeric_column{0, 2, 1, 0});
  auto msg = error_of<commdx::input_error>([&] { commdx::access_segments(h); });
  EXPECT_NE(msg.find("row 2, column 'home_internet', unit H2"), std::string::npos) << msg;
}

}  // namespace
