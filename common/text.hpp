// Small text helpers shared by the config loader and the readers: strict number parsing,
// splitting, and "did you mean" suggestions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace accsim {

std::string trim(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep, bool trim_parts = true);
std::string to_lower(std::string_view s);
// True when `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, <= U+10FFFF).
bool valid_utf8(std::string_view s);
// `s` fit for a one-line message: control characters and bytes of invalid UTF-8 become '?'.
std::string printable(std::string_view s);

// Whole-string parses: "12x" or "" are rejected, not truncated.
std::optional<std::int64_t> parse_int(std::string_view s);
std::optional<double> parse_real(std::string_view s);
std::optional<bool> parse_bool(std::string_view s);

std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `word`, if it is close enough to be a plausible typo.
std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates);
// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

} // namespace accsim
