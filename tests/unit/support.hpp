#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace crossrank::test {

inline std::filesystem::path data_dir() { return CROSSRANK_TEST_DATA; }

// Every line of a JSONL file, parsed.
std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& path);

// A fresh empty directory under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

}  // namespace crossrank::test
