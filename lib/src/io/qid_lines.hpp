#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace crossrank {

// The qids of the queries `rerank --flat` has finished, each with the line its rows began on.
// A log holds millions of qids: their bytes go to one arena and their entries to one
// open-addressing table (at most 70% full), so remembering a qid allocates nothing of its
// own (a node-based map cost 3 s per million qids, most of it in malloc). 24 to 48 bytes per
// qid plus its length; twice that while the table grows.
class QidLines {
 public:
  // The line qid was added with; 0 when it was not added.
  size_t find(std::string_view qid) const {
    if (slots_.empty()) return 0;
    const uint64_t hash = std::hash<std::string_view>()(qid);
    for (size_t i = hash & mask(); slots_[i].line != 0; i = (i + 1) & mask()) {
      if (slots_[i].hash == static_cast<uint32_t>(hash) && text(slots_[i]) == qid) return slots_[i].line;
    }
    return 0;
  }

  // Adds a qid that find() does not know; line > 0.
  void add(std::string_view qid, size_t line) {
    if (qid.size() > UINT32_MAX) return;  // no real qid is 4 GiB long: such a one is not remembered
    if (10 * (count_ + 1) > 7 * slots_.size()) grow();
    const uint64_t hash = std::hash<std::string_view>()(qid);
    place({static_cast<uint32_t>(hash), static_cast<uint32_t>(qid.size()), arena_.size(), line}, hash);
    arena_.append(qid);
    ++count_;
  }

 private:
  struct Slot {
    uint32_t hash = 0;    // the low bits of the qid's hash, to skip most comparisons
    uint32_t length = 0;
    uint64_t offset = 0;  // of the qid's bytes in arena_
    uint64_t line = 0;    // 0: empty
  };

  size_t mask() const { return slots_.size() - 1; }
  std::string_view text(const Slot& s) const { return std::string_view(arena_).substr(s.offset, s.length); }

  void place(const Slot& slot, uint64_t hash) {
    size_t i = hash & mask();
    while (slots_[i].line != 0) i = (i + 1) & mask();
    slots_[i] = slot;
  }

  void grow() {
    std::vector<Slot> old(std::max<size_t>(1024, 2 * slots_.size()));
    old.swap(slots_);
    for (const Slot& s : old) {
      if (s.line != 0) place(s, std::hash<std::string_view>()(text(s)));
    }
  }

  std::string arena_;
  std::vector<Slot> slots_;  // a power of two in size
  size_t count_ = 0;
};

}  // namespace crossrank
