// physics/test_symmetric_threading.cpp — the measured choice between serial and threaded passes of the
// symmetric pair path (SymmetricThreading, physics/forces_symmetric.hpp), driven with made-up timings: serial below
// the size threshold, threads without timing above the other, the warm-up calls, the first measurements, the margin threads must win by, the probes and
// their back-off, and a new problem size starting over. (That both modes give bitwise the same forces is
// PairMlpBlock.NewtonsThirdLawIsBitwiseEveryOrderedPair*.)
#include <gtest/gtest.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "noether/physics/forces_symmetric.hpp"

using namespace noether;

namespace {

/// Calls `choice` as accelerations_cpu does, with the time `seconds(threaded)` recorded for a timed call.
template <typename Seconds>
bool step(SymmetricThreading& choice, long long pairs, Seconds seconds, bool* timed_out = nullptr) {
  bool timed = false;
  const bool threaded = choice.choose(pairs, timed);
  if (timed) choice.record(threaded, seconds(threaded));
  if (timed_out) *timed_out = timed;
  return threaded;
}

}  // namespace

TEST(SymmetricThreading, SmallSystemsAreSerialAndNotTimed) {
  SymmetricThreading choice;
  for (int k = 0; k < 100; ++k) {
    bool timed = true;
    EXPECT_FALSE(choice.choose(kSymmetricThreadedPairsMin - 1, timed));
    EXPECT_FALSE(timed);
  }
}

TEST(SymmetricThreading, PicksTheFasterModeProbesWithBackOffAndStartsOverForANewSize) {
#ifndef _OPENMP
  GTEST_SKIP() << "built without OpenMP: always serial";
#else
  const int threads = omp_get_max_threads();
  omp_set_num_threads(2);
  const long long pairs = 4950;  // N = 100
  SymmetricThreading choice;
  bool timed = true;
  // Warm-up: one untimed call in each mode.
  EXPECT_FALSE(choice.choose(pairs, timed));
  EXPECT_FALSE(timed);
  EXPECT_TRUE(choice.choose(pairs, timed));
  EXPECT_FALSE(timed);
  // Threads twice as fast: after one timed call per mode every call is threaded but the probes.
  auto fast_threads = [](bool threaded) { return threaded ? 1e-4 : 2e-4; };
  EXPECT_FALSE(step(choice, pairs, fast_threads, &timed));
  EXPECT_TRUE(timed);
  EXPECT_TRUE(step(choice, pairs, fast_threads));
  std::vector<long long> serial_calls;
  for (long long k = 0; k < 2000; ++k)
    if (!step(choice, pairs, fast_threads)) serial_calls.push_back(k);
  // Probes every 32, 64, 128, … calls (each loses), never more often.
  ASSERT_GE(serial_calls.size(), 4u);
  EXPECT_LE(serial_calls.size(), 8u);
  for (std::size_t k = 1; k < serial_calls.size(); ++k)
    EXPECT_EQ(serial_calls[k] - serial_calls[k - 1], SymmetricThreading::kProbeFirst << k) << "probe " << k;
  // Threads only 10% faster: not enough (the margin) — the next probe of serial wins and serial is kept.
  auto close = [](bool threaded) { return threaded ? 0.9e-4 : 1e-4; };
  int threaded_calls = 0;
  for (int k = 0; k < 5000; ++k) threaded_calls += step(choice, pairs, close);
  EXPECT_LE(threaded_calls, SymmetricThreading::kProbeMost + 10);  // threaded until the next serial probe, then serial
  int late = 0;
  for (int k = 0; k < 1000; ++k) late += step(choice, pairs, close);
  EXPECT_LE(late, 5);  // only the probes of threads (32, 64, … apart), which do not win by the margin
  // A busy machine (threads 10x slower): serial, with probes at most every kProbeMost calls.
  auto busy = [](bool threaded) { return threaded ? 1e-2 : 1e-3; };
  int probes = 0;
  for (int k = 0; k < 20000; ++k) probes += step(choice, pairs, busy);
  EXPECT_LE(probes, 20000 / 32);
  EXPECT_GE(probes, 20000 / SymmetricThreading::kProbeMost);
  // Another size starts over with the warm-up.
  EXPECT_FALSE(choice.choose(pairs + 1, timed));
  EXPECT_FALSE(timed);
  EXPECT_TRUE(choice.choose(pairs + 1, timed));
  EXPECT_FALSE(timed);
  omp_set_num_threads(threads);
#endif
}

TEST(SymmetricThreading, LargeSystemsAreThreadedWithoutTiming) {
#ifndef _OPENMP
  GTEST_SKIP() << "built without OpenMP: always serial";
#else
  const int threads = omp_get_max_threads();
  omp_set_num_threads(2);
  SymmetricThreading choice;
  for (int k = 0; k < 10; ++k) {
    bool timed = true;
    EXPECT_TRUE(choice.choose(kSymmetricThreadedPairsAlways, timed));
    EXPECT_FALSE(timed);
  }
  omp_set_num_threads(threads);
#endif
}

TEST(SymmetricThreading, SerialInsideAParallelRegion) {
#ifndef _OPENMP
  GTEST_SKIP() << "built without OpenMP: always serial";
#else
  const int threads = omp_get_max_threads();
  omp_set_num_threads(2);
  int threaded = 0;
#pragma omp parallel num_threads(2) reduction(+ : threaded)
  {
    SymmetricThreading choice;
    for (int k = 0; k < 50; ++k) threaded += step(choice, 4950, [](bool t) { return t ? 1e-6 : 1.0; });
  }
  EXPECT_EQ(threaded, 0);
  omp_set_num_threads(threads);
#endif
}
