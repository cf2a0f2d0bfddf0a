#pragma once
// JSON of the classify stage: its config, the classification and the access segments.
//
// classify_config: the merged configuration (`json`, every key), which from_json reads back as
// overrides of the shipped defaults. classification: every field of every area (the CLI's
// classification::to_json(lang) is a report for people: one language's label, no source rows);
// access_result: both tables in json_table.hpp's typed form.
#include <optional>
#include <string>
#include <vector>

#include "commdx/classify.hpp"
#include "commdx/io/json_table.hpp"

namespace commdx::io {

inline json classify_config_to_json(const classify_config& c) { return c.json; }

inline area_class area_class_from_json(const json& j, const location& where) {
  if (j == "central") return area_class::central;
  if (j == "remote") return area_class::remote;
  throw config_error(where, "class must be 'central' or 'remote', not " + j.dump(), "commdx.json.value");
}

inline json classification_to_json(const classification& c) {
  json areas = json::array();
  for (const auto& a : c.areas) {
    const area_input& in = a.input;
    areas.push_back({{"input", {{"code", in.code}, {"name", in.name}, {"area_km2", json_number(in.area_km2)},
                                {"population", json_number(in.population)},
                                {"upper_secondary_share", json_number(in.upper_secondary_share)},
                                {"mean_years", json_number(in.mean_years)}, {"education_se", json_number(in.education_se)},
                                {"readiness", json_number(in.readiness)}, {"row", in.row}}},
                     {"density", json_number(a.density)}, {"density_band", a.density_band},
                     {"education_measure", a.education_measure}, {"education", json_number(a.education)},
                     {"education_threshold", json_number(a.education_threshold)}, {"class", to_string(a.cls)},
                     {"decided_by", a.decided_by}, {"borderline", a.borderline}, {"borderline_on", a.borderline_on},
                     {"p_central", json_number(a.p_central)},
                     {"kmeans_class", a.kmeans ? json(to_string(*a.kmeans)) : json(nullptr)},
                     {"reasons_vi", a.reasons_vi}, {"reasons_en", a.reasons_en}});
  }
  const agreement_table& g = c.agreement;
  return {{"areas", std::move(areas)},
          {"agreement", {{"rule_central_kmeans_central", g.central_central}, {"rule_central_kmeans_remote", g.central_remote},
                         {"rule_remote_kmeans_central", g.remote_central}, {"rule_remote_kmeans_remote", g.remote_remote}}},
          {"ignored_columns", c.ignored_columns},
          {"config", c.config.json}};
}

inline classification classification_from_json(const json& j, const std::string& source = "<json>") {
  const location where = location::in_file(source);
  classification c;
  c.config = classify_config::from_json(require(j, "config", where), source);
  c.ignored_columns = get_as<std::vector<std::string>>(j, "ignored_columns", where);
  const location at_g = json_child(where, "agreement");
  const json& g = require(j, "agreement", where);
  c.agreement.central_central = get_as<std::size_t>(g, "rule_central_kmeans_central", at_g);
  c.agreement.central_remote = get_as<std::size_t>(g, "rule_central_kmeans_remote", at_g);
  c.agreement.remote_central = get_as<std::size_t>(g, "rule_remote_kmeans_central", at_g);
  c.agreement.remote_remote = get_as<std::size_t>(g, "rule_remote_kmeans_remote", at_g);
  const json& areas = require(j, "areas", where);
  if (!areas.is_array()) throw config_error(json_child(where, "areas"), "expected an array of areas", "commdx.json.type");
  for (std::size_t k = 0; k < areas.size(); ++k) {
    const location at = json_child(json_child(where, "areas"), std::to_string(k));
    const json& x = areas[k];
    area_result a;
    const location at_in = json_child(at, "input");
    const json& in = require(x, "input", at);
    a.input.code = get_as<std::string>(in, "code", at_in);
    a.input.name = get_as<std::string>(in, "name", at_in);
    a.input.area_km2 = number_field(in, "area_km2", at_in);
    a.input.population = number_field(in, "population", at_in);
    a.input.upper_secondary_share = number_field(in, "upper_secondary_share", at_in);
    a.input.mean_years = number_field(in, "mean_years", at_in);
    a.input.education_se = number_field(in, "education_se", at_in);
    a.input.readiness = number_field(in, "readiness", at_in);
    a.input.row = get_as<std::size_t>(in, "row", at_in);
    a.density = number_field(x, "density", at);
    a.density_band = get_as<std::string>(x, "density_band", at);
    a.education_measure = get_as<std::string>(x, "education_measure", at);
    a.education = number_field(x, "education", at);
    a.education_threshold = number_field(x, "education_threshold", at);
    a.cls = area_class_from_json(require(x, "class", at), json_child(at, "class"));
    a.decided_by = get_as<std::vector<std::string>>(x, "decided_by", at);
    a.borderline = get_as<bool>(x, "borderline", at);
    a.borderline_on = get_as<std::vector<std::string>>(x, "borderline_on", at);
    a.p_central = number_field(x, "p_central", at);
    const json& km = require(x, "kmeans_class", at);
    if (!km.is_null()) a.kmeans = area_class_from_json(km, json_child(at, "kmeans_class"));
    a.reasons_vi = get_as<std::string>(x, "reasons_vi", at);
    a.reasons_en = get_as<std::string>(x, "reasons_en", at);
    c.areas.push_back(std::move(a));
  }
  return c;
}

inline json access_result_to_json(const access_result& r) {
  return {{"households", table_to_json(r.households)}, {"groups", table_to_json(r.groups)}};
}

inline access_result access_result_from_json(const json& j, const std::string& source = "<json>") {
  const location where = location::in_file(source);
  return {table_from_json(require(j, "households", where), json_child(where, "households")),
          table_from_json(require(j, "groups", where), json_child(where, "groups"))};
}

}  // namespace commdx::io

namespace commdx {
COMMDX_JSON_HOOKS(classify_config, io::classify_config_to_json, classify_config::from_json)
COMMDX_JSON_HOOKS(classification, io::classification_to_json, io::classification_from_json)
COMMDX_JSON_HOOKS(access_result, io::access_result_to_json, io::access_result_from_json)
}  // namespace commdx
