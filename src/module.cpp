#include "prelude.hpp"

#include <string>
#include <thread>

#include "commdx/detail/interrupt.hpp"
#include "commdx/error.hpp"

void bind_pipeline(py::module_& m);  // src/bind_pipeline.cpp (declared here: prelude.hpp stays as the stages left it)
void bind_sampling(py::module_& m);  // src/bind_sampling.cpp
void bind_selection(py::module_& m);  // src/bind_selection.cpp
void bind_small_area(py::module_& m);  // src/bind_small_area.cpp
void bind_registers(py::module_& m);  // src/bind_registers.cpp
namespace {
void bind_interrupt(py::module_& m);  // below: Ctrl-C inside a long C++ call
}

PYBIND11_MODULE(_core, m) {
  m.doc() = "commdx compiled core; use the commdx package, not this module directly";
  m.attr("__version__") = COMMDX_VERSION;
  bind_errors(m);
  bind_interrupt(m);
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
  bind_sampling(m);
  bind_selection(m);
  bind_small_area(m);
  bind_registers(m);
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

// Ctrl-C inside a long C++ call (include/commdx/detail/interrupt.hpp): the core's long loops call
// this hook every so often while the GIL is released. On the main thread (the only one on which
// Python runs signal handlers) it takes the GIL and runs the pending handlers; when one raises
// (KeyboardInterrupt from Python's default SIGINT handler), the exception is kept and the core
// throws commdx::interrupted, which the translator below turns back into that exception. On the
// other threads of a computation the hook returns false at once: they stop at their next check,
// once the main thread's check has raised the core's flag.
std::thread::id main_thread;  // the thread that imported the module (for the CLI: Python's main thread)
py::error_already_set* pending = nullptr;  // the exception a signal handler raised, kept for the translator (GIL held)

bool python_interrupt_hook() {
  if (std::this_thread::get_id() != main_thread) return false;
  py::gil_scoped_acquire gil;
  if (PyErr_CheckSignals() == 0) return false;
  delete pending;
  pending = new py::error_already_set();  // takes the raised exception (Python's error indicator is cleared)
  return true;
}

// The translator's part (GIL held): the kept exception, else a plain KeyboardInterrupt (a C++
// caller's commdx::request_interrupt); the core's flag is cleared for the next call.
void raise_interrupt() {
  commdx::clear_interrupt();
  if (pending != nullptr) {
    pending->restore();
    delete pending;
    pending = nullptr;
  } else {
    PyErr_SetNone(PyExc_KeyboardInterrupt);
  }
}

void bind_interrupt(py::module_&) {
  main_thread = std::this_thread::get_id();
  commdx::set_interrupt_hook(&python_interrupt_hook);
}

}  // namespace

void bind_errors(py::module_& m) {
  for (const char* name : {"Error", "InputError", "ValidationError", "ConfigError", "NameMatchError"})
    m.attr(name) = error_class(name);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const commdx::interrupted&) {
      raise_interrupt();
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
