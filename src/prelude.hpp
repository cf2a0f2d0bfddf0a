#pragma once
// Included first by every binding file: pybind11, the py namespace alias, and conversions between
// commdx::table and the {column name: numpy array | list of str} dicts that python/commdx/_frame.py
// turns into and out of pandas DataFrames.
#include <pybind11/pybind11.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commdx/io/json.hpp"
#include "commdx/table.hpp"

namespace py = pybind11;

namespace commdx::bind {

/// dict of columns -> table. Numeric columns arrive as float64 numpy arrays (copied), text columns
/// as lists of str (None -> "").
inline table table_from_py(const py::dict& columns, const std::string& source) {
  table t(source);
  for (auto item : columns) {
    std::string name = py::str(item.first);
    py::handle v = item.second;
    if (py::isinstance<py::array>(v)) {
      auto arr = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(v);
      if (!arr) throw commdx::input_error(location::in_file(source).in_column(name), "column is not numeric");
      numeric_column col(static_cast<std::size_t>(arr.size()));
      std::copy(arr.data(), arr.data() + arr.size(), col.begin());
      t.set(name, std::move(col));
    } else {
      text_column col;
      for (auto x : v) col.push_back(x.is_none() ? std::string() : std::string(py::str(x)));
      t.set(name, std::move(col));
    }
  }
  return t;
}

/// table -> dict of columns (numeric as numpy float64 arrays, text as lists of str), in order.
inline py::dict table_to_py(const table& t) {
  py::dict out;
  for (const auto& name : t.names()) {
    if (t.is_numeric(name)) {
      const auto& v = t.numeric(name);
      py::array_t<double> arr(static_cast<py::ssize_t>(v.size()));
      std::copy(v.begin(), v.end(), arr.mutable_data());
      out[py::str(name)] = arr;
    } else {
      out[py::str(name)] = py::cast(t.text(name));
    }
  }
  return out;
}

/// nlohmann::json <-> Python objects, through JSON text (simple and exact for our value types).
inline py::object json_to_py(const nlohmann::json& j) {
  return py::module_::import("json").attr("loads")(j.dump());
}
inline nlohmann::json json_from_py(const py::handle& obj, const std::string& source) {
  // allow_nan=False: NaN/inf are not JSON; Python raises ValueError naming nothing, so say where.
  std::string s;
  try {
    s = py::str(py::module_::import("json").attr("dumps")(obj, py::arg("ensure_ascii") = false,
                                                          py::arg("allow_nan") = false));
  } catch (const py::error_already_set& e) {
    throw commdx::input_error(location::in_file(source),
                              "not valid JSON data (" + std::string(py::str(e.value())) + ")");
  }
  // the same reader as files (depth limit, ids): a Python dict is a config like any other
  return commdx::io::parse_json(s, source);
}

/// One member of every result row, as a column (a binding's table of results, column by column).
template <class Row, class T>
std::vector<T> field(const std::vector<Row>& rows, T Row::*member) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(r.*member);
  return out;
}

}  // namespace commdx::bind

// One registration function per stage, each defined in bind_<stage>.cpp.
void bind_errors(py::module_& m);
void bind_places(py::module_& m);
void bind_teams(py::module_& m);
void bind_synth(py::module_& m);
void bind_survey(py::module_& m);
void bind_estimate(py::module_& m);
void bind_indicators(py::module_& m);
void bind_scores(py::module_& m);
void bind_classify(py::module_& m);
void bind_plan(py::module_& m);
void bind_monitor(py::module_& m);
