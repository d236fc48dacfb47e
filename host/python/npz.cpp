// python/npz.cpp — .npz reading and writing through the engine's own reader and writer (io/npz.hpp), so that a
// trajectory saved from Python has the bytes `noether simulate` writes (docs/FORMATS.md).
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "python/common.hpp"

namespace noether::py {

void register_npz(nb::module_& m) {
  m.def(
      "read_npz",
      [](const std::string& path) {
        require_file(path, "npz file");
        NpzArchive a;
        {
          nb::gil_scoped_release release;
          a = read_npz(path);
        }
        nb::dict out;
        for (auto& [name, arr] : a) out[name.c_str()] = to_numpy(std::move(arr.data), arr.shape, arr.dtype == "<f4");
        return out;
      },
      nb::arg("path"),
      "Every array of a .npz as {name: ndarray}: float32 members stay float32, every other dtype becomes float64.");
  m.def(
      "write_npz",
      [](const std::string& path, const std::vector<std::pair<std::string, AnyArray>>& arrays) {
        std::vector<NpzEntry> e;
        for (const auto& [name, arr] : arrays) {
          Checked c = check_array(arr, name.c_str(), {0, 1, 2, 3, 4, 5, 6});
          e.push_back({name, c.shape, std::move(c.data), c.float32});
        }
        nb::gil_scoped_release release;
        write_npz(path, e);
      },
      nb::arg("path"), nb::arg("arrays"),
      "Write [(name, ndarray)] in this order as an uncompressed .npz (float32 arrays as float32, the rest float64), "
      "atomically.");
}

}  // namespace noether::py
