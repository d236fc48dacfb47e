// io/npz.hpp — reading and writing NumPy .npz archives (zip of .npy arrays), no Python needed.
// Reads STORED and DEFLATE members (np.savez and np.savez_compressed), little-endian C-order
// arrays of dtype f8, f4, i8, i4, u1, b1 (converted to double on load). Writes float64 or float32
// arrays, STORED, atomically (temporary file, then rename).
#pragma once
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace noether {

/// One array from a .npz: its shape, its values converted to double, and its NumPy dtype code ("<f8" ...).
struct NpyArray {
  std::vector<std::size_t> shape;
  std::vector<double> data;
  std::string dtype;
  std::size_t size() const { return data.size(); }
};

/// Archive contents by key (member name without ".npy").
using NpzArchive = std::map<std::string, NpyArray>;

/// Load every array of a .npz. Throws noether::Error naming the file (and key) on anything malformed.
NpzArchive read_npz(const std::string& path);

/// Decode the bytes of one .npy file (a member of a .npz, or a file written by np.save); `where` names it in
/// errors. read_npz decodes every member with it.
NpyArray read_npy_bytes(const std::string& npy, const std::string& where);

/// One array to write: name, shape, values; stored as float32 when as_float32, else float64.
struct NpzEntry {
  std::string name;
  std::vector<std::size_t> shape;
  std::vector<double> data;
  bool as_float32 = false;
};

/// Write entries as an uncompressed .npz. Writes `path + ".tmp-XXXX"` first and renames it over
/// path, so no partial file is ever left behind; throws noether::Error on failure.
void write_npz(const std::string& path, const std::vector<NpzEntry>& entries);

/// A shape as NumPy prints it, for error messages: (3, 4), (5,), ().
std::string shape_str(const std::vector<std::size_t>& shape);

}  // namespace noether
