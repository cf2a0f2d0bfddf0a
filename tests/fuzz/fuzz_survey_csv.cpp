// libFuzzer harness: the survey CSV reader (commdx::detail::ingest_csv) on any bytes.
// Checks, besides ASan/UBSan: the one-thread and two-thread paths (the split forced by a tiny
// min_split_bytes) give the same table, refused rows and rows read, or the same error (type,
// message, row, line, column); in lenient mode good + refused rows = rows read and every column
// has one value per good row; the strict error is the lenient mode's first refused row (or comes
// before the unterminated quote lenient mode stops at); and the
// number of records agrees with the general reader (io::parse_csv) when both read the file.
// Only commdx exceptions may leave the reader: anything else escapes and is reported as a crash.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "commdx/io/csv.hpp"
#include "commdx/survey.hpp"
#include "fuzz_common.hpp"

namespace {

using commdx::detail::ingest_output;

struct outcome {
  bool threw = false;
  bool file_level = false;  ///< an error before any row (encoding, quotes, header)
  std::string kind, what;
  commdx::location where;
  std::string table;  ///< everything the reader returned, as text
  std::size_t first_refused_row = 0;
  std::string first_refused_reason;
};

void add_number(std::string& s, double v) {
  if (v != v) { s += "nan"; return; }
  std::uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  s += std::to_string(bits);
}

void add_arena(std::string& s, const commdx::detail::text_arena& a) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::string_view v = a.get(i);
    s += std::to_string(v.size()) + ":";
    s.append(v.data(), v.size());
  }
  s += "|";
}

std::string describe(const ingest_output& o) {
  std::string s = "read " + std::to_string(o.rows_read) + " good " + std::to_string(o.rows_good) + "\n";
  for (const auto& c : o.columns) {
    s += c.name + (c.numeric ? " num " : " txt ");
    if (c.numeric) {
      FUZZ_CHECK(c.num.size() == o.rows_good, "column " + c.name + " has " + std::to_string(c.num.size()) + " values");
      for (double v : c.num) { add_number(s, v); s += ","; }
    } else {
      FUZZ_CHECK(c.txt.size() == o.rows_good, "column " + c.name + " has " + std::to_string(c.txt.size()) + " values");
      add_arena(s, c.txt);
    }
    s += "\n";
  }
  s += "refused ";
  for (double v : o.refused_row) { add_number(s, v); s += ","; }
  for (double v : o.refused_line) { add_number(s, v); s += ","; }
  add_arena(s, o.refused_column);
  add_arena(s, o.refused_value);
  add_arena(s, o.refused_reason);
  return s;
}

outcome run(std::string_view text, bool strict, unsigned threads, std::size_t split) {
  commdx::ingest_options opt;
  opt.strict = strict;
  outcome r;
  try {
    ingest_output o = commdx::detail::ingest_csv(text, "fuzz.csv", commdx::record_schema::households(), nullptr, opt,
                                                 threads, split);
    r.table = describe(o);
    if (!strict) {
      FUZZ_CHECK(o.rows_good + o.refused_row.size() == o.rows_read, r.table);
      if (!o.refused_row.empty()) {
        r.first_refused_row = static_cast<std::size_t>(o.refused_row[0]);
        r.first_refused_reason = std::string(o.refused_reason.get(0));
      }
    } else {
      FUZZ_CHECK(o.refused_row.empty() && o.rows_good == o.rows_read, r.table);
    }
  } catch (const commdx::input_error& e) {
    r.threw = true;
    r.kind = dynamic_cast<const commdx::validation_error*>(&e) != nullptr ? "validation" : "input";
    if (dynamic_cast<const commdx::config_error*>(&e) != nullptr) r.kind = "config";
    r.what = e.what();
    r.where = e.where();
    r.file_level = e.where().row == 0;
  }
  return r;
}

std::string show(const outcome& o) {
  return o.threw ? o.kind + " error: " + o.what : o.table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t control = data[0];
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const bool strict = (control & 1) != 0;
  const std::size_t split = 1 + (control >> 1);  // 1..128 bytes: the two-thread path on every input
  outcome one = run(text, strict, 1, split);
  outcome two = run(text, strict, 2, split);
  FUZZ_CHECK(one.threw == two.threw && one.what == two.what && one.kind == two.kind && one.table == two.table,
             "one thread:\n" + show(one) + "\ntwo threads:\n" + show(two));
  FUZZ_CHECK(one.where.row == two.where.row && one.where.line == two.where.line && one.where.column == two.where.column,
             one.what);
  // the strict error is lenient mode's first refused row
  outcome other = run(text, !strict, 2, split);
  const outcome& s = strict ? one : other;
  const outcome& l = strict ? other : one;
  if (l.threw && l.file_level && s.threw && !s.file_level) {
    // strict mode stopped at a bad row before the tokenizer's error (an unterminated quote) that
    // lenient mode, reading on, met later in the file
    FUZZ_CHECK(s.where.line < l.where.line && l.what.find("unterminated quoted field") != std::string::npos,
               "strict: " + show(s) + "\nlenient: " + show(l));
  } else if (s.threw && s.file_level) {
    FUZZ_CHECK(l.threw && l.what == s.what, "strict: " + show(s) + "\nlenient: " + show(l));
  } else if (s.threw) {
    FUZZ_CHECK(!l.threw && l.first_refused_row == s.where.row &&
                   s.what.size() >= l.first_refused_reason.size() &&
                   s.what.compare(s.what.size() - l.first_refused_reason.size(), std::string::npos,
                                  l.first_refused_reason) == 0,
               "strict: " + show(s) + "\nlenient: " + show(l));
  } else {
    FUZZ_CHECK(!l.threw && l.table == s.table, "strict: " + show(s) + "\nlenient: " + show(l));
  }
  // the general reader sees the same records
  if (!l.threw) {
    try {
      commdx::io::csv_records rec = commdx::io::parse_csv(text, "fuzz.csv");
      FUZZ_CHECK(l.table.rfind("read " + std::to_string(rec.rows.size()) + " ", 0) == 0,
                 "io::parse_csv read " + std::to_string(rec.rows.size()) + " rows; the survey reader:\n" + l.table);
    } catch (const commdx::input_error&) {
      // the general reader refuses rows of another length, which the survey reader refuses one by one
    }
  }
  return 0;
}
