#pragma once

// Running the crossrank binary from Catch tests, as users and scripts do.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace crossrank::test {

struct Result {
  int code;  // the exit status, or 128 + the signal that ended the process
  std::string out;
  std::string err;
  std::vector<nlohmann::json> lines() const;  // stdout, one JSON value per line
};

std::string slurp(const std::filesystem::path& p);

// Runs `ENV crossrank ARGS < input` through the shell.
Result run(const std::string& args, const std::string& input = "", const std::string& env = "");

// "-m tests/data/models/NAME " (tiny-bert by default).
std::string model_arg(const std::string& name = "tiny-bert");

}  // namespace crossrank::test
