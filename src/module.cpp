#include "prelude.hpp"

#include <string>

#include "commdx/error.hpp"

void bind_pipeline(py::module_& m);  // src/bind_pipeline.cpp (declared here: prelude.hpp stays as the stages left it)

PYBIND11_MODULE(_core, m) {
  m.doc() = "commdx compiled core; use the commdx package, not this module directly";
  m.attr("__version__") = COMMDX_VERSION;
  bind_errors(m);
  bind_places(m);
  bind_teams(m);
  bind_synth(m);
  bind_survey(m);
  bind_estimate(m);
  bind_indicators(m);
  bind_scores(m);
  bind_classify(m);
  bind_plan(m);
  bind_monitor(m);
  bind_pipeline(m);
}

// The exception hierarchy: the Python classes of commdx.errors (python/commdx/errors.py), exposed
// here as commdx._core.Error etc. A C++ exception arrives as an instance carrying its id and its
// location as attributes (file, row, line, character, column, unit), so Python code and the CLI can
// use them instead of parsing the message. The classes live as long as the interpreter (module
// attributes keep them; the static handles below are leaked on purpose, as pybind11 advises for
// objects used from exception translators during interpreter shutdown).
namespace {

py::object error_class(const char* name) {
  static py::module_* errors = new py::module_(py::module_::import("commdx.errors"));
  return errors->attr(name);
}

// An instance of the Python class `cls` for a C++ input_error (or subclass).
py::object python_error(const py::object& cls, const commdx::input_error& e) {
  const commdx::location& w = e.where();
  py::dict where;
  auto put_text = [&where](const char* key, const std::string& v) {
    if (!v.empty()) where[key] = v;
  };
  auto put_number = [&where](const char* key, std::size_t v) {
    if (v != 0) where[key] = v;
  };
  put_text("file", w.file);
  put_number("row", w.row);
  put_number("line", w.line);
  put_number("character", w.column_number);
  put_text("column", w.column);
  put_text("unit", w.unit);
  return cls(e.reason(), py::arg("id") = e.id(), **where);
}

void raise(const py::object& exc) { PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr()); }

// nlohmann's type and range errors escaping from a reader that did not convert them (every config
// reader should: io::rethrow_config_error); a ConfigError still beats a bare RuntimeError.
std::string without_nlohmann_prefix(const std::string& what) {
  auto close = what.find("] ");
  return what.compare(0, 16, "[json.exception.") == 0 && close != std::string::npos ? what.substr(close + 2) : what;
}

}  // namespace

void bind_errors(py::module_& m) {
  for (const char* name : {"Error", "InputError", "ValidationError", "ConfigError", "NameMatchError"})
    m.attr(name) = error_class(name);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const commdx::name_match_error& e) {
      raise(error_class("NameMatchError")(e.what(), py::arg("id") = e.id(), py::arg("name") = e.name(),
                                          py::arg("candidates") = py::cast(e.candidates())));
    } catch (const commdx::config_error& e) {
      raise(python_error(error_class("ConfigError"), e));
    } catch (const commdx::validation_error& e) {
      raise(python_error(error_class("ValidationError"), e));
    } catch (const commdx::input_error& e) {
      raise(python_error(error_class("InputError"), e));
    } catch (const commdx::error& e) {
      raise(error_class("Error")(e.what(), py::arg("id") = e.id()));
    } catch (const nlohmann::json::exception& e) {
      raise(error_class("ConfigError")(without_nlohmann_prefix(e.what()), py::arg("id") = "commdx.json.value"));
    }
  });
}
