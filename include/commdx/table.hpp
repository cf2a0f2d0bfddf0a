#pragma once
// A small columnar table: the plain value that carries records between stages (households,
// businesses, estimates, findings) and converts to and from a pandas DataFrame. Numeric columns
// are doubles with NaN for missing; text columns are UTF-8 strings with "" for missing.
#include <cmath>
#include <charconv>
#include <cstddef>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "commdx/error.hpp"

namespace commdx {

using numeric_column = std::vector<double>;
using text_column = std::vector<std::string>;
using column = std::variant<numeric_column, text_column>;

inline constexpr double missing = std::numeric_limits<double>::quiet_NaN();
inline bool is_missing(double x) noexcept { return std::isnan(x); }

class table {
 public:
  table() = default;
  explicit table(std::string source) : source_(std::move(source)) {}

  /// Where the rows came from ("households.csv", "DataFrame"); used in error messages.
  const std::string& source() const noexcept { return source_; }
  void set_source(std::string s) { source_ = std::move(s); }

  std::size_t rows() const noexcept { return rows_; }
  std::size_t columns() const noexcept { return names_.size(); }
  const std::vector<std::string>& names() const noexcept { return names_; }
  bool has(const std::string& name) const { return index_.count(name) != 0; }
  bool is_numeric(const std::string& name) const {
    return std::holds_alternative<numeric_column>(data_.at(position(name)));
  }

  /// Adds or replaces a column; its length must match the table's.
  void set(const std::string& name, column values) {
    std::size_t n = std::visit([](const auto& v) { return v.size(); }, values);
    if (!names_.empty() && !(names_.size() == 1 && has(name)) && n != rows_) {
      throw input_error(location::in_file(source_).in_column(name),
                        "column has " + std::to_string(n) + " values, the table has " +
                            std::to_string(rows_) + " rows");
    }
    rows_ = n;
    auto it = index_.find(name);
    if (it != index_.end()) {
      data_[it->second] = std::move(values);
    } else {
      index_.emplace(name, names_.size());
      names_.push_back(name);
      data_.push_back(std::move(values));
    }
  }

  const numeric_column& numeric(const std::string& name) const {
    const column& c = data_[position(name)];
    if (const auto* v = std::get_if<numeric_column>(&c)) return *v;
    throw input_error(location::in_file(source_).in_column(name), "column is text, a number was expected");
  }
  const text_column& text(const std::string& name) const {
    const column& c = data_[position(name)];
    if (const auto* v = std::get_if<text_column>(&c)) return *v;
    throw input_error(location::in_file(source_).in_column(name), "column is numeric, text was expected");
  }
  const column& at(const std::string& name) const { return data_[position(name)]; }

  /// A cell rendered as text (numbers without trailing zeros; missing as "").
  std::string cell_text(const std::string& name, std::size_t row) const;

 private:
  std::size_t position(const std::string& name) const {
    auto it = index_.find(name);
    if (it == index_.end()) {
      throw input_error(location::in_file(source_).in_column(name), "missing required column");
    }
    return it->second;
  }

  std::string source_;
  std::size_t rows_ = 0;
  std::vector<std::string> names_;
  std::vector<column> data_;
  std::unordered_map<std::string, std::size_t> index_;
};

inline std::string format_number(double x) {
  if (is_missing(x)) return "";
  if (std::floor(x) == x && std::fabs(x) < 1e15) return std::to_string(static_cast<long long>(x));
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, x);  // shortest text that reads back exactly
  return std::string(buf, res.ptr);
}

inline std::string table::cell_text(const std::string& name, std::size_t row) const {
  const column& c = data_[position(name)];
  if (const auto* v = std::get_if<numeric_column>(&c)) return format_number((*v)[row]);
  return std::get<text_column>(c)[row];
}

}  // namespace commdx
