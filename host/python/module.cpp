// python/module.cpp — the extension module noether._core: exception classes and translation, the shared array
// checks and the GIL-free call of python/common.hpp, and the registration of every area.
#include <filesystem>
#include <new>

#include "noether/core/cpu_check.hpp"
#include "noether/core/version.hpp"
#include "python/common.hpp"

namespace noether::py {

namespace {
PyObject* g_error = nullptr;           // noether.Error(RuntimeError)
PyObject* g_argument_error = nullptr;  // noether.ArgumentError(Error, ValueError)
PyObject* g_missing_file = nullptr;    // noether.FileNotFoundError(Error, FileNotFoundError)

/// Thrown through the C++ stack when Ctrl-C or the progress callback asks to stop (the Python error is kept).
struct Stop {};

std::string dtype_name(const nb::dlpack::dtype& t) {
  const char* kind = t.code == uint8_t(nb::dlpack::dtype_code::Float)  ? "float"
                     : t.code == uint8_t(nb::dlpack::dtype_code::Int)  ? "int"
                     : t.code == uint8_t(nb::dlpack::dtype_code::UInt) ? "uint"
                     : t.code == uint8_t(nb::dlpack::dtype_code::Bool) ? "bool"
                                                                       : "complex";
  return kind + std::to_string(int(t.bits));
}
}  // namespace

Checked check_array(const AnyArray& a, const char* name, std::initializer_list<int> ndims) {
  bool ok_dim = false;
  std::string dims;
  for (int d : ndims) {
    ok_dim = ok_dim || int(a.ndim()) == d;
    dims += (dims.empty() ? "" : " or ") + std::to_string(d);
  }
  Checked c;
  for (std::size_t i = 0; i < a.ndim(); ++i) c.shape.push_back(a.shape(i));
  if (!ok_dim)
    throw ArgumentError(std::string(name) + ": expected an array with " + dims + " dimensions, got shape " +
                        shape_str(c.shape));
  const nb::dlpack::dtype t = a.dtype();
  const bool f64 = t == nb::dtype<double>(), f32 = t == nb::dtype<float>();
  if (!f64 && !f32)
    throw ArgumentError(std::string(name) + ": expected dtype float32 or float64, got " + dtype_name(t) +
                        " (convert with numpy.asarray(x, dtype=numpy.float64))");
  // C-contiguous: strides (in elements) are the suffix products of the shape (any stride on a length-1 axis).
  std::int64_t expect = 1;
  for (std::size_t i = a.ndim(); i-- > 0;) {
    if (a.shape(i) != 1 && a.stride(i) != expect)
      throw ArgumentError(std::string(name) + ": expected a C-contiguous array, got a strided view of shape " +
                          shape_str(c.shape) + " (use numpy.ascontiguousarray)");
    expect *= std::int64_t(a.shape(i));
  }
  c.float32 = f32;
  const std::size_t n = a.size();
  if (f64) {
    const double* p = static_cast<const double*>(a.data());
    c.data.assign(p, p + n);
  } else {
    const float* p = static_cast<const float*>(a.data());
    c.data.assign(p, p + n);
  }
  return c;
}

void require_file(const std::string& path, const char* what) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw MissingFile(std::string(what) + " '" + path + "': no such file");
}

void GilFreeCall::run(const std::function<void(const std::function<void(long, long)>&)>& work) {
  PyObject *type = nullptr, *value = nullptr, *trace = nullptr;  // the Python error that stopped the work
  const auto report = [&](long done, long total) {
    const auto now = std::chrono::steady_clock::now();
    if (done < total && now - last_ < std::chrono::milliseconds(50)) return;
    last_ = now;
    nb::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) {
      PyErr_Fetch(&type, &value, &trace);
      throw Stop{};
    }
    if (progress_.is_valid() && !progress_.is_none()) {
      try {
        progress_(done, total);
      } catch (nb::python_error& e) {
        e.restore();
        PyErr_Fetch(&type, &value, &trace);
        throw Stop{};
      }
    }
  };
  bool stopped = false;
  {
    nb::gil_scoped_release release;
    try {
      work(report);
    } catch (const Stop&) {
      stopped = true;
    }
  }
  if (stopped) {
    PyErr_Restore(type, value, trace);
    throw nb::python_error();
  }
}

void register_errors(nb::module_& m) {
  g_error = PyErr_NewExceptionWithDoc("noether.Error", "Every failure noether reports (the CLI's message).",
                                      PyExc_RuntimeError, nullptr);
  nb::object arg_bases = nb::make_tuple(nb::handle(g_error), nb::handle(PyExc_ValueError));
  g_argument_error = PyErr_NewExceptionWithDoc("noether.ArgumentError", "A bad argument (also a ValueError).",
                                               arg_bases.ptr(), nullptr);
  nb::object file_bases = nb::make_tuple(nb::handle(g_error), nb::handle(PyExc_FileNotFoundError));
  g_missing_file = PyErr_NewExceptionWithDoc("noether.FileNotFoundError",
                                             "A missing input file (also the built-in FileNotFoundError).",
                                             file_bases.ptr(), nullptr);
  m.attr("Error") = nb::handle(g_error);
  m.attr("ArgumentError") = nb::handle(g_argument_error);
  m.attr("FileNotFoundError") = nb::handle(g_missing_file);
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const ArgumentError& e) {
      PyErr_SetString(g_argument_error, e.what());
    } catch (const MissingFile& e) {
      PyErr_SetString(g_missing_file, e.what());
    } catch (const Error& e) {
      PyErr_SetString(g_error, e.what());
    }
  });
}

}  // namespace noether::py

NB_MODULE(_core, m) {
  noether::check_host_isa();  // a native build on a CPU without its ISA: a clear message, not SIGILL
  m.doc() = "noether._core: the C++ engine behind the noether package (use `import noether`).";
  m.attr("__version__") = noether::version();
  noether::py::register_errors(m);
  noether::py::register_numpy_out(m);
  noether::py::register_npz(m);
  noether::py::register_simulate(m);
  noether::py::register_model(m);
  noether::py::register_train(m);
  noether::py::register_evaluate(m);
  noether::py::register_run(m);
  noether::py::register_hnn(m);
  noether::py::register_hnn_data(m);
  noether::py::register_bulk(m);
}
