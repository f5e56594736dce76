#pragma once

#include <filesystem>

namespace crossrank {

// Checks that `file` is a whole, undamaged TorchScript archive before libtorch reads it.
// A TorchScript model.pt is a zip file (PyTorch's PyTorchStreamWriter: entries stored, not
// compressed); libtorch checks no CRC, so damaged weights would load and score wrongly, and
// a short or wrong file gives libtorch's obscure zip errors. This reads the whole file once
// and checks the zip structure (zip32 and zip64) and every entry's CRC-32 (inflating deflated
// entries). Throws ModelError naming the file and what to do for: a git-lfs pointer, an
// empty file, a file that is not a zip archive, a truncated file, a damaged zip structure,
// and an entry whose CRC does not match (named, e.g. `model/data/3`); IoError when the file
// cannot be opened or read.
void verify_model_archive(const std::filesystem::path& file);

}  // namespace crossrank
