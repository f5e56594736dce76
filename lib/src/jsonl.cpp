#include "crossrank/jsonl.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "crossrank/error.hpp"

namespace crossrank {

LineReader::LineReader(const std::string& path) : name_(path == "-" ? "<stdin>" : path) {
  if (path == "-") {
    in_ = &std::cin;
    return;
  }
  file_ = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*file_) throw IoError("cannot open input " + path + ": " + std::strerror(errno));
  in_ = file_.get();
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) size_ = std::filesystem::file_size(path, ec);
}

bool LineReader::next(std::string& line) {
  if (!std::getline(*in_, line)) {
    if (in_->bad()) throw IoError("error reading " + name_);
    return false;
  }
  ++line_number_;
  bytes_read_ += line.size() + 1;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line_number_ == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
  return true;
}

LineWriter::LineWriter(const std::string& path, bool append)
    : path_(path), name_(path == "-" ? "<stdout>" : path), append_(append) {
  if (path == "-") {
    out_ = stdout;
    return;
  }
  // Fail now if the file cannot be written, without truncating it yet.
  FILE* probe = std::fopen(path.c_str(), "ab");
  if (!probe) throw IoError("cannot open output " + path + ": " + std::strerror(errno));
  std::fclose(probe);
}

LineWriter::~LineWriter() {
  try {
    // Unwinding from an error before any output must not truncate the file.
    if (out_ || !buffer_.empty()) flush();
  } catch (const Error&) {
    // Destructors must not throw; callers that care call flush() themselves.
  }
  if (out_ && out_ != stdout) std::fclose(out_);
}

void LineWriter::write_line(const std::string& line) {
  buffer_.append(line);
  buffer_.push_back('\n');
  if (buffer_.size() >= (1u << 20)) flush();
}

void LineWriter::flush() {
  if (!out_) {
    out_ = std::fopen(path_.c_str(), append_ ? "ab" : "wb");
    if (!out_) throw IoError("cannot open output " + path_ + ": " + std::strerror(errno));
  }
  if (!buffer_.empty()) {
    const size_t written = std::fwrite(buffer_.data(), 1, buffer_.size(), out_);
    const bool complete = written == buffer_.size();
    buffer_.clear();
    if (!complete) {
      throw IoError("cannot write " + name_ + ": " + std::strerror(errno));
    }
  }
  if (std::fflush(out_) != 0) throw IoError("cannot write " + name_ + ": " + std::strerror(errno));
}

}  // namespace crossrank
