#pragma once

// Every fixture tokenizer of tests/data, loaded once per process: each bundle as
// load_tokenizer picks it (tokenizer.json first), and where a bundle also has native files
// (vocab.txt, vocab.json + merges.txt, a SentencePiece .model), those alone as well.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "crossrank/tokenizer.hpp"
#include "fuzz_support.hpp"

namespace crossrank::fuzz {

struct NamedTokenizer {
  std::string name;
  std::shared_ptr<const Tokenizer> tokenizer;
};

inline const std::vector<NamedTokenizer>& all_tokenizers() {
  static const ScratchDir scratch("fuzz-tokenizers");
  static const std::vector<NamedTokenizer> all = [] {
    quiet();
    const fs::path data = data_dir();
    std::vector<fs::path> bundles = {data / "models" / "tiny-bert", data / "models" / "tiny-roberta",
                                     data / "models" / "tiny-xlmr", data / "models" / "tiny-deberta"};
    for (const char* parent : {"tokenizers", "tokenizers/variants"}) {
      std::vector<fs::path> found;
      for (const auto& e : fs::directory_iterator(data / parent)) {
        if (e.is_directory() && e.path().filename() != "variants") found.push_back(e.path());
      }
      std::sort(found.begin(), found.end());  // a stable order: inputs pick by index
      bundles.insert(bundles.end(), found.begin(), found.end());
    }
    std::vector<NamedTokenizer> out;
    auto load = [&](const fs::path& dir, const std::string& name) {
      try {
        out.push_back({name, load_tokenizer(dir)});
      } catch (const Error& e) {
        fail("fixture " + dir.string() + " does not load: " + e.what());
      }
    };
    for (const auto& dir : bundles) {
      const std::string name = fs::relative(dir, data).string();
      const bool has_json = fs::exists(dir / "tokenizer.json");
      load(dir, name);
      // The same bundle without tokenizer.json, where it has native files.
      bool native = false;
      for (const char* f : {"vocab.txt", "vocab.json", "sentencepiece.bpe.model", "spm.model", "spiece.model"}) {
        native = native || fs::exists(dir / f);
      }
      if (!has_json || !native) continue;
      const fs::path view = scratch.path() / std::to_string(out.size());
      fs::create_directories(view);
      for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().filename() != "tokenizer.json" && e.path().filename() != "model.pt") {
          fs::create_symlink(fs::absolute(e.path()), view / e.path().filename());
        }
      }
      load(view, name + " (native)");
    }
    return out;
  }();
  return all;
}

// Checks what every encoding must satisfy: each id names a token.
inline void check_ids(const NamedTokenizer& t, const std::vector<int32_t>& ids) {
  for (int32_t id : ids) {
    try {
      (void)t.tokenizer->id_to_token(id);
    } catch (const Error& e) {
      fail(t.name + ": encode emitted id " + std::to_string(id) + " that names no token: " + e.what());
    }
  }
}

}  // namespace crossrank::fuzz
