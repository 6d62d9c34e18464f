#include "tape_buffer.hpp"

namespace edgepg::bindings {

void TapeBuffer::reset() {
  words.clear();
  numbers.clear();
  arena.clear();
  arena_slots.clear();
}

void TapeBuffer::seal() {
  const auto base = address_of(arena.data());
  for (auto slot : arena_slots) words[slot] += base;
  arena_slots.clear();
}

void TapeBuffer::arena_string(std::string_view s) {
  arena_slots.push_back(words.size());
  words.push_back(static_cast<std::uint32_t>(arena.size()));
  words.push_back(static_cast<std::uint32_t>(s.size()));
  arena.append(s);
}

void TapeBuffer::text(std::uint32_t tag, std::string_view s, bool stable) {
  words.push_back(tag);
  if (stable) {
    words.push_back(address_of(s.data()));
    words.push_back(static_cast<std::uint32_t>(s.size()));
  } else {
    arena_string(s);
  }
}

void TapeBuffer::numbers_cell(std::uint32_t tag, std::initializer_list<double> values) {
  words.insert(words.end(), {tag, static_cast<std::uint32_t>(numbers.size()), 0});
  numbers.insert(numbers.end(), values);
}

void TapeBuffer::rollback(const Mark& m) {
  words.resize(m.words);
  numbers.resize(m.numbers);
  arena_slots.resize(m.slots);
}

}  // namespace edgepg::bindings
