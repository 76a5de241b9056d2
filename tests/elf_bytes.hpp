// Hand-made ELF files for the tests: just a header for a CPU and its program
// headers: when an interpreter is named, one PT_INTERP pointing at it (after
// a gap, if asked; after empty program headers, if asked), else one empty
// one; an executable (ET_EXEC) unless another type is given. And the reading of a real 64-bit
// ELF file's headers, for the tests that look into one (Catch2 checks that
// each lies within the file).
#pragma once

#include <elf.h>
#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <cstring>
#include <string>

namespace elf_bytes {

constexpr unsigned x86_64 = 62, aarch64 = 183, i386 = 3, ppc64 = 21, riscv = 243;

// gap: bytes between the program headers and the interpreter's path, which
// move PT_INTERP that far into the file; empty_entries: PT_NULL program
// headers before the PT_INTERP one, which a reader must step over (a file
// without an interpreter has one at least: Linux starts no ELF file without
// program headers); table_gap: bytes between the ELF header and the program
// headers, which move them (and all after them) that far into the file.
inline std::string file(unsigned machine, const std::string& interpreter = "", bool wide = true,
                        bool big_endian = false, unsigned type = 2, size_t gap = 0, size_t empty_entries = 0,
                        size_t table_gap = 0) {
  const size_t header = wide ? 64 : 52, entry = wide ? 56 : 32, word = wide ? 8 : 4;
  const size_t entries = interpreter.empty() ? std::max<size_t>(empty_entries, 1) : empty_entries + 1;
  const size_t table = header + table_gap;
  std::string bytes(table + entries * entry, '\0');
  auto put = [&](size_t offset, size_t size, unsigned long long value) {
    for (size_t i = 0; i < size; ++i)
      bytes[offset + (big_endian ? size - 1 - i : i)] = static_cast<char>((value >> (8 * i)) & 0xff);
  };
  bytes.replace(0, 4, "\177ELF");
  bytes[4] = wide ? 2 : 1;        // class
  bytes[5] = big_endian ? 2 : 1;  // byte order
  bytes[6] = 1;                   // version
  put(16, 2, type);               // ET_EXEC by default; 3 is ET_DYN
  put(18, 2, machine);
  put(20, 4, 1);
  put(wide ? 32 : 28, word, table);  // e_phoff
  put(wide ? 52 : 40, 2, header);    // e_ehsize
  put(wide ? 54 : 42, 2, entry);     // e_phentsize
  put(wide ? 56 : 44, 2, entries);   // e_phnum
  if (!interpreter.empty()) {
    const size_t interp = table + empty_entries * entry;      // the PT_NULL entries are all zero
    put(interp, 4, 3);                                        // PT_INTERP
    put(interp + word, word, table + entries * entry + gap);  // p_offset
    put(interp + 4 * word, word, interpreter.size() + 1);     // p_filesz
    bytes += std::string(gap, '\0') + interpreter + '\0';
  }
  return bytes;
}

// The T that lies at offset in bytes, which must hold all of it.
template <class T>
T read_at(const std::string& bytes, size_t offset) {
  REQUIRE(offset + sizeof(T) <= bytes.size());
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}

// Where a 64-bit ELF file's program header number i lies.
inline size_t program_header_offset(const Elf64_Ehdr& header, size_t i) {
  return header.e_phoff + i * header.e_phentsize;
}

}  // namespace elf_bytes
