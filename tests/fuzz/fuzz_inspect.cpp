// libFuzzer target, under ASan and UBSan: inspect() over any bytes, with its
// promises checked: every fact it gives points inside the bytes, a '#!'
// line's facts stay within what Linux reads of it and hold no NUL (Linux
// hands them on as C strings), a program header table
// to be read elsewhere is one Linux reads, and an ELF interpreter's own
// PT_INTERP is never read.
#include "../../src/inspect.hpp"

#include <cstdint>

namespace {

void require(bool promise) {
  if (!promise) __builtin_trap();
}

bool inside(string_view part, string_view whole) {
  return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  string_view bytes(reinterpret_cast<const char*>(data), size);
  Head head = inspect(bytes);
  require(inside(head.interpreter, bytes));
  require(inside(head.argument, bytes));
  if (head.kind == Head::script) {
    require(starts_with(bytes, "#!"));
    require(head.interpreter.size() + head.argument.size() <= shebang_limit);
    require(head.interpreter.find('\0') == string_view::npos && head.argument.find('\0') == string_view::npos);
    require(head.interpreter.find_first_of(" \t") == string_view::npos);
  }
  if (head.kind == Head::elf || head.kind == Head::unreadable) require(starts_with(bytes, "\177ELF"));
  if (head.kind != Head::elf) require(head.machine == 0);
  // A program header table to be read where it lies is one Linux would
  // read: at most 64 KiB, and not wholly within the bytes.
  if (head.table_size != 0)
    require(head.kind == Head::elf && head.table_size <= table_size_limit &&
            (head.table_offset > size || head.table_size > size - head.table_offset));
  // Given its table (here, any bytes: the file's own), what it says still
  // points inside the file's bytes, and no table is left to read.
  Head given = inspect(bytes, false, bytes);
  require(inside(given.interpreter, bytes));
  require(given.table_size == 0);
  // Loaded as a program's interpreter, the file's own PT_INTERP is not read:
  // it names nothing, and is not to be read past the bytes.
  Head loaded = inspect(bytes, true);
  if (head.kind == Head::elf || head.kind == Head::unreadable)
    require(loaded.kind == Head::elf || loaded.kind == Head::unreadable);
  else require(loaded.kind == head.kind);
  if (loaded.kind != Head::script) require(loaded.interpreter.empty());
  require(loaded.interpreter_size == 0 && loaded.interpreter_offset == 0);
  if (head.kind == Head::elf && loaded.kind == Head::elf) require(loaded.machine == head.machine);
  return 0;
}
