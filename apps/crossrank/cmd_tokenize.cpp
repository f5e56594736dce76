#include "common.hpp"

namespace crossrank::cli {

void add_tokenize_command(CLI::App& app) {
  auto o = std::make_shared<CommonOptions>();
  CLI::App* cmd = app.add_subcommand(
      "tokenize", "Show the token ids the model would receive for each pair (score's input)");
  add_model_options(*cmd, *o);
  add_instruction_option(*cmd, *o);
  add_io_options(*cmd, *o);
  cmd->callback([o] { run_writing_command("tokenize", *o, run_tokenize); });
}

}  // namespace crossrank::cli
