#include <dlfcn.h>
#include <link.h>
#include <torch/torch.h>

#include <climits>
#include <cstdlib>
#include <string>

#include "crossrank/model.hpp"

namespace crossrank {

namespace {

// The resolved path of the loaded libblas.so.3 (Debian's alternatives pick it).
std::string loaded_blas_path() {
  std::string found;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        const std::string name = info->dlpi_name ? info->dlpi_name : "";
        if (name.find("libblas.so") != std::string::npos ||
            name.find("libopenblas") != std::string::npos ||
            name.find("libmkl") != std::string::npos) {
          char resolved[PATH_MAX];
          *static_cast<std::string*>(data) = realpath(name.c_str(), resolved) ? resolved : name;
          return 1;
        }
        return 0;
      },
      &found);
  return found;
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

  using ConfigFn = char* (*)();
  const std::string path = loaded_blas_path();
  if (auto config = reinterpret_cast<ConfigFn>(dlsym(RTLD_DEFAULT, "openblas_get_config"))) {
    info.blas = "OpenBLAS (" + std::string(config()) + ")";
  } else if (dlsym(RTLD_DEFAULT, "mkl_get_version")) {
    info.blas = "Intel MKL";
  } else if (!path.empty()) {
    // Debian's netlib reference BLAS lives in .../blas/libblas.so.3.
    info.reference_blas = path.find("/blas/") != std::string::npos;
    info.blas = info.reference_blas ? "netlib reference BLAS" : "unknown BLAS";
  } else {
    info.blas = "none found";
  }
  if (!path.empty()) info.blas += " at " + path;
  return info;
}

}  // namespace crossrank
