#pragma once
// Writing output files, and whether an optional input file is there (issue 12: file access only in
// io/). Standard C and C++ only (no POSIX headers), so that commdx.hpp may include it:
// pipeline::run reads and writes its folders through it and io/json.hpp.
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include "commdx/error.hpp"

namespace commdx::io {

/// Whether `path` names a file (an optional input: a folder without a follow-up round).
inline bool file_exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

/// Makes `dir` and its missing parents; an input_error naming it when it cannot.
inline void make_directories(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw input_error(location::in_file(dir), "cannot create the folder: " + ec.message());
}

/// Writes `bytes` to `path` whole: into `path.part` first, renamed over `path` once complete, so
/// that an interrupted run never leaves a half-written file under the final name.
inline void write_whole_file(const std::string& path, std::string_view bytes) {
  const std::string part = path + ".part";
  std::FILE* f = std::fopen(part.c_str(), "wb");
  if (f == nullptr) throw input_error(location::in_file(path), "cannot create file");
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  const bool closed = std::fclose(f) == 0;
  if (!written || !closed) {
    std::remove(part.c_str());
    throw input_error(location::in_file(path), "cannot write file (disk full?)");
  }
  std::error_code ec;
  std::filesystem::rename(part, path, ec);
  if (ec) {
    std::remove(part.c_str());
    throw input_error(location::in_file(path), "cannot replace file: " + ec.message());
  }
}

}  // namespace commdx::io
