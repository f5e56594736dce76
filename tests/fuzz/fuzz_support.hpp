#pragma once

// Shared by the fuzz targets (tests/fuzz/*.cpp): fixture paths, a scratch directory, and
// the rule every target follows: a crossrank::Error is an expected answer to bad input;
// any other exception escapes (std::terminate: a crash libFuzzer and the replay tests
// report), and a broken invariant aborts through fail().
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "crossrank/error.hpp"
#include "crossrank/logging.hpp"

namespace crossrank::fuzz {

namespace fs = std::filesystem;

inline fs::path data_dir() { return CROSSRANK_TEST_DATA; }

[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what.c_str());
  std::abort();
}

#define FUZZ_CHECK(cond, what)                                                     \
  do {                                                                             \
    if (!(cond)) ::crossrank::fuzz::fail(std::string(#cond " -- ") + (what));      \
  } while (0)

// Runs f; a crossrank::Error is swallowed (the library's answer to bad input) and false
// returned. Everything else propagates.
template <typename F>
bool expected_errors(F&& f) {
  try {
    f();
    return true;
  } catch (const Error&) {
    return false;
  }
}

// A directory of this process under the system temp dir, removed at exit. Entry by entry
// rather than remove_all (see tests/unit/support.cpp).
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : path_(fs::temp_directory_path() / ("crossrank-" + name + "-" + std::to_string(::getpid()))) {
    remove_tree(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() { remove_tree(path_); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

  static void remove_tree(const fs::path& path) {
    std::error_code ec;
    if (fs::is_directory(fs::symlink_status(path, ec))) {
      std::vector<fs::path> entries;
      for (const auto& e : fs::directory_iterator(path, ec)) entries.push_back(e.path());
      for (const auto& e : entries) remove_tree(e);
    }
    fs::remove(path, ec);
  }

 private:
  fs::path path_;
};

inline void write_file(const fs::path& path, std::string_view content) {
  std::error_code ec;
  fs::remove(path, ec);  // may be a symlink to a fixture: never write through it
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) fail("cannot write " + path.string());
}

// The length of the well-formed UTF-8 sequence at text[i] (no overlongs, surrogates or
// values above U+10FFFF), or 0: an independent statement of what the tokenizers accept.
inline size_t utf8_sequence(std::string_view text, size_t i) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  const unsigned b = s[i];
  size_t len;
  unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b < 0x80) {
    return 1;
  } else if (b >= 0xC2 && b <= 0xDF) {
    len = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    len = 3;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    len = 4;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > n || s[i + 1] < lo || s[i + 1] > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if ((s[i + k] & 0xC0) != 0x80) return 0;
  }
  return len;
}

inline bool valid_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t len = utf8_sequence(text, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

// text with every byte that starts no valid sequence replaced by U+FFFD.
inline std::string repair_utf8(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const size_t len = utf8_sequence(text, i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
  return out;
}

// Takes bytes off the front of the input for parameters; the rest is data.
class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t byte() {
    if (size_ == 0) return 0;
    --size_;
    return *data_++;
  }
  std::string_view rest() const { return {reinterpret_cast<const char*>(data_), size_}; }

 private:
  const uint8_t* data_;
  size_t size_;
};

// Quiet logging: warnings about odd bundles are expected by the thousand.
inline void quiet() { log::set_level(log::Level::off); }

}  // namespace crossrank::fuzz
