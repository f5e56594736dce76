#pragma once

#include <optional>
#include <string>

// Which OpenBLAS kernels to run (docs/performance.md#blas-kernels). OpenBLAS picks them
// when it loads, from the CPU it recognises or from OPENBLAS_CORETYPE; Debian 12's 0.3.21
// does not know recent CPUs and falls back to generic SSE kernels, 3-4x slower. The choice
// here is a pure function, so it is tested over CPUs other than the one that builds it.
namespace crossrank {

struct CpuFeatures {
  bool avx = false;
  bool avx2 = false;
  bool fma = false;
  bool avx512 = false;      // F, BW, VL and DQ: what OpenBLAS's SkylakeX kernels use
  bool avx512_bf16 = false;
};
CpuFeatures detect_cpu_features();  // this CPU (cpuid through the compiler's builtins)

// OpenBLAS core names by the instructions their sgemm kernels use: 0 generic (SSE), 1 AVX,
// 2 AVX2 + FMA, 3 AVX-512, 4 AVX-512 + BF16. nullopt for a name crossrank does not know.
std::optional<int> openblas_core_level(const std::string& core);
// The fastest core this CPU can run ("Cooperlake", "SkylakeX", "Haswell", "Sandybridge"),
// "" for none of those.
std::string best_openblas_core(const CpuFeatures& cpu);

struct BlasChoice {
  std::string set_core;  // OPENBLAS_CORETYPE to start again with; "" to keep what runs
  std::string warning;   // "" or one line for the user
};
// picked: OpenBLAS's own choice (openblas_get_corename); pinned: the user's
// OPENBLAS_CORETYPE, which is always respected, with a warning when it names slower
// kernels than the CPU runs. Without a pin, kernels slower than the CPU's best are
// replaced by the best.
BlasChoice choose_openblas_core(const CpuFeatures& cpu, const std::string& picked,
                                const std::optional<std::string>& pinned);

// How a crossrank process learns that it was started again by crossrank (apps' main):
// kBlasRestarted is "switched" (OPENBLAS_CORETYPE set to the best core, kBlasPicked holding
// OpenBLAS's own choice) or "failed" (the switched kernels got a test product wrong and
// OpenBLAS's choice is back).
inline constexpr const char* kBlasRestarted = "CROSSRANK_BLAS_RESTARTED";
inline constexpr const char* kBlasPicked = "CROSSRANK_BLAS_PICKED";
// The line to tell the user about the kernels in use, "" for none: a pin slower than the
// CPU's best, or a switch that failed its check.
std::string blas_warning(const CpuFeatures& cpu, const std::string& running);

// Checks the sgemm crossrank calls against a plain loop on one small product; false when
// they disagree (the kernels compute wrong results on this CPU). True when there is no
// sgemm_ to check.
bool sgemm_agrees_with_loop();

}  // namespace crossrank
