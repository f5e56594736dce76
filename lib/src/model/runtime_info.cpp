#include "crossrank/runtime_info.hpp"

#include <dlfcn.h>
#include <torch/torch.h>

#include <climits>
#include <cstdlib>
#include <string>


namespace crossrank {

namespace {

// The library whose sgemm_ libtorch's calls bind to (the first in global lookup order),
// resolved through Debian's alternatives symlinks.
std::string sgemm_provider() {
  void* sgemm = dlsym(RTLD_DEFAULT, "sgemm_");
  Dl_info where{};
  if (!sgemm || !dladdr(sgemm, &where) || !where.dli_fname) return "";
  char resolved[PATH_MAX];
  return realpath(where.dli_fname, resolved) ? resolved : where.dli_fname;
}

}  // namespace

RuntimeInfo runtime_info() {
  RuntimeInfo info;
  info.libtorch_version = TORCH_VERSION;
  info.threads = at::get_num_threads();
  const std::string parallel = at::get_parallel_info();
  const std::string marker = "ATen parallel backend: ";
  const auto at_marker = parallel.find(marker);
  info.parallel_backend = at_marker == std::string::npos
                              ? "unknown"
                              : parallel.substr(at_marker + marker.size(),
                                                parallel.find('\n', at_marker) - at_marker - marker.size());
  info.cuda_available = torch::cuda::is_available();
  __builtin_cpu_init();
  info.cpu_bf16 = __builtin_cpu_supports("avx512bf16");

  const std::string path = sgemm_provider();
  using ConfigFn = char* (*)();
  auto openblas_config = reinterpret_cast<ConfigFn>(dlsym(RTLD_DEFAULT, "openblas_get_config"));
  if (path.empty()) {
    info.blas = "none found";
  } else if (path.find("openblas") != std::string::npos) {
    info.blas = openblas_config ? "OpenBLAS (" + std::string(openblas_config()) + ")" : "OpenBLAS";
  } else if (path.find("mkl") != std::string::npos) {
    info.blas = "Intel MKL";
  } else {
    // Debian's netlib reference BLAS lives in .../blas/libblas.so.3.
    info.reference_blas = path.find("/blas/") != std::string::npos;
    info.blas = info.reference_blas ? "netlib reference BLAS" : "unknown BLAS";
  }
  if (!path.empty()) info.blas += " at " + path;
  info.blas_core = openblas_corename();
  return info;
}

std::string openblas_corename() {
  using NameFn = char* (*)();
  auto corename = reinterpret_cast<NameFn>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  if (!corename || sgemm_provider().find("openblas") == std::string::npos) return "";
  return corename();
}

}  // namespace crossrank
