// io/test_npz.cpp — .npz I/O: bit-exact float64 and float32 round trips, atomic writes, clear errors on
// missing/truncated/corrupt files, hand-built ZIP64 + DEFLATE archives, and interoperability with NumPy
// in both directions (skipped when /usr/bin/python3 with numpy is unavailable).
#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "noether/core/error.hpp"
#include "noether/io/npz.hpp"
#include "support/temp_path.hpp"

using namespace noether;
namespace fs = std::filesystem;

namespace {

/// A fresh temporary directory per test, removed afterwards.
class NpzTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = noether_test::unique_temp_path("npz", "");
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }

  /// Run a Python script with the temp dir as argv[1]; returns true on exit status 0, else logs its output.
  bool run_python(const std::string& script) const {
    const std::string py = file("script.py"), log = file("python.log");
    std::ofstream(py) << script;
    const std::string cmd = "/usr/bin/python3 '" + py + "' '" + dir_.string() + "' > '" + log + "' 2>&1";
    if (std::system(cmd.c_str()) == 0) return true;
    std::ifstream in(log);
    std::stringstream ss;
    ss << in.rdbuf();
    ADD_FAILURE() << "python failed:\n" << script << "\n--- output ---\n" << ss.str();
    return false;
  }

  fs::path dir_;
};
using NpzRoundTrip = NpzTest;
using NpzErrors = NpzTest;
using NpzZip = NpzTest;
using NpzNumpy = NpzTest;

/// True when /usr/bin/python3 can import numpy (checked once).
bool have_numpy() {
  static const bool ok =
      fs::exists("/usr/bin/python3") && std::system("/usr/bin/python3 -c 'import numpy' > /dev/null 2>&1") == 0;
  return ok;
}

#define SKIP_WITHOUT_NUMPY() \
  if (!have_numpy()) GTEST_SKIP() << "/usr/bin/python3 with numpy is not available"

/// The message of the noether::Error thrown by f, or "" (and a test failure) when none is thrown.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected noether::Error";
  return "";
}

std::uint64_t bits_of(double v) {
  std::uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void spit(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

/// Append the low n bytes of v, little-endian.
void le(std::string& out, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

/// A .npy v1.0 member of little-endian float64 values.
std::string npy_f8(const std::string& shape_literal, const std::vector<double>& values) {
  std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape_literal + ", }";
  dict.append(63 - (10 + dict.size()) % 64, ' ');
  dict += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  le(out, dict.size(), 2);
  out += dict;
  for (double v : values) le(out, bits_of(v), 8);
  return out;
}

/// Raw DEFLATE (no zlib header), as zip members hold it.
std::string deflate_raw(const std::string& in) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, in.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(&out[0]);
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

/// One hand-built zip member.
struct RawMember {
  std::string name, data;
  bool deflate;
};

/// A zip archive where every size/offset/count goes through ZIP64 records (as tools write for > 4 GiB),
/// with an unrelated extra field before the ZIP64 one and a trailing archive comment.
std::string zip64_archive(const std::vector<RawMember>& members, const std::string& comment) {
  std::string body, central;
  for (const RawMember& m : members) {
    const std::string stored = m.deflate ? deflate_raw(m.data) : m.data;
    const auto crc = crc32(0L, reinterpret_cast<const Bytef*>(m.data.data()), static_cast<uInt>(m.data.size()));
    std::string timestamp_extra;  // "UT" extended timestamp, to be skipped by the reader
    le(timestamp_extra, 0x5455, 2), le(timestamp_extra, 5, 2), le(timestamp_extra, 1, 1), le(timestamp_extra, 0, 4);
    std::string local_extra = timestamp_extra;
    le(local_extra, 1, 2), le(local_extra, 16, 2), le(local_extra, m.data.size(), 8), le(local_extra, stored.size(), 8);
    std::string central_extra = timestamp_extra;
    le(central_extra, 1, 2), le(central_extra, 24, 2), le(central_extra, m.data.size(), 8);
    le(central_extra, stored.size(), 8), le(central_extra, body.size(), 8);

    std::string common;  // version needed .. name length, with saturated sizes
    le(common, 45, 2), le(common, 0, 2), le(common, m.deflate ? 8 : 0, 2), le(common, 0, 4), le(common, crc, 4);
    le(common, 0xFFFFFFFF, 4), le(common, 0xFFFFFFFF, 4), le(common, m.name.size(), 2);

    le(central, 0x02014b50, 4), le(central, 45, 2);
    central += common;
    le(central, central_extra.size(), 2), le(central, 0, 2), le(central, 0, 2), le(central, 0, 2), le(central, 0, 4);
    le(central, 0xFFFFFFFF, 4);
    central += m.name + central_extra;

    le(body, 0x04034b50, 4);
    body += common;
    le(body, local_extra.size(), 2);
    body += m.name + local_extra + stored;
  }
  std::string out = body + central;
  const std::uint64_t zip64_eocd_at = out.size();
  le(out, 0x06064b50, 4), le(out, 44, 8), le(out, 45, 2), le(out, 45, 2), le(out, 0, 4), le(out, 0, 4);
  le(out, members.size(), 8), le(out, members.size(), 8), le(out, central.size(), 8), le(out, body.size(), 8);
  le(out, 0x07064b50, 4), le(out, 0, 4), le(out, zip64_eocd_at, 8), le(out, 1, 4);
  le(out, 0x06054b50, 4), le(out, 0, 4), le(out, 0xFFFF, 2), le(out, 0xFFFF, 2);
  le(out, 0xFFFFFFFF, 4), le(out, 0xFFFFFFFF, 4), le(out, comment.size(), 2);
  return out + comment;
}

std::vector<double> iota_scaled(std::size_t n, double step, double offset) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<double>(i) * step + offset;
  return v;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Round trips through write_npz / read_npz
// ---------------------------------------------------------------------------------------------

TEST_F(NpzRoundTrip, Float64IsBitExact) {
  std::vector<double> big(72);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = std::sin(1.0 + static_cast<double>(i)) * std::exp(i * 0.3);
  const std::vector<double> odd = {-0.0, 5e-324, 1.7976931348623157e308, -1.0 / 3.0, std::nan("")};
  write_npz(file("a.npz"), {{"pos", {2, 3, 4, 3}, big}, {"odd", {5}, odd}, {"t", {}, {M_PI}}});

  const NpzArchive a = read_npz(file("a.npz"));
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a.at("pos").shape, (std::vector<std::size_t>{2, 3, 4, 3}));
  EXPECT_EQ(a.at("odd").shape, (std::vector<std::size_t>{5}));
  EXPECT_TRUE(a.at("t").shape.empty());
  for (const auto& kv : a) EXPECT_EQ(kv.second.dtype, "<f8") << kv.first;
  for (std::size_t i = 0; i < big.size(); ++i) EXPECT_EQ(bits_of(a.at("pos").data[i]), bits_of(big[i])) << i;
  for (std::size_t i = 0; i < odd.size(); ++i) EXPECT_EQ(bits_of(a.at("odd").data[i]), bits_of(odd[i])) << i;
  ASSERT_EQ(a.at("t").size(), 1u);
  EXPECT_EQ(a.at("t").data[0], M_PI);
}

TEST_F(NpzRoundTrip, Float32RoundsToFloat) {
  const std::vector<double> big = iota_scaled(72, 1.0 / 7.0, -3.3);
  const std::vector<double> small = {0.1, -2.5, 1e-40, 3.4e38, 1.0 / 3.0};
  write_npz(file("f.npz"), {{"pos", {2, 3, 4, 3}, big, true}, {"v", {5}, small, true}, {"t", {}, {0.1}, true}});

  const NpzArchive a = read_npz(file("f.npz"));
  auto expect_rounded = [&](const std::string& key, const std::vector<double>& src) {
    const NpyArray& arr = a.at(key);
    EXPECT_EQ(arr.dtype, "<f4") << key;
    ASSERT_EQ(arr.size(), src.size()) << key;
    for (std::size_t i = 0; i < src.size(); ++i)
      EXPECT_EQ(arr.data[i], static_cast<double>(static_cast<float>(src[i]))) << key << "[" << i << "]";
  };
  expect_rounded("pos", big);
  expect_rounded("v", small);
  expect_rounded("t", {0.1});
  EXPECT_EQ(a.at("pos").shape, (std::vector<std::size_t>{2, 3, 4, 3}));
  EXPECT_TRUE(a.at("t").shape.empty());
}

TEST_F(NpzRoundTrip, EmptyArchive) {
  write_npz(file("e.npz"), {});
  EXPECT_TRUE(read_npz(file("e.npz")).empty());
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(NpzRoundTrip, OverwritesAndLeavesNoTemporaryFiles) {
  write_npz(file("a.npz"), {{"x", {2}, {1, 2}}});
  write_npz(file("a.npz"), {{"y", {0}, {}}});
  const NpzArchive a = read_npz(file("a.npz"));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a.at("y").shape, (std::vector<std::size_t>{0}));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

TEST_F(NpzErrors, MissingFileNamesPath) {
  const std::string path = file("nope.npz");
  EXPECT_NE(error_of([&] { read_npz(path); }).find(path), std::string::npos);
}

TEST_F(NpzErrors, TruncatedFileNamesPath) {
  const std::string path = file("t.npz");
  write_npz(path, {{"x", {100}, iota_scaled(100, 1.0, 0.0)}});
  const std::string full = slurp(path);
  for (std::size_t keep : {std::size_t{0}, std::size_t{10}, full.size() / 2, full.size() - 1}) {
    spit(path, full.substr(0, keep));
    const std::string msg = error_of([&] { read_npz(path); });
    EXPECT_NE(msg.find(path), std::string::npos) << "keep=" << keep << ": " << msg;
  }
}

TEST_F(NpzErrors, CorruptByteFailsCrcCheck) {
  const std::string path = file("c.npz");
  write_npz(path, {{"x", {100}, iota_scaled(100, 1.0, 0.0)}});
  std::string bytes = slurp(path);
  bytes[400] ^= 0x40;  // inside x's data: the header is 30 + 5 + 128 bytes
  spit(path, bytes);
  const std::string msg = error_of([&] { read_npz(path); });
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("key 'x'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("CRC"), std::string::npos) << msg;
}

TEST_F(NpzErrors, WriteRejectsBadEntriesWithoutCreatingFiles) {
  const std::string path = file("bad.npz");
  std::string msg = error_of([&] { write_npz(path, {{"x", {2, 3}, {1, 2, 3}}}); });
  EXPECT_NE(msg.find("key 'x'"), std::string::npos) << msg;
  msg = error_of([&] { write_npz(path, {{"x", {1}, {1}}, {"x", {1}, {2}}}); });
  EXPECT_NE(msg.find("appears twice"), std::string::npos) << msg;
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(NpzErrors, WriteIntoMissingDirectoryNamesPath) {
  const std::string path = file("no/such/dir/out.npz");
  EXPECT_NE(error_of([&] { write_npz(path, {{"x", {1}, {1}}}); }).find(path), std::string::npos);
  EXPECT_TRUE(fs::is_empty(dir_));
}

// ---------------------------------------------------------------------------------------------
// Hand-built archives: ZIP64 records, DEFLATE, comments
// ---------------------------------------------------------------------------------------------

TEST_F(NpzZip, ReadsZip64RecordsDeflateAndComment) {
  const std::vector<double> a = iota_scaled(1000, 0.5, -7.0), b = {1.0 / 3.0, 2.0, -0.0};
  spit(file("z.npz"),
       zip64_archive({{"a.npy", npy_f8("(10, 100)", a), true}, {"b.npy", npy_f8("(3,)", b), false}}, "a zip comment"));
  const NpzArchive z = read_npz(file("z.npz"));
  ASSERT_EQ(z.size(), 2u);
  EXPECT_EQ(z.at("a").shape, (std::vector<std::size_t>{10, 100}));
  EXPECT_EQ(z.at("a").data, a);
  ASSERT_EQ(z.at("b").size(), 3u);
  for (std::size_t i = 0; i < b.size(); ++i) EXPECT_EQ(bits_of(z.at("b").data[i]), bits_of(b[i]));
}

TEST_F(NpzZip, RejectsNonNpyMemberAndBadShape) {
  spit(file("n.npz"), zip64_archive({{"readme.txt", "hello", false}}, ""));
  std::string msg = error_of([&] { read_npz(file("n.npz")); });
  EXPECT_NE(msg.find("readme.txt"), std::string::npos) << msg;

  spit(file("s.npz"), zip64_archive({{"a.npy", npy_f8("(2, 2)", {1, 2, 3}), false}}, ""));
  msg = error_of([&] { read_npz(file("s.npz")); });
  EXPECT_NE(msg.find(file("s.npz") + ": key 'a'"), std::string::npos) << msg;
}

// ---------------------------------------------------------------------------------------------
// Interoperability with NumPy
// ---------------------------------------------------------------------------------------------

TEST_F(NpzNumpy, ReadsSavezAndSavezCompressed) {
  SKIP_WITHOUT_NUMPY();
  ASSERT_TRUE(run_python(R"(
import sys, numpy as np
d = sys.argv[1]
arrays = dict(
    f8=np.arange(72, dtype=np.float64).reshape(2, 3, 4, 3) * 0.25 - 3.0,
    third=np.float64(1.0) / 3.0,
    f4=np.arange(5, dtype=np.float32) / np.float32(3),
    i8=np.array([-2**40, 0, 7, 2**53], dtype=np.int64),
    i4=np.array([[-5, 6], [2**31 - 1, -2**31]], dtype=np.int32),
    u1=np.arange(250, 256, dtype=np.uint8),
    b1=np.array([True, False, True]),
    empty=np.zeros((0, 3)),
    big=(np.arange(100000) % 7).astype(np.float64),
)
np.savez(d + '/plain.npz', **arrays)
np.savez_compressed(d + '/packed.npz', **arrays)
)"));
  for (const std::string name : {"plain.npz", "packed.npz"}) {
    SCOPED_TRACE(name);
    const NpzArchive a = read_npz(file(name));
    ASSERT_EQ(a.size(), 9u);
    EXPECT_EQ(a.at("f8").shape, (std::vector<std::size_t>{2, 3, 4, 3}));
    EXPECT_EQ(a.at("f8").data, iota_scaled(72, 0.25, -3.0));
    EXPECT_TRUE(a.at("third").shape.empty());
    EXPECT_EQ(a.at("third").data, std::vector<double>{1.0 / 3.0});
    EXPECT_EQ(a.at("f4").dtype, "<f4");
    for (int i = 0; i < 5; ++i) EXPECT_EQ(a.at("f4").data[i], static_cast<double>(static_cast<float>(i) / 3.0f));
    EXPECT_EQ(a.at("i8").dtype, "<i8");
    EXPECT_EQ(a.at("i8").data, (std::vector<double>{-1099511627776.0, 0, 7, 9007199254740992.0}));
    EXPECT_EQ(a.at("i4").shape, (std::vector<std::size_t>{2, 2}));
    EXPECT_EQ(a.at("i4").data, (std::vector<double>{-5, 6, 2147483647.0, -2147483648.0}));
    EXPECT_EQ(a.at("u1").dtype, "|u1");
    EXPECT_EQ(a.at("u1").data, (std::vector<double>{250, 251, 252, 253, 254, 255}));
    EXPECT_EQ(a.at("b1").dtype, "|b1");
    EXPECT_EQ(a.at("b1").data, (std::vector<double>{1, 0, 1}));
    EXPECT_EQ(a.at("empty").shape, (std::vector<std::size_t>{0, 3}));
    EXPECT_TRUE(a.at("empty").data.empty());
    ASSERT_EQ(a.at("big").size(), 100000u);
    for (std::size_t i = 0; i < 100000; i += 997) EXPECT_EQ(a.at("big").data[i], static_cast<double>(i % 7));
  }
}

TEST_F(NpzNumpy, ReadsNpyFormatVersions2And3) {
  SKIP_WITHOUT_NUMPY();
  ASSERT_TRUE(run_python(R"(
import sys, zipfile, numpy as np
a = np.arange(6, dtype=np.float64).reshape(3, 2) / 7.0
with zipfile.ZipFile(sys.argv[1] + '/v.npz', 'w') as z:
    for v in (1, 2, 3):
        with z.open('v%d.npy' % v, 'w') as f:
            np.lib.format.write_array(f, a, version=(v, 0))
)"));
  const NpzArchive a = read_npz(file("v.npz"));
  for (const std::string key : {"v1", "v2", "v3"}) {
    EXPECT_EQ(a.at(key).shape, (std::vector<std::size_t>{3, 2})) << key;
    for (int i = 0; i < 6; ++i) EXPECT_EQ(a.at(key).data[i], i / 7.0) << key;
  }
}

TEST_F(NpzNumpy, NumpyLoadsWhatWeWrite) {
  SKIP_WITHOUT_NUMPY();
  std::vector<double> pos(72), vel(5);
  for (std::size_t i = 0; i < pos.size(); ++i) pos[i] = static_cast<double>(i) / 7.0;
  for (std::size_t i = 0; i < vel.size(); ++i) vel[i] = static_cast<double>(i) / 3.0;
  write_npz(file("ours.npz"), {{"pos", {2, 3, 4, 3}, pos}, {"vel", {5}, vel, true}, {"t", {}, {2.5}}});
  EXPECT_TRUE(run_python(R"(
import sys, numpy as np
d = np.load(sys.argv[1] + '/ours.npz')
assert sorted(d.files) == ['pos', 't', 'vel'], d.files
assert d['pos'].dtype == np.float64 and d['pos'].shape == (2, 3, 4, 3), (d['pos'].dtype, d['pos'].shape)
assert np.array_equal(d['pos'], (np.arange(72) / 7.0).reshape(2, 3, 4, 3))
assert d['vel'].dtype == np.float32 and d['vel'].shape == (5,), (d['vel'].dtype, d['vel'].shape)
assert np.array_equal(d['vel'], (np.arange(5) / 3.0).astype(np.float32))
assert d['t'].dtype == np.float64 and d['t'].shape == () and d['t'] == 2.5
)"));
}

TEST_F(NpzNumpy, RejectsFortranOrder) {
  SKIP_WITHOUT_NUMPY();
  ASSERT_TRUE(run_python(R"(
import sys, numpy as np
np.savez(sys.argv[1] + '/fortran.npz', a=np.asfortranarray(np.ones((2, 3))))
)"));
  const std::string msg = error_of([&] { read_npz(file("fortran.npz")); });
  EXPECT_NE(msg.find(file("fortran.npz") + ": key 'a'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("fortran_order"), std::string::npos) << msg;
}

TEST_F(NpzNumpy, RejectsBigEndian) {
  SKIP_WITHOUT_NUMPY();
  ASSERT_TRUE(run_python(R"(
import sys, numpy as np
np.savez(sys.argv[1] + '/big.npz', positions=np.ones(3).astype('>f8'))
)"));
  const std::string msg = error_of([&] { read_npz(file("big.npz")); });
  EXPECT_NE(msg.find(file("big.npz") + ": key 'positions': unsupported dtype '>f8'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected little-endian"), std::string::npos) << msg;
}

// ---------------------------------------------------------------------------------------------
// read_npy_bytes: one .npy in memory (the decoder read_npz uses for every member)
// ---------------------------------------------------------------------------------------------

TEST(NpyBytes, DecodesAHandWrittenArrayAndNamesTheSourceOnErrors) {
  std::string header = "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }";
  header += std::string(63 - (10 + header.size()) % 64, ' ') + "\n";  // the data starts 64-byte aligned
  std::string npy = std::string("\x93NUMPY\x01\x00", 8);
  npy += char(header.size() & 0xff);
  npy += char(header.size() >> 8);
  npy += header;
  for (std::int32_t v : {1, -2, 3, 40000}) npy.append(reinterpret_cast<const char*>(&v), 4);
  const NpyArray a = read_npy_bytes(npy, "x.npy");
  EXPECT_EQ(a.shape, (std::vector<std::size_t>{2, 2}));
  EXPECT_EQ(a.data, (std::vector<double>{1, -2, 3, 40000}));
  EXPECT_EQ(a.dtype, "<i4");
  for (const std::string& bad : {npy.substr(0, npy.size() - 1), npy.substr(0, 9), std::string("not an npy")}) {
    try {
      read_npy_bytes(bad, "x.npy");
      ADD_FAILURE() << "accepted " << bad.size() << " bytes";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("x.npy"), std::string::npos) << e.what();
    }
  }
}
