// io/npz.cpp — NumPy .npz I/O without Python: a minimal zip reader (central directory, ZIP64, STORED and
// DEFLATE members, CRC32 checks) and .npy v1/v2/v3 parser, plus an atomic STORED .npz writer.
// All multi-byte values are decoded/encoded explicitly as little-endian, independent of the host.
#include "noether/io/npz.hpp"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <set>

#include "noether/core/error.hpp"

namespace noether {
namespace {

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

constexpr std::uint32_t kLocalHeaderSig = 0x04034b50;
constexpr std::uint32_t kCentralHeaderSig = 0x02014b50;
constexpr std::uint32_t kEocdSig = 0x06054b50;
constexpr std::uint32_t kZip64EocdSig = 0x06064b50;
constexpr std::uint32_t kZip64LocatorSig = 0x07064b50;
constexpr std::uint16_t kZip64ExtraId = 0x0001;
constexpr std::size_t kLocalHeaderSize = 30;
constexpr std::size_t kCentralHeaderSize = 46;
constexpr std::size_t kEocdSize = 22;
constexpr std::size_t kZip64LocatorSize = 20;
constexpr std::size_t kZip64EocdSize = 56;
constexpr std::uint16_t kMethodStored = 0;
constexpr std::uint16_t kMethodDeflate = 8;
constexpr std::uint32_t kMax32 = 0xFFFFFFFFu;  ///< 32-bit sentinel meaning "see the ZIP64 record"
constexpr std::uint16_t kMax16 = 0xFFFFu;
constexpr char kNpyMagic[] = "\x93NUMPY";
constexpr std::size_t kNpyMagicLen = 6;
constexpr std::size_t kNpyAlign = 64;
/// Largest chunk handed to zlib at once: its length parameters are 32-bit (uInt).
constexpr std::size_t kZlibChunk = std::size_t{1} << 30;

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

/// CRC-32 of a buffer of any size (zlib's crc32 takes 32-bit lengths, so feed it in chunks).
std::uint32_t crc32_of(const std::string& bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  for (std::size_t at = 0; at < bytes.size(); at += kZlibChunk) {
    const std::size_t n = std::min(kZlibChunk, bytes.size() - at);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + at), static_cast<uInt>(n));
  }
  return static_cast<std::uint32_t>(crc);
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

// ---------------------------------------------------------------------------------------------
// Reader: zip container
// ---------------------------------------------------------------------------------------------

/// One member as described by the central directory (sizes and offset already ZIP64-resolved).
struct ZipMember {
  std::string name;
  std::uint16_t flags = 0;
  std::uint16_t method = 0;
  std::uint32_t crc = 0;
  std::uint64_t compressed_size = 0;
  std::uint64_t size = 0;
  std::uint64_t local_offset = 0;
};

/// Where the central directory lives and how many entries it holds.
struct CentralDirectory {
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
  std::uint64_t entries = 0;
};

/// A binary input file with bounds-checked random access; errors name the path.
class InputFile {
 public:
  explicit InputFile(const std::string& path) : path_(path), in_(path, std::ios::binary) {
    NOETHER_REQUIRE(in_, path << ": cannot open for reading (expected an existing, readable .npz file)");
    NOETHER_REQUIRE(!std::filesystem::is_directory(path), path << ": is a directory (expected a .npz file)");
    in_.seekg(0, std::ios::end);
    const std::streamoff end = in_.tellg();
    NOETHER_REQUIRE(end >= 0, path << ": cannot determine the file size");
    size_ = static_cast<std::uint64_t>(end);
  }

  const std::string& path() const { return path_; }
  std::uint64_t size() const { return size_; }

  /// Exactly n bytes starting at offset; throws if they lie (partly) past the end of the file.
  std::string read_at(std::uint64_t offset, std::uint64_t n, const char* what) {
    NOETHER_REQUIRE(offset <= size_ && n <= size_ - offset, path_ << ": truncated or corrupt zip: " << what << " needs "
                                                                  << n << " bytes at offset " << offset
                                                                  << " but the file has only " << size_ << " bytes");
    std::string buf(static_cast<std::size_t>(n), '\0');
    in_.clear();
    in_.seekg(static_cast<std::streamoff>(offset));
    in_.read(&buf[0], static_cast<std::streamsize>(n));
    NOETHER_REQUIRE(in_ && static_cast<std::uint64_t>(in_.gcount()) == n,
                    path_ << ": read error at offset " << offset << " while reading " << what);
    return buf;
  }

 private:
  std::string path_;
  std::ifstream in_;
  std::uint64_t size_ = 0;
};

/// Offset of the end-of-central-directory record: scan back over at most a 64 KiB zip comment.
std::uint64_t find_eocd(InputFile& file) {
  NOETHER_REQUIRE(file.size() >= kEocdSize,
                  file.path() << ": not a zip/.npz file (" << file.size()
                              << " bytes, expected at least a 22-byte end-of-central-directory record)");
  const std::uint64_t tail_len = std::min<std::uint64_t>(file.size(), kEocdSize + kMax16);
  const std::uint64_t tail_start = file.size() - tail_len;
  const std::string tail = file.read_at(tail_start, tail_len, "end of central directory");
  for (std::size_t i = tail.size() - kEocdSize + 1; i-- > 0;) {
    if (get_le(tail, i, 4) != kEocdSig) continue;
    const std::uint64_t comment_len = get_le(tail, i + 20, 2);
    if (i + kEocdSize + comment_len <= tail.size()) return tail_start + i;
  }
  NOETHER_FAIL(file.path() << ": not a zip/.npz file or truncated "
                              "(expected an end-of-central-directory record near the end of the file)");
}

/// Replace saturated EOCD fields with those of the ZIP64 end-of-central-directory record.
void read_zip64_eocd(InputFile& file, std::uint64_t eocd_at, CentralDirectory& cd) {
  NOETHER_REQUIRE(eocd_at >= kZip64LocatorSize,
                  file.path() << ": corrupt zip: EOCD fields are saturated but there is no ZIP64 locator");
  const std::string loc = file.read_at(eocd_at - kZip64LocatorSize, kZip64LocatorSize, "ZIP64 locator");
  NOETHER_REQUIRE(get_le(loc, 0, 4) == kZip64LocatorSig,
                  file.path() << ": corrupt zip: EOCD fields are saturated but the ZIP64 locator is missing");
  const std::uint64_t rec_at = get_le(loc, 8, 8);
  const std::string rec = file.read_at(rec_at, kZip64EocdSize, "ZIP64 end-of-central-directory record");
  NOETHER_REQUIRE(get_le(rec, 0, 4) == kZip64EocdSig,
                  file.path() << ": corrupt zip: no ZIP64 end-of-central-directory record at offset " << rec_at);
  NOETHER_REQUIRE(get_le(rec, 16, 4) == 0 && get_le(rec, 20, 4) == 0,
                  file.path() << ": multi-disk zip archives are not supported (expected a single-file archive)");
  cd.entries = get_le(rec, 32, 8);
  cd.size = get_le(rec, 40, 8);
  cd.offset = get_le(rec, 48, 8);
}

/// Locate the central directory via the (ZIP64) end-of-central-directory record.
CentralDirectory locate_central_directory(InputFile& file) {
  const std::uint64_t eocd_at = find_eocd(file);
  const std::string eocd = file.read_at(eocd_at, kEocdSize, "end-of-central-directory record");
  CentralDirectory cd;
  cd.entries = get_le(eocd, 10, 2);
  cd.size = get_le(eocd, 12, 4);
  cd.offset = get_le(eocd, 16, 4);
  const bool zip64 = cd.entries == kMax16 || cd.size == kMax32 || cd.offset == kMax32;
  if (zip64) {
    read_zip64_eocd(file, eocd_at, cd);
  } else {
    NOETHER_REQUIRE(get_le(eocd, 4, 2) == 0 && get_le(eocd, 6, 2) == 0 && get_le(eocd, 8, 2) == cd.entries,
                    file.path() << ": multi-disk zip archives are not supported (expected a single-file archive)");
  }
  return cd;
}

/// Resolve 0xFFFFFFFF size/offset fields from the ZIP64 extended-information extra field.
void apply_zip64_extra(const std::string& path, const std::string& extra, ZipMember& m) {
  std::size_t at = 0;
  while (at + 4 <= extra.size()) {
    const std::uint64_t id = get_le(extra, at, 2), len = get_le(extra, at + 2, 2);
    NOETHER_REQUIRE(at + 4 + len <= extra.size(),
                    path << ": corrupt zip: extra field of member '" << m.name << "' overruns its header");
    if (id == kZip64ExtraId) {
      std::size_t p = at + 4;
      const std::size_t end = p + len;
      auto take = [&](std::uint64_t& field) {
        if (field != kMax32) return;
        NOETHER_REQUIRE(p + 8 <= end, path << ": corrupt zip: ZIP64 extra field of member '" << m.name
                                           << "' is too short for its saturated size/offset fields");
        field = get_le(extra, p, 8);
        p += 8;
      };
      take(m.size);  // order fixed by the zip specification: size, compressed size, offset
      take(m.compressed_size);
      take(m.local_offset);
    }
    at += 4 + len;
  }
}

/// Parse every file header of the central directory.
std::vector<ZipMember> read_central_directory(InputFile& file, const CentralDirectory& cd) {
  const std::string dir = file.read_at(cd.offset, cd.size, "central directory");
  std::vector<ZipMember> members;
  std::size_t at = 0;
  for (std::uint64_t i = 0; i < cd.entries; ++i) {
    NOETHER_REQUIRE(at + kCentralHeaderSize <= dir.size() && get_le(dir, at, 4) == kCentralHeaderSig,
                    file.path() << ": corrupt zip: central directory entry " << i << " of " << cd.entries
                                << " is missing or malformed");
    ZipMember m;
    m.flags = static_cast<std::uint16_t>(get_le(dir, at + 8, 2));
    m.method = static_cast<std::uint16_t>(get_le(dir, at + 10, 2));
    m.crc = static_cast<std::uint32_t>(get_le(dir, at + 16, 4));
    m.compressed_size = get_le(dir, at + 20, 4);
    m.size = get_le(dir, at + 24, 4);
    m.local_offset = get_le(dir, at + 42, 4);
    const std::size_t name_len = get_le(dir, at + 28, 2), extra_len = get_le(dir, at + 30, 2),
                      comment_len = get_le(dir, at + 32, 2);
    const std::size_t var_at = at + kCentralHeaderSize;
    NOETHER_REQUIRE(var_at + name_len + extra_len + comment_len <= dir.size(),
                    file.path() << ": corrupt zip: central directory entry " << i << " overruns the directory");
    m.name = dir.substr(var_at, name_len);
    apply_zip64_extra(file.path(), dir.substr(var_at + name_len, extra_len), m);
    members.push_back(std::move(m));
    at = var_at + name_len + extra_len + comment_len;
  }
  return members;
}

/// Inflate a raw DEFLATE stream that must expand to exactly `size` bytes.
std::string inflate_raw(const std::string& path, const std::string& key, const std::string& in, std::uint64_t size) {
  std::string out(static_cast<std::size_t>(size), '\0');
  unsigned char sink = 0;  // zlib rejects a null next_out, even for an empty result
  z_stream zs{};
  zs.next_out = &sink;
  NOETHER_REQUIRE(inflateInit2(&zs, -MAX_WBITS) == Z_OK, path << ": key '" << key << "': zlib inflateInit2 failed");
  std::size_t in_at = 0, out_at = 0;
  int rc = Z_OK;
  while (rc == Z_OK) {
    if (zs.avail_in == 0 && in_at < in.size()) {
      const std::size_t n = std::min(kZlibChunk, in.size() - in_at);
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + in_at));
      zs.avail_in = static_cast<uInt>(n);
      in_at += n;
    }
    if (zs.avail_out == 0 && out_at < out.size()) {
      const std::size_t n = std::min(kZlibChunk, out.size() - out_at);
      zs.next_out = reinterpret_cast<Bytef*>(&out[out_at]);
      zs.avail_out = static_cast<uInt>(n);
      out_at += n;
    }
    rc = inflate(&zs, Z_NO_FLUSH);
  }
  const std::uint64_t produced = zs.total_out;
  inflateEnd(&zs);
  NOETHER_REQUIRE(rc == Z_STREAM_END && produced == size,
                  path << ": key '" << key << "': corrupt DEFLATE data (zlib status " << rc << ", produced " << produced
                       << " bytes, expected " << size << ")");
  return out;
}

/// The uncompressed bytes of one member, CRC-checked.
std::string read_member(InputFile& file, const ZipMember& m, const std::string& key) {
  const std::string& path = file.path();
  NOETHER_REQUIRE((m.flags & 0x1) == 0, path << ": key '" << key << "': encrypted zip members are not supported");
  const std::string local = file.read_at(m.local_offset, kLocalHeaderSize, "local file header");
  NOETHER_REQUIRE(get_le(local, 0, 4) == kLocalHeaderSig,
                  path << ": key '" << key << "': corrupt zip: no local file header at offset " << m.local_offset);
  const std::uint64_t data_at = m.local_offset + kLocalHeaderSize + get_le(local, 26, 2) + get_le(local, 28, 2);
  const std::string raw = file.read_at(data_at, m.compressed_size, "member data");
  std::string bytes;
  if (m.method == kMethodStored) {
    NOETHER_REQUIRE(m.compressed_size == m.size, path << ": key '" << key << "': corrupt zip: stored member has "
                                                      << m.compressed_size << " bytes but declares " << m.size);
    bytes = raw;
  } else if (m.method == kMethodDeflate) {
    bytes = inflate_raw(path, key, raw, m.size);
  } else {
    NOETHER_FAIL(path << ": key '" << key << "': unsupported zip compression method " << m.method
                      << " (expected 0 stored or 8 deflate)");
  }
  const std::uint32_t crc = crc32_of(bytes);
  NOETHER_REQUIRE(crc == m.crc, path << ": key '" << key << "': CRC-32 mismatch (stored " << std::hex << m.crc
                                     << ", computed " << crc << std::dec << "); the file is corrupt");
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

constexpr std::uint16_t kZipVersion = 20;                       ///< 2.0: plain STORED members
constexpr std::uint16_t kMadeByUnix = (3u << 8) | kZipVersion;  ///< host system 3 = Unix
constexpr std::uint16_t kDosDate1980 = (1u << 5) | 1u;          ///< 1980-01-01, fixed for reproducible files
constexpr std::uint32_t kRegularFile0644 = 0100644u << 16;

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
  NOETHER_REQUIRE(entries.size() < kMax16,
                  path << ": " << entries.size() << " arrays is too many (at most 65534 without zip64)");
}

/// Streams STORED members to an output file and appends the central directory; plain zip32 only.
class ZipWriter {
 public:
  ZipWriter(const std::string& file, const std::string& path)
      : out_(file, std::ios::binary | std::ios::trunc), path_(path) {
    NOETHER_REQUIRE(out_, path << ": cannot create temporary file '" << file << "' (expected a writable directory)");
  }

  /// Append one member named `name` holding `bytes`.
  void add(const std::string& name, const std::string& bytes) {
    require_fits(name, bytes.size());
    const std::uint32_t crc = crc32_of(bytes);
    std::string local;
    put_le(local, kLocalHeaderSig, 4);
    append_common_fields(local, crc, bytes.size(), name.size());
    put_le(local, 0, 2);  // extra field length
    write(local + name);
    write(bytes);

    put_le(central_, kCentralHeaderSig, 4);
    put_le(central_, kMadeByUnix, 2);
    append_common_fields(central_, crc, bytes.size(), name.size());
    put_le(central_, 0, 2);  // extra field length
    put_le(central_, 0, 2);  // comment length
    put_le(central_, 0, 2);  // disk number start
    put_le(central_, 0, 2);  // internal attributes
    put_le(central_, kRegularFile0644, 4);
    put_le(central_, offset_, 4);
    central_ += name;
    offset_ += local.size() + name.size() + bytes.size();
    ++count_;
  }

  /// Write the central directory and end record, then close; throws if any write failed.
  void finish() {
    require_fits("central directory", central_.size());
    std::string eocd;
    put_le(eocd, kEocdSig, 4);
    put_le(eocd, 0, 4);  // this disk, disk with the central directory
    put_le(eocd, count_, 2);
    put_le(eocd, count_, 2);
    put_le(eocd, central_.size(), 4);
    put_le(eocd, offset_, 4);
    put_le(eocd, 0, 2);  // comment length
    write(central_);
    write(eocd);
    out_.close();
    NOETHER_REQUIRE(!out_.fail(), path_ << ": error closing the temporary file (disk full?)");
  }

 private:
  /// Version needed, flags, method, time, date, CRC, sizes, name length: shared by local and central headers.
  static void append_common_fields(std::string& h, std::uint32_t crc, std::uint64_t size, std::size_t name_len) {
    put_le(h, kZipVersion, 2);
    put_le(h, 0, 2);  // flags
    put_le(h, kMethodStored, 2);
    put_le(h, 0, 2);  // time 00:00
    put_le(h, kDosDate1980, 2);
    put_le(h, crc, 4);
    put_le(h, size, 4);  // compressed size
    put_le(h, size, 4);  // uncompressed size
    put_le(h, name_len, 2);
  }
  void require_fits(const std::string& what, std::uint64_t size) const {
    NOETHER_REQUIRE(size < kMax32 && offset_ + size < kMax32,
                    path_ << ": '" << what << "' would take the archive past 4 GiB "
                          << "(zip64 output is not supported; write the arrays to several files)");
  }
  void write(const std::string& bytes) {
    out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    NOETHER_REQUIRE(out_, path_ << ": error writing the temporary file (disk full?)");
  }

  std::ofstream out_;
  std::string path_;
  std::string central_;
  std::uint64_t offset_ = 0;
  std::uint64_t count_ = 0;
};

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

}  // namespace

NpzArchive read_npz(const std::string& path) {
  InputFile file(path);
  const CentralDirectory cd = locate_central_directory(file);
  NpzArchive archive;
  for (const ZipMember& m : read_central_directory(file, cd)) {
    const std::string key = member_key(path, m.name);
    NOETHER_REQUIRE(archive.count(key) == 0, path << ": key '" << key << "' appears twice in the archive");
    archive[key] = parse_npy(read_member(file, m, key), path + ": key '" + key + "'");
  }
  return archive;
}

void write_npz(const std::string& path, const std::vector<NpzEntry>& entries) {
  validate_entries(path, entries);
  TempFile tmp(path);
  ZipWriter zip(tmp.name(), path);
  for (const NpzEntry& e : entries) zip.add(e.name + ".npy", npy_member(e, path));
  zip.finish();
  tmp.commit();
}

}  // namespace noether
