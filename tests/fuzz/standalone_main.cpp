// Runs a fuzz target's LLVMFuzzerTestOneInput on files, without libFuzzer: the kept
// corpus and regression inputs replayed by ctest (fuzz.replay.*) in the normal build.
//   fuzz_X_replay FILE_OR_DIR...
// FUZZ_REPLAY_TIMES=1 in the environment prints each input's time (slow inputs are bugs too).
// Exits 0 when every input ran; an input that breaks an invariant or throws anything but
// a crossrank::Error ends the process (abort, std::terminate), after the input is named.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

char current[4096] = "";  // the input being run, for the crash handler

void write_err(const char* s) { (void)!::write(STDERR_FILENO, s, std::strlen(s)); }

void on_crash(int sig) {
  write_err("fuzz replay: crashed on input ");
  write_err(current);
  write_err("\n");
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

bool run_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "fuzz replay: cannot read %s\n", path.c_str());
    return false;
  }
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::snprintf(current, sizeof current, "%s", path.c_str());
  static const bool times = std::getenv("FUZZ_REPLAY_TIMES") != nullptr;
  const auto start = std::chrono::steady_clock::now();
  try {
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    if (times) {
      const std::chrono::duration<double, std::milli> ms = std::chrono::steady_clock::now() - start;
      std::fprintf(stderr, "%10.3f ms  %s\n", ms.count(), path.c_str());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz replay: %s: uncaught exception: %s\n", path.c_str(), e.what());
    return false;
  } catch (...) {
    std::fprintf(stderr, "fuzz replay: %s: uncaught exception\n", path.c_str());
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) std::signal(sig, on_crash);
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    const fs::path arg = argv[i];
    if (fs::is_directory(arg)) {
      for (const auto& e : fs::recursive_directory_iterator(arg)) {
        // README files describe the inputs beside them.
        if (e.is_regular_file() && e.path().filename() != "README" && e.path().extension() != ".md") {
          files.push_back(e.path());
        }
      }
    } else if (fs::exists(arg)) {
      files.push_back(arg);
    } else {
      std::fprintf(stderr, "fuzz replay: no such file or directory: %s\n", argv[i]);
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  size_t failed = 0;
  for (const auto& f : files) failed += run_file(f) ? 0 : 1;
  std::fprintf(stderr, "fuzz replay: %zu input(s), %zu failed\n", files.size(), failed);
  return failed ? 1 : 0;
}
