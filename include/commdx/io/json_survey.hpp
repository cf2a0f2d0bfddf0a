#pragma once
// JSON of the survey reader's result (ingest_result: the good records, the refused ones, rows
// read), both tables in json_table.hpp's typed form so that column types survive.
#include <string>

#include "commdx/io/json_table.hpp"
#include "commdx/survey.hpp"

namespace commdx::io {

inline json ingest_result_to_json(const ingest_result& r) {
  return {{"good", table_to_json(r.good)}, {"refused", table_to_json(r.refused)}, {"rows_read", r.rows_read}};
}

inline ingest_result ingest_result_from_json(const json& j, const std::string& source = "<json>") {
  const location where = location::in_file(source);
  ingest_result r;
  r.good = table_from_json(require(j, "good", where), json_child(where, "good"));
  r.refused = table_from_json(require(j, "refused", where), json_child(where, "refused"));
  r.rows_read = get_as<std::size_t>(j, "rows_read", where);
  if (r.rows_read < r.good.rows())
    throw config_error(json_child(where, "rows_read"), "fewer rows read (" + std::to_string(r.rows_read) + ") than good records (" +
                                                           std::to_string(r.good.rows()) + ")", "commdx.json.value");
  return r;
}

}  // namespace commdx::io

namespace commdx {
COMMDX_JSON_HOOKS(ingest_result, io::ingest_result_to_json, io::ingest_result_from_json)
}  // namespace commdx
