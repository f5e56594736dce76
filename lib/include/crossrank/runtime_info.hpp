#pragma once

#include <string>

namespace crossrank {

// What the process runs on, for `crossrank info` and start-up warnings.
struct RuntimeInfo {
  std::string libtorch_version;
  std::string blas;             // library path or name of the BLAS libtorch calls
  bool reference_blas = false;  // netlib's reference BLAS: ~30x slower than OpenBLAS
  int threads = 0;
  std::string parallel_backend;
  bool cuda_available = false;
  bool cpu_bf16 = false;  // AVX-512 BF16: without it, bf16 products on the CPU are emulated
  std::string blas_core;  // openblas_corename()
};
RuntimeInfo runtime_info();

// The kernels OpenBLAS runs (openblas_get_corename, e.g. "Cooperlake"); "" when the BLAS
// libtorch calls is not OpenBLAS. cpu.hpp chooses better ones.
std::string openblas_corename();

}  // namespace crossrank
