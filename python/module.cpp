// The Python module `sieve`: import sieve; sieve.Model("model.sieve").score(["a post", ...]).

#include <pybind11/pybind11.h>

#include "bindings.h"
#include "sieve/core/error.h"

namespace py = pybind11;

namespace sieve::python {

std::string utf8_of(const py::handle& text) {
  Py_ssize_t size = 0;
  if (const char* data = PyUnicode_AsUTF8AndSize(text.ptr(), &size)) return std::string(data, size);
  PyErr_Clear();
  return text.attr("encode")("utf-8", "surrogatepass").cast<std::string>();
}

std::vector<std::string> posts_of(const py::handle& texts, const char* what) {
  if (py::isinstance<py::str>(texts))
    throw py::type_error(std::string("expected a list of str, got one str"));
  std::vector<std::string> posts;
  if (py::hasattr(texts, "__len__")) posts.reserve(py::len(texts));
  for (const py::handle item : py::iter(texts)) {
    if (!py::isinstance<py::str>(item)) {
      throw py::type_error(std::string(what) + " " + std::to_string(posts.size()) + ": expected str, got " +
                           std::string(py::str(item.get_type().attr("__name__"))));
    }
    posts.push_back(utf8_of(item));
  }
  return posts;
}

}  // namespace sieve::python

PYBIND11_MODULE(sieve, m) {
  m.doc() = "sieve: multilingual classifiers against coordinated influence operations (Torch-free runtime)";
  // Every error of the C++ side, with its "<where>: <what>" message; a ValueError, so that code catching
  // bad input keeps working.
  py::register_exception<sieve::Error>(m, "Error", PyExc_ValueError);
  sieve::python::bind_model(m);
  sieve::python::bind_text(m);
  sieve::python::bind_adapt(m);
  py::module_ metrics =
      m.def_submodule("metrics", "the metrics of `sieve eval`, on arrays of labels and scores");
  sieve::python::bind_metrics(metrics);
}
