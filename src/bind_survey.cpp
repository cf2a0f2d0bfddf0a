#include "prelude.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "commdx/io/file.hpp"
#include "commdx/io/json.hpp"
#include "commdx/places.hpp"
#include "commdx/survey.hpp"

// S1-S4: the survey reader. The reader's buffers go to Python without a copy per cell: numeric
// columns as float64 arrays that own the C++ vectors, text columns as (offsets, bytes) arrays
// that python/commdx/survey.py wraps as Arrow strings. The GIL is released while reading.
namespace {

using commdx::detail::ingest_column;
using commdx::detail::ingest_output;
using commdx::detail::text_arena;

template <class T, class A>
py::array owning_array(std::vector<T, A>&& v) {
  auto* heap = new std::vector<T, A>(std::move(v));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<T, A>*>(p); });
  return py::array_t<T>(static_cast<py::ssize_t>(heap->size()), heap->data(), owner);
}

py::tuple text_buffers(text_arena&& a) {
  auto* heap = new std::string(std::move(a.bytes));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::string*>(p); });
  py::array_t<std::uint8_t> bytes(static_cast<py::ssize_t>(heap->size()),
                                  reinterpret_cast<const std::uint8_t*>(heap->data()), owner);
  return py::make_tuple(owning_array(std::move(a.offsets)), bytes);
}

/// {name: float64 array | (offsets int64, bytes uint8)} for the good rows and the refused rows.
py::tuple to_python(ingest_output&& out) {
  py::dict good;
  for (auto& c : out.columns) {
    if (c.numeric) good[py::str(c.name)] = owning_array(std::move(c.num));
    else good[py::str(c.name)] = text_buffers(std::move(c.txt));
  }
  py::dict refused;
  refused["row"] = owning_array(std::move(out.refused_row));
  refused["line"] = owning_array(std::move(out.refused_line));
  refused["column"] = text_buffers(std::move(out.refused_column));
  refused["value"] = text_buffers(std::move(out.refused_value));
  refused["reason"] = text_buffers(std::move(out.refused_reason));
  return py::make_tuple(good, refused, out.rows_read);
}

commdx::record_schema schema_of(const std::string& kind, const py::object& schema) {
  if (schema.is_none()) return commdx::record_schema::shipped(kind);
  return commdx::record_schema::from_json(commdx::bind::json_from_py(schema, "schema"), kind, "schema");
}

commdx::ingest_options options_of(const py::object& mapping, bool strict, const std::string& delimiter) {
  commdx::ingest_options o;
  o.strict = strict;
  if (!mapping.is_none()) o.mapping = commdx::column_mapping::from_json(commdx::bind::json_from_py(mapping, "mapping"), "column mapping");
  if (delimiter.size() > 1)
    throw commdx::config_error(commdx::location{}.in_column("delimiter"), "a delimiter is one character");
  o.delimiter = delimiter.empty() ? '\0' : delimiter[0];
  return o;
}

const commdx::places* places_of(const py::object& p) {
  if (p.is_none()) return nullptr;
  return p.cast<const commdx::places*>();
}

}  // namespace

void bind_survey(py::module_& m) {
  m.def(
      "_survey_read_file",
      [](const std::string& path, const std::string& kind, const py::object& where, const py::object& mapping,
         bool strict, const py::object& schema, const std::string& delimiter) {
        auto s = schema_of(kind, schema);
        auto o = options_of(mapping, strict, delimiter);
        const commdx::places* p = places_of(where);
        ingest_output out;
        {
          py::gil_scoped_release release;
          commdx::io::file_bytes text(path);
          out = commdx::detail::ingest_csv(text.view(), path, s, p, o);
        }
        return to_python(std::move(out));
      },
      py::arg("path"), py::arg("kind"), py::arg("places"), py::arg("mapping"), py::arg("strict"), py::arg("schema"),
      py::arg("delimiter"));
  m.def(
      "_survey_read_text",
      [](const std::string& text, const std::string& source, const std::string& kind, const py::object& where,
         const py::object& mapping, bool strict, const py::object& schema, const std::string& delimiter) {
        auto s = schema_of(kind, schema);
        auto o = options_of(mapping, strict, delimiter);
        const commdx::places* p = places_of(where);
        ingest_output out;
        {
          py::gil_scoped_release release;
          out = commdx::detail::ingest_csv(text, source, s, p, o);
        }
        return to_python(std::move(out));
      },
      py::arg("text"), py::arg("source"), py::arg("kind"), py::arg("places"), py::arg("mapping"), py::arg("strict"),
      py::arg("schema"), py::arg("delimiter"));
  m.def(
      "_survey_read_columns",
      [](const py::dict& columns, const std::string& source, const std::string& kind, const py::object& where,
         const py::object& mapping, bool strict, const py::object& schema) {
        auto s = schema_of(kind, schema);
        auto o = options_of(mapping, strict, "");
        const commdx::places* p = places_of(where);
        commdx::table t = commdx::bind::table_from_py(columns, source);
        ingest_output out;
        {
          py::gil_scoped_release release;
          out = commdx::detail::ingest_table(t, s, p, o);
        }
        return to_python(std::move(out));
      },
      py::arg("columns"), py::arg("source"), py::arg("kind"), py::arg("places"), py::arg("mapping"), py::arg("strict"),
      py::arg("schema"));
}
