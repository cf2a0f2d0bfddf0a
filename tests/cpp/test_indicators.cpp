// S1-S4, K1-K10, R3: the indicator catalogue and the per-unit indicator table. Estimates are
// checked against R's survey package (tests/data/r/expected.csv, see README.md there) and
// against hand-worked small cases.
#include <gtest/gtest.h>

#include <commdx/indicators.hpp>
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

table read(const std::string& name, const std::set<std::string>& text) {
  const std::string path = kDir + name;
  return commdx::io::to_table(commdx::io::parse_csv(commdx::io::read_file(path), path), text);
}

const table& city() {
  static const table t = read("city_sample.csv", {"household_id", "ward_code", "neighbourhood_code", "group_code",
                                                  "stratum", "psu", "electricity_payment_method"});
  return t;
}
const commdx::places& city_places() {
  static const commdx::places p = commdx::places::from_file(kDir + "city_places.csv");
  return p;
}

double at(const table& t, const std::string& col, std::size_t r) {
  if (t.is_numeric(col)) return t.numeric(col)[r];
  double v = commdx::missing;
  if (!t.text(col)[r].empty()) commdx::io::parse_number(t.text(col)[r], v);
  return v;
}

TEST(IndicatorCatalogue, ShipsEveryContractIdAndCoversTheRequirements) {
  const auto cat = indicator_catalogue::builtin();
  EXPECT_GE(cat.indicators().size(), 25u);
  for (const char* id :
       {"adults_bank_account", "households_bank_account", "e_wallet", "pay_online_electricity", "pay_online_water",
        "pay_online_internet", "pay_online_cable_tv", "pay_online_school_fees", "business_e_payment", "business_qr",
        "business_bank_transfer", "enterprise_e_invoice", "lodging_website", "convenience_store_website",
        "business_sells_online", "farming_listed_postmart_voso", "population_aware_postmart_voso",
        "population_buy_postmart_voso", "app_vssid", "app_vneid", "app_health_book", "app_vungtauioc", "app_pc_covid",
        "online_public_service", "car_etc", "ecommerce_buy", "zalo_neighbourhood_group", "adults_smartphone",
        "home_internet", "adults_upper_secondary", "head_education_mean", "conv_egov", "need_egov", "conv_shopping",
        "need_shopping", "conv_selling", "need_selling", "conv_payment", "need_payment"})
    EXPECT_NO_THROW(cat.at(id)) << id;
  std::set<std::string> covered;
  for (const auto& i : cat.indicators())
    for (const auto& r : i.requirements) covered.insert(r);
  for (const char* r : {"S1", "S2", "S3", "S4", "K1", "K2", "K3", "K4", "K5", "K6", "K7", "K8", "K9", "K10", "R3"})
    EXPECT_TRUE(covered.count(r)) << r;
  // K6: 50% of the population know of and buy on postmart/voso by 2022-12-31; K3: 100% e-invoices.
  EXPECT_EQ(cat.at("population_buy_postmart_voso").target, 0.5);
  EXPECT_EQ(cat.at("population_buy_postmart_voso").target_date, "2022-12-31");
  EXPECT_EQ(cat.at("enterprise_e_invoice").target, 1.0);
  EXPECT_EQ(cat.at("adults_smartphone").target, 0.8);
  // Round trip through JSON keeps every field that matters.
  const auto back = indicator_catalogue::from_json(cat.to_json());
  ASSERT_EQ(back.indicators().size(), cat.indicators().size());
  EXPECT_EQ(back.at("business_e_payment").numerator.columns.size(), 3u);
  EXPECT_TRUE(back.at("business_e_payment").numerator.any);
  EXPECT_EQ(back.at("enterprise_e_invoice").where.at(0).values.at(0), "enterprise");
}

TEST(IndicatorCatalogue, BadEntriesNameTheIndicator) {
  auto bad = nlohmann::json::parse(R"({"indicators": [{"id": "x", "label_vi": "x", "label_en": "x",
      "statistic": "median", "numerator": {"column": "a"}}]})");
  try {
    indicator_catalogue::from_json(bad, "my.json");
    FAIL();
  } catch (const commdx::config_error& e) {
    EXPECT_NE(std::string(e.what()).find("my.json, row 1, column 'statistic', unit x"), std::string::npos) << e.what();
  }
}

TEST(IndicatorCatalogue, Dates) {
  EXPECT_EQ(indicator_catalogue::parse_date("1970-01-01").value(), 0);
  EXPECT_EQ(*indicator_catalogue::parse_date("2022-12-31") - *indicator_catalogue::parse_date("2022-07-05"), 179);
  EXPECT_FALSE(indicator_catalogue::parse_date("2022-02-29"));
  EXPECT_TRUE(indicator_catalogue::parse_date("2024-02-29"));
  EXPECT_FALSE(indicator_catalogue::parse_date("2022-7-5"));
}

// The per-ward and per-neighbourhood rows agree with R (svyby over the same design).
TEST(Indicators, AgreeWithRAtEveryLevel) {
  commdx::indicator_options opt;
  opt.as_of = "2022-07-05";
  const auto design = commdx::survey_design::parse("weight=weight,strata=stratum,psu=psu,fpc=fpc");
  const table out = commdx::compute_indicators(city(), city_places(), design, indicator_catalogue::builtin(), opt);
  std::map<std::string, std::size_t> row;  // level|unit|indicator -> row
  for (std::size_t r = 0; r < out.rows(); ++r)
    row[out.text("level")[r] + "|" + out.text("unit")[r] + "|" + out.text("indicator")[r]] = r;
  const table ex = read("expected.csv", {"design", "by_value", "variable", "denominator", "by", "stat"});
  const std::map<std::string, std::string> id_of = {{"adults_bank_account/adults", "adults_bank_account"},
                                                    {"members_buy_postmart_voso/members", "population_buy_postmart_voso"},
                                                    {"pay_online_water/", "pay_online_water"},
                                                    {"bank_account/", "households_bank_account"},
                                                    {"head_education/", "head_education_mean"},
                                                    {"conv_egov/", "conv_egov"}};
  const std::map<std::string, std::string> level_of = {{"", "city"}, {"ward_code", "ward"}, {"neighbourhood_code", "neighbourhood"}};
  std::size_t checked = 0;
  for (std::size_t r = 0; r < ex.rows(); ++r) {
    if (ex.text("design")[r] != "city_fpc" || ex.text("stat")[r] == "total") continue;
    auto id = id_of.find(ex.text("variable")[r] + "/" + ex.text("denominator")[r]);
    if (id == id_of.end()) continue;
    const std::string lvl = level_of.at(ex.text("by")[r]);
    const std::string unit = lvl == "city" ? "747" : ex.text("by_value")[r];
    auto it = row.find(lvl + "|" + unit + "|" + id->second);
    ASSERT_NE(it, row.end()) << lvl << " " << unit << " " << id->second;
    const double want = at(ex, "estimate", r), want_se = at(ex, "se", r);
    EXPECT_NEAR(out.numeric("estimate")[it->second], want, 1e-9 * std::fabs(want) + 1e-15);
    const double se = out.numeric("se")[it->second];
    if (std::isnan(se)) {
      EXPECT_LT(want_se, 1e-12) << "only a unit inside one PSU has its se withheld";
    } else {
      EXPECT_NEAR(se, want_se, 1e-9 * want_se + 1e-15) << lvl << " " << unit << " " << id->second;
    }
    ++checked;
  }
  EXPECT_GT(checked, 500u);
  // targets, gaps, days left (K6: 2022-12-31, 179 days after 2022-07-05)
  const std::size_t k6 = row.at("city|747|population_buy_postmart_voso");
  EXPECT_EQ(out.numeric("target")[k6], 0.5);
  EXPECT_EQ(out.text("target_date")[k6], "2022-12-31");
  EXPECT_DOUBLE_EQ(out.numeric("gap")[k6], 0.5 - out.numeric("estimate")[k6]);
  EXPECT_EQ(out.numeric("days_left")[k6], 179.0);
  EXPECT_TRUE(std::isnan(out.numeric("target")[row.at("city|747|e_wallet")]));
  // Residential groups are the PSUs: their sampling error is not estimable, so it is withheld.
  const std::size_t grp = row.at("residential_group|" + city().text("group_code")[0] + "|e_wallet");
  EXPECT_TRUE(std::isnan(out.numeric("se")[grp]));
  EXPECT_FALSE(std::isnan(out.numeric("estimate")[grp]));
  // No business table: no business indicator rows.
  EXPECT_EQ(row.count("city|747|business_qr"), 0u);
}

TEST(Indicators, AnyOfAndBusinessTypeDomainsHandWorked) {
  // A census of five businesses in one ward (weights 1, no design): hand-worked shares.
  commdx::places p = commdx::places::from_csv_text("code,name,kind,parent\nC,City,city,\nW,Ward,ward,C\n", "p.csv");
  table b("businesses.csv");
  b.set("ward_code", commdx::text_column{"W", "W", "W", "W", "W"});
  b.set("type", commdx::text_column{"shop", "enterprise", "enterprise", "eatery", "enterprise"});
  b.set("accepts_qr", commdx::numeric_column{0, 1, 0, 0, 0});
  b.set("accepts_bank_transfer", commdx::numeric_column{0, 0, 1, 0, 0});
  b.set("accepts_card", commdx::numeric_column{0, commdx::missing, 0, 1, 0});
  b.set("e_invoice", commdx::numeric_column{commdx::missing, 1, 1, commdx::missing, 0});
  table h("households.csv");
  h.set("ward_code", commdx::text_column{"W"});
  const auto cat = indicator_catalogue::builtin().select({"business_e_payment", "business_e_payment_count", "enterprise_e_invoice"});
  commdx::indicator_options opt;
  opt.levels = {commdx::indicator_level_named("city"), commdx::indicator_level_named("ward")};
  const table out = commdx::compute_indicators(h, p, commdx::survey_design::parse("weight=none"), cat, opt, &b);
  ASSERT_EQ(out.rows(), 6u);
  EXPECT_EQ(out.text("indicator")[0], "business_e_payment");
  EXPECT_DOUBLE_EQ(out.numeric("estimate")[0], 3.0 / 5.0);  // rows 2, 3, 4 take some e-payment
  EXPECT_DOUBLE_EQ(out.numeric("estimate")[1], 3.0);
  EXPECT_DOUBLE_EQ(out.numeric("estimate")[2], 2.0 / 3.0);  // enterprises only
  EXPECT_EQ(out.numeric("n")[2], 3.0);
  EXPECT_DOUBLE_EQ(out.numeric("gap")[2], 1.0 - 2.0 / 3.0);
  EXPECT_TRUE(std::isnan(out.numeric("days_left")[2]));  // K3 gives no date
  EXPECT_EQ(out.text("unit_name")[3], "Ward");
}

TEST(Indicators, UnknownUnitIsAnError) {
  commdx::places p = commdx::places::from_csv_text("code,name,kind,parent\nC,City,city,\nW,Ward,ward,C\n", "p.csv");
  table h("households.csv");
  h.set("ward_code", commdx::text_column{"W", "X"});
  h.set("bank_account", commdx::numeric_column{1, 0});
  commdx::indicator_options opt;
  opt.levels = {commdx::indicator_level_named("ward")};
  const auto cat = indicator_catalogue::builtin().select({"households_bank_account"});
  EXPECT_THROW(commdx::compute_indicators(h, p, commdx::survey_design::parse("weight=none"), cat, opt), commdx::validation_error);
  EXPECT_THROW(commdx::indicator_level_named("district"), commdx::config_error);
}

}  // namespace
