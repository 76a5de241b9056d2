// What the first bytes of a file say about starting it: ELF class, byte
// order, type, CPU, program headers (or where to read them) and PT_INTERP;
// a '#!' line's interpreter, argument, carriage return and length. Pure:
// bytes in, facts out; it trusts no offset or length in them. Reading the
// file is diagnose.hpp's business.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "text.hpp"

namespace {

constexpr size_t head_size = 1024;     // holds an ordinary program's headers and its PT_INTERP
constexpr size_t shebang_limit = 256;  // what Linux (5.1 on) reads of a '#!' line: BINPRM_BUF_SIZE

struct Head {
  // other: neither a program nor a script, as Linux tells them; unreadable:
  // an ELF file whose headers lie or are cut short
  enum Kind { other, elf, script, unreadable } kind = other;
  unsigned machine = 0;          // ELF e_machine
  string_view interpreter;       // ELF PT_INTERP, or the '#!' line's program; empty when none
  string_view argument;          // the '#!' line's one argument
  bool carriage_return = false;  // what Linux hands on of a '#!' line ends in '\r': Windows line endings
  bool line_too_long = false;    // the interpreter's path does not end within what Linux reads
  bool program = false;          // an ELF executable (ET_EXEC, or one with an interpreter), not a library
  // A program header table, or a PT_INTERP, that does not lie wholly within
  // the bytes given (the kernel reads each wherever it lies, and the whole
  // table): where to read it, and how many bytes; 0 when there is none.
  uint64_t table_offset = 0, table_size = 0;
  uint64_t interpreter_offset = 0, interpreter_size = 0;
};

constexpr uint64_t interpreter_size_limit = 4096;  // Linux refuses a longer PT_INTERP (PATH_MAX), or one under 2
constexpr uint64_t table_size_limit = 65536;       // Linux refuses a larger program header table, or an empty one

// The path in a PT_INTERP's bytes, as Linux takes it: up to its first NUL,
// with a NUL as their last byte, or Linux refuses the program (false).
bool interpreter_in(string_view bytes, string_view& path) {
  if (bytes.empty() || bytes.back() != '\0') return false;
  path = first(bytes, bytes.find('\0'));
  return true;
}

// An unsigned field of an ELF file, or false when it lies past the bytes.
bool elf_field(string_view bytes, uint64_t offset, size_t size, bool big_endian, uint64_t& value) {
  if (offset > bytes.size() || bytes.size() - offset < size) return false;
  value = 0;
  for (size_t i = 0; i < size; ++i)
    value |= uint64_t(static_cast<unsigned char>(bytes[offset + i])) << 8 * (big_endian ? size - 1 - i : i);
  return true;
}

// as_interpreter: the file is loaded as a program's ELF interpreter, and
// the kernel reads no PT_INTERP of its own (whatever it says). table: the
// program header table, read where the bytes given said it lies.
Head inspect_elf(string_view bytes, bool as_interpreter, string_view table) {
  Head head, lying;
  head.kind = Head::elf;
  lying.kind = Head::unreadable;
  bool wide = bytes.size() > 4 && bytes[4] == 2;  // ELFCLASS64
  bool big = bytes.size() > 5 && bytes[5] == 2;   // ELFDATA2MSB
  size_t word = wide ? 8 : 4;
  uint64_t file_type, machine, table_at, entry_size, count;
  if (!elf_field(bytes, 16, 2, big, file_type) || !elf_field(bytes, 18, 2, big, machine) ||
      !elf_field(bytes, wide ? 32 : 28, word, big, table_at) || !elf_field(bytes, wide ? 54 : 42, 2, big, entry_size) ||
      !elf_field(bytes, wide ? 56 : 44, 2, big, count))
    return lying;
  // Linux starts no other ELF file than an executable or a shared object
  // whose program headers are of its own size, at least one and at most 64
  // KiB of them (no overflow: each factor is below 2^16; an empty table's
  // size less 1 wraps round): any other is no program.
  if ((file_type != 2 && file_type != 3) || entry_size != (wide ? 56 : 32) ||
      count * entry_size - 1 >= table_size_limit)
    return {};
  head.machine = static_cast<unsigned>(machine);
  const uint64_t table_size = count * entry_size;
  if (table.empty()) {
    if (table_at > bytes.size() || table_size > bytes.size() - table_at) {
      head.table_offset = table_at;
      head.table_size = table_size;
      return head;
    }
    table = string_view(bytes.data() + table_at, table_size);
  }
  for (uint64_t at = 0; at < table.size() && !as_interpreter; at += entry_size) {
    // Each field lies within its entry, which is of Linux's size.
    uint64_t type = 0, offset = 0, size = 0;
    elf_field(table, at, 4, big, type);
    if (type != 3) continue;  // PT_INTERP
    elf_field(table, at + word, word, big, offset);
    elf_field(table, at + 4 * word, word, big, size);
    if (size < 2 || size > interpreter_size_limit) return lying;
    if (offset > bytes.size() || size > bytes.size() - offset) {
      head.interpreter_offset = offset;
      head.interpreter_size = size;
    } else if (!interpreter_in(string_view(bytes.data() + offset, size), head.interpreter)) {
      return lying;
    }
    break;
  }
  // A static position-independent program (ET_DYN, no interpreter) looks like a library here.
  head.program = file_type == 2 || !head.interpreter.empty() || head.interpreter_size != 0;
  return head;
}

// A '#!' line as Linux reads it: its last blanks trimmed, the interpreter is
// the first word, the one argument the rest less its first blanks; '\r' is
// no blank. Linux hands both on as C strings: a NUL ends the interpreter's
// path (with no argument then) or the argument. A line that a file shorter
// than Linux's buffer ends keeps its last blanks: the buffer's NUL padding
// is what Linux's trim meets.
Head inspect_script(string_view bytes) {
  Head head;
  head.kind = Head::script;
  string_view line = first(bytes, shebang_limit);
  size_t end = line.find('\n');
  if (end == string_view::npos && bytes.size() >= shebang_limit) {
    // Linux cuts a line it did not see end at its 255th byte and runs it,
    // unless the interpreter's path itself may have been cut: nothing but
    // blanks, or no blank (or NUL) after the path, within the bytes it read.
    size_t path = line.find_first_not_of(" \t", 2);
    head.line_too_long =
        path == string_view::npos || line.find_first_of(string_view(" \t\0", 3), path) == string_view::npos;
    line = first(line, shebang_limit - 1);
  }
  bool padded = end == string_view::npos && bytes.size() < shebang_limit;
  line = string_view(line.data() + 2, (end == string_view::npos ? line.size() : end) - 2);
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!line.empty() && blank(line.front())) line.remove_prefix(1);
  while (!padded && !line.empty() && blank(line.back())) line.remove_suffix(1);
  size_t word = 0;
  while (word < line.size() && !blank(line[word]) && line[word] != '\0') ++word;
  head.interpreter = first(line, word);
  if (word < line.size()) {  // a blank or a NUL ends the path: after a NUL, the argument comes out empty
    line.remove_prefix(word);
    while (!line.empty() && blank(line.front())) line.remove_prefix(1);
    head.argument = first(line, line.find('\0'));
  }
  string_view last = head.argument.empty() ? head.interpreter : head.argument;
  head.carriage_return = !last.empty() && last.back() == '\r';
  return head;
}

// Whether an ELF file's first bytes say it is for a CPU other than machine
// (an e_machine of a 64-bit little-endian CPU, as both Lambda's are): one of
// another class or byte order is for another CPU (or ABI) too. false where
// they are too few to say.
bool built_for_other_cpu(string_view bytes, unsigned machine) {
  uint64_t its_machine = 0;
  return starts_with(bytes, "\177ELF") && elf_field(bytes, 18, 2, false, its_machine) &&
         (bytes[4] != 2 || bytes[5] != 1 || its_machine != machine);
}

Head inspect(string_view bytes, bool as_interpreter = false, string_view table = {}) {
  if (starts_with(bytes, "\177ELF")) return inspect_elf(bytes, as_interpreter, table);
  if (starts_with(bytes, "#!")) return inspect_script(bytes);
  return {};
}

// npm's own commands, told by a path's last part: npx and npm, and the CLI
// files their links point to (npm/bin/npx-cli.js). Started as the runtime,
// npm stays resident as its parent and starts it with /bin/sh -c.
[[gnu::noinline]] bool is_npm_command(string_view path) {
  string_view name = base_name(path);
  for (string_view command : {"npx", "npm", "npx-cli.js", "npm-cli.js"})
    if (name == command) return true;
  return false;
}

// The program a '#!' line whose interpreter is env makes env look up in
// PATH, from the line's one argument: the whole argument where it is no
// option (the kernel hands it on as one word, blanks and all, and env runs
// it as one name); after coreutils' -S, which splits the rest, its first
// word that is no NAME=VALUE. Empty where that is the script itself (no
// argument, or only assignments: the kernel hands env the script's path
// last), or where env would look it up otherwise than in the runtime's PATH
// (another option, a PATH=... of its own); neither is judged here.
string_view env_operand(string_view argument) {
  if (!starts_with(argument, "-")) return argument.find('=') == string_view::npos ? argument : string_view();
  if (!starts_with(argument, "-S")) return {};
  argument.remove_prefix(2);
  for (string_view word; next_word(argument, word);) {
    if (word[0] == '-' || starts_with(word, "PATH=")) return {};
    if (word.find('=') == string_view::npos) return word;
  }
  return {};
}

// "A program for" the CPU an ELF machine number stands for, as people say it.
const char* program_for(unsigned machine) {
  switch (machine) {
    case 62: return "an x86_64 program";
    case 183: return "an aarch64 program";
    case 3: return "a 32-bit x86 program";
    case 40: return "a 32-bit ARM program";
    default: return nullptr;
  }
}

}  // namespace
