// Hand-made ELF files for the tests: just a header for a CPU and, when an
// interpreter is named, one PT_INTERP program header pointing at it (after
// a gap, if asked); an
// executable (ET_EXEC) unless another type is given.
#pragma once

#include <string>

namespace elf_bytes {

constexpr unsigned x86_64 = 62, aarch64 = 183, i386 = 3, ppc64 = 21, riscv = 243;

// gap: bytes between the program header and the interpreter's path, which
// move PT_INTERP that far into the file.
inline std::string file(unsigned machine, const std::string& interpreter = "", bool wide = true,
                        bool big_endian = false, unsigned type = 2, size_t gap = 0) {
  const size_t header = wide ? 64 : 52, entry = wide ? 56 : 32, word = wide ? 8 : 4;
  std::string bytes(header + (interpreter.empty() ? 0 : entry), '\0');
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
  put(wide ? 32 : 28, word, header);  // e_phoff
  put(wide ? 52 : 40, 2, header);     // e_ehsize
  put(wide ? 54 : 42, 2, entry);      // e_phentsize
  if (!interpreter.empty()) {
    put(wide ? 56 : 44, 2, 1);                             // e_phnum
    put(header, 4, 3);                                     // PT_INTERP
    put(header + word, word, header + entry + gap);        // p_offset
    put(header + 4 * word, word, interpreter.size() + 1);  // p_filesz
    bytes += std::string(gap, '\0') + interpreter + '\0';
  }
  return bytes;
}

}  // namespace elf_bytes
