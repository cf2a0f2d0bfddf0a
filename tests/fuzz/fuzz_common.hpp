#pragma once
// Shared by the harnesses: a failed check prints what differs and aborts (libFuzzer then keeps the
// input as a crash reproducer).
#include <cstdio>
#include <cstdlib>
#include <string>

#define FUZZ_CHECK(cond, what)                                                              \
  do {                                                                                      \
    if (!(cond)) {                                                                          \
      std::fprintf(stderr, "fuzz check failed: %s\n  %s\n", #cond, std::string(what).c_str()); \
      std::abort();                                                                         \
    }                                                                                       \
  } while (0)
