#include "crossrank/cpu.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <vector>

namespace crossrank {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

const char* kLevelNames[] = {"generic SSE", "AVX", "AVX2", "AVX-512", "AVX-512 BF16"};

}  // namespace

CpuFeatures detect_cpu_features() {
  __builtin_cpu_init();
  CpuFeatures f;
  f.avx = __builtin_cpu_supports("avx");
  f.avx2 = __builtin_cpu_supports("avx2");
  f.fma = __builtin_cpu_supports("fma");
  f.avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
  f.avx512_bf16 = __builtin_cpu_supports("avx512bf16");
  return f;
}

std::optional<int> openblas_core_level(const std::string& core) {
  // OpenBLAS 0.3.21's DYNAMIC_ARCH cores (driver/others/dynamic.c), by their sgemm kernels.
  static const std::map<std::string, int> levels = {
      {"katmai", 0},      {"coppermine", 0}, {"northwood", 0},   {"prescott", 0},   {"banias", 0},
      {"atom", 0},        {"core2", 0},      {"penryn", 0},      {"dunnington", 0}, {"nehalem", 0},
      {"opteron", 0},     {"opteron_sse3", 0}, {"barcelona", 0}, {"bobcat", 0},     {"sandybridge", 1},
      {"bulldozer", 1},   {"piledriver", 1}, {"steamroller", 1}, {"excavator", 2},  {"haswell", 2},
      {"zen", 2},         {"skylakex", 3},   {"cooperlake", 4},  {"sapphirerapids", 4}};
  const auto it = levels.find(lower(core));
  if (it == levels.end()) return std::nullopt;
  return it->second;
}

std::string best_openblas_core(const CpuFeatures& cpu) {
  if (cpu.avx512 && cpu.avx512_bf16) return "Cooperlake";
  if (cpu.avx512) return "SkylakeX";
  if (cpu.avx2 && cpu.fma) return "Haswell";
  if (cpu.avx) return "Sandybridge";
  return "";
}

BlasChoice choose_openblas_core(const CpuFeatures& cpu, const std::string& picked,
                                const std::optional<std::string>& pinned) {
  const std::string best = best_openblas_core(cpu);
  if (best.empty()) return {};
  const int best_level = *openblas_core_level(best);
  if (pinned) {
    const auto level = openblas_core_level(*pinned);
    if (!level || *level >= best_level) return {};
    return {"", "OPENBLAS_CORETYPE=" + *pinned + " pins OpenBLAS to " + kLevelNames[*level] +
                    " kernels; this CPU runs its " + best + " (" + kLevelNames[best_level] +
                    ") ones, 1.6-3x faster (docs/performance.md#blas-kernels): unset it unless it works "
                    "around a bug"};
  }
  const auto level = openblas_core_level(picked);
  if (!level || *level >= best_level) return {};
  return {best, ""};
}

std::string blas_warning(const CpuFeatures& cpu, const std::string& running) {
  if (running.empty()) return "";
  const char* restarted = std::getenv(kBlasRestarted);
  if (restarted && std::string(restarted) == "failed") {
    return "OpenBLAS's " + best_openblas_core(cpu) + " kernels got a test product wrong on this CPU; running " +
           running + ", its own choice, instead (docs/performance.md#blas-kernels)";
  }
  if (restarted) return "";  // the variable is crossrank's own choice
  const char* pin = std::getenv("OPENBLAS_CORETYPE");
  return choose_openblas_core(cpu, running, pin ? std::optional<std::string>(pin) : std::nullopt).warning;
}

bool sgemm_agrees_with_loop() {
  using Sgemm = void (*)(const char*, const char*, const int*, const int*, const int*, const float*,
                         const float*, const int*, const float*, const int*, const float*, float*, const int*);
  auto sgemm = reinterpret_cast<Sgemm>(dlsym(RTLD_DEFAULT, "sgemm_"));
  if (!sgemm) return true;
  // Sizes past the kernels' unrolled blocks, with edges; values that keep sums exact-ish.
  const int m = 67, n = 45, k = 93;
  std::vector<float> a(static_cast<size_t>(m) * k), b(static_cast<size_t>(k) * n), c(static_cast<size_t>(m) * n);
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<float>(static_cast<int>(i * 7 % 17) - 8) / 8.0f;
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<float>(static_cast<int>(i * 5 % 13) - 6) / 4.0f;
  const float alpha = 1.0f, beta = 0.0f;
  sgemm("N", "N", &m, &n, &k, &alpha, a.data(), &m, b.data(), &k, &beta, c.data(), &m);
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < m; ++i) {
      double sum = 0;
      for (int p = 0; p < k; ++p) sum += static_cast<double>(a[i + p * m]) * b[p + j * k];
      if (std::fabs(sum - c[i + j * m]) > 1e-3) return false;  // inputs are multiples of 1/32: exact in fp32
    }
  }
  return true;
}

}  // namespace crossrank
