// python/numpy_out.cpp — results as NumPy arrays without a copy (to_numpy of python/common.hpp): the engine's
// std::vector is moved into a small buffer-protocol object, noether._core._Buffer, and numpy.asarray wraps it
// (the array's base keeps the buffer, and so the vector, alive).
//
// Why not nanobind's nb::ndarray<nb::numpy> export: it imports numpy and calls numpy.array(obj, copy=False) through
// a DLPack-backed object on every result, ~2.5 µs per array; a 1-step rollout returns 11 arrays
// (docs/PYTHON.md, "Call overhead"). This path costs one numpy.asarray call (~0.6 µs) per array.
#include <new>

#include "python/common.hpp"

#if PY_VERSION_HEX < 0x03090000
#error "noether._core needs Python >= 3.9 (buffer slots of PyType_FromSpec, PyObject_CallOneArg)"
#endif

namespace noether::py {

namespace {

constexpr int kMaxDims = 8;

/// The buffer object: owns `owner` (a heap std::vector<double> or <float>), exposes ptr with shape and C strides.
struct OwnedBuffer {
  PyObject_HEAD
  void* owner;
  void (*release)(void*);
  void* ptr;
  Py_ssize_t itemsize, len, ndim;
  Py_ssize_t shape[kMaxDims], strides[kMaxDims];
  const char* format;
};

PyTypeObject* g_buffer_type = nullptr;
PyObject* g_asarray = nullptr;  // numpy.asarray, imported once (kept for the life of the process)

int buffer_get(PyObject* self, Py_buffer* view, int flags) {
  auto* b = reinterpret_cast<OwnedBuffer*>(self);
  view->obj = self;
  Py_INCREF(self);
  view->buf = b->ptr;
  view->len = b->len;
  view->readonly = 0;
  view->itemsize = b->itemsize;
  view->format = (flags & PyBUF_FORMAT) ? const_cast<char*>(b->format) : nullptr;
  view->ndim = int(b->ndim);
  view->shape = (flags & PyBUF_ND) ? b->shape : nullptr;
  view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? b->strides : nullptr;
  view->suboffsets = nullptr;
  view->internal = nullptr;
  return 0;
}

void buffer_dealloc(PyObject* self) {
  auto* b = reinterpret_cast<OwnedBuffer*>(self);
  if (b->owner) b->release(b->owner);
  PyTypeObject* tp = Py_TYPE(self);
  tp->tp_free(self);
  Py_DECREF(tp);  // heap type
}

template <typename T>
nb::object wrap(std::vector<T>* v, const std::vector<std::size_t>& shape) {
  nb::object o = nb::steal(PyType_GenericAlloc(g_buffer_type, 0));
  if (!o.is_valid()) {
    delete v;
    throw nb::python_error();
  }
  auto* b = reinterpret_cast<OwnedBuffer*>(o.ptr());
  b->owner = v;
  b->release = [](void* p) { delete static_cast<std::vector<T>*>(p); };
  b->ptr = v->data();
  b->itemsize = sizeof(T);
  b->format = sizeof(T) == 8 ? "d" : "f";
  b->ndim = Py_ssize_t(shape.size());
  Py_ssize_t stride = sizeof(T);
  for (std::size_t i = shape.size(); i-- > 0;) {
    b->shape[i] = Py_ssize_t(shape[i]);
    b->strides[i] = stride;
    stride *= Py_ssize_t(shape[i]);
  }
  b->len = stride;
  PyObject* arr = PyObject_CallOneArg(g_asarray, o.ptr());
  if (!arr) throw nb::python_error();
  return nb::steal(arr);
}

}  // namespace

nb::object to_numpy(std::vector<double>&& data, const std::vector<std::size_t>& shape, bool as_float32) {
  if (shape.size() > std::size_t(kMaxDims)) throw Error("to_numpy: too many dimensions");
  if (as_float32) return wrap(new std::vector<float>(data.begin(), data.end()), shape);
  return wrap(new std::vector<double>(std::move(data)), shape);
}

void register_numpy_out(nb::module_& m) {
  static PyType_Slot slots[] = {{Py_bf_getbuffer, reinterpret_cast<void*>(&buffer_get)},
                                {Py_tp_dealloc, reinterpret_cast<void*>(&buffer_dealloc)},
                                {Py_tp_doc, const_cast<char*>("The memory of one result array (internal).")},
                                {0, nullptr}};
  static PyType_Spec spec = {"noether._core._Buffer", sizeof(OwnedBuffer), 0, Py_TPFLAGS_DEFAULT, slots};
  g_buffer_type = reinterpret_cast<PyTypeObject*>(PyType_FromSpec(&spec));
  if (!g_buffer_type) throw nb::python_error();
  m.attr("_Buffer") = nb::borrow(reinterpret_cast<PyObject*>(g_buffer_type));
  nb::object asarray = nb::module_::import_("numpy").attr("asarray");
  g_asarray = asarray.release().ptr();
}

}  // namespace noether::py
