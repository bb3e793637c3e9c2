// What every fuzz target shares. A target hands libFuzzer's input to one of accsim's readers as
// a file (the readers take paths, as users give them) and checks the contract of bad input: the
// reader accepts the input or throws InputError; anything else (another exception, a crash, a
// sanitizer finding, a leak, a hang) is a finding.
#pragma once

#include "common/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace accsim::fuzz {

// Writes the input to this process's scratch file with the given suffix and returns its path.
std::string input_file(const std::uint8_t* data, std::size_t size, const std::string& suffix);

// Runs `read`; an InputError is an accepted outcome, so it is swallowed.
template <typename F>
void expect_contract(F read) {
    try {
        read();
    } catch (const InputError&) {
    }
}

} // namespace accsim::fuzz
