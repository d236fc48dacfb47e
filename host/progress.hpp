// progress.hpp — a one-line progress display with rate and ETA on stderr (only when stderr is a
// terminal, or NOETHER_PROGRESS=1), redrawn at most 5 times a second.
#pragma once
#include <chrono>
#include <string>

namespace noether {

class Progress {
 public:
  explicit Progress(std::string label);
  ~Progress();
  /// Report `done` of `total` units of work.
  void update(long done, long total);

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace noether
