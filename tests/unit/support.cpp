#include "support.hpp"

#include <fstream>
#include <random>
#include <vector>
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

namespace {

// Entry by entry rather than std::filesystem::remove_all, which segfaulted in every test
// on the GPU machine's toolchain (GCC in /opt/gcc, scripts/gpu/check.sh).
void remove_tree(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(std::filesystem::symlink_status(path, ec))) {
    std::vector<std::filesystem::path> entries;
    for (const auto& entry : std::filesystem::directory_iterator(path, ec)) entries.push_back(entry.path());
    for (const auto& entry : entries) remove_tree(entry);
  }
  std::filesystem::remove(path, ec);
}

}  // namespace

TempDir::~TempDir() { remove_tree(path_); }

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
