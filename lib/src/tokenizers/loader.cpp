// The tokenizer factory: chooses which files of a bundle to load.
#include "../json_file.hpp"
#include "crossrank/logging.hpp"
#include "loaders.hpp"

namespace crossrank {

namespace fs = std::filesystem;

namespace {

// Malformed files surface as nlohmann or std::sto* exceptions deep in the loaders: one
// place turns them into a ModelError naming the file.
template <typename Load>
std::unique_ptr<Tokenizer> load_checked(const fs::path& file, Load load) {
  try {
    return load();
  } catch (const Error&) {
    throw;
  } catch (const nlohmann::json::exception& e) {
    throw ModelError(file.string() + ": unexpected structure: " + e.what());
  } catch (const std::logic_error& e) {
    throw ModelError(file.string() + ": unexpected value: " + e.what());
  }
}

// The native files of a bundle, in the order slow HF tokenizers would be tried; null
// when there are none.
std::unique_ptr<Tokenizer> load_native(const fs::path& dir, const Family& family) {
  for (const char* name : {"sentencepiece.bpe.model", "spm.model", "spiece.model"}) {
    const fs::path file = dir / name;
    if (fs::exists(file)) return load_checked(file, [&] { return load_sentencepiece(file, family); });
  }
  if (fs::exists(dir / "vocab.json") && fs::exists(dir / "merges.txt")) {
    return load_checked(dir / "vocab.json", [&] { return load_byte_bpe(dir, family); });
  }
  if (fs::exists(dir / "vocab.txt")) {
    return load_checked(dir / "vocab.txt", [&] { return load_vocab_txt(dir, family); });
  }
  return nullptr;
}

bool has_native(const fs::path& dir) {
  for (const char* name : {"sentencepiece.bpe.model", "spm.model", "spiece.model", "vocab.txt"}) {
    if (fs::exists(dir / name)) return true;
  }
  return fs::exists(dir / "vocab.json") && fs::exists(dir / "merges.txt");
}

}  // namespace

std::unique_ptr<Tokenizer> load_tokenizer(const fs::path& bundle_dir) {
  const fs::path tokenizer_json = bundle_dir / "tokenizer.json";
  if (fs::exists(tokenizer_json)) {
    try {
      return load_checked(tokenizer_json, [&] { return load_tokenizer_json(tokenizer_json); });
    } catch (const Unsupported& e) {
      if (!has_native(bundle_dir)) throw;
      log::warn(std::string(e.what()) + "; using the native tokenizer files instead");
    }
  }
  const Family family = read_family(bundle_dir);
  if (auto tokenizer = load_native(bundle_dir, family)) return tokenizer;
  throw ModelError("no tokenizer in " + bundle_dir.string() +
                   ": expected tokenizer.json, vocab.txt, vocab.json + merges.txt or a "
                   "SentencePiece .model (see docs/models.md)");
}

}  // namespace crossrank
