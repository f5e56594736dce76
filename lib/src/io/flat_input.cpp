#include "crossrank/flat_input.hpp"

#include <algorithm>
#include <tuple>
#include <utility>
#include <unordered_map>

#include "crossrank/error.hpp"
#include "crossrank/logging.hpp"
#include "qid_lines.hpp"

namespace crossrank {

namespace {


// The qid and the row as parsed; throws InputError naming the field.
std::pair<std::string, Json> parse_row(const std::string& raw) {
  Json row = parse_json_line(raw);
  if (!row.is_object()) throw InputError("a flat row must be a JSON object");
  const Json* qid = qid_of(row);
  if (!qid) throw InputError("a flat row needs a \"qid\" (string or integer)");
  auto query = row.find("query");
  if (query == row.end() || !query->is_string()) throw InputError("a flat row needs a \"query\" string");
  const size_t texts = static_cast<size_t>(std::count_if(std::begin(kDocTextKeys), std::end(kDocTextKeys), [&](const char* k) {
    return row.contains(k) && row[k].is_string();
  }));
  if (texts != 1) {
    const bool rerank_line = std::any_of(std::begin(kDocListKeys), std::end(kDocListKeys), [&](const char* k) { return row.contains(k); });
    throw InputError(std::string("a flat row needs one \"text\" (or \"contents\", \"passage\") string") +
                     (rerank_line ? ": this is a rerank line (a query with its document list): leave out --flat" : ""));
  }
  return {id_text(*qid), std::move(row)};
}

}  // namespace

FlatGroups::FlatGroups(LineSource& rows, bool group_all, const DocumentOptions& documents)
    : in_(rows), group_all_(group_all), doc_keys_(documents.fields), finished_(std::make_unique<QidLines>()) {
  if (documents.all_fields) {
    throw ConfigError("--doc-fields all does not apply to --flat rows (each row mixes query and document "
                      "fields): name the document fields, e.g. --doc-fields title,url");
  }
  for (const std::string& key : doc_keys_) {
    if (key == "qid" || key == "query") {
      throw ConfigError("--doc-fields " + key + ": with --flat, \"" + key +
                        "\" says which query a row belongs to; it cannot be a document field");
    }
  }
  if (documents.with_title) doc_keys_.push_back("title");
}

FlatGroups::~FlatGroups() = default;

bool FlatGroups::is_doc_key(const std::string& key) const {
  auto in = [&](const auto& keys) { return std::find(std::begin(keys), std::end(keys), key) != std::end(keys); };
  return in(kDocIdKeys) || in(kDocTextKeys) || in(kDocLabelKeys) || in(doc_keys_);
}

FlatGroups::Row FlatGroups::parse(std::string raw, size_t line) {
  Row row;
  try {
    std::tie(row.qid, row.fields) = parse_row(raw);
  } catch (const InputError& e) {
    throw BadLine(line, raw, e.what());
  }
  row.raw = std::move(raw);
  row.line = line;
  return row;
}

void FlatGroups::add_row(Row& parsed, std::optional<Group>& group, bool* other_qid) {
  const std::string& raw = parsed.raw;
  const std::string& qid = parsed.qid;
  const size_t line = parsed.line;
  Json& row = parsed.fields;
  if (group && group->qid != qid) {
    *other_qid = true;
    return;
  }
  if (!group && !group_all_) {
    if (const size_t earlier = finished_->find(qid); earlier != 0) {
      throw BadLine(line, raw, "qid " + qid + " comes back after other qids: its rows from line " +
                                   std::to_string(earlier) +
                                   " on were already ranked as one query. Rows of a qid must be "
                                   "consecutive: sort the rows by qid first (a stable sort keeps each query's candidates in order), or "
                                   "pass --group-all to group rows wherever they are (in memory)");
    }
  }
  ++rows_;
  if (!group) {
    group = Group();  // not emplace(): clang decides Group is not default-constructible inside FlatGroups
    group->first_line = line;
    group->qid = qid;
    group->record = Json::object();
    for (auto& [key, value] : row.items()) {
      if (!is_doc_key(key)) group->record[key] = value;
    }
    if (!group_all_) finished_->add(qid, line);
  } else if (row["query"] != group->record["query"]) {
    --rows_;
    throw BadLine(line, raw, "\"query\" differs from the first row of qid " + qid + " (line " +
                                 std::to_string(group->first_line) + ")");
  }
  Json doc = Json::object();
  for (auto& [key, value] : row.items()) {
    if (is_doc_key(key)) doc[key] = std::move(value);
  }
  group->docs.push_back(std::move(doc));
}

std::optional<FlatGroups::Group> FlatGroups::read_group() {
  std::string raw;
  while (true) {
    const uint64_t before = in_.position();  // before a row that may belong to the next query
    Row row;
    if (held_) {
      row = std::move(*held_);
      held_.reset();
    } else {
      if (!in_.next(raw)) {
        position_ = in_.position();
        return std::exchange(open_, std::nullopt);
      }
      if (is_blank(raw)) continue;
      // A bad row is thrown at once; the query it interrupts goes on if the caller skips it.
      row = parse(std::move(raw), in_.line_number());
    }
    bool other_qid = false;
    add_row(row, open_, &other_qid);
    if (other_qid) {
      held_ = std::move(row);
      position_ = before;
      return std::exchange(open_, std::nullopt);
    }
  }
}

void FlatGroups::read_all() {
  std::unordered_map<std::string, size_t> index;
  std::vector<std::optional<Group>> groups;
  std::string raw;
  while (true) {
    try {
      if (!in_.next(raw)) break;
    } catch (const BadLine& e) {  // over --max-line-bytes
      errors_.push_back(e);
      continue;
    }
    if (is_blank(raw)) continue;
    try {
      Row row = parse(std::move(raw), in_.line_number());
      auto [it, fresh] = index.emplace(row.qid, groups.size());
      if (fresh) groups.emplace_back();
      bool other_qid = false;
      add_row(row, groups[it->second], &other_qid);
    } catch (const BadLine& e) {
      errors_.push_back(e);
    }
  }
  for (auto& g : groups) grouped_.push_back(std::move(*g));
  log::info("--group-all: " + std::to_string(rows_) + " rows grouped into " +
            std::to_string(grouped_.size()) + " queries in memory");
}

bool FlatGroups::next_record(std::string& line, std::optional<Json>& record) {
  std::optional<Group> group;
  if (group_all_) {
    if (!read_) {
      read_all();
      read_ = true;
    }
    if (!errors_.empty()) {
      BadLine e = errors_.front();
      errors_.pop_front();
      throw e;
    }
    if (grouped_.empty()) return false;
    group = std::move(grouped_.front());
    grouped_.pop_front();
  } else {
    group = read_group();
    if (!group) return false;
  }
  group->record["docs"] = std::move(group->docs);
  record = std::move(group->record);
  line.clear();
  line_number_ = group->first_line;
  return true;
}

bool FlatGroups::next(std::string& line) {
  std::optional<Json> record;
  if (!next_record(line, record)) return false;
  line = record->dump();
  return true;
}

}  // namespace crossrank
