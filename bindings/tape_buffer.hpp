// The tape's storage: the words, the side array of numbers, and the arena that holds copied strings until JS has
// read them. Strings that live in the parser's buffer until the next receive go on the tape by address; others are
// copied into the arena and written as offsets, turned into addresses by seal() once the arena stops growing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace edgepg::bindings {

// A pointer as the 32-bit wasm address JS reads (a native build, e.g. the fuzz targets, truncates: never read).
inline std::uint32_t address_of(const void* p) {
  return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(p));
}

struct TapeBuffer {
  std::vector<std::uint32_t> words;
  std::vector<double> numbers;
  std::string arena;
  std::vector<std::size_t> arena_slots;  // word indexes holding arena offsets

  void reset();
  void seal();
  // Two words: offset (patched by seal) and length.
  void arena_string(std::string_view s);
  // A tag, then the text as two words: by address when `stable` (it outlives the tape), else copied.
  void text(std::uint32_t tag, std::string_view s, bool stable);
  // A cell of numbers: the tag, the index of the first number, 0.
  void numbers_cell(std::uint32_t tag, std::initializer_list<double> values);
  // Where a value begins, to roll a half-written value back.
  struct Mark {
    std::size_t words, numbers, slots;
  };
  [[nodiscard]] Mark mark() const noexcept { return {words.size(), numbers.size(), arena_slots.size()}; }
  void rollback(const Mark& m);
};

}  // namespace edgepg::bindings
