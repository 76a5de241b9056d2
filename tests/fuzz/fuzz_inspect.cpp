// libFuzzer target, under ASan and UBSan: inspect() over any bytes, with its
// promises checked: every fact it gives points inside the bytes, and a '#!'
// line's facts stay within what Linux reads of it.
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
  }
  if (head.kind == Head::elf || head.kind == Head::unreadable) require(starts_with(bytes, "\177ELF"));
  if (head.kind != Head::elf) require(head.machine == 0);
  return 0;
}
