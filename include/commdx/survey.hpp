#pragma once
// S1-S4: the survey reader. Household, business and opinion records from CSV (a single pass over
// a memory buffer, typed by the schema), from a table built elsewhere (pandas, XLSX), or from
// KoboToolbox / ODK Collect exports as they come (group-prefixed columns, select-multiple answers
// as space-separated codes or one column per option, _uuid and _submission_time kept). Place
// columns take codes or names, matched with places::match. Strict by default: the first bad row
// stops the read with an error naming the file, row, line and column; lenient mode returns the
// good rows and one refused row per bad row (good + refused = rows read).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>


#include "commdx/detail/survey_csv.hpp"
#include "commdx/detail/survey_schema.hpp"
#include "commdx/error.hpp"
#include "commdx/io/csv.hpp"
#include "commdx/io/json.hpp"
#include "commdx/places.hpp"
#include "commdx/table.hpp"
#include "commdx/text.hpp"

namespace commdx {

struct ingest_options {
  bool strict = true;               ///< false: refuse bad rows and go on (lenient)
  column_mapping mapping;           ///< other files' column names and value codes
  char delimiter = 0;               ///< 0: detect ',', ';' or tab from the header line
  bool keep_extra_columns = true;   ///< keep columns the schema does not know (Kobo _uuid, ...) as text
};

/// The records that passed, and one row per refused record: row (1-based data row; the header is
/// row 0), line (text line it starts on; 0 for a table), column, value, reason.
struct ingest_result {
  table good;
  table refused;
  std::size_t rows_read = 0;
};

namespace detail {

/// An allocator whose `resize` leaves new numbers unwritten (no zeroing pass over memory the reader
/// fills anyway; the two-thread reader writes the second half's numbers straight into it).
template <class T>
struct uninit_allocator : std::allocator<T> {
  template <class U>
  struct rebind { using other = uninit_allocator<U>; };
  uninit_allocator() = default;
  template <class U>
  uninit_allocator(const uninit_allocator<U>&) noexcept {}
  template <class U>
  void construct(U* p) noexcept { ::new (static_cast<void*>(p)) U; }
  template <class U, class... A>
  void construct(U* p, A&&... a) { ::new (static_cast<void*>(p)) U(std::forward<A>(a)...); }
};

/// A numeric column of the reader (float64, NaN missing).
using reader_numbers = std::vector<double, uninit_allocator<double>>;

/// The reader's output before it becomes tables (the Python binding hands these buffers to
/// numpy/Arrow without copying every cell).
struct ingest_column {
  std::string name;
  bool numeric = false;
  reader_numbers num;
  text_arena txt;
};

struct ingest_output {
  std::string source;
  std::vector<ingest_column> columns;
  numeric_column refused_row, refused_line;
  text_arena refused_column, refused_value, refused_reason;
  std::size_t rows_read = 0;
  std::size_t rows_good = 0;
};

inline void to_tables(ingest_output&& out, ingest_result& res) {
  table good(out.source);
  for (auto& c : out.columns) {
    if (c.numeric) {
      good.set(c.name, numeric_column(c.num.begin(), c.num.end()));
      c.num = reader_numbers();
    } else {
      text_column t;
      t.reserve(c.txt.size());
      for (std::size_t i = 0; i < c.txt.size(); ++i) t.emplace_back(c.txt.get(i));
      good.set(c.name, std::move(t));
    }
  }
  auto texts = [](const text_arena& a) {
    text_column t;
    t.reserve(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) t.emplace_back(a.get(i));
    return t;
  };
  table refused(out.source + " (refused rows)");
  refused.set("row", std::move(out.refused_row));
  refused.set("line", std::move(out.refused_line));
  refused.set("column", texts(out.refused_column));
  refused.set("value", texts(out.refused_value));
  refused.set("reason", texts(out.refused_reason));
  res.good = std::move(good);
  res.refused = std::move(refused);
  res.rows_read = out.rows_read;
}

inline const char* level_name(int level) {
  switch (level) {
    case 1: return "ward or commune";
    case 2: return "neighbourhood or village";
    case 3: return "residential group";
    default: return "unit";
  }
}

/// The refusal of a row whose id an earlier good row has (one text for every path).
inline std::string duplicate_reason(const std::string& id_column, std::string_view id, std::size_t first_row) {
  return "duplicate " + id_column + " '" + std::string(id) + "' (first at row " + std::to_string(first_row) + ")";
}

/// The typed reader: resolves the header once, then checks and stores one row at a time.
class ingester {
 public:
  ingester(std::string source, const record_schema& schema, const places* where, const ingest_options& options)
      : source_(std::move(source)), schema_(schema), places_(where), opt_(options) {
    for (const auto& [g, opts] : schema_.select_multiple) groups_[g] = opts;
    for (const auto& [g, opts] : opt_.mapping.select_multiple) {
      for (const auto& [code, target] : opts) {
        if (!target.empty() && (schema_.find(target) == nullptr || schema_.find(target)->type != value_type::yes_no))
          throw config_error(location::in_file("column mapping").in_column(g + "/" + code),
                             "select-multiple option must map to a yes_no column of the schema, got '" + target + "'");
        groups_[g][code] = target;
      }
    }
    out_.source = source_;
  }

  void set_header(const std::vector<std::string>& header) {
    header_ = header;
    std::vector<resolved_header> res;
    std::map<std::string, std::size_t> direct_of;  // target -> header index
    for (std::size_t i = 0; i < header.size(); ++i) {
      resolved_header r = header[i].empty() ? resolved_header{4, "", ""} : resolve(header[i]);
      if (r.kind == 1) {
        auto it = direct_of.find(r.target);
        if (it != direct_of.end())
          throw input_error(location::in_file(source_).at_line(1).in_column(header[i]),
                            "column '" + header[it->second] + "' and column '" + header[i] + "' both give '" +
                                r.target + "'; map one of them away in the column mapping");
        direct_of[r.target] = i;
      }
      res.push_back(std::move(r));
    }
    // Output columns: schema order for the schema's columns, then extras in file order.
    std::map<std::string, std::size_t> label_of;  // target -> header index naming it in messages
    for (std::size_t i = 0; i < res.size(); ++i)
      if (res[i].kind == 1) label_of.emplace(res[i].target, i);
    for (std::size_t i = 0; i < res.size(); ++i) {
      if (res[i].kind == 2) {
        for (const auto& [code, target] : groups_.at(res[i].group))
          if (!target.empty()) label_of.emplace(target, i);
      }
    }
    for (const auto& spec : schema_.columns) {
      auto it = label_of.find(spec.name);
      if (it == label_of.end()) {
        if (spec.required) {
          // A header cell left empty (a name deleted by hand) is the likelier cause than a column
          // gone: name it by position and neighbours rather than only the missing column.
          for (std::size_t i = 0; i < res.size(); ++i)
            if (res[i].kind == 4)
              throw input_error(location::in_file(source_).at_line(1).in_column(spec.name),
                                "column " + std::to_string(i + 1) + " has no name in the header" +
                                    (i > 0 ? " (after '" + header[i - 1] + "')" : std::string()) +
                                    (i + 1 < header.size() ? " (before '" + header[i + 1] + "')" : std::string()) +
                                    " and the required column is missing: is column " + std::to_string(i + 1) +
                                    " '" + spec.name + "'?");
          throw input_error(location::in_file(source_).in_column(spec.name),
                            "missing required column (columns found: " + join_header() + ")");
        }
        continue;
      }
      add_out(spec.name, &spec, header[it->second], direct_of.count(spec.name) != 0);
    }
    for (std::size_t i = 0; i < res.size(); ++i)
      if (res[i].kind == 3) add_out(res[i].target, nullptr, header[i], true);
    // Field actions.
    actions_.assign(header.size(), action{});
    for (std::size_t i = 0; i < res.size(); ++i) {
      if (res[i].kind == 1 || res[i].kind == 3) {
        actions_[i].kind = 1;
        actions_[i].out = out_index_.at(res[i].target);
      } else if (res[i].kind == 2) {
        actions_[i].kind = 2;
        actions_[i].group = combined_.size();
        combined c;
        c.field = i;
        for (const auto& [code, target] : groups_.at(res[i].group))
          c.options.emplace_back(code, target.empty() ? npos : out_index_.at(target));
        c.name = res[i].group;
        combined_.push_back(std::move(c));
      } else if (res[i].kind == 4) {
        actions_[i].kind = 3;
      }
    }
    // Cross-column references.
    for (auto& oc : cols_) {
      if (oc.spec == nullptr) continue;
      if (!oc.spec->max_column.empty()) oc.max_out = find_out(oc.spec->max_column);
      if (oc.spec->unit_level > 0) {
        // the nearest present place column above this one
        const column_spec* p = oc.spec;
        while (p != nullptr && !p->parent_column.empty()) {
          std::size_t k = find_out(p->parent_column);
          if (k != npos) { oc.parent_outs.push_back(k); }
          p = schema_.find(p->parent_column);
        }
      }
      auto vm = opt_.mapping.values.find(oc.name);
      if (vm != opt_.mapping.values.end()) oc.value_map = &vm->second;
      oc.blank_no = oc.spec->type == value_type::yes_no && opt_.mapping.blank_means_no(oc.name);
    }
    for (const auto& [col, map] : opt_.mapping.values) {
      (void)map;
      if (find_out(col) == npos && schema_.find(col) == nullptr)
        throw config_error(location::in_file("column mapping").in_column(col), "value map for a column that is not in the schema");
    }
    id_out_ = schema_.id_column.empty() ? npos : find_out(schema_.id_column);
    for (std::size_t i = 0; i < actions_.size(); ++i)
      if (id_out_ != npos && actions_[i].kind == 1 && actions_[i].out == id_out_) id_field_ = i;
    hot_.assign(cols_.size(), hot_col{});
    for (std::size_t k = 0; k < cols_.size(); ++k) {
      const out_col& oc = cols_[k];
      ingest_column& c = out_.columns[k];
      if (c.numeric) commit_num_.emplace_back(k, &c.num);
      else commit_txt_.emplace_back(k, &c.txt);
      if (oc.spec == nullptr) continue;
      hot_col& h = hot_[k];
      h.type = oc.spec->type;
      h.min = oc.spec->min;
      h.max = oc.spec->max;
      h.exclusive_min = oc.spec->exclusive_min;
      bool counted = h.type == value_type::integer || h.type == value_type::number || h.type == value_type::likert;
      h.plain_number = counted && oc.value_map == nullptr;
      h.plain_yes_no = h.type == value_type::yes_no && oc.value_map == nullptr;
      if (!oc.direct) undirected_outs_.push_back(k);
      if (oc.blank_no) blank_no_outs_.push_back(k);
      if (oc.spec->required) required_outs_.push_back(k);
      if (oc.spec->unit_level > 0) unit_outs_.push_back(k);
      if (oc.max_out != npos) max_outs_.push_back(k);
    }
    slot_num_.assign(cols_.size(), missing);
    slot_txt_.assign(cols_.size(), std::string_view());
    own_.assign(cols_.size(), std::string());
    combined_raw_.assign(combined_.size(), std::string_view());
  }

  void reserve(std::size_t rows) {
    for (auto& c : out_.columns) {
      if (c.numeric) c.num.reserve(rows);
      else c.txt.reserve(rows, 16);
    }
    good_rows_.reserve(rows);
    good_lines_.reserve(rows);
    ids_.reserve(rows);
  }

  /// One data row (row: 1-based data row number; line: text line, 0 when not from text).
  void add_row(const std::vector<std::string_view>& fields, std::size_t row, std::size_t line) {
    ++out_.rows_read;
    row_ = row;
    line_ = line;
    if (fields.size() != header_.size()) {
      std::string why = "row has " + std::to_string(fields.size()) + " fields, the header has " + std::to_string(header_.size());
      if (fields.size() > header_.size())
        why += ": column " + std::to_string(header_.size() + 1) + " has no name in the header";
      problem("", join_fields(fields), why, false);
      return;
    }
    if (id_field_ != npos) ids_.prefetch(std::hash<std::string_view>()(trim_blanks(fields[id_field_])));
    // Every cell read below writes its slot; only columns given by select-multiple answers alone
    // start empty here.
    for (std::size_t k : undirected_outs_) {
      slot_num_[k] = missing;
      slot_txt_[k] = std::string_view();
    }
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const action& a = actions_[i];
      if (a.kind == 1) {
        // the commonest cells, inline: an empty or one-digit plain number or yes/no answer (what
        // read_cell would make of it; anything else, or out of range, goes through read_cell)
        const hot_col& h = hot_[a.out];
        std::string_view f = fields[i];
        if ((h.plain_number || h.plain_yes_no) && f.size() <= 1) {
          if (f.empty()) {
            slot_num_[a.out] = missing;
            continue;
          }
          auto d = static_cast<unsigned>(static_cast<unsigned char>(f[0])) - unsigned{'0'};
          if (d <= 9) {
            auto x = static_cast<double>(d);
            if (h.plain_yes_no ? d <= 1 : (x >= h.min && !(h.exclusive_min && x <= h.min) && x <= h.max)) {
              slot_num_[a.out] = x;
              continue;
            }
          }
        }
        if (!read_cell(a.out, f)) return;
      } else if (a.kind == 2) {
        combined_raw_[a.group] = fields[i];
      } else if (a.kind == 3 && !trim_blanks(fields[i]).empty()) {
        problem("", fields[i], "column " + std::to_string(i + 1) + " has a value but no name in the header", false);
        return;
      }
    }
    for (std::size_t g = 0; g < combined_.size(); ++g)
      if (!expand_combined(g)) return;
    for (std::size_t k : blank_no_outs_)
      if (is_missing(slot_num_[k])) slot_num_[k] = 0.0;
    for (std::size_t k : required_outs_) {
      const out_col& oc = cols_[k];
      if (oc.numeric ? is_missing(slot_num_[k]) : slot_txt_[k].empty()) {
        problem(oc.label, "", "a required value is empty", true);
        return;
      }
    }
    if (places_ != nullptr) {
      for (std::size_t k : unit_outs_)
        if (!resolve_unit(k)) return;
    }
    for (std::size_t k : max_outs_) {
      const out_col& oc = cols_[k];
      if (is_missing(slot_num_[k]) || is_missing(slot_num_[oc.max_out])) continue;
      if (slot_num_[k] > slot_num_[oc.max_out]) {
        problem(oc.label, format_number(slot_num_[k]),
                oc.name + " (" + format_number(slot_num_[k]) + ") is more than " + cols_[oc.max_out].name + " (" +
                    format_number(slot_num_[oc.max_out]) + ")",
                true);
        return;
      }
    }
    std::size_t id_hash = 0;
    if (id_out_ != npos) {
      std::string_view id = slot_txt_[id_out_];
      id_hash = std::hash<std::string_view>()(id);
      const text_arena& ids = out_.columns[id_out_].txt;
      std::size_t first = ids_.find(id, id_hash, [&ids](std::size_t r) { return ids.get(r); });
      if (first != id_set::none) {
        if (!opt_.strict) duplicate_refusals_.emplace_back(out_.refused_row.size(), first);
        problem(cols_[id_out_].label, id, duplicate_reason(schema_.id_column, id, good_rows_[first]), true);
        return;
      }
    }
    // commit
    if (!ext_num_.empty() && out_.rows_good >= ext_room_) spill_numbers();
    if (ext_num_.empty()) {
      for (const auto& [k, col] : commit_num_) col->push_back(slot_num_[k]);
    } else {
      for (std::size_t j = 0; j < commit_num_.size(); ++j) ext_num_[j][out_.rows_good] = slot_num_[commit_num_[j].first];
    }
    for (const auto& [k, col] : commit_txt_) col->push(slot_txt_[k]);
    good_rows_.push_back(row);
    good_lines_.push_back(line);
    if (id_out_ != npos) ids_.insert(out_.rows_good, id_hash);
    ++out_.rows_good;
  }

  ingest_output finish() { return std::move(out_); }

  /// The numeric columns' buffers, `offset` rows in (after reserve(); for write_numbers_to).
  std::vector<double*> number_buffers(std::size_t offset) {
    std::vector<double*> b;
    for (const auto& kc : commit_num_) b.push_back(kc.second->data() + offset);
    return b;
  }
  /// Good rows' numbers go to these buffers (one per numeric column, room for `room` rows) instead
  /// of this reader's own columns, which stay empty; past `room` rows they move to its own columns.
  void write_numbers_to(std::vector<double*> buffers, std::size_t room) {
    ext_num_ = std::move(buffers);
    ext_room_ = room;
    if (room == 0) ext_num_.clear();
  }
  /// Whether the good rows' numbers are (all) in the buffers given to write_numbers_to.
  bool numbers_written_out() const { return !ext_num_.empty(); }
  /// Refusals as duplicates of a good row (lenient mode): (index among refused rows, good row index).
  const std::vector<std::pair<std::size_t, std::size_t>>& duplicate_refusals() const { return duplicate_refusals_; }

  // For the two-thread CSV path (ingest_csv): ids of one half checked against the other's.
  std::size_t rows_read() const { return out_.rows_read; }
  bool has_id() const { return id_out_ != npos; }
  std::size_t id_column_index() const { return id_out_; }
  const std::string& id_label() const { return cols_[id_out_].label; }
  std::size_t good_row(std::size_t i) const { return good_rows_[i]; }
  std::size_t good_line(std::size_t i) const { return good_lines_[i]; }
  /// The good row (0-based among good rows) with this id, or npos.
  std::size_t find_id(std::string_view id) const {
    const text_arena& ids = out_.columns[id_out_].txt;
    return ids_.find(id, std::hash<std::string_view>()(id), [&ids](std::size_t r) { return ids.get(r); });
  }

 private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  struct action { int kind = 0; std::size_t out = 0; std::size_t group = 0; };  // 0 skip, 1 cell, 2 combined, 3 unnamed
  struct combined {
    std::string name;
    std::size_t field = 0;
    std::vector<std::pair<std::string, std::size_t>> options;
  };
  struct unit_cache {
    std::string last_raw, last_parent, last_code, last_error;
    bool valid = false;
    std::unordered_map<std::string, std::pair<std::string, std::string>> seen;  // key -> (code, error)
  };
  struct hot_col {
    bool plain_number = false;  ///< int/number/likert without a value map
    bool plain_yes_no = false;  ///< yes/no without a value map
    bool exclusive_min = false;
    value_type type = value_type::text;
    double min = 0, max = 0;
  };
  struct out_col {
    std::string name;
    const column_spec* spec = nullptr;
    std::string label;  ///< the file's column that gives it, for messages
    bool numeric = false;
    bool direct = true;  ///< a column of its own (not only a select-multiple option)
    std::size_t max_out = npos;
    std::vector<std::size_t> parent_outs;
    const std::map<std::string, std::string>* value_map = nullptr;
    bool blank_no = false;
    unit_cache units;
  };

  // kind: 0 drop, 1 direct, 2 combined, 3 extra, 4 no name in the header (the column must be empty)
  struct resolved_header { int kind; std::string target; std::string group; };

  resolved_header resolve(const std::string& h) const {
    // mapping and schema names, then the header without its group prefixes, longest first
    std::vector<std::size_t> starts{0};
    for (std::size_t i = 0; i < h.size(); ++i)
      if ((h[i] == '/' || h[i] == '-' || h[i] == '.' || h[i] == ':') && i + 1 < h.size()) starts.push_back(i + 1);
    for (std::size_t s = 0; s < starts.size(); ++s) {
      std::string suffix = h.substr(starts[s]);
      auto m = opt_.mapping.columns.find(suffix);
      if (m != opt_.mapping.columns.end()) {
        const std::string& t = m->second;
        if (t.empty()) return {0, "", ""};
        if (schema_.find(t) != nullptr) return {1, t, ""};
        if (groups_.count(t)) return {2, "", t};
        throw config_error(location::in_file("column mapping").in_column(m->first),
                           "maps to '" + t + "', which is not a column of the " + schema_.kind + " schema");
      }
      if (schema_.find(suffix) != nullptr) return {1, suffix, ""};
      if (groups_.count(suffix)) return {2, "", suffix};
      if (s + 2 == starts.size()) {
        std::string g = h.substr(starts[s], starts[s + 1] - 1 - starts[s]);
        std::string o = h.substr(starts[s + 1]);
        auto git = groups_.find(g);
        if (git != groups_.end()) {
          auto oit = git->second.find(o);
          if (oit == git->second.end())
            throw input_error(location::in_file(source_).at_line(1).in_column(h),
                              "unknown option '" + o + "' of select-multiple question '" + g + "' (" + options_of(g) + ")");
          if (oit->second.empty()) return {0, "", ""};
          return {1, oit->second, ""};
        }
      }
    }
    if (!opt_.keep_extra_columns) return {0, "", ""};
    if (schema_.find(h) == nullptr) return {3, h, ""};
    return {0, "", ""};
  }

  std::string options_of(const std::string& g) const {
    std::string s;
    for (const auto& [code, t] : groups_.at(g)) s += (s.empty() ? "" : ", ") + code;
    return s;
  }
  std::string join_header() const {
    std::string s;
    for (const auto& h : header_) s += (s.empty() ? "" : ", ") + h;
    return s;
  }
  static std::string join_fields(const std::vector<std::string_view>& f) {
    std::string s;
    for (std::size_t i = 0; i < f.size(); ++i) {
      if (i) s.push_back(',');
      s.append(f[i].data(), f[i].size());
    }
    return s;
  }

  void add_out(const std::string& name, const column_spec* spec, const std::string& label, bool direct) {
    out_col oc;
    oc.name = name;
    oc.spec = spec;
    oc.label = label;
    oc.numeric = spec != nullptr && spec->numeric();
    oc.direct = direct;
    out_index_[name] = cols_.size();
    cols_.push_back(std::move(oc));
    ingest_column c;
    c.name = name;
    c.numeric = cols_.back().numeric;
    out_.columns.push_back(std::move(c));
  }
  std::size_t find_out(const std::string& name) const {
    auto it = out_index_.find(name);
    return it == out_index_.end() ? npos : it->second;
  }

  /// Records a problem: throws in strict mode, else adds a refused row. Always returns false.
  bool problem(const std::string& column, std::string_view value, const std::string& reason, bool validation) {
    if (opt_.strict) {
      location where = location::in_file(source_).at_row(row_).at_line(line_).in_column(column);
      std::string msg = reason;
      if (validation) throw validation_error(where, msg);
      throw input_error(where, msg);
    }
    out_.refused_row.push_back(static_cast<double>(row_));
    out_.refused_line.push_back(line_ == 0 ? missing : static_cast<double>(line_));
    out_.refused_column.push(column);
    out_.refused_value.push(value);
    out_.refused_reason.push(reason);
    return false;
  }

  bool text_value(std::size_t k, std::string_view v) {
    v = trim_blanks(v);
    if (!is_ascii(v)) {
      std::size_t bad = text::first_invalid_utf8(v);
      if (bad != std::string_view::npos) return problem(cols_[k].label, "", "invalid UTF-8 (save the file as UTF-8)", false);
      own_[k] = text::to_nfc(v);
      v = own_[k];
    }
    slot_txt_[k] = v;
    return true;
  }

  bool read_cell(std::size_t k, std::string_view raw) {
    const hot_col& h = hot_[k];
    if (h.plain_number) {  // the common case, without touching the column's other data
      std::string_view t = trim_blanks(raw);
      if (t.empty()) {
        slot_num_[k] = missing;
        return true;
      }
      double x;
      bool integral;
      if (parse_strict_number(t, x, integral) && (integral || h.type == value_type::number) && x >= h.min &&
          !(h.exclusive_min && x <= h.min) && x <= h.max) {
        slot_num_[k] = x;
        return true;
      }
    } else if (h.plain_yes_no) {
      int yn = parse_yes_no(raw);
      if (yn != -2) {
        slot_num_[k] = yn < 0 ? missing : static_cast<double>(yn);
        return true;
      }
    }
    out_col& oc = cols_[k];
    std::string_view v = raw;
    if (oc.value_map != nullptr && !trim_blanks(v).empty()) {
      auto it = oc.value_map->find(text::fold(v));
      if (it != oc.value_map->end()) {
        own_[k] = it->second;
        v = own_[k];
      }
    }
    if (oc.spec == nullptr) return text_value(k, v);
    const column_spec& s = *oc.spec;
    switch (s.type) {
      case value_type::text:
        return text_value(k, v);
      case value_type::category: {
        v = trim_blanks(v);
        if (v.empty()) { slot_txt_[k] = v; return true; }
        for (const auto& allowed : s.values)
          if (v == allowed) { slot_txt_[k] = allowed; return true; }
        std::string f = text::fold(v);
        for (const auto& allowed : s.values)
          if (f == text::fold(allowed)) { slot_txt_[k] = allowed; return true; }
        std::string list;
        for (const auto& allowed : s.values) list += (list.empty() ? "" : ", ") + allowed;
        return problem(oc.label, v, "'" + std::string(v) + "' is not one of " + list, true);
      }
      case value_type::yes_no: {
        int yn = parse_yes_no(v);
        if (yn == -2)
          return problem(oc.label, v, "'" + std::string(trim_blanks(v)) + "' is not a yes/no answer (1/0, yes/no, có/không, true/false, x)", false);
        slot_num_[k] = yn < 0 ? missing : static_cast<double>(yn);
        return true;
      }
      case value_type::integer:
      case value_type::likert:
      case value_type::number: {
        std::string_view t = trim_blanks(v);
        slot_num_[k] = missing;
        if (t.empty()) return true;
        double x;
        bool integral;
        if (!parse_strict_number(t, x, integral))
          return problem(oc.label, t, "malformed number '" + std::string(t) + "'", false);
        if (s.type != value_type::number && !integral)
          return problem(oc.label, t, "expected a whole number, got '" + std::string(t) + "'", false);
        if (x < s.min || (s.exclusive_min && x <= s.min) || x > s.max) {
          std::string range;
          if (std::isfinite(s.min) && std::isfinite(s.max)) range = "between " + format_number(s.min) + " and " + format_number(s.max);
          else if (std::isfinite(s.min)) range = (s.exclusive_min ? "above " : "at least ") + format_number(s.min);
          else range = "at most " + format_number(s.max);
          std::string what = x < 0 && s.min >= 0 ? "negative " + s.name : s.name;
          return problem(oc.label, t, what + " " + format_number(x) + " is out of range: must be " + range, true);
        }
        slot_num_[k] = x;
        return true;
      }
    }
    return true;
  }

  bool expand_combined(std::size_t g) {
    const combined& c = combined_[g];
    std::string_view raw = trim_blanks(combined_raw_[g]);
    const std::string& label = header_[c.field];
    std::vector<bool>& chosen = chosen_;
    chosen.assign(c.options.size(), false);
    bool empty = raw.empty();
    std::size_t i = 0;
    while (i < raw.size()) {
      while (i < raw.size() && (raw[i] == ' ' || raw[i] == '\t')) ++i;
      std::size_t b = i;
      while (i < raw.size() && raw[i] != ' ' && raw[i] != '\t') ++i;
      if (i == b) break;
      std::string_view code = raw.substr(b, i - b);
      bool found = false;
      for (std::size_t o = 0; o < c.options.size(); ++o)
        if (c.options[o].first == code) { chosen[o] = true; found = true; }
      if (!found)
        return problem(label, raw, "unknown option '" + std::string(code) + "' of select-multiple question '" + c.name +
                                       "' (" + options_of(c.name) + ")", true);
    }
    for (std::size_t o = 0; o < c.options.size(); ++o) {
      std::size_t k = c.options[o].second;
      if (k == npos) continue;
      double v = empty ? missing : (chosen[o] ? 1.0 : 0.0);
      if (cols_[k].direct && !is_missing(slot_num_[k])) {
        if (!is_missing(v) && v != slot_num_[k])
          return problem(label, raw, "'" + label + "' says " + (v == 1.0 ? "yes" : "no") + " to '" + c.options[o].first +
                                         "' but column '" + cols_[k].label + "' says " +
                                         (slot_num_[k] == 1.0 ? "yes" : "no"), true);
        continue;
      }
      slot_num_[k] = v;
    }
    return true;
  }

  bool resolve_unit(std::size_t k) {
    out_col& oc = cols_[k];
    std::string_view raw = slot_txt_[k];
    if (raw.empty()) return true;
    std::string_view parent;
    std::size_t parent_k = npos;
    for (std::size_t pk : oc.parent_outs) {
      if (!slot_txt_[pk].empty()) { parent = slot_txt_[pk]; parent_k = pk; break; }
    }
    unit_cache& uc = oc.units;
    if (!(uc.valid && raw == uc.last_raw && parent == uc.last_parent)) {
      std::string key(raw);
      key.push_back('\x1f');
      key.append(parent.data(), parent.size());
      auto it = uc.seen.find(key);
      if (it == uc.seen.end()) {
        auto r = lookup_unit(raw, parent, oc.spec->unit_level, parent_k == npos ? std::string() : cols_[parent_k].name);
        it = uc.seen.emplace(std::move(key), std::move(r)).first;
      }
      uc.last_raw.assign(raw.data(), raw.size());
      uc.last_parent.assign(parent.data(), parent.size());
      uc.last_code = it->second.first;
      uc.last_error = it->second.second;
      uc.valid = true;
    }
    if (!uc.last_error.empty()) return problem(oc.label, raw, uc.last_error, true);
    if (raw != uc.last_code) {
      own_[k] = uc.last_code;
      slot_txt_[k] = own_[k];
    }
    return true;
  }

  std::pair<std::string, std::string> lookup_unit(std::string_view raw, std::string_view parent, int level,
                                                  const std::string& parent_column) const {
    const places& p = *places_;
    std::string code(raw);
    std::string parent_code(parent);
    if (!p.contains(code)) {
      try {
        code = p.match(raw, p.contains(parent_code) ? parent_code : std::string());
      } catch (const name_match_error& e) {
        return {"", "unknown unit: " + std::string(e.what())};
      }
    }
    if (p.level(code) != level)
      return {"", "'" + std::string(raw) + "' is " + p.describe(code) + ", a " + to_string(p.at(code).kind) +
                      "; this column takes a " + level_name(level)};
    if (!parent_code.empty()) {
      auto anc = p.ancestors(code);
      if (std::find(anc.begin(), anc.end(), parent_code) == anc.end())
        return {"", p.describe(code) + " is not in " + parent_column + " " + parent_code};
    }
    return {code, ""};
  }

  std::string source_;
  const record_schema& schema_;
  const places* places_;
  const ingest_options& opt_;
  std::map<std::string, std::map<std::string, std::string>> groups_;
  std::vector<std::string> header_;
  std::vector<action> actions_;
  std::vector<combined> combined_;
  std::vector<out_col> cols_;
  std::unordered_map<std::string, std::size_t> out_index_;
  std::size_t id_out_ = npos;
  std::size_t id_field_ = npos;
  std::vector<std::size_t> blank_no_outs_, required_outs_, unit_outs_, max_outs_, undirected_outs_;
  std::vector<hot_col> hot_;
  std::vector<std::pair<std::size_t, reader_numbers*>> commit_num_;
  std::vector<double*> ext_num_;  ///< when set: where each numeric column's good rows go (commit_num_ order)  // into out_.columns (not resized after set_header)
  std::vector<std::pair<std::size_t, text_arena*>> commit_txt_;
  std::vector<double> slot_num_;
  std::vector<std::string_view> slot_txt_;
  std::vector<std::string> own_;
  std::vector<std::string_view> combined_raw_;
  std::vector<bool> chosen_;
  std::vector<std::size_t> good_rows_, good_lines_;
  id_set ids_;
  ingest_output out_;
  std::size_t row_ = 0, line_ = 0;
  std::size_t ext_room_ = 0;
  std::vector<std::pair<std::size_t, std::size_t>> duplicate_refusals_;

  /// The outside buffers are full: the numbers so far move to this reader's own columns.
  void spill_numbers() {
    for (std::size_t j = 0; j < commit_num_.size(); ++j) {
      reader_numbers& col = *commit_num_[j].second;
      col.assign(ext_num_[j], ext_num_[j] + out_.rows_good);
    }
    ext_num_.clear();
  }
};

/// Appends `b`'s good rows (except those marked in `drop`) and refused rows to `a`.
inline void append_output(ingest_output& a, ingest_output&& b, const std::vector<bool>& drop, bool parallel = false) {
  bool any_drop = std::find(drop.begin(), drop.end(), true) != drop.end();
  auto columns = [&](std::size_t from, std::size_t to) {
    for (std::size_t k = from; k < to; ++k) {
      ingest_column& x = a.columns[k];
      ingest_column& y = b.columns[k];
      if (x.numeric) {
        if (!any_drop) {
          x.num.insert(x.num.end(), y.num.begin(), y.num.end());
        } else {
          for (std::size_t i = 0; i < y.num.size(); ++i)
            if (!drop[i]) x.num.push_back(y.num[i]);
        }
      } else {
        if (!any_drop) {
          auto base = static_cast<std::int64_t>(x.txt.bytes.size());
          x.txt.bytes.append(y.txt.bytes);
          x.txt.offsets.reserve(x.txt.offsets.size() + y.txt.size());
          for (std::size_t i = 1; i < y.txt.offsets.size(); ++i) x.txt.offsets.push_back(base + y.txt.offsets[i]);
        } else {
          for (std::size_t i = 0; i < y.txt.size(); ++i)
            if (!drop[i]) x.txt.push(y.txt.get(i));
        }
      }
      y = ingest_column();
    }
  };
  std::size_t n = b.columns.size();
  if (parallel && n >= 2) {  // the copying is memory-bound: two threads each take half the columns
    std::thread helper(columns, std::size_t{0}, n / 2);
    columns(n / 2, n);
    helper.join();
  } else {
    columns(0, n);
  }
  a.refused_row.insert(a.refused_row.end(), b.refused_row.begin(), b.refused_row.end());
  a.refused_line.insert(a.refused_line.end(), b.refused_line.begin(), b.refused_line.end());
  for (std::size_t i = 0; i < b.refused_column.size(); ++i) {
    a.refused_column.push(b.refused_column.get(i));
    a.refused_value.push(b.refused_value.get(i));
    a.refused_reason.push(b.refused_reason.get(i));
  }
  a.rows_read += b.rows_read;
  a.rows_good += b.rows_good;
}

/// The two-thread reader's second half wrote its `rows` good rows' numbers into the first half's
/// columns from row `offset` on (when `offset` is not npos): moves them to just after the first
/// half's good rows, leaving out the rows marked in `drop`.
inline void place_numbers(ingest_output& a, std::size_t rows, std::size_t offset, const std::vector<bool>& drop) {
  if (offset == static_cast<std::size_t>(-1)) return;
  bool any_drop = std::find(drop.begin(), drop.end(), true) != drop.end();
  for (ingest_column& x : a.columns) {
    if (!x.numeric) continue;
    std::size_t w = x.num.size();  // the first half's good rows (<= offset)
    double* d = x.num.data();
    if (!any_drop) {
      if (w != offset && rows > 0) std::memmove(d + w, d + offset, rows * sizeof(double));
      w += rows;
    } else {
      for (std::size_t i = 0; i < rows; ++i)
        if (!drop[i]) d[w++] = d[offset + i];
    }
    x.num.resize(w);  // no zeroing (uninit_allocator): keeps the numbers just placed
  }
}

/// Puts the refused rows in row order (after the two halves' cross-duplicates were added).
inline void sort_refused(ingest_output& o) {
  std::vector<std::size_t> idx(o.refused_row.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::stable_sort(idx.begin(), idx.end(), [&o](std::size_t x, std::size_t y) { return o.refused_row[x] < o.refused_row[y]; });
  numeric_column row, line;
  text_arena col, val, why;
  for (std::size_t i : idx) {
    row.push_back(o.refused_row[i]);
    line.push_back(o.refused_line[i]);
    col.push(o.refused_column.get(i));
    val.push(o.refused_value.get(i));
    why.push(o.refused_reason.get(i));
  }
  o.refused_row = std::move(row);
  o.refused_line = std::move(line);
  o.refused_column = std::move(col);
  o.refused_value = std::move(val);
  o.refused_reason = std::move(why);
}

/// Room to reserve for the rows of a stretch of CSV without counting them (a counting pass over a
/// large file costs as much as a tenth of the read): the average line length of the first 64 KB
/// (CR, LF or CRLF ends a line), with a margin, never more than one row per `columns` bytes (the
/// shortest possible row).
inline std::size_t estimate_rows(std::string_view s, std::size_t columns) {
  std::string_view head = s.substr(0, std::size_t{1} << 16);
  std::size_t lines = line_at(head, head.size(), 0);
  std::size_t bound = s.size() / std::max<std::size_t>(columns, 1) + 1;
  if (lines == 0 || head.size() == s.size()) return std::min(bound, lines + 1);
  std::size_t estimate = s.size() / std::max<std::size_t>(head.size() / lines, 1) * 5 / 4 + 1024;
  return std::min(bound, estimate);
}

/// The header record's names, checked: valid text, no name twice. An empty name is kept (the
/// ingester refuses any value under it, naming the column number).
inline std::vector<std::string> read_header(const std::vector<std::string_view>& fields, const std::string& source,
                                            std::size_t line) {
  std::vector<std::string> header;
  for (auto f : fields) {
    std::string h = text::to_nfc(trim_blanks(f));
    if (!h.empty() && std::find(header.begin(), header.end(), h) != header.end())
      throw input_error(location::in_file(source).at_line(line).in_column(h), "column name appears twice in the header");
    header.push_back(std::move(h));
  }
  bool named = std::any_of(header.begin(), header.end(), [](const std::string& h) { return !h.empty(); });
  if (!named) throw input_error(location::in_file(source).at_line(line), "the header row has no column names");
  return header;
}

/// Reads CSV bytes into the reader's buffers. The text is decoded first (UTF-8, with or without a
/// byte-order mark, or UTF-16 with one; anything else is refused naming the line of the first bad
/// byte). A large file is read in two halves on two threads; the second half starts where a
/// record of the file really ends: the helper thread steps over the first half's records with the
/// same tokenizer (quotes, CR, LF, CRLF), so it knows the row and line it starts on. Rows, lines,
/// duplicates and errors come out exactly as from one pass (the first error in the file is the
/// one raised, whatever the thread count).
inline ingest_output ingest_csv(std::string_view raw, const std::string& source, const record_schema& schema,
                                const places* where, const ingest_options& options, unsigned threads = 0,
                                std::size_t min_split_bytes = std::size_t{4} << 20) {
  if (threads == 0) threads = std::thread::hardware_concurrency() >= 2 ? 2 : 1;
  std::string decoded;
  std::string_view body = decode_text(raw, source, decoded);
  std::size_t bad = first_invalid_utf8_parallel(body, threads);
  if (bad != std::string_view::npos) throw_not_utf8(body, bad, source);
  char delim = options.delimiter != 0 ? options.delimiter : io::detect_delimiter(body);
  if (delim == '"' || delim == '\r' || delim == '\n')
    throw config_error(location::in_file(source).in_column("delimiter"), "a delimiter cannot be a quote or a line end");
  csv_tokenizer tok(body, source, delim);
  std::vector<std::string_view> fields;
  std::size_t line = 0;
  if (!tok.next(fields, line)) throw input_error(location::in_file(source), "empty file: no header row");
  std::vector<std::string> header = read_header(fields, source, line);
  std::string_view data = body.substr(tok.position());
  const std::size_t first_line = tok.line();
  const std::size_t mid = data.size() / 2;
  if (threads < 2 || data.size() < min_split_bytes || mid == 0) {
    ingester ing(source, schema, where, options);
    ing.set_header(header);
    ing.reserve(estimate_rows(data, header.size()));
    csv_tokenizer rows(data, source, delim, first_line);
    std::size_t row = 0;
    while (rows.next(fields, line)) ing.add_row(fields, ++row, line);
    return ing.finish();
  }
  ingester a(source, schema, where, options), b(source, schema, where, options);
  a.set_header(header);
  b.set_header(header);
  std::exception_ptr error_a, error_b;
  // room for both halves: the second half's numbers are written straight after the first half's
  // rows while the room lasts (then they go to its own columns and are appended after the join)
  const std::size_t room = estimate_rows(data, header.size());
  a.reserve(room);
  std::vector<double*> a_numbers = a.number_buffers(0);
  std::size_t b_start = data.size(), b_rows_before = 0;  // where the second half starts (set by the helper)
  bool b_ran = false;
  std::thread worker([&]() {
    try {
      // the first half: every record that starts before `mid`, as the main thread reads them
      csv_tokenizer scan(data, source, delim, first_line);
      std::size_t ln = 0, row = 0;
      while (scan.position() < mid && scan.skip(ln)) ++row;
      b_start = scan.position();
      b_rows_before = row;
      b.reserve(estimate_rows(data.substr(b_start), header.size()));
      if (row < room) {
        for (double*& d : a_numbers) d += row;
        b.write_numbers_to(a_numbers, room - row);
      }
      b_ran = true;
      csv_tokenizer rows(data.substr(b_start), source, delim, scan.line());
      std::vector<std::string_view> f;
      while (rows.next(f, ln)) b.add_row(f, ++row, ln);
    } catch (...) {
      error_b = std::current_exception();
    }
  });
  csv_tokenizer rows(data, source, delim, first_line);
  std::size_t row = 0;
  try {
    while (rows.position() < mid && rows.next(fields, line)) a.add_row(fields, ++row, line);
  } catch (...) {
    error_a = std::current_exception();
  }
  worker.join();
  if (error_a) std::rethrow_exception(error_a);
  if (!b_ran || rows.position() != b_start || row != b_rows_before) {
    // cannot happen (both threads step over the same records with the same tokenizer); if it
    // did, the first half's reader reads on to the end and the second half is not used
    while (rows.next(fields, line)) a.add_row(fields, ++row, line);
    return a.finish();
  }
  // ids of the second half already used in the first: the first such row is refused (or is the
  // error, when it comes before the second half's own first error)
  ingest_output tmp = b.finish();
  std::vector<bool> drop(tmp.rows_good, false);
  ingest_output cross;
  std::size_t dropped = 0;
  if (a.has_id()) {
    const text_arena& ids = tmp.columns[b.id_column_index()].txt;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      std::size_t first = a.find_id(ids.get(i));
      if (first == static_cast<std::size_t>(-1)) continue;
      std::string reason = duplicate_reason(schema.id_column, ids.get(i), a.good_row(first));
      if (options.strict) throw validation_error(location::in_file(source).at_row(b.good_row(i)).at_line(b.good_line(i)).in_column(b.id_label()), reason);
      drop[i] = true;
      ++dropped;
      cross.refused_row.push_back(static_cast<double>(b.good_row(i)));
      cross.refused_line.push_back(static_cast<double>(b.good_line(i)));
      cross.refused_column.push(b.id_label());
      cross.refused_value.push(ids.get(i));
      cross.refused_reason.push(reason);
    }
    // a second-half row refused as a duplicate of a second-half row that is itself a duplicate of
    // a first-half row: one pass would name the first half's row
    bool rename = false;
    for (const auto& dr : b.duplicate_refusals()) rename = rename || drop[dr.second];
    if (rename) {
      std::vector<std::string> reasons;
      for (std::size_t i = 0; i < tmp.refused_reason.size(); ++i) reasons.emplace_back(tmp.refused_reason.get(i));
      for (const auto& [ri, gi] : b.duplicate_refusals())
        if (drop[gi]) reasons[ri] = duplicate_reason(schema.id_column, tmp.refused_value.get(ri), a.good_row(a.find_id(tmp.refused_value.get(ri))));
      tmp.refused_reason = text_arena();
      for (const auto& r : reasons) tmp.refused_reason.push(r);
    }
  }
  if (error_b) std::rethrow_exception(error_b);
  ingest_output out = a.finish();
  place_numbers(out, tmp.rows_good, b.numbers_written_out() ? b_rows_before : static_cast<std::size_t>(-1), drop);
  append_output(out, std::move(tmp), drop, true);
  out.rows_good -= dropped;
  if (dropped > 0) {
    cross.rows_read = 0;
    cross.columns = std::vector<ingest_column>();
    append_output(out, std::move(cross), std::vector<bool>());
    sort_refused(out);
  }
  return out;
}

/// Reads a table (from pandas, XLSX) through the same checks: every cell is read as its text.
inline ingest_output ingest_table(const table& input, const record_schema& schema, const places* where,
                                  const ingest_options& options) {
  std::vector<std::string> header;
  for (const auto& n : input.names()) header.push_back(text::to_nfc(std::string(trim_blanks(n))));
  ingester ing(input.source(), schema, where, options);
  ing.set_header(header);
  ing.reserve(input.rows());
  std::vector<const column*> cols;
  for (const auto& n : input.names()) cols.push_back(&input.at(n));
  std::vector<std::string> scratch(cols.size());
  std::vector<std::string_view> fields(cols.size());
  for (std::size_t r = 0; r < input.rows(); ++r) {
    for (std::size_t c = 0; c < cols.size(); ++c) {
      if (const auto* num = std::get_if<numeric_column>(cols[c])) {
        scratch[c] = format_number((*num)[r]);
        fields[c] = scratch[c];
      } else {
        fields[c] = std::get<text_column>(*cols[c])[r];
      }
    }
    ing.add_row(fields, r + 1, 0);
  }
  return ing.finish();
}

}  // namespace detail

// ---- public API ---------------------------------------------------------------------------------

/// Records of any schema from CSV text. `where` may be null: place columns are then not checked.
inline ingest_result read_records_csv(std::string_view text, const std::string& source, const record_schema& schema,
                                      const places* where = nullptr, const ingest_options& options = {}) {
  ingest_result res;
  detail::to_tables(detail::ingest_csv(text, source, schema, where, options), res);
  return res;
}

/// Records of any schema from a table (a DataFrame, an XLSX sheet), with the same checks.
inline ingest_result read_records(const table& input, const record_schema& schema, const places* where = nullptr,
                                  const ingest_options& options = {}) {
  ingest_result res;
  detail::to_tables(detail::ingest_table(input, schema, where, options), res);
  return res;
}

/// S1, S3, S4: households (and their opinion answers) with the default schema.
inline ingest_result read_households_csv(std::string_view text, const std::string& source,
                                         const places* where = nullptr, const ingest_options& options = {}) {
  return read_records_csv(text, source, record_schema::households(), where, options);
}
inline ingest_result read_households(const table& input, const places* where = nullptr, const ingest_options& options = {}) {
  return read_records(input, record_schema::households(), where, options);
}
/// S2: businesses with the default schema.
inline ingest_result read_businesses_csv(std::string_view text, const std::string& source,
                                         const places* where = nullptr, const ingest_options& options = {}) {
  return read_records_csv(text, source, record_schema::businesses(), where, options);
}
inline ingest_result read_businesses(const table& input, const places* where = nullptr, const ingest_options& options = {}) {
  return read_records(input, record_schema::businesses(), where, options);
}

}  // namespace commdx
