// Issue 16: the city's indicator table from its wards' sufficient statistics, without their
// records. The reference is the pooled records' compute_indicators, which
// test_indicators.cpp checks against R's survey package (tests/data/r/expected.csv), and a
// hand-worked two-stratum case.
#include <gtest/gtest.h>

#include <commdx/indicators/statistics.hpp>
#include <commdx/io/csv.hpp>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

using commdx::indicator_catalogue;
using commdx::table;

const std::string kDir = std::string(COMMDX_SOURCE_DIR) + "/tests/data/r/";

const table& city() {
  static const table t = [] {
    const std::string path = kDir + "city_sample.csv";
    return commdx::io::to_table(commdx::io::parse_csv(commdx::io::read_file(path), path),
                                {"household_id", "ward_code", "neighbourhood_code", "group_code", "stratum", "psu",
                                 "electricity_payment_method"});
  }();
  return t;
}
const commdx::places& city_places() {
  static const commdx::places p = commdx::places::from_file(kDir + "city_places.csv");
  return p;
}

// The rows of `t` whose ward is `ward`, as a table named `source`.
table ward_rows(const table& t, const std::string& ward, const std::string& source) {
  std::vector<std::size_t> keep;
  for (std::size_t r = 0; r < t.rows(); ++r)
    if (t.text("ward_code")[r] == ward) keep.push_back(r);
  table out(source);
  for (const auto& col : t.names()) {
    if (t.is_numeric(col)) {
      commdx::numeric_column v;
      for (std::size_t r : keep) v.push_back(t.numeric(col)[r]);
      out.set(col, std::move(v));
    } else {
      commdx::text_column v;
      for (std::size_t r : keep) v.push_back(t.text(col)[r]);
      out.set(col, std::move(v));
    }
  }
  return out;
}

std::vector<std::string> wards_of(const table& t) {
  std::set<std::string> w(t.text("ward_code").begin(), t.text("ward_code").end());
  return {w.begin(), w.end()};
}

// Every column of the two indicator tables equal: text exactly, numbers to `rel` (NaN where NaN).
void expect_same_table(const table& got, const table& want, double rel) {
  ASSERT_EQ(got.names(), want.names());
  ASSERT_EQ(got.rows(), want.rows());
  for (const auto& col : want.names()) {
    if (!want.is_numeric(col)) {
      EXPECT_EQ(got.text(col), want.text(col)) << col;
      continue;
    }
    for (std::size_t r = 0; r < want.rows(); ++r) {
      const double a = got.numeric(col)[r], b = want.numeric(col)[r];
      if (std::isnan(b)) {
        EXPECT_TRUE(std::isnan(a)) << col << " row " << r;
      } else {
        EXPECT_NEAR(a, b, rel * std::fabs(b) + 1e-300) << col << " row " << r << " " << want.text("unit")[r] << " "
                                                       << want.text("indicator")[r];
      }
    }
  }
}

const commdx::survey_design kDesign = commdx::survey_design::parse("weight=weight,strata=stratum,psu=psu,fpc=fpc");

TEST(Statistics, TheCityFromItsWardsFilesEqualsThePooledRecords) {
  commdx::indicator_options opt;
  opt.as_of = "2022-07-05";
  const auto cat = indicator_catalogue::builtin();
  const table pooled = commdx::compute_indicators(city(), city_places(), kDesign, cat, opt);
  std::vector<commdx::indicator_statistics> wards;
  for (const auto& w : wards_of(city())) {
    const table rows = ward_rows(city(), w, "ward-" + w + ".csv");
    // through the file a ward sends: JSON text and back
    const auto sent = commdx::to_json(commdx::summarise_indicators(rows, city_places(), kDesign, cat, opt)).dump();
    wards.push_back(commdx::statistics_from_json(nlohmann::json::parse(sent), "ward-" + w + ".json"));
  }
  ASSERT_GE(wards.size(), 3u);
  const auto merged = commdx::merge_statistics(wards);
  expect_same_table(commdx::indicators_from_statistics(merged, city_places(), cat, opt), pooled, 1e-12);
  // one ward's own statistics give that ward's table (its records alone)
  const table one = ward_rows(city(), wards_of(city())[1], "one.csv");
  expect_same_table(commdx::indicators_from_statistics(wards[1], city_places(), cat, opt),
                    commdx::compute_indicators(one, city_places(), kDesign, cat, opt), 1e-12);
  // and fewer levels than were summed
  opt.levels = {commdx::indicator_level_named("city"), commdx::indicator_level_named("ward")};
  expect_same_table(commdx::indicators_from_statistics(merged, city_places(), cat, opt),
                    commdx::compute_indicators(city(), city_places(), kDesign, cat, opt), 1e-12);
}

TEST(Statistics, WithoutFpcStrataOrClustersToo) {
  const auto cat = indicator_catalogue::builtin().select({"adults_bank_account", "pay_online_water", "head_education_mean"});
  for (const char* spec : {"weight=weight,psu=psu", "weight=weight,strata=stratum", "weight=weight",
                           "weight=weight,strata=stratum,psu=psu,lonely_psu=adjust"}) {
    const auto design = commdx::survey_design::parse(spec);
    const table pooled = commdx::compute_indicators(city(), city_places(), design, cat);
    std::vector<commdx::indicator_statistics> wards;
    for (const auto& w : wards_of(city()))
      wards.push_back(commdx::summarise_indicators(ward_rows(city(), w, "ward-" + w + ".csv"), city_places(), design, cat));
    SCOPED_TRACE(spec);
    expect_same_table(commdx::indicators_from_statistics(commdx::merge_statistics(wards), city_places(), cat), pooled, 1e-12);
  }
}

// Hand-worked: two strata (wards A and B), PSUs g1, g2 in A and g3, g4 in B, two households
// each, weight 10 in A and 5 in B, no fpc. The mean of y:
//   A: y = (1, 0 | 1, 1)  -> PSU sums of w y: 10, 20;  B: y = (0, 0 | 1, 0) -> 0, 5.
//   Y = 35, N = 40 + 20 = 60, mean = 35/60 = 0.583333...
//   linearised PSU totals z = (sum w y - mean sum w) / N: A: (10 - 11.667)/60, (20 - 11.667)/60
//   = -0.027778, 0.138889; B: (0 - 5.8333)/60, (5 - 5.8333)/60 = -0.097222, -0.013889.
//   V = sum_h n_h/(n_h - 1) sum (z - zbar_h)^2 = 2 (2 * 0.083333^2) + 2 (2 * 0.041667^2)
//     = 0.027778 + 0.006944 = 0.034722;  se = 0.186339.
TEST(Statistics, HandWorkedTwoWards) {
  const commdx::places p = commdx::places::from_csv_text("code,name,kind,parent\nC,City,city,\nA,Ward A,ward,C\nB,Ward B,ward,C\n", "p.csv");
  auto ward = [](const std::string& w, double weight, std::vector<double> y, const std::string& g1, const std::string& g2) {
    table t("survey-" + w + ".csv");
    t.set("ward_code", commdx::text_column(4, w));
    t.set("stratum", commdx::text_column(4, w));
    t.set("psu", commdx::text_column{g1, g1, g2, g2});
    t.set("weight", commdx::numeric_column(4, weight));
    t.set("bank_account", std::move(y));
    return t;
  };
  const auto cat = indicator_catalogue::builtin().select({"households_bank_account"});
  commdx::indicator_options opt;
  opt.levels = {commdx::indicator_level_named("city"), commdx::indicator_level_named("ward")};
  const auto design = commdx::survey_design::parse("weight=weight,strata=stratum,psu=psu");
  const auto a = commdx::summarise_indicators(ward("A", 10, {1, 0, 1, 1}, "g1", "g2"), p, design, cat, opt);
  const auto b = commdx::summarise_indicators(ward("B", 5, {0, 0, 1, 0}, "g3", "g4"), p, design, cat, opt);
  ASSERT_EQ(a.parts.at(0).cells.rows(), 2u);  // one base cell per PSU
  EXPECT_EQ(a.parts[0].sums[0][1].swy, 20.0);
  const table out = commdx::indicators_from_statistics(commdx::merge_statistics({a, b}), p, cat, opt);
  ASSERT_EQ(out.text("unit")[0], "C");
  EXPECT_NEAR(out.numeric("estimate")[0], 35.0 / 60.0, 1e-15);
  EXPECT_NEAR(out.numeric("se")[0], std::sqrt(2 * (2 * std::pow(5.0 / 60.0, 2)) + 2 * (2 * std::pow(2.5 / 60.0, 2))), 1e-15);
  EXPECT_NEAR(out.numeric("se")[0], 0.186339, 1e-6);
  EXPECT_NEAR(out.numeric("estimate")[1], 0.75, 1e-15);  // ward A: 30 / 40
  EXPECT_NEAR(out.numeric("estimate")[2], 0.25, 1e-15);  // ward B: 5 / 20
}

TEST(Statistics, TheSameWardTwiceOrAnotherDefinitionIsRefused) {
  const auto cat = indicator_catalogue::builtin().select({"adults_bank_account", "pay_online_water"});
  const auto w = wards_of(city());
  const auto a = commdx::summarise_indicators(ward_rows(city(), w[0], "a.csv"), city_places(), kDesign, cat);
  const auto b = commdx::summarise_indicators(ward_rows(city(), w[1], "b.csv"), city_places(), kDesign, cat);
  try {
    commdx::merge_statistics({a, b, a});
    FAIL() << "the same ward merged twice";
  } catch (const commdx::validation_error& e) {
    EXPECT_NE(std::string(e.what()).find("a.csv"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("summed twice"), std::string::npos) << e.what();
  }
  // a city whose catalogue defines an indicator otherwise than the wards summed it
  auto doc = cat.to_json();
  doc["indicators"][1]["numerator"] = {{"column", "pay_online_electricity"}};
  const auto other = indicator_catalogue::from_json(doc, "city-catalogue.json");
  EXPECT_THROW(commdx::indicators_from_statistics(commdx::merge_statistics({a, b}), city_places(), other), commdx::config_error);
  // a catalogue with an indicator the wards did not sum
  const auto more = indicator_catalogue::builtin().select({"adults_bank_account", "pay_online_water", "e_wallet"});
  EXPECT_THROW(commdx::indicators_from_statistics(a, city_places(), more), commdx::config_error);
  // another design
  const auto c = commdx::summarise_indicators(ward_rows(city(), w[2], "c.csv"), city_places(),
                                              commdx::survey_design::parse("weight=weight,strata=stratum,psu=psu"), cat);
  EXPECT_THROW(commdx::merge_statistics({a, c}), commdx::config_error);
}

TEST(Statistics, AMalformedFileNamesTheField) {
  const auto cat = indicator_catalogue::builtin().select({"adults_bank_account"});
  auto j = commdx::to_json(commdx::summarise_indicators(city(), city_places(), kDesign, cat));
  j["parts"][0]["indicators"][0]["swy"].erase(0);
  try {
    commdx::statistics_from_json(j, "ward.json");
    FAIL();
  } catch (const commdx::config_error& e) {
    EXPECT_NE(std::string(e.what()).find("ward.json"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("/parts/0/indicators/0/swy"), std::string::npos) << e.what();
  }
  EXPECT_THROW(commdx::statistics_from_json(nlohmann::json{{"format", "other"}}, "x.json"), commdx::config_error);
}

TEST(Statistics, DamagedCountsAreRefusedNotCast) {
  // A file edited by hand or damaged in transit: record counts that are negative, fractional or
  // beyond 2^53, or more weighted records than records, were cast to size_t by the estimator.
  const auto cat = indicator_catalogue::builtin().select({"adults_bank_account"});
  const auto good = commdx::to_json(commdx::summarise_indicators(city(), city_places(), kDesign, cat));
  EXPECT_NO_THROW(commdx::statistics_from_json(good, "ward.json"));
  const std::vector<std::pair<std::string, double>> damaged = {
      {"n", -1.0}, {"n", 2.5}, {"nnz", 1e300}, {"nnz", 1e6}};
  for (const auto& [field, value] : damaged) {
    auto j = good;
    j["parts"][0]["indicators"][0][field][0] = value;
    try {
      commdx::statistics_from_json(j, "ward.json");
      ADD_FAILURE() << field << " = " << value;
    } catch (const commdx::config_error& e) {
      EXPECT_NE(std::string(e.what()).find("/parts/0/indicators/0/" + field + "/0"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
