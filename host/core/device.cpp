// core/device.cpp — choosing the device: parsing "auto" / "cpu" / "cuda" and resolving it for training.
#include "noether/core/device.hpp"

#include "noether/core/error.hpp"
#include "noether/core/text.hpp"

namespace noether {

DeviceChoice parse_device(const std::string& s, const std::string& where) {
  if (s == "auto") return DeviceChoice::Auto;
  if (s == "cpu") return DeviceChoice::Cpu;
  if (s == "cuda") return DeviceChoice::Cuda;
  const std::string hint = nearest_word(s, {"auto", "cpu", "cuda"});
  NOETHER_FAIL(where << ": unknown device '" << s << "'" << (hint.empty() ? "" : " (did you mean '" + hint + "'?)")
                     << "; expected auto, cpu or cuda");
}

bool train_on_cuda(DeviceChoice choice, const std::string& where) {
  NOETHER_REQUIRE(choice != DeviceChoice::Cuda || cuda_device_available(),
                  where << ": \"cuda\" but no CUDA device is usable: " << cuda_device_description()
                        << " (use auto or cpu)");
  return choice == DeviceChoice::Cuda || (choice == DeviceChoice::Auto && cuda_device_available());
}

}  // namespace noether
