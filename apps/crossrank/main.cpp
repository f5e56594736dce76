// crossrank: rerank (query, document) pairs with a cross-encoder, from the shell.
// Exit codes (docs/errors.md): 0 ok, 1 internal, 2 usage/config, 3 bad input,
// 4 model, 5 I/O.
#include <iostream>

#include "common.hpp"
#include "crossrank/error.hpp"
#include "crossrank/logging.hpp"

int main(int argc, char** argv) {
  using namespace crossrank;
  std::ios::sync_with_stdio(false);

  CLI::App app{"crossrank: cross-encoder reranking for JSONL pipelines"};
  app.set_version_flag("--version", "crossrank 0.1.0");
  app.require_subcommand(1);
  std::string log_level = "info";
  bool quiet = false;
  app.add_option("--log-level", log_level, "trace | debug | info | warn | error | off")
      ->capture_default_str();
  app.add_flag("-q,--quiet", quiet, "Only errors on stderr");
  // Global options may be given before or after the subcommand.
  app.fallthrough();
  app.parse_complete_callback([&] {
    log::set_level(quiet ? log::Level::error : log::parse_level(log_level));
  });
  cli::add_rerank_command(app);
  cli::add_score_command(app);
  cli::add_tokenize_command(app);
  cli::add_info_command(app);
  cli::add_bench_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const Error& e) {
    std::cerr << "crossrank: error: " << e.what() << std::endl;
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "crossrank: error: internal: " << e.what() << std::endl;
    return 1;
  }
  return 0;
}
