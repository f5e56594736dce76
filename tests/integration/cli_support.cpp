#include "cli_support.hpp"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "support.hpp"

namespace crossrank::test {

std::vector<nlohmann::json> Result::lines() const {
  std::vector<nlohmann::json> rows;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) rows.push_back(nlohmann::json::parse(line));
  return rows;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

Result run(const std::string& args, const std::string& input, const std::string& env) {
  static TempDir dir;
  const auto in = dir.write("stdin", input);
  const auto out = dir.path() / "stdout";
  const auto err = dir.path() / "stderr";
  const std::string cmd = env + " " + std::string(CROSSRANK_BINARY) + " " + args + " < " + in.string() + " > " +
                          out.string() + " 2> " + err.string();
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), slurp(out), slurp(err)};
}

std::string model_arg(const std::string& name) {
  return "-m " + (data_dir() / "models" / name).string() + " ";
}

}  // namespace crossrank::test
