// io/npz.cpp — NumPy .npz I/O without Python: the zip container is libzip's (STORED and DEFLATE members,
// ZIP64, CRC checks); the .npy v1/v2/v3 arrays inside are parsed and written here. All multi-byte values
// of the .npy payload are decoded/encoded explicitly as little-endian, independent of the host.
#include "noether/io/npz.hpp"

#include <zip.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "noether/core/error.hpp"
#include "noether/core/memory.hpp"

namespace noether {
namespace {

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

constexpr std::uint16_t kMax16 = 0xFFFFu;
constexpr char kNpyMagic[] = "\x93NUMPY";
constexpr std::size_t kNpyMagicLen = 6;
constexpr std::size_t kNpyAlign = 64;
/// Entry times of written archives: 1980-01-01 (the zip epoch), fixed for reproducible files.
constexpr std::time_t kZipEpoch = 315532800;

/// Read n (≤ 8) little-endian bytes of b starting at `at`; the caller has checked the bounds.
std::uint64_t get_le(const std::string& b, std::size_t at, int n) {
  std::uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  return v;
}

/// Append the low n bytes of v to out, little-endian.
void put_le(std::string& out, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

/// Number of elements of a shape (1 for a 0-d array), or false when the product overflows.
bool element_count(const std::vector<std::size_t>& shape, std::size_t& count) {
  count = 1;
  for (std::size_t d : shape) {
    if (d != 0 && count > std::numeric_limits<std::size_t>::max() / d) return false;
    count *= d;
  }
  return true;
}

/// libzip's message for an error code ("Not a zip archive", "CRC error", ...).
std::string zip_code_message(int code) {
  zip_error_t e;
  zip_error_init_with_code(&e, code);
  std::string msg = zip_error_strerror(&e);
  zip_error_fini(&e);
  return msg;
}

/// An archive opened by libzip; discarded (nothing written) when it goes out of scope unless z was reset after zip_close.
struct ZipArchive {
  zip_t* z = nullptr;
  ~ZipArchive() {
    if (z) zip_discard(z);
  }
};

// ---------------------------------------------------------------------------------------------
// Reader: zip members (libzip)
// ---------------------------------------------------------------------------------------------

/// DEFLATE cannot expand data by more than 1032:1 (a 258-byte match per bit pair); a member declaring more
/// than that from its compressed size is refused before anything is allocated.
constexpr zip_uint64_t kMaxDeflateRatio = 1032;
/// Members are inflated in chunks of this size, so memory follows the data actually produced.
constexpr std::size_t kReadChunk = std::size_t(1) << 20;

/// The bytes of member `index` (key `key`, `size` bytes uncompressed, `comp_size` compressed with `method`), read in
/// chunks; a declared size that the compressed bytes cannot produce, a size beyond the available memory, a CRC
/// mismatch or a short member is an error naming the file and key.
std::string read_member(zip_t* z, const std::string& path, zip_uint64_t index, const std::string& key,
                        zip_uint64_t size, zip_uint64_t comp_size, bool comp_known, zip_uint16_t method) {
  NOETHER_REQUIRE(size <= std::numeric_limits<std::size_t>::max(), path << ": key '" << key << "' is too large");
  if (comp_known) {
    const zip_uint64_t limit = method == ZIP_CM_STORE ? comp_size
                                                      : (comp_size > std::numeric_limits<zip_uint64_t>::max() / kMaxDeflateRatio
                                                             ? std::numeric_limits<zip_uint64_t>::max()
                                                             : comp_size * kMaxDeflateRatio + 1024);
    NOETHER_REQUIRE(size <= limit, path << ": key '" << key << "': the member declares " << size << " bytes ("
                                        << format_bytes(size) << ") from " << comp_size
                                        << " stored bytes, more than they can hold"
                                        << (method == ZIP_CM_STORE ? "" : " (DEFLATE expands at most 1032:1)")
                                        << "; the file is corrupt or hostile");
  }
  require_memory(size, path + ": key '" + key + "' (" + std::to_string(size) + " bytes uncompressed)");
  zip_file_t* f = zip_fopen_index(z, index, 0);
  NOETHER_REQUIRE(f, path << ": key '" << key << "': cannot open the member: " << zip_strerror(z));
  std::string bytes;
  std::size_t got = 0;
  const std::size_t total = static_cast<std::size_t>(size);
  while (got < total) {
    bytes.resize(got + std::min(kReadChunk, total - got));
    const zip_int64_t n = zip_fread(f, &bytes[got], bytes.size() - got);
    if (n <= 0) {
      const std::string why = n < 0 ? zip_error_strerror(zip_file_get_error(f)) : std::string("unexpected end of data");
      const bool crc = n < 0 && zip_error_code_zip(zip_file_get_error(f)) == ZIP_ER_CRC;
      zip_fclose(f);
      NOETHER_FAIL(path << ": key '" << key << "': cannot read the member (" << why
                        << (crc ? "; CRC mismatch: the file is corrupt" : "") << ")");
    }
    got += static_cast<std::size_t>(n);
    bytes.resize(got);
  }
  char extra;
  const zip_int64_t more = zip_fread(f, &extra, 1);  // reaching the end makes libzip check the CRC
  const bool crc_error = more < 0 && zip_error_code_zip(zip_file_get_error(f)) == ZIP_ER_CRC;
  const std::string why = more < 0 ? zip_error_strerror(zip_file_get_error(f)) : "";
  const int closed = zip_fclose(f);
  NOETHER_REQUIRE(more == 0 && closed == 0,
                  path << ": key '" << key << "': "
                       << (crc_error || closed == ZIP_ER_CRC ? "CRC mismatch: the file is corrupt"
                                                              : "member longer than its recorded size or unreadable")
                       << (why.empty() ? "" : " (" + why + ")"));
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Reader: .npy payload
// ---------------------------------------------------------------------------------------------

/// The three fields of a .npy header dict.
struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  std::vector<std::size_t> shape;
};

/// Recursive-descent parser for the Python dict literal of a .npy header, e.g.
/// {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }.
class NpyHeaderParser {
 public:
  NpyHeaderParser(const std::string& text, const std::string& where) : s_(text), where_(where) {}

  NpyHeader parse() {
    NpyHeader h;
    std::set<std::string> seen;
    expect('{');
    while (!accept('}')) {
      const std::string key = parse_string();
      expect(':');
      if (key == "descr") {
        skip_space();
        NOETHER_REQUIRE(peek() == '\'' || peek() == '"',
                        where_ << ": unsupported structured dtype (expected little-endian f8, f4, i8, i4, u1 or b1)");
        h.descr = parse_string();
      } else if (key == "fortran_order") {
        h.fortran_order = parse_bool();
      } else if (key == "shape") {
        h.shape = parse_shape();
      } else {
        fail("unexpected header key '" + key + "' (expected 'descr', 'fortran_order', 'shape')");
      }
      seen.insert(key);
      if (!accept(',')) {
        expect('}');
        break;
      }
    }
    if (seen.size() != 3) fail("header must contain 'descr', 'fortran_order' and 'shape'");
    return h;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    NOETHER_FAIL(where_ << ": malformed .npy header at character " << pos_ << ": " << what);
  }
  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  bool accept(char c) {
    skip_space();
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  void expect(char c) {
    if (!accept(c)) fail(std::string("expected '") + c + "'");
  }
  std::string parse_string() {
    skip_space();
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a quoted string");
    const std::size_t end = s_.find(quote, pos_ + 1);
    if (end == std::string::npos) fail("unterminated string");
    std::string out = s_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return out;
  }
  bool parse_bool() {
    skip_space();
    for (const bool value : {true, false}) {
      const std::string word = value ? "True" : "False";
      if (s_.compare(pos_, word.size(), word) == 0) {
        pos_ += word.size();
        return value;
      }
    }
    fail("expected True or False for 'fortran_order'");
  }
  std::vector<std::size_t> parse_shape() {
    std::vector<std::size_t> shape;
    expect('(');
    while (!accept(')')) {
      skip_space();
      if (!std::isdigit(static_cast<unsigned char>(peek()))) fail("expected a non-negative integer in 'shape'");
      std::size_t d = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        const std::size_t digit = static_cast<std::size_t>(s_[pos_++] - '0');
        if (d > (std::numeric_limits<std::size_t>::max() - digit) / 10) fail("dimension in 'shape' overflows");
        d = d * 10 + digit;
      }
      if (peek() == 'L') ++pos_;  // Python 2 long literal
      shape.push_back(d);
      if (!accept(',')) {
        expect(')');
        break;
      }
    }
    return shape;
  }

  const std::string& s_;
  std::string where_;
  std::size_t pos_ = 0;
};

/// Supported element types; `code` is the normalised NumPy descr reported in NpyArray::dtype.
enum class Kind { F8, F4, I8, I4, U1, B1 };
struct DtypeInfo {
  Kind kind;
  std::size_t itemsize;
  const char* code;
};

/// Map a descr such as "<f8" to its element type, or throw naming what is supported.
DtypeInfo parse_dtype(const std::string& descr, const std::string& where) {
  static const DtypeInfo table[] = {{Kind::F8, 8, "<f8"}, {Kind::F4, 4, "<f4"}, {Kind::I8, 8, "<i8"},
                                    {Kind::I4, 4, "<i4"}, {Kind::U1, 1, "|u1"}, {Kind::B1, 1, "|b1"}};
  if (descr.size() == 3) {
    const char order = descr[0];
    for (const DtypeInfo& t : table) {
      if (descr.compare(1, 2, t.code + 1) != 0) continue;
      // Multi-byte types must be little-endian ('<', or '=' taken as little-endian); byte order is moot for 1 byte.
      const bool ok = t.itemsize == 1 ? (order == '|' || order == '<' || order == '=' || order == '>')
                                      : (order == '<' || order == '=');
      if (ok) return t;
    }
  }
  NOETHER_FAIL(where << ": unsupported dtype '" << descr << "' (expected little-endian f8, f4, i8, i4, u1 or b1)");
}

/// Decode the little-endian element at byte offset `at` of b as a double.
double element_to_double(Kind kind, const std::string& b, std::size_t at) {
  switch (kind) {
    case Kind::F8: {
      const std::uint64_t bits = get_le(b, at, 8);
      double v;
      std::memcpy(&v, &bits, sizeof v);
      return v;
    }
    case Kind::F4: {
      const std::uint32_t bits = static_cast<std::uint32_t>(get_le(b, at, 4));
      float v;
      std::memcpy(&v, &bits, sizeof v);
      return v;
    }
    case Kind::I8:
      return static_cast<double>(static_cast<std::int64_t>(get_le(b, at, 8)));
    case Kind::I4:
      return static_cast<double>(static_cast<std::int32_t>(static_cast<std::uint32_t>(get_le(b, at, 4))));
    case Kind::U1:
      return static_cast<double>(static_cast<unsigned char>(b[at]));
    case Kind::B1:
      return b[at] != 0 ? 1.0 : 0.0;
  }
  return 0.0;  // unreachable
}

/// Split a .npy into its header text and the offset of its data; supports format versions 1, 2 and 3.
std::string npy_header_text(const std::string& npy, const std::string& where, std::size_t& data_at) {
  NOETHER_REQUIRE(npy.size() >= kNpyMagicLen + 4 && npy.compare(0, kNpyMagicLen, kNpyMagic, kNpyMagicLen) == 0,
                  where << ": not a .npy array (expected the \\x93NUMPY magic)");
  const int major = static_cast<unsigned char>(npy[6]);
  NOETHER_REQUIRE(major >= 1 && major <= 3, where << ": unsupported .npy format version " << major << "."
                                                  << static_cast<int>(static_cast<unsigned char>(npy[7]))
                                                  << " (expected 1.0, 2.0 or 3.0)");
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  NOETHER_REQUIRE(npy.size() >= 8 + len_bytes, where << ": truncated .npy header");
  const std::size_t header_len = get_le(npy, 8, static_cast<int>(len_bytes));
  data_at = 8 + len_bytes + header_len;
  NOETHER_REQUIRE(data_at <= npy.size(), where << ": truncated .npy header (declares " << header_len
                                               << " bytes, member has " << npy.size() << ")");
  return npy.substr(8 + len_bytes, header_len);
}

/// Decode a complete .npy member into an NpyArray.
NpyArray parse_npy(const std::string& npy, const std::string& where) {
  std::size_t data_at = 0;
  const std::string text = npy_header_text(npy, where, data_at);
  const NpyHeader h = NpyHeaderParser(text, where).parse();
  NOETHER_REQUIRE(!h.fortran_order, where << ": fortran_order=True arrays are not supported "
                                             "(expected C order; save np.ascontiguousarray(a))");
  const DtypeInfo dt = parse_dtype(h.descr, where);
  std::size_t count = 0;
  NOETHER_REQUIRE(element_count(h.shape, count) && count <= (npy.size() - data_at) / dt.itemsize + 1,
                  where << ": shape is too large for the data present");
  const std::size_t expected = count * dt.itemsize;
  if (npy.size() - data_at == expected && count > 0)  // values are held as doubles: up to 8x the bytes of a u1 array
    require_memory(std::uint64_t(count) * sizeof(double), where + " (" + std::to_string(count) + " values as float64)");
  NOETHER_REQUIRE(npy.size() - data_at == expected, where << ": data size mismatch: shape and dtype '" << h.descr
                                                          << "' need " << expected << " bytes, member holds "
                                                          << npy.size() - data_at);
  NpyArray a;
  a.shape = h.shape;
  a.dtype = dt.code;
  a.data.resize(count);
  for (std::size_t i = 0; i < count; ++i) a.data[i] = element_to_double(dt.kind, npy, data_at + i * dt.itemsize);
  return a;
}

/// Archive key of a member: its name without the ".npy" suffix.
std::string member_key(const std::string& path, const std::string& name) {
  const std::string suffix = ".npy";
  NOETHER_REQUIRE(name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0,
                  path << ": member '" << name << "' is not a .npy array (expected names ending in .npy)");
  return name.substr(0, name.size() - suffix.size());
}

// ---------------------------------------------------------------------------------------------
// Writer
// ---------------------------------------------------------------------------------------------

/// Python tuple literal for a shape: (), (5,), (2, 3).
std::string shape_literal(const std::vector<std::size_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

/// .npy v1.0 header (magic, version, length, dict) padded with spaces to 64 bytes, ending in '\n'.
std::string npy_header(const NpzEntry& e, const std::string& path) {
  std::string dict = std::string("{'descr': '") + (e.as_float32 ? "<f4" : "<f8") +
                     "', 'fortran_order': False, 'shape': " + shape_literal(e.shape) + ", }";
  const std::size_t prefix = kNpyMagicLen + 2 + 2;
  dict.append((kNpyAlign - (prefix + dict.size() + 1) % kNpyAlign) % kNpyAlign, ' ');
  dict.push_back('\n');
  NOETHER_REQUIRE(dict.size() <= kMax16, path << ": key '" << e.name << "': .npy header too long (" << dict.size()
                                              << " bytes, expected at most 65535 for format 1.0)");
  std::string out(kNpyMagic, kNpyMagicLen);
  out += '\x01';
  out += '\x00';
  put_le(out, dict.size(), 2);
  return out + dict;
}

/// The full .npy member for one entry: header followed by little-endian f8 or f4 data.
std::string npy_member(const NpzEntry& e, const std::string& path) {
  std::string out = npy_header(e, path);
  out.reserve(out.size() + e.data.size() * (e.as_float32 ? 4 : 8));
  for (double v : e.data) {
    if (e.as_float32) {
      const float f = static_cast<float>(v);
      std::uint32_t bits;
      std::memcpy(&bits, &f, sizeof bits);
      put_le(out, bits, 4);
    } else {
      std::uint64_t bits;
      std::memcpy(&bits, &v, sizeof bits);
      put_le(out, bits, 8);
    }
  }
  return out;
}

/// Reject entries that cannot be written: empty or duplicate names, shape/data size mismatch.
void validate_entries(const std::string& path, const std::vector<NpzEntry>& entries) {
  std::set<std::string> names;
  for (const NpzEntry& e : entries) {
    NOETHER_REQUIRE(!e.name.empty(), path << ": entry with an empty name (expected a non-empty key)");
    NOETHER_REQUIRE(names.insert(e.name).second,
                    path << ": key '" << e.name << "' appears twice (expected unique keys)");
    std::size_t count = 0;
    NOETHER_REQUIRE(element_count(e.shape, count) && count == e.data.size(),
                    path << ": key '" << e.name << "': shape " << shape_literal(e.shape) << " does not match "
                         << e.data.size() << " values (expected the product of the shape)");
  }
}

/// A temporary sibling of the target that is removed unless renamed over the target by commit().
class TempFile {
 public:
  explicit TempFile(const std::string& target) : target_(target), name_(target + ".tmp-" + random_suffix()) {}
  ~TempFile() {
    if (!committed_) std::remove(name_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& name() const { return name_; }

  /// Atomically replace the target with the temporary file.
  void commit() {
    NOETHER_REQUIRE(std::rename(name_.c_str(), target_.c_str()) == 0,
                    target_ << ": cannot rename temporary file '" << name_ << "' over it: " << std::strerror(errno));
    committed_ = true;
  }

 private:
  static std::string random_suffix() {
    std::random_device rd;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
    return buf;
  }

  std::string target_;
  std::string name_;
  bool committed_ = false;
};

/// Write `members` (name, bytes) as a STORED zip at `file` (libzip; ZIP64 where sizes need it).
void write_zip(const std::string& file, const std::string& path,
               const std::vector<std::pair<std::string, std::string>>& members) {
  if (members.empty()) {  // libzip writes no file for an empty archive: write the 22-byte end record alone
    static const char kEmptyZip[22] = {'P', 'K', 5, 6};
    std::FILE* out = std::fopen(file.c_str(), "wb");
    NOETHER_REQUIRE(out, path << ": cannot create temporary file '" << file << "': " << std::strerror(errno));
    const bool ok = std::fwrite(kEmptyZip, 1, sizeof kEmptyZip, out) == sizeof kEmptyZip;
    NOETHER_REQUIRE(std::fclose(out) == 0 && ok, path << ": error writing the temporary file (disk full?)");
    return;
  }
  int code = 0;
  ZipArchive zip;
  zip.z = zip_open(file.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  NOETHER_REQUIRE(zip.z, path << ": cannot create temporary file '" << file << "': " << zip_code_message(code));
  for (const auto& [name, bytes] : members) {
    zip_source_t* src = zip_source_buffer(zip.z, bytes.data(), bytes.size(), 0);
    NOETHER_REQUIRE(src, path << ": '" << name << "': " << zip_strerror(zip.z));
    const zip_int64_t index = zip_file_add(zip.z, name.c_str(), src, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(src);
      NOETHER_FAIL(path << ": '" << name << "': " << zip_strerror(zip.z));
    }
    const auto i = static_cast<zip_uint64_t>(index);
    NOETHER_REQUIRE(zip_set_file_compression(zip.z, i, ZIP_CM_STORE, 0) == 0 &&
                        zip_file_set_mtime(zip.z, i, kZipEpoch, 0) == 0,
                    path << ": '" << name << "': " << zip_strerror(zip.z));
  }
  // zip_close writes everything (the buffers above stay alive until then); on failure the archive stays open.
  if (zip_close(zip.z) != 0) {
    const std::string why = zip_strerror(zip.z);
    NOETHER_FAIL(path << ": error writing the temporary file '" << file << "': " << why);
  }
  zip.z = nullptr;
}

}  // namespace

NpyArray read_npy_bytes(const std::string& npy, const std::string& where) { return parse_npy(npy, where); }

NpzArchive read_npz(const std::string& path) {
  int code = 0;
  ZipArchive zip;
  zip.z = zip_open(path.c_str(), ZIP_RDONLY, &code);
  NOETHER_REQUIRE(zip.z, path << ": cannot read as a .npz (zip) archive: " << zip_code_message(code));
  const zip_int64_t count = zip_get_num_entries(zip.z, 0);
  NpzArchive archive;
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    NOETHER_REQUIRE(zip_stat_index(zip.z, static_cast<zip_uint64_t>(i), 0, &st) == 0 &&
                        (st.valid & ZIP_STAT_NAME) && (st.valid & ZIP_STAT_SIZE),
                    path << ": cannot read the directory entry of member " << i << ": " << zip_strerror(zip.z));
    const std::string key = member_key(path, st.name);
    NOETHER_REQUIRE(archive.count(key) == 0, path << ": key '" << key << "' appears twice in the archive");
    archive[key] = parse_npy(read_member(zip.z, path, static_cast<zip_uint64_t>(i), key, st.size, st.comp_size,
                                         (st.valid & ZIP_STAT_COMP_SIZE) && (st.valid & ZIP_STAT_COMP_METHOD),
                                         st.comp_method),
                             path + ": key '" + key + "'");
  }
  return archive;
}

void write_npz(const std::string& path, const std::vector<NpzEntry>& entries) {
  validate_entries(path, entries);
  std::vector<std::pair<std::string, std::string>> members;
  members.reserve(entries.size());
  for (const NpzEntry& e : entries) members.emplace_back(e.name + ".npy", npy_member(e, path));
  TempFile tmp(path);
  write_zip(tmp.name(), path, members);
  tmp.commit();
}

std::string shape_str(const std::vector<std::size_t>& s) {
  std::string out = "(";
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + (s.size() == 1 ? ",)" : ")");
}

}  // namespace noether
