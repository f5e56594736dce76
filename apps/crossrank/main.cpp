// crossrank: rerank (query, document) pairs with a cross-encoder, from the shell.
// Exit codes (docs/errors.md): 0 ok, 1 internal, 2 usage/config, 3 bad input,
// 4 model, 5 I/O; ended by SIGINT (130), SIGTERM (143) or SIGPIPE (141).
#include <malloc.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

#include "common.hpp"
#include "crossrank/cpu.hpp"
#include "crossrank/error.hpp"
#include "crossrank/interrupt.hpp"
#include "crossrank/logging.hpp"
#include "crossrank/runtime_info.hpp"

namespace {

// Starts the process again with OPENBLAS_CORETYPE set when OpenBLAS runs slower kernels
// than the CPU supports and the user pinned none (crossrank::choose_openblas_core); the
// new process checks the kernels on a test product and, if they are wrong, starts once more
// with OpenBLAS's own choice. Only if exec works; before anything is read or written.
void restart_with_faster_blas(char** argv) {
  using namespace crossrank;
  const char* restarted = std::getenv(kBlasRestarted);
  if (restarted) {
    const char* picked = std::getenv(kBlasPicked);
    if (std::string(restarted) != "switched" || !picked || sgemm_agrees_with_loop()) return;
    setenv("OPENBLAS_CORETYPE", picked, 1);
    setenv(kBlasRestarted, "failed", 1);
    execv("/proc/self/exe", argv);
    return;
  }
  const std::string picked = openblas_corename();
  if (picked.empty()) return;
  const char* pin = std::getenv("OPENBLAS_CORETYPE");
  const BlasChoice choice = choose_openblas_core(detect_cpu_features(), picked,
                                                 pin ? std::optional<std::string>(pin) : std::nullopt);
  if (choice.set_core.empty()) return;
  setenv("OPENBLAS_CORETYPE", choice.set_core.c_str(), 1);
  setenv(kBlasRestarted, "switched", 1);
  setenv(kBlasPicked, picked.c_str(), 1);
  execv("/proc/self/exe", argv);
  unsetenv("OPENBLAS_CORETYPE");  // exec failed: go on with the kernels already loaded
  unsetenv(kBlasRestarted);
}

// A model's activations are megabytes per batch. glibc serves blocks that large with
// mmap and returns freed heap tops to the kernel, so each op's output was mapped, faulted
// in page by page and unmapped again, batch after batch: 12% of CPU scoring time on the
// MiniLM fixture (docs/performance.md). Keep such memory in the process instead.
void keep_large_allocations() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's maximum
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace crossrank;
  restart_with_faster_blas(argv);
  keep_large_allocations();
  // A closed output pipe ends the process quietly (status 141), even when the parent
  // ignored SIGPIPE: no error message for `| head`.
  std::signal(SIGPIPE, SIG_DFL);
  std::ios::sync_with_stdio(false);

  CLI::App app{"crossrank: cross-encoder reranking for JSONL pipelines"};
  app.set_version_flag("--version", "crossrank 0.1.0");
  app.require_subcommand(1);
  std::string log_level = "info";
  bool quiet = false;
  cli::add_rerank_command(app);
  cli::add_score_command(app);
  cli::add_tokenize_command(app);
  cli::add_info_command(app);
  cli::add_bench_command(app);
  cli::add_eval_command(app);
  // The global options, before or after the subcommand, and in every subcommand's --help.
  auto add_global_options = [&](CLI::App& on) {
    on.add_option("--log-level", log_level, "trace | debug | info | warn | error | off")
        ->capture_default_str()
        ->group("Global options");
    on.add_flag("-q,--quiet", quiet, "Only errors, and the count of skipped bad lines, on stderr")
        ->group("Global options");
  };
  add_global_options(app);
  for (CLI::App* cmd : app.get_subcommands({})) add_global_options(*cmd);
  app.parse_complete_callback([&] {
    log::set_level(quiet ? log::Level::error : log::parse_level(log_level));
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    if (code == 0) return 0;  // --help, --version
    cli::hint_for_extras(app);  // a file without -i, a bundle without -m
    return 2;
  } catch (const Interrupted& e) {
    // Everything finished is written: end by the signal, as the shell expects of Ctrl-C.
    std::cerr << "crossrank: " << e.what() << std::endl;
    std::signal(e.signal(), SIG_DFL);
    std::raise(e.signal());
    return e.exit_code();
  } catch (const Error& e) {
    std::cerr << "crossrank: error: " << e.what() << std::endl;
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "crossrank: error: internal: " << e.what() << std::endl;
    return 1;
  }
  return 0;
}
