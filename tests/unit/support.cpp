#include "support.hpp"

#include <fstream>
#include <random>
#include <stdexcept>

namespace crossrank::test {

std::shared_ptr<const Tokenizer> bert_tokenizer() {
  static const std::shared_ptr<const Tokenizer> tokenizer = load_tokenizer(bert_vocab_dir());
  return tokenizer;
}

std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  std::vector<nlohmann::json> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
  }
  return rows;
}

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() / ("crossrank-test-" + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& content) const {
  const auto p = path_ / name;
  std::ofstream out(p, std::ios::binary);
  out << content;
  return p;
}

void copy_without_tokenizer_json(const std::filesystem::path& src, const TempDir& dir) {
  for (const auto& entry : std::filesystem::directory_iterator(src)) {
    if (entry.path().filename() != "tokenizer.json") {
      std::filesystem::copy_file(entry.path(), dir.path() / entry.path().filename());
    }
  }
}

}  // namespace crossrank::test
