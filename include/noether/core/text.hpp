// core/text.hpp — small text helpers shared by every parser: "did you mean" hints.
#pragma once
#include <string>
#include <vector>

namespace noether {

/// The Levenshtein-nearest candidate to `word`, for "did you mean ...?" hints ("" if none is close).
std::string nearest_word(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace noether
