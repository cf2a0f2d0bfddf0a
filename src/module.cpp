#include "prelude.hpp"

#include <string>

#include "commdx/error.hpp"

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
}

// The exception hierarchy as Python classes: commdx.Error (ValueError) and its subclasses. The
// class objects live as long as the interpreter (module attributes keep them; the raw pointers
// below are borrowed from those).
namespace {
PyObject* new_exception(py::module_& m, const char* name, PyObject* base) {
  std::string qualified = std::string("commdx._core.") + name;
  PyObject* cls = PyErr_NewException(qualified.c_str(), base, nullptr);
  if (cls == nullptr) throw py::error_already_set();
  m.attr(name) = py::reinterpret_steal<py::object>(cls);
  return cls;
}
}  // namespace

void bind_errors(py::module_& m) {
  static PyObject* base = new_exception(m, "Error", PyExc_ValueError);
  static PyObject* input = new_exception(m, "InputError", base);
  static PyObject* validation = new_exception(m, "ValidationError", input);
  static PyObject* config = new_exception(m, "ConfigError", input);
  static PyObject* name_match = new_exception(m, "NameMatchError", base);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const commdx::name_match_error& e) {
      py::object exc = py::reinterpret_borrow<py::object>(name_match)(e.what());
      exc.attr("name") = e.name();
      exc.attr("candidates") = py::cast(e.candidates());
      PyErr_SetObject(name_match, exc.ptr());
    } catch (const commdx::config_error& e) {
      PyErr_SetString(config, e.what());
    } catch (const commdx::validation_error& e) {
      PyErr_SetString(validation, e.what());
    } catch (const commdx::input_error& e) {
      PyErr_SetString(input, e.what());
    } catch (const commdx::error& e) {
      PyErr_SetString(base, e.what());
    }
  });
}
