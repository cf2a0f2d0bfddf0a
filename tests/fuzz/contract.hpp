#pragma once
// The contract every fuzz harness checks (DESIGN.md, "Rules of the house"): a reader given any
// bytes either returns or throws a commdx::error. Any other exception is a finding: print it and
// abort, so libFuzzer records the input as a crash.
#include <cstdio>
#include <cstdlib>
#include <exception>

#include <commdx/error.hpp>

namespace commdx::fuzz {

template <class F>
void only_commdx_errors(const char* reader, F&& read) {
  try {
    read();
  } catch (const commdx::error&) {
    // a refusal: what the contract allows
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s let a non-commdx exception escape: %s\n", reader, e.what());
    std::abort();
  }
}

}  // namespace commdx::fuzz
