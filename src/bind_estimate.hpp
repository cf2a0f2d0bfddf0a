#pragma once
// Shared by bind_estimate.cpp and bind_indicators.cpp: record columns from Python for the
// estimate stage. A column is a float64 array (numbers, NaN missing), a list of str, or a tuple
// (int codes array, list of labels) for a factorised text column (pandas' categorical codes; -1
// is missing) - turned into text here in C++, much faster than a million Python str objects.
#include "prelude.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "commdx/estimate.hpp"

namespace commdx::bind {

inline table estimate_table_from_py(const py::dict& columns, const std::string& source) {
  table t(source);
  for (auto item : columns) {
    const std::string name = py::str(item.first);
    py::handle v = item.second;
    if (py::isinstance<py::tuple>(v)) {
      auto tup = py::reinterpret_borrow<py::tuple>(v);
      auto codes = py::array_t<long long, py::array::c_style | py::array::forcecast>::ensure(tup[0]);
      const auto labels = tup[1].cast<std::vector<std::string>>();
      text_column col(static_cast<std::size_t>(codes.size()));
      const long long* c = codes.data();
      for (std::size_t r = 0; r < col.size(); ++r) {
        if (c[r] < 0) continue;
        if (static_cast<std::size_t>(c[r]) >= labels.size())
          throw input_error(location::in_file(source).at_row(r + 1).in_column(name), "category code out of range");
        col[r] = labels[static_cast<std::size_t>(c[r])];
      }
      t.set(name, std::move(col));
    } else if (py::isinstance<py::array>(v)) {  // one copy, straight into the table
      auto arr = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(v);
      if (!arr) throw input_error(location::in_file(source).in_column(name), "column is not numeric");
      t.set(name, numeric_column(arr.data(), arr.data() + arr.size()));
    } else {
      text_column col;
      for (auto x : v) col.push_back(x.is_none() ? std::string() : std::string(py::str(x)));
      t.set(name, std::move(col));
    }
  }
  return t;
}

inline survey_design design_from_py(const py::dict& d) {
  survey_design out;
  for (auto item : d) {
    const std::string key = py::str(item.first);
    // weight=None is the caller saying "unweighted" (SurveyDesign drops absent keys before this)
    if (item.second.is_none()) {
      if (key == "weight" || key == "weights") out.set(key, "", "SurveyDesign");
      continue;
    }
    out.set(key, py::str(item.second), "SurveyDesign");
  }
  return out;
}

/// A design argument from Python: a SurveyDesign's dict, or a CalibratedDesign (bind_estimate.cpp)
/// with its calibration.
std::pair<survey_design, std::shared_ptr<const detail::calibration_residuals>> design_of(const py::object& design);

}  // namespace commdx::bind
