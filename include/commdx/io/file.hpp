#pragma once
// File access (issue 12: "no stage reads files"). The stages take bytes, tables and JSON values;
// this header is where the library touches the file system: a whole file read into memory, or
// memory-mapped where the platform allows, and the survey reader over a file. It is not included
// by commdx.hpp, so a program that includes the stages does not get <sys/mman.h> and the POSIX
// headers with them; a program that reads files includes this one.
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

#if defined(__unix__) || defined(__APPLE__)
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#include "commdx/error.hpp"
#include "commdx/places.hpp"
#include "commdx/survey.hpp"

namespace commdx::io {

/// A whole file in one read into a buffer of its size (no stream copies; large census files).
inline std::string read_whole_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) throw input_error(location::in_file(path), "cannot open file");
  std::string out;
  if (std::fseek(f, 0, SEEK_END) == 0) {
    long size = std::ftell(f);
    if (size > 0) out.resize(static_cast<std::size_t>(size));
    std::rewind(f);
  }
  std::size_t got = out.empty() ? 0 : std::fread(&out[0], 1, out.size(), f);
  out.resize(got);
  char buf[65536];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);  // grew meanwhile / a pipe
  bool bad = std::ferror(f) != 0;
  std::fclose(f);
  if (bad) throw input_error(location::in_file(path), "cannot read file");
  return out;
}

/// A file's bytes, memory-mapped where the platform allows (no copy of a large census file),
/// read into memory otherwise (a pipe, an empty file, a platform without mmap).
class file_bytes {
 public:
  explicit file_bytes(const std::string& path) {
#if defined(__unix__) || defined(__APPLE__)
    int fd = ::open(path.c_str(), O_RDONLY);
    if (fd >= 0) {
      struct stat st;
      if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        void* p = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
        if (p != MAP_FAILED) {
          map_ = p;
          size_ = static_cast<std::size_t>(st.st_size);
        }
      }
      ::close(fd);
    }
#endif
    if (map_ == nullptr) copy_ = read_whole_file(path);
  }
  ~file_bytes() {
#if defined(__unix__) || defined(__APPLE__)
    if (map_ != nullptr) ::munmap(map_, size_);
#endif
  }
  file_bytes(const file_bytes&) = delete;
  file_bytes& operator=(const file_bytes&) = delete;
  std::string_view view() const {
    return map_ != nullptr ? std::string_view(static_cast<const char*>(map_), size_) : std::string_view(copy_);
  }

 private:
  void* map_ = nullptr;
  std::size_t size_ = 0;
  std::string copy_;
};

/// Reads a survey CSV file by path (households or businesses by `kind`), with the checks and
/// errors of commdx::read_records_csv (the file's path is the errors' file).
inline ingest_result read_survey_file(const std::string& path, const std::string& kind = "households",
                                      const places* where = nullptr, const ingest_options& options = {}) {
  file_bytes content(path);
  return read_records_csv(content.view(), path, record_schema::shipped(kind), where, options);
}

}  // namespace commdx::io
