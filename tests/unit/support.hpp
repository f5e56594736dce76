#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crossrank/tokenizer.hpp"

namespace crossrank::test {

inline std::filesystem::path data_dir() { return CROSSRANK_TEST_DATA; }
inline std::filesystem::path bert_vocab_dir() { return data_dir() / "vocab" / "bert-base-uncased"; }
// tests/data/tokenizers/NAME: the fixture tokenizers of every family.
inline std::filesystem::path tokenizer_fixture(const std::string& name) {
  return data_dir() / "tokenizers" / name;
}
// The bert-base-uncased tokenizer (from tokenizer.json), loaded once per test binary.
std::shared_ptr<const Tokenizer> bert_tokenizer();

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

// Copies the files of src except tokenizer.json into dir, so a bundle there loads its
// native tokenizer files.
void copy_without_tokenizer_json(const std::filesystem::path& src, const TempDir& dir);

}  // namespace crossrank::test
