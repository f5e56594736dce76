// The tokenizer factory: chooses which files of a bundle to load.
#include "base/json_file.hpp"
#include "crossrank/logging.hpp"
#include "loaders.hpp"

namespace crossrank {

namespace fs = std::filesystem;

namespace {

// The native files of a bundle, in the order slow HF tokenizers would be tried.
enum class Native { none, sentencepiece, byte_bpe, vocab_txt };
struct NativeFile {
  Native kind = Native::none;
  fs::path file;  // the file errors are named after
};

NativeFile find_native(const fs::path& dir) {
  for (const char* name : {"sentencepiece.bpe.model", "spm.model", "spiece.model"}) {
    if (fs::exists(dir / name)) return {Native::sentencepiece, dir / name};
  }
  if (fs::exists(dir / "vocab.json") && fs::exists(dir / "merges.txt")) {
    return {Native::byte_bpe, dir / "vocab.json"};
  }
  if (fs::exists(dir / "vocab.txt")) return {Native::vocab_txt, dir / "vocab.txt"};
  return {};
}

std::unique_ptr<Tokenizer> load_native(const NativeFile& native, const fs::path& dir,
                                       const Family& family) {
  return with_file_errors(native.file, [&]() -> std::unique_ptr<Tokenizer> {
    switch (native.kind) {
      case Native::sentencepiece: return load_sentencepiece(native.file, family);
      case Native::byte_bpe: return load_byte_bpe(dir, family);
      case Native::vocab_txt: return load_vocab_txt(dir, family);
      case Native::none: break;
    }
    return nullptr;
  });
}

}  // namespace

namespace {

// family() is only asked when native files are loaded.
template <typename FamilyFn>
std::unique_ptr<Tokenizer> load_from(const fs::path& bundle_dir, FamilyFn family) {
  const fs::path tokenizer_json = bundle_dir / "tokenizer.json";
  const NativeFile native = find_native(bundle_dir);
  if (fs::exists(tokenizer_json)) {
    try {
      return with_file_errors(tokenizer_json, [&] { return load_tokenizer_json(tokenizer_json); });
    } catch (const Unsupported& e) {
      if (native.kind == Native::none) throw;
      log::warn(std::string(e.what()) + "; using the native tokenizer files instead");
    }
  }
  if (native.kind != Native::none) return load_native(native, bundle_dir, family());
  throw ModelError("no tokenizer in " + bundle_dir.string() +
                   ": expected tokenizer.json, vocab.txt, vocab.json + merges.txt or a "
                   "SentencePiece .model (see docs/models.md)");
}

}  // namespace

std::unique_ptr<Tokenizer> load_tokenizer(const fs::path& bundle_dir) {
  return load_from(bundle_dir, [&] { return read_family(bundle_dir); });
}

std::unique_ptr<Tokenizer> load_tokenizer(const fs::path& bundle_dir, const std::string& model_type,
                                          const nlohmann::json& tokenizer_config) {
  return load_from(bundle_dir, [&] { return Family{model_type, tokenizer_config}; });
}

}  // namespace crossrank
