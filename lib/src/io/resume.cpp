// rerank --resume: what a killed run left in its output.
#include <filesystem>
#include <fstream>

#include "crossrank/error.hpp"
#include "crossrank/jsonl.hpp"
#include "crossrank/output.hpp"
#include "crossrank/requests.hpp"

namespace crossrank {

std::unordered_set<std::string> prepare_resume(const std::string& path, OutputFormat format) {
  std::unordered_set<std::string> done;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(path)) return done;
    throw IoError("--resume: cannot read " + path);
  }
  const bool jsonl = format == OutputFormat::jsonl;
  size_t offset = 0, keep = 0, last_start = 0, number = 0;
  std::string line, last_qid;
  while (std::getline(in, line)) {
    if (in.eof()) break;  // no "\n": the line a killed run left half written
    ++number;
    const size_t start = offset;
    offset += line.size() + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (is_blank(line)) continue;
    // Built only for an error: an output may have millions of lines.
    auto where = [&] { return "--resume: " + path + " line " + std::to_string(number); };
    if (!jsonl && line[0] == '{') {
      throw InputError(where() + " is JSON, not --format " + to_string(format) +
                       ": give the format the file was written in");
    }
    std::optional<std::string> qid;
    try {
      qid = written_qid(line, format);
    } catch (const InputError& e) {
      throw InputError(where() + ": " + e.what());
    }
    if (!qid) throw InputError(where() + ": no \"qid\" (string or integer)");
    if (jsonl) {
      done.insert(*qid);
      keep = offset;
      continue;
    }
    if (*qid != last_qid) {
      if (!last_qid.empty()) done.insert(last_qid);
      last_qid = *qid;
      last_start = start;
    }
  }
  // trec/tsv: the last query's lines may be incomplete, so it is done again.
  if (!jsonl) keep = last_start;
  in.close();
  std::error_code ec;
  if (std::filesystem::file_size(path, ec) != keep) {
    std::filesystem::resize_file(path, keep, ec);
    if (ec) throw IoError("--resume: cannot cut " + path + " back to its complete queries: " + ec.message());
  }
  return done;
}

}  // namespace crossrank
