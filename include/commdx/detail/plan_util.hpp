#pragma once
// Helpers of the plan stage: calendar dates, keyed pseudonyms, and the data-driven eligibility
// predicates of the campaign catalogue.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "commdx/detail/dates.hpp"
#include "commdx/detail/hmac_sha256.hpp"
#include "commdx/error.hpp"
#include "commdx/table.hpp"

namespace commdx::detail {

// ---- dates: commdx/detail/dates.hpp ----
inline long plan_days_from_civil(long y, long m, long d) { return days_from_civil(y, m, d); }
inline std::string plan_civil_from_days(long z) { return civil_from_days(z); }

/// Parses YYYY-MM-DD (the library's one parser, dates.hpp); the error names the field.
inline long plan_parse_date(const std::string& s, const location& where) { return civil_date_or_throw(s, where); }

// ---- keyed pseudonyms: HMAC-SHA-256 (RFC 2104) of the id under the ward's key (DESIGN.md: a key
// the ward keeps outside every export; `commdx keys create`). Without the key, hashing candidate
// ids (household ids are sequential, H<ward>-nnnnnn) recovers nothing; with it, the same household
// gets the same pseudonym in every month's plan. ----

/// Hex digits kept of the 256-bit HMAC: 20 (80 bits). A city of n = 5*10^7 ids (far above any
/// Vietnamese province's households and businesses) collides with probability about
/// n^2 / 2^81 = 1e-9 (birthday bound); 16 digits would give 7e-5, too close to "it happens
/// somewhere". 20 digits still fit a printed member sheet's column.
inline constexpr std::size_t plan_pseudonym_hex_digits = 20;
/// Shortest key plan_outreach accepts: a guessable password is as good as no key
/// (`commdx keys create` makes 32 random bytes).
inline constexpr std::size_t plan_min_key_bytes = 16;

/// "P-" and plan_pseudonym_hex_digits hex digits of HMAC-SHA-256(key, id).
inline std::string plan_pseudonym(std::string_view key, std::string_view id) {
  return "P-" + digest_hex(hmac_sha256(key, id), plan_pseudonym_hex_digits / 2);
}

// ---- predicates over a table row ----
/// A compiled eligibility predicate; columns are resolved once against a table.
class plan_predicate {
 public:
  enum class op { all, any, not_, eq, ne, lt, le, gt, ge, lt_column, in, missing_or_zero, present, always };

  static std::unique_ptr<plan_predicate> compile(const nlohmann::json& j, const table& t, const location& where) {
    auto p = std::make_unique<plan_predicate>();
    if (j.is_null() || (j.is_object() && j.empty())) {
      p->op_ = op::always;
      return p;
    }
    if (!j.is_object()) throw config_error(where, "a predicate must be a JSON object");
    auto list = [&](const char* key, op o) {
      p->op_ = o;
      const auto& arr = j.at(key);
      if (!arr.is_array()) throw config_error(where, std::string("'") + key + "' must be a list of predicates");
      for (const auto& c : arr) p->children_.push_back(compile(c, t, where));
    };
    if (j.contains("all")) { list("all", op::all); return p; }
    if (j.contains("any")) { list("any", op::any); return p; }
    if (j.contains("not")) {
      p->op_ = op::not_;
      p->children_.push_back(compile(j.at("not"), t, where));
      return p;
    }
    if (!j.contains("column") || !j.at("column").is_string())
      throw config_error(where, "a predicate needs 'all', 'any', 'not' or 'column': " + j.dump());
    const std::string col = j.at("column").get<std::string>();
    location w = where;
    w.column = col;
    if (!t.has(col)) throw config_error(w, "the predicate uses a column the " + (t.source().empty() ? std::string("table") : t.source()) + " does not have");
    const std::pair<const char*, op> cmp[] = {{"eq", op::eq}, {"ne", op::ne}, {"lt", op::lt}, {"le", op::le}, {"gt", op::gt}, {"ge", op::ge}};
    for (const auto& [key, o] : cmp) {
      if (!j.contains(key)) continue;
      if (!j.at(key).is_number()) throw config_error(w, std::string("'") + key + "' needs a number");
      if (!t.is_numeric(col)) throw config_error(w, "the predicate compares numbers but the column is text");
      p->op_ = o;
      p->num_ = &t.numeric(col);
      p->value_ = j.at(key).get<double>();
      return p;
    }
    if (j.contains("lt_column")) {
      std::string c2 = j.at("lt_column").get<std::string>();
      location w2 = where;
      w2.column = c2;
      if (!t.has(c2)) throw config_error(w2, "the predicate uses a column the table does not have");
      p->op_ = op::lt_column;
      p->num_ = &t.numeric(col);
      p->num2_ = &t.numeric(c2);
      return p;
    }
    if (j.contains("in")) {
      p->op_ = op::in;
      for (const auto& v : j.at("in")) p->set_.push_back(v.is_string() ? v.get<std::string>() : v.dump());
      if (t.is_numeric(col)) {
        p->num_ = &t.numeric(col);
      } else {
        p->text_ = &t.text(col);
      }
      return p;
    }
    if (j.contains("missing_or_zero")) {
      p->op_ = op::missing_or_zero;
      if (t.is_numeric(col)) p->num_ = &t.numeric(col); else p->text_ = &t.text(col);
      return p;
    }
    if (j.contains("present")) {
      p->op_ = op::present;
      if (t.is_numeric(col)) p->num_ = &t.numeric(col); else p->text_ = &t.text(col);
      return p;
    }
    throw config_error(w, "unknown predicate: " + j.dump());
  }

  bool operator()(std::size_t r) const {
    switch (op_) {
      case op::always: return true;
      case op::all:
        for (const auto& c : children_) if (!(*c)(r)) return false;
        return true;
      case op::any:
        for (const auto& c : children_) if ((*c)(r)) return true;
        return false;
      case op::not_: return !(*children_[0])(r);
      case op::eq: { double x = (*num_)[r]; return !is_missing(x) && x == value_; }
      case op::ne: { double x = (*num_)[r]; return !is_missing(x) && x != value_; }
      case op::lt: { double x = (*num_)[r]; return !is_missing(x) && x < value_; }
      case op::le: { double x = (*num_)[r]; return !is_missing(x) && x <= value_; }
      case op::gt: { double x = (*num_)[r]; return !is_missing(x) && x > value_; }
      case op::ge: { double x = (*num_)[r]; return !is_missing(x) && x >= value_; }
      case op::lt_column: {
        double x = (*num_)[r], y = (*num2_)[r];
        return !is_missing(x) && !is_missing(y) && x < y;
      }
      case op::in: {
        std::string v = num_ ? format_number((*num_)[r]) : (*text_)[r];
        for (const auto& s : set_) if (s == v) return true;
        return false;
      }
      case op::missing_or_zero:
        if (num_) return is_missing((*num_)[r]) || (*num_)[r] == 0;
        return (*text_)[r].empty() || (*text_)[r] == "0";
      case op::present:
        if (num_) return !is_missing((*num_)[r]);
        return !(*text_)[r].empty();
    }
    return false;
  }

 private:
  op op_ = op::always;
  std::vector<std::unique_ptr<plan_predicate>> children_;
  const numeric_column* num_ = nullptr;
  const numeric_column* num2_ = nullptr;
  const text_column* text_ = nullptr;
  double value_ = 0.0;
  std::vector<std::string> set_;
};

}  // namespace commdx::detail
