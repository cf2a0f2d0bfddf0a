// Issue 3: the example city. Determinism (same seed, same bytes), a valid places tree, survey
// design columns, teams with the planted gaps, and follow-up consistency with the visit log.
#include <gtest/gtest.h>

#include <commdx/synth.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using commdx::synth::options;

options small(std::uint64_t households, std::uint64_t seed = 7) {
  options o;
  o.households = households;
  o.seed = seed;
  return o;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path temp_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("commdx-synth-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

const char* kFiles[] = {"places.csv", "teams.json", "teams.csv", "households.csv", "businesses.csv",
                        "sample_households.csv", "followup_households.csv", "visits.csv", "manual_processes.csv",
                        "channels.csv", "events.csv"};

TEST(Synth, SameSeedSameBytesDifferentSeedDifferentBytes) {
  auto a = temp_dir("a"), b = temp_dir("b"), c = temp_dir("c");
  commdx::synth::write(a.string(), small(3000, 11));
  commdx::synth::write(b.string(), small(3000, 11));
  commdx::synth::write(c.string(), small(3000, 12));
  for (const char* f : kFiles) {
    std::string x = slurp(a / f), y = slurp(b / f);
    EXPECT_FALSE(x.empty()) << f;
    EXPECT_EQ(x, y) << f << " differs between two runs with the same seed";
  }
  EXPECT_NE(slurp(a / "households.csv"), slurp(c / "households.csv"));
  // the tree (codes, households per unit) does not depend on the seed, only on the size
  auto pa = commdx::places::from_csv_text(slurp(a / "places.csv"), "a"), pc = commdx::places::from_csv_text(slurp(c / "places.csv"), "c");
  ASSERT_EQ(pa.size(), pc.size());
  for (std::size_t i = 0; i < pa.size(); ++i) {
    ASSERT_EQ(pa.units()[i].code, pc.units()[i].code);
    ASSERT_EQ(pa.units()[i].households, pc.units()[i].households);
  }
  EXPECT_FALSE(fs::exists(a / "places.csv.part"));
  for (const auto& d : {a, b, c}) fs::remove_all(d);
}

TEST(Synth, WrittenFilesMatchTheInMemoryCity) {
  auto d = temp_dir("mem");
  auto opt = small(2500, 5);
  auto sum = commdx::synth::write(d.string(), opt);
  auto city = commdx::synth::make_city(opt);
  auto rec = commdx::io::parse_csv(slurp(d / "households.csv"), "households.csv");
  ASSERT_EQ(rec.rows.size(), city.households.rows());
  EXPECT_EQ(rec.header, city.households.names());
  // a few cells compared as text
  for (std::size_t r : {std::size_t{0}, std::size_t{100}, city.households.rows() - 1})
    for (std::size_t col = 0; col < rec.header.size(); ++col)
      EXPECT_EQ(rec.rows[r][col], city.households.cell_text(rec.header[col], r)) << rec.header[col] << " row " << r;
  auto places_read = commdx::places::from_csv_text(slurp(d / "places.csv"), "places.csv");
  EXPECT_EQ(places_read.size(), city.tree.size());
  for (const auto& [name, rows] : sum.rows)
    if (name == "households.csv") {
      EXPECT_EQ(rows, 2500u);
    }
  fs::remove_all(d);
}

TEST(Synth, PlacesTreeIsValidAndAddsUp) {
  auto city = commdx::synth::make_city(small(4000));
  const auto& p = city.tree;
  EXPECT_EQ(p.children("747").size(), 17u);
  EXPECT_EQ(p.at("26506").name, "Phường 1");
  EXPECT_EQ(p.children("26545").size(), 10u);  // Long Sơn's ten villages
  EXPECT_EQ(p.at("26545-TH10").name, "Thôn 10");
  EXPECT_EQ(p.at("26545-TH10").kind, commdx::unit_kind::village);
  EXPECT_EQ(p.at("26506-KP01").name, "Khu phố 1");
  EXPECT_EQ(p.at("26506-KP01-T01").kind, commdx::unit_kind::residential_group);
  double households = 0, population = 0;
  for (const auto& code : p.children("747")) {
    households += p.at(code).households;
    population += p.at(code).population;
    double below = 0;
    for (const auto& nb : p.children(code)) below += p.at(nb).households;
    EXPECT_EQ(below, p.at(code).households) << code;
  }
  EXPECT_EQ(households, 4000);
  EXPECT_EQ(p.at("747").households, 4000);
  EXPECT_EQ(population, p.at("747").population);
  // every household sits in a group of the tree, inside its neighbourhood and ward
  const auto& g = city.households.text("group_code");
  const auto& nb = city.households.text("neighbourhood_code");
  const auto& wd = city.households.text("ward_code");
  for (std::size_t i = 0; i < g.size(); i += 37) {
    EXPECT_EQ(p.parent(g[i]).value(), nb[i]);
    EXPECT_EQ(p.parent(nb[i]).value(), wd[i]);
  }
  // Long Sơn (1.0 remote) is sparser than Phường 1 (central)
  EXPECT_LT(p.at("26545").households / p.at("26545").area_km2, p.at("26506").households / p.at("26506").area_km2 / 10);
}

TEST(Synth, DefaultCityUsesTheDerivedHouseholdCounts) {
  commdx::synth::generator gen(options{});
  ASSERT_EQ(gen.ward_count(), 17u);
  std::uint64_t total = 0;
  for (const auto& w : gen.wards()) {
    EXPECT_EQ(w.households, w.real_households) << w.code;
    total += w.households;
  }
  EXPECT_EQ(total, commdx::synth::default_households);
  EXPECT_EQ(total, 132438u);
}

TEST(Synth, SampleDesignColumns) {
  auto city = commdx::synth::make_city(small(6000));
  const auto& s = city.sample;
  ASSERT_GT(s.rows(), 0u);
  // within each stratum the weights sum to the number of households (one-stage cluster sample:
  // weight = G / g for every sampled household) and fpc is the number of groups
  std::map<std::string, double> wsum;
  std::map<std::string, std::set<std::string>> psus;
  for (std::size_t i = 0; i < s.rows(); ++i) {
    wsum[s.text("stratum")[i]] += s.numeric("weight")[i];
    psus[s.text("stratum")[i]].insert(s.text("psu")[i]);
    EXPECT_EQ(s.numeric("round")[i], 0);
  }
  for (const auto& [ward, w] : wsum) {
    auto groups = city.tree.descendants(ward);
    std::size_t n_groups = 0;
    for (const auto& c : groups) n_groups += city.tree.at(c).kind == commdx::unit_kind::residential_group;
    EXPECT_EQ(psus[ward].size(), std::min<std::size_t>(8, n_groups)) << ward;
    // Horvitz-Thompson total of households is unbiased, not exact; check it is the right size
    EXPECT_GT(w, 0.3 * city.tree.at(ward).households) << ward;
    EXPECT_LT(w, 3.0 * city.tree.at(ward).households) << ward;
  }
  for (std::size_t i = 0; i < s.rows(); ++i) {
    const std::string& ward = s.text("stratum")[i];
    std::size_t n_groups = 0;
    for (const auto& c : city.tree.descendants(ward)) n_groups += city.tree.at(c).kind == commdx::unit_kind::residential_group;
    ASSERT_EQ(s.numeric("fpc")[i], static_cast<double>(n_groups));
    ASSERT_DOUBLE_EQ(s.numeric("weight")[i], static_cast<double>(n_groups) / std::min<double>(8, static_cast<double>(n_groups)));
  }
  EXPECT_EQ(city.followup.rows(), s.rows());

  options census = small(3000);
  census.census = true;
  auto cc = commdx::synth::make_city(census);
  EXPECT_EQ(cc.sample.rows(), 3000u);
  for (double w : cc.sample.numeric("weight")) ASSERT_EQ(w, 1.0);
}

TEST(Synth, SubsampledGroupsCarryTwoStageWeights) {
  options o = small(8000);
  o.groups_per_ward = 3;
  o.households_per_group = 5;
  auto city = commdx::synth::make_city(o);
  const auto& s = city.sample;
  std::map<std::string, std::size_t> per_psu;
  for (const auto& psu : s.text("psu")) ++per_psu[psu];
  for (const auto& [psu, n] : per_psu) {
    auto Ng = static_cast<std::size_t>(city.tree.at(psu).households);
    EXPECT_EQ(n, std::min<std::size_t>(5, Ng)) << psu;
  }
  for (std::size_t i = 0; i < s.rows(); ++i) {
    const auto& psu = s.text("psu")[i];
    double G = s.numeric("fpc")[i], Ng = city.tree.at(psu).households;
    double m = std::min(5.0, Ng), g = std::min(3.0, G);
    ASSERT_DOUBLE_EQ(s.numeric("weight")[i], (G / g) * (Ng / m));
  }
}

TEST(Synth, TeamsFollowT1T3WithThePlantedGaps) {
  auto city = commdx::synth::make_city(small(5000));
  // the roster type's own JSON reads back to the same roster (the plan reads teams.json so)
  const nlohmann::json roster_json = city.teams.to_json();
  EXPECT_EQ(commdx::roster::from_json(nlohmann::json::parse(roster_json.dump()), "teams.json"), city.teams);
  const auto& teams = roster_json.at("teams");
  std::map<std::string, const nlohmann::json*> by_unit;
  for (const auto& t : teams) by_unit[t.at("unit").get<std::string>()] = &t;
  auto count_aff = [](const nlohmann::json& t, const std::string& aff) {
    int n = 0;
    for (const auto& m : t.at("members")) n += m.at("affiliation") == aff;
    return n;
  };
  // T1: a ward team per ward; Phường 12's lacks its three Youth Union IT members
  for (const auto& ward : city.tree.children("747")) {
    ASSERT_TRUE(by_unit.count(ward)) << ward;
    const auto& t = *by_unit[ward];
    EXPECT_EQ(t.at("level"), "ward");
    EXPECT_EQ(t.at("members")[0].at("role"), "leader");
    EXPECT_EQ(t.at("members")[0].at("affiliation"), "pc_vice_chairman");
    EXPECT_EQ(t.at("members")[1].at("affiliation"), "youth_union_secretary");
    EXPECT_EQ(count_aff(t, "youth_union_member"), ward == "26542" ? 0 : 3) << ward;
  }
  // T5: every neighbourhood but the last of Phường 11 has a team; two decided after 20 July
  std::vector<std::string> without, late;
  for (const auto& ward : city.tree.children("747"))
    for (const auto& nb : city.tree.children(ward)) {
      if (!by_unit.count(nb)) { without.push_back(nb); continue; }
      if (by_unit[nb]->at("decision_date").get<std::string>() > "2022-07-20") late.push_back(nb);
    }
  auto p11 = city.tree.children("26539");
  EXPECT_EQ(without, std::vector<std::string>{p11.back()});
  EXPECT_EQ(late, (std::vector<std::string>{"26536-KP02", "26545-TH10"}));
  EXPECT_EQ(count_aff(*by_unit["26535-KP01"], "youth_union_member"), 1);
  EXPECT_EQ(count_aff(*by_unit["26506-KP01"], "youth_union_member"), 3);
  // members have hours and skills; ids unique
  std::set<std::string> ids;
  for (const auto& t : teams)
    for (const auto& m : t.at("members")) {
      EXPECT_TRUE(ids.insert(m.at("id").get<std::string>()).second);
      EXPECT_GT(m.at("weekly_hours").get<int>(), 0);
      EXPECT_TRUE(m.at("skills").is_array());
    }
}

TEST(Synth, VisitLogSpeaksTheCampaignCataloguesActions) {
  auto city = commdx::synth::make_city(small(6000, 3));
  const auto catalogue = nlohmann::json::parse(commdx::shipped_data("campaigns.json"));
  std::set<std::string> ids;
  for (const auto& a : catalogue.at("actions")) ids.insert(a.at("id").get<std::string>());
  for (const auto& a : catalogue.at("visit_log").at("contact_actions")) ids.insert(a.get<std::string>());
  std::map<std::string, int> used;
  for (const auto& a : city.visits.text("action")) {
    ASSERT_TRUE(ids.count(a)) << "action '" << a << "' is not in campaigns.json";
    ++used[a];
  }
  // both catalogues are offered: R3 to low-access households, K to the others
  EXPECT_GT(used["R3.smartphone_basics"] + used["R3.bank_account"], 0);
  EXPECT_GT(used["K1.online_service"] + used["K2.vneid"], 0);
  // ...and low access is classify's rule on the households table synth writes (one rule)
  const auto segments = commdx::access_segments(city.households).households;
  std::map<std::string, std::string> access;
  for (std::size_t i = 0; i < segments.rows(); ++i) access[segments.text("household_id")[i]] = segments.text("access")[i];
  for (std::size_t i = 0; i < city.visits.rows(); ++i) {
    const std::string& a = city.visits.text("action")[i];
    const std::string& seg = access.at(city.visits.text("household_id")[i]);
    if (a.rfind("R3.", 0) == 0) {
      EXPECT_NE(seg, "high") << a << " " << city.visits.text("household_id")[i];
    }
    if (a.rfind("K", 0) == 0) {
      EXPECT_EQ(seg, "high") << a << " " << city.visits.text("household_id")[i];
    }
  }
}

TEST(Synth, FollowUpAgreesWithTheVisitLog) {
  auto city = commdx::synth::make_city(small(6000, 3));
  const auto& v = city.visits;
  ASSERT_GT(v.rows(), 0u);
  std::map<std::string, std::set<std::string>> adopted;
  std::set<std::string> visited;
  for (std::size_t i = 0; i < v.rows(); ++i) {
    visited.insert(v.text("household_id")[i]);
    if (v.text("outcome")[i] == "adopted") adopted[v.text("household_id")[i]].insert(v.text("action")[i]);
    ASSERT_GE(v.text("date")[i], "2022-07-25");
    ASSERT_LE(v.text("date")[i], "2022-10-31");
  }
  const auto& s = city.sample;
  const auto& f = city.followup;
  ASSERT_EQ(s.rows(), f.rows());
  std::size_t changed = 0;
  for (std::size_t i = 0; i < s.rows(); ++i) {
    const std::string& id = s.text("household_id")[i];
    ASSERT_EQ(id, f.text("household_id")[i]);
    ASSERT_EQ(f.numeric("round")[i], 1);
    bool any = false;
    for (const char* c : {"adults_bank_account", "adults_smartphone", "app_vssid", "app_health_book", "pay_online_electricity",
                          "online_public_service", "app_vneid", "e_wallet", "zalo_neighbourhood_group", "ecommerce_buy"}) {
      double before = s.numeric(c)[i], after = f.numeric(c)[i];
      if (commdx::is_missing(before)) { ASSERT_TRUE(commdx::is_missing(after)); continue; }
      ASSERT_GE(after, before) << c << " " << id;
      if (after > before) any = true;
    }
    const auto it = adopted.find(id);
    if (any) {
      ASSERT_NE(it, adopted.end()) << id << " changed without an adopted visit";
      ++changed;
    }
    if (it != adopted.end()) {
      if (it->second.count("R3.bank_account")) {
        EXPECT_EQ(f.numeric("adults_bank_account")[i], s.numeric("adults_bank_account")[i] + 1);
      }
      if (it->second.count("R3.vssid") || it->second.count("K2.vssid")) {
        EXPECT_EQ(f.numeric("app_vssid")[i], 1);
      }
    } else {
      EXPECT_EQ(f.numeric("adults_bank_account")[i], s.numeric("adults_bank_account")[i]);
    }
  }
  EXPECT_GT(changed, 50u);
  // the neighbourhood without a team got no visits
  auto p11 = city.tree.children("26539");
  const auto& hh = city.households;
  std::set<std::string> unteamed;
  for (std::size_t i = 0; i < hh.rows(); ++i)
    if (hh.text("neighbourhood_code")[i] == p11.back()) unteamed.insert(hh.text("household_id")[i]);
  ASSERT_FALSE(unteamed.empty());
  for (const auto& id : unteamed) EXPECT_EQ(visited.count(id), 0u) << id;
  // M1 log rows belong to visited households and name their group
  const auto& m = city.manual_log;
  ASSERT_GT(m.rows(), 0u);
  for (std::size_t i = 0; i < m.rows(); ++i) ASSERT_EQ(visited.count(m.text("household_id")[i]), 1u);
}

TEST(Synth, NationalScaleAddsSyntheticWards) {
  commdx::synth::options o;
  o.households = 27000000;
  commdx::synth::generator gen(o);
  EXPECT_GE(gen.ward_count(), 9900u);
  EXPECT_LE(gen.ward_count(), 10100u);
  std::uint64_t total = 0;
  for (const auto& w : gen.wards()) total += w.households;
  EXPECT_EQ(total, 27000000u);
  // one synthetic ward generated on its own, valid under a city root
  auto w = gen.ward(5000);
  EXPECT_EQ(w.plan.code, "94983");
  EXPECT_EQ(w.households.size(), w.plan.households);
  std::vector<commdx::unit> units{gen.city_unit(0)};
  for (auto& u : commdx::synth::generator::units_of(w)) units.push_back(u);
  EXPECT_NO_THROW(commdx::places::from_units(units, "one ward"));
}

TEST(Synth, RejectsTooSmallCitiesAndBadCalibration) {
  EXPECT_THROW(commdx::synth::generator(small(50)), commdx::input_error);
  options o = small(2000);
  o.calibration = "{\"wards\": {}}";
  EXPECT_THROW(commdx::synth::generator{o}, commdx::config_error);
}

}  // namespace

// Issue 13: the example data on a place tree (a commune with its own ấp and tổ, Vietnamese headers).
namespace {
const char* const commune_tree =
    "ma,ten,cap,ma_cha,dien_tich_km2,so_ho\n"
    "96,Tỉnh Cà Mau,tỉnh,,,\n"
    "32167,Xã Tân Thuận,xã,96,\"48,35\",\n"
    "32167-A1,Ấp Tân Hòa,ấp,32167,\"12,5\",620\n"
    "32167-A1-T01,Tổ 1,tổ,32167-A1,,70\n"
    "32167-A1-T02,Tổ 2,tổ,32167-A1,,\n"
    "32167-A2,Ấp Tân Lợi,ấp,32167,,\n";

options on_tree(const std::string& csv, std::uint64_t households = 0) {
  options o;
  o.households = households;
  o.seed = 3;
  o.tree = std::make_shared<const commdx::places>(commdx::places::from_csv_text(csv, "tan-thuan.csv"));
  o.start = "2026-01-05";
  return o;
}
}  // namespace

TEST(SynthTree, CountsAndAreasComeFromTheTreeAndAddUp) {
  const auto c = commdx::synth::make_city(on_tree(commune_tree));
  // 620 (Tân Hòa: Tổ 1 70, Tổ 2 the rest 550) + 360 (Tân Lợi: the default 8 tổ of 45)
  EXPECT_EQ(c.households.rows(), 980u);
  const auto& tree = c.tree;
  EXPECT_EQ(tree.at("96").households, 980);
  EXPECT_EQ(tree.at("32167-A1-T01").households, 70);
  EXPECT_EQ(tree.at("32167-A1-T02").households, 550);
  EXPECT_EQ(tree.children("32167-A2").size(), 8u);
  EXPECT_DOUBLE_EQ(tree.at("32167").area_km2, 48.35);
  EXPECT_DOUBLE_EQ(tree.at("32167-A1").area_km2, 12.5);
  EXPECT_NEAR(tree.at("32167-A2").area_km2, 35.85, 1e-9);
  for (const auto& code : {std::string("32167"), std::string("32167-A1")}) {
    double hh = 0, pop = 0;
    for (const auto& k : tree.children(code)) {
      hh += tree.at(k).households;
      pop += tree.at(k).population;
    }
    EXPECT_EQ(hh, tree.at(code).households) << code;
    EXPECT_EQ(pop, tree.at(code).population) << code;
  }
  // the calendar of 2026: every visit from day 35 (9 February) to day 133 (18 May)
  const auto& dates = c.visits.text("date");
  ASSERT_FALSE(dates.empty());
  for (const auto& d : dates) {
    EXPECT_GE(d, "2026-02-09");
    EXPECT_LE(d, "2026-05-18");
  }
  EXPECT_EQ(commdx::synth::calendar_of("2026-01-05").deadline, "2026-02-04");
  EXPECT_EQ(commdx::synth::calendar_of("").deadline, "2022-07-20");
}

TEST(SynthTree, ATotalScalesTheTree) {
  const auto c = commdx::synth::make_city(on_tree(commune_tree, 490));
  EXPECT_EQ(c.households.rows(), 490u);
  EXPECT_EQ(c.tree.at("32167-A1").households, 310);
  EXPECT_NEAR(c.tree.at("32167").area_km2, 24.175, 1e-3);
}

TEST(SynthTree, ChildrenThatDoNotAddUpAreRefusedNamingTheUnit) {
  std::string bad = commune_tree;
  bad.replace(bad.find("32167-A1,,70"), 12, "32167-A1,,700");
  try {
    commdx::synth::make_city(on_tree(bad));
    FAIL() << "a tổ of 700 households in an ấp of 620 was accepted";
  } catch (const commdx::validation_error& e) {
    EXPECT_EQ(e.where().unit, "32167-A1");
    EXPECT_EQ(e.id(), "commdx.synth.places");
  }
}

// Issue 13: residential groups straight under a commune (no ấp / khu phố level, as after 2025).
TEST(SynthTree, GroupsStraightUnderACommuneKeepNoNeighbourhood) {
  const char* const flat =
      "ma,ten,cap,ma_cha,dien_tich_km2,so_ho\n"
      "96,Tỉnh Cà Mau,tỉnh,,,\n"
      "32167,Xã Tân Thuận,xã,96,\"48,35\",\n"
      "32167-T01,Tổ 1,tổ,32167,,40\n"
      "32167-T02,Tổ 2,tổ,32167,,\n"
      "32167-A1,Ấp Tân Hòa,ấp,32167,,90\n";
  const auto c = commdx::synth::make_city(on_tree(flat));
  // 40 + the documented 45 + Tân Hòa's 90 (its two generated tổ)
  EXPECT_EQ(c.households.rows(), 175u);
  const auto& tree = c.tree;
  EXPECT_EQ(tree.parent("32167-T01").value(), "32167");
  EXPECT_EQ(tree.at("32167-T02").households, 45);
  EXPECT_EQ(tree.at("32167-T01").kind, commdx::unit_kind::residential_group);
  double hh = 0, area = 0;
  for (const auto& k : tree.children("32167")) {
    hh += tree.at(k).households;
    area += tree.at(k).area_km2;
  }
  EXPECT_EQ(hh, 175);
  EXPECT_NEAR(area, 48.35, 1e-3);
  const auto& g = c.households.text("group_code");
  const auto& nb = c.households.text("neighbourhood_code");
  for (std::size_t i = 0; i < g.size(); ++i) {
    if (tree.parent(g[i]).value() == "32167") EXPECT_EQ(nb[i], "") << g[i];
    else EXPECT_EQ(tree.parent(g[i]).value(), nb[i]) << g[i];
  }
  std::size_t group_teams = 0;
  for (const auto& t : c.teams.teams())
    if (t.level == commdx::team_level::residential_group) {
      EXPECT_EQ(tree.parent(t.unit).value(), "32167") << t.unit;
      ++group_teams;
    }
  EXPECT_EQ(group_teams, 2u);
}

// Issue 13: a smaller built-in city's area is its wards' (they scale with the households).
TEST(Synth, ASmallerCityIsTheSumOfItsWards) {
  auto city = commdx::synth::make_city(small(4000));
  const auto& p = city.tree;
  double area = 0;
  for (const auto& code : p.children("747")) area += p.at(code).area_km2;
  EXPECT_NEAR(p.at("747").area_km2, area, 1e-3);
  EXPECT_NEAR(p.at("747").area_km2, 141.1 * 4000 / 132438, 141.1 * 0.01);
}
