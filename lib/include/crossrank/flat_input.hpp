#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crossrank/jsonl.hpp"
#include "crossrank/requests.hpp"

// `rerank --flat`: search-log rows, one (query, candidate) per line,
//   {"qid": ..., "query": "...", "docid": ..., "text": "...", "label": ..., ...}
// grouped into the rerank requests the rest of crossrank reads (docs/cli.md#flat-input).
namespace crossrank {

class QidLines;

class FlatGroups final : public LineSource {
 public:
  // group_all: read every row first and group rows of a qid wherever they are (memory grows
  // with the input); otherwise rows of a qid form one query while they are consecutive, and
  // a qid whose rows come back after another qid's is a bad row (every finished qid is
  // remembered: 24 to 48 bytes plus the qid's length each). documents: the fields that belong
  // to each document besides id, text and label (--doc-fields, --with-title's "title");
  // ConfigError for "all", "qid" or "query", which a row cannot split from its query.
  explicit FlatGroups(LineSource& rows, bool group_all, const DocumentOptions& documents = {});
  ~FlatGroups() override;

  // The next query as a rerank record ({"qid", "query", ..., "docs": [...]}), handed over
  // parsed; line_number() is its first row's. Throws BadLine for a row that is not a flat
  // row, or whose qid ended before (streaming); calling again goes on after it, in the same
  // query.
  bool next_record(std::string& line, std::optional<Json>& record) override;
  // The same record as a line of text (for readers of lines).
  bool next(std::string& line) override;
  size_t line_number() const override { return line_number_; }
  // Streaming: the input's position after the last row of the query next() returned last.
  // --group-all: 0 (the whole input is read before the first query).
  uint64_t position() const override { return position_; }
  size_t lines_read() const override { return in_.lines_read(); }

  size_t rows() const { return rows_; }

 private:
  struct Group {
    size_t first_line = 0;
    std::string qid;  // id_text
    Json record;      // the first row's query-level fields
    Json docs = Json::array();
  };

  // A row parsed once: its text and line stay for the errors that name it.
  struct Row {
    std::string raw;
    size_t line = 0;
    std::string qid;
    Json fields;
  };

  std::optional<Group> read_group();  // streaming
  void read_all();                    // group_all
  static Row parse(std::string raw, size_t line);  // throws BadLine
  // Adds the row to group (or starts it); throws BadLine.
  void add_row(Row& row, std::optional<Group>& group, bool* other_qid);

  bool is_doc_key(const std::string& key) const;

  LineSource& in_;
  bool group_all_;
  std::vector<std::string> doc_keys_;
  std::unique_ptr<QidLines> finished_;  // streaming: every qid begun, with its first row's line
  size_t line_number_ = 0;
  uint64_t position_ = 0;
  size_t rows_ = 0;
  std::optional<Group> open_;                            // streaming: the query being read
  std::optional<Row> held_;                              // a row of the next query
  std::deque<Group> grouped_;                            // group_all
  std::deque<BadLine> errors_;                           // group_all: bad rows, in order
  bool read_ = false;
};

}  // namespace crossrank
