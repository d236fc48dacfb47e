// core/version.cpp — the version string of the noether library.
namespace noether {
const char* version() { return "0.1.0"; }
}  // namespace noether
