// run/progress.hpp — a one-line progress display with rate and ETA on stderr (only when stderr is a
// terminal, or NOETHER_PROGRESS=1), redrawn at most 5 times a second.
#pragma once
#include <chrono>
#include <string>

namespace noether {

class Progress {
 public:
  explicit Progress(std::string label);
  ~Progress();
  /// Report `done` of `total` units of work; `note` (e.g. "loss 1.2e-6") is shown after the ETA.
  void update(long done, long total, const std::string& note = "");

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace noether
