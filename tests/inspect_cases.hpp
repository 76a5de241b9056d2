// inspect()'s table of cases: a file's first bytes, and the facts that must
// come of them. decide_test runs it; the fuzzer starts its corpus from it.
// Include after src/inspect.hpp.
#pragma once

#include <string>
#include <vector>

#include "elf_bytes.hpp"

namespace {

struct InspectCase {
  const char* behaviour;
  std::string bytes;
  Head::Kind kind;
  unsigned machine = 0;
  std::string interpreter = {};
  std::string argument = {};
  bool carriage_return = false;
  bool line_too_long = false;
  uint64_t interpreter_offset = 0, interpreter_size = 0;  // a PT_INTERP past the bytes: where to read it
  uint64_t table_offset = 0, table_size = 0;              // program headers past the bytes: where to read them
};

// A table reads best as written: a case to an entry.
// clang-format off
const std::vector<InspectCase>& inspect_cases() {
  using namespace elf_bytes;
  static const std::string long_line = "#!/" + std::string(300, 'x');
  static const std::string cut_line = "#!/bin/echo " + std::string(300, 'a');
  static const std::string edge_line = "#!/" + std::string(252, 'p') + " " + std::string(40, 'q');
  auto nul = [](const std::string& before, const std::string& after) { return before + '\0' + after; };
  static const std::vector<InspectCase> table = {
      {"a static x86_64 program: its CPU, no interpreter", file(x86_64), Head::elf, x86_64},
      {"a dynamically linked aarch64 program names its loader", file(aarch64, "/lib/ld-linux-aarch64.so.1"),
       Head::elf, aarch64, "/lib/ld-linux-aarch64.so.1"},
      {"a 32-bit ELF is read with 32-bit fields", file(i386, "/lib/ld-linux.so.2", false), Head::elf, i386,
       "/lib/ld-linux.so.2"},
      {"a big-endian ELF is read in its byte order", file(ppc64, "/lib64/ld64.so.1", true, true), Head::elf, ppc64,
       "/lib64/ld64.so.1"},
      {"a PT_INTERP after another program header is found e_phentsize further", file(x86_64, "/lib/ld.so", true, false, 2, 0, 1),
       Head::elf, x86_64, "/lib/ld.so"},
      {"a PT_INTERP after two program headers of a 32-bit ELF is found", file(i386, "/lib/ld-linux.so.2", false, false, 2, 0, 2),
       Head::elf, i386, "/lib/ld-linux.so.2"},
      {"a PT_INTERP after another program header of a big-endian ELF is found", file(ppc64, "/lib64/ld64.so.1", true, true, 2, 0, 1),
       Head::elf, ppc64, "/lib64/ld64.so.1"},
      {"a CPU without a name keeps its number", file(riscv), Head::elf, riscv},
      {"an ELF header cut short is unreadable", file(x86_64).substr(0, 30), Head::unreadable},
      {"the magic alone is unreadable", "\177ELF", Head::unreadable},
      {"program headers past the bytes are to be read where they lie, whole", file(x86_64, "/lib/ld.so").replace(32, 1, "\xf0"),
       Head::elf, x86_64, "", "", false, false, 0, 0, 240, 56},
      {"a program header table ending at the last byte given is read from them", file(x86_64, "/lib/ld.so", true, false, 2, 0, 0, 1024 - 64 - 56).substr(0, 1024),
       Head::elf, x86_64, "", "", false, false, 1024, 11},
      {"a program header table ending one byte past the bytes given is to be read where it lies, whole", file(x86_64, "/lib/ld.so", true, false, 2, 0, 0, 1024 - 64 - 55).substr(0, 1024),
       Head::elf, x86_64, "", "", false, false, 0, 0, 969, 56},
      {"a program header table of 64 KiB, Linux's most, is to be read", file(x86_64, "/lib/ld.so").replace(56, 2, "\x92\x04"),
       Head::elf, x86_64, "", "", false, false, 0, 0, 64, 1170 * 56},
      {"a program header table one entry past 64 KiB is no program, as Linux refuses it", file(x86_64, "/lib/ld.so").replace(56, 2, "\x93\x04"),
       Head::other},
      {"a 32-bit program header table of 64 KiB is to be read", file(i386, "/lib/ld-linux.so.2", false).replace(44, 2, std::string("\x00\x08", 2)),
       Head::elf, i386, "", "", false, false, 0, 0, 52, 65536},
      {"a 32-bit program header table one entry past 64 KiB is no program", file(i386, "/lib/ld-linux.so.2", false).replace(44, 2, "\x01\x08"),
       Head::other},
      {"an ELF file without program headers is no program, as Linux refuses it", file(x86_64).replace(56, 1, std::string(1, '\0')),
       Head::other},
      {"program headers one byte shorter than Linux's make no program", file(x86_64, "/lib/ld.so").replace(54, 1, "\x37"),
       Head::other},
      {"program headers one byte longer than Linux's make no program", file(x86_64, "/lib/ld.so").replace(54, 1, "\x39"),
       Head::other},
      {"a 32-bit ELF with 64-bit program headers is no program", file(i386, "/lib/ld-linux.so.2", false).replace(42, 1, "\x38"),
       Head::other},
      {"a shared object (ET_DYN) is read as a program", file(x86_64, "/lib/ld.so", true, false, 3), Head::elf, x86_64, "/lib/ld.so"},
      {"an ELF file of no type is no program, as Linux starts none", file(x86_64, "/lib/ld.so", true, false, 0), Head::other},
      {"a relocatable ELF file (ET_REL) is no program, as Linux starts none", file(x86_64, "/lib/ld.so", true, false, 1), Head::other},
      {"a core file (ET_CORE) is no program, as Linux starts none", file(x86_64, "/lib/ld.so", true, false, 4), Head::other},
      {"a big-endian ELF's type is read in its byte order", file(ppc64, "/lib64/ld64.so.1", true, true, 0x200), Head::other},
      {"a PT_INTERP pointing past the bytes is to be read where it lies", file(x86_64, "/lib/ld.so").replace(72, 1, "\xff"),
       Head::elf, x86_64, "", "", false, false, 255, 11},
      {"a PT_INTERP running past the bytes is to be read where it lies", file(x86_64, "/lib/ld.so").replace(96, 1, "\xff"),
       Head::elf, x86_64, "", "", false, false, 120, 255},
      {"an ELF header whose last field read ends at the last byte given is read, its program headers to be read where they lie", file(x86_64, "/lib/ld.so").substr(0, 58),
       Head::elf, x86_64, "", "", false, false, 0, 0, 64, 56},
      {"an ELF header one byte shorter is unreadable", file(x86_64, "/lib/ld.so").substr(0, 57), Head::unreadable},
      {"a program header table not wholly within the bytes given is to be read where it lies, whole", file(x86_64, "/lib/ld.so").substr(0, 64 + 55),
       Head::elf, x86_64, "", "", false, false, 0, 0, 64, 56},
      {"a PT_INTERP of 4,096 bytes, Linux's most, past the bytes is to be read", file(x86_64, "/lib/ld.so").replace(96, 2, std::string("\x00\x10", 2)),
       Head::elf, x86_64, "", "", false, false, 120, 4096},
      {"a PT_INTERP of 4,097 bytes is unreadable, as Linux refuses it", file(x86_64, "/lib/ld.so").replace(96, 2, std::string("\x01\x10", 2)),
       Head::unreadable},
      {"a PT_INTERP ending at the last byte given is read from them", file(x86_64, "/lib/ld.so", true, false, 2, 1024 - 131),
       Head::elf, x86_64, "/lib/ld.so"},
      {"a PT_INTERP ending one byte past the bytes given is to be read where it lies", file(x86_64, "/lib/ld.so", true, false, 2, 1024 - 130).substr(0, 1024),
       Head::elf, x86_64, "", "", false, false, 1024 - 10, 11},
      {"a PT_INTERP whose last byte is no NUL is unreadable, as Linux refuses it", file(x86_64, "/lib/ld.so").replace(96, 1, "\x0a"),
       Head::unreadable},
      {"a PT_INTERP of one byte, its NUL, is unreadable, as Linux refuses it",
       file(x86_64, "/lib/ld.so").replace(72, 1, "\x82").replace(96, 1, "\x01"), Head::unreadable},
      {"a PT_INTERP of two bytes, the shortest Linux takes, names one byte", file(x86_64, "/").replace(96, 1, "\x02"),
       Head::elf, x86_64, "/"},
      {"an empty PT_INTERP is unreadable", file(x86_64, "/lib/ld.so").replace(96, 1, std::string(1, '\0')),
       Head::unreadable},
      {"a '#!' line names its interpreter", "#!/bin/sh\necho\n", Head::script, 0, "/bin/sh"},
      {"one blank before the interpreter and one before the argument are dropped", "#! /bin/sh -e\n", Head::script, 0,
       "/bin/sh", "-e"},
      {"a '#!' line's one argument is the rest of it", "#!/usr/bin/env node\n", Head::script, 0, "/usr/bin/env",
       "node"},
      {"blanks around the interpreter and argument are dropped", "#! \t/bin/bash  -e -x \t\nrest", Head::script, 0,
       "/bin/bash", "-e -x"},
      {"a '#!' line ending in CR: Windows line endings, the CR part of the interpreter", "#!/bin/sh\r\necho\r\n",
       Head::script, 0, "/bin/sh\r", "", true},
      {"with an argument, the CR ends the argument", "#!/usr/bin/env node\r\n", Head::script, 0, "/usr/bin/env",
       "node\r", true},
      {"a '#!' line without a newline ends with the file", "#!/bin/sh", Head::script, 0, "/bin/sh"},
      {"a '#!' line whose interpreter's path does not end within the 256 bytes Linux reads is too long", long_line,
       Head::script, 0, long_line.substr(2, 253), "", false, true},
      {"a '#!' line past 256 bytes whose interpreter's path ends in them is cut at its 255th byte", cut_line,
       Head::script, 0, "/bin/echo", std::string(243, 'a')},
      {"a blank at the 256th byte still ends the interpreter's path", edge_line, Head::script, 0,
       "/" + std::string(252, 'p')},
      {"a '#!' line of exactly 255 bytes and its newline fits", "#!/" + std::string(252, 'y') + "\n", Head::script, 0,
       "/" + std::string(252, 'y')},
      {"a NUL ends the interpreter's path, with no argument then", nul("#!/bin/echo", " x\n"), Head::script, 0,
       "/bin/echo"},
      {"a NUL ends the argument", nul("#!/bin/echo a", "b\n"), Head::script, 0, "/bin/echo", "a"},
      {"a NUL ends the argument with the blanks before it: Linux trims only the line's last ones",
       nul("#!/bin/sh -x ", " \n"), Head::script, 0, "/bin/sh", "-x "},
      {"a carriage return before the line's last blanks ends the argument: Linux trims the blanks",
       "#!/usr/bin/env node\r \n", Head::script, 0, "/usr/bin/env", "node\r", true},
      {"a carriage return before the line's last blanks ends a lone interpreter", "#!/bin/sh\r\t\n", Head::script, 0,
       "/bin/sh\r", "", true},
      {"a carriage return before the NUL that ends the interpreter is handed on", nul("#!/bin/sh\r", "x\n"),
       Head::script, 0, "/bin/sh\r", "", true},
      {"a carriage return after the NUL that ends the interpreter is not handed on", nul("#!/bin/sh", "\r\n"),
       Head::script, 0, "/bin/sh"},
      {"a '#!' line past 256 bytes whose interpreter's path ends at a NUL in them is cut at its 255th byte",
       nul("#!/" + std::string(40, 'n'), std::string(300, 'z')), Head::script, 0, "/" + std::string(40, 'n')},
      {"a NUL at the 256th byte still ends the interpreter's path", nul("#!/" + std::string(252, 'p'), std::string(40, 'q')),
       Head::script, 0, "/" + std::string(252, 'p')},
      {"a NUL at the 257th byte is past what Linux reads: the path is too long",
       nul("#!/" + std::string(253, 'p'), std::string(40, 'q')), Head::script, 0, "/" + std::string(252, 'p'), "",
       false, true},
      {"a '#!' line of exactly 256 bytes without a newline is cut at its 255th byte",
       "#!/bin/echo " + std::string(244, 'a'), Head::script, 0, "/bin/echo", std::string(243, 'a')},
      {"a '#!' line of 255 bytes without a newline is whole", "#!/bin/echo " + std::string(243, 'a'), Head::script,
       0, "/bin/echo", std::string(243, 'a')},
      {"a '#!' line of exactly 256 bytes whose path does not end in them is too long", "#!/" + std::string(253, 'x'),
       Head::script, 0, "/" + std::string(252, 'x'), "", false, true},
      {"a '#!' line of 256 blanks names no path that ends within them: Linux refuses it", "#!" + std::string(254, ' '),
       Head::script, 0, "", "", false, true},
      {"a path of one byte right after '#!', then blanks to the 256th byte, ends within them",
       "#!a" + std::string(253, ' '), Head::script, 0, "a"},
      {"a '#!' line that a file under 256 bytes ends keeps its last blanks: Linux's trim meets the NUL padding",
       "#!/bin/sh -x \t", Head::script, 0, "/bin/sh", "-x \t"},
      {"a carriage return before blanks that end a file under 256 bytes is no line ending", "#!/x \r\t ",
       Head::script, 0, "/x", "\r\t "},
      {"a file of 255 bytes whose '#!' line it ends keeps the line's last blanks",
       "#!/bin/echo " + std::string(241, 'a') + "  ", Head::script, 0, "/bin/echo", std::string(241, 'a') + "  "},
      {"a file of 256 bytes is cut at its 255th byte and the line's last blanks trimmed",
       "#!/bin/echo " + std::string(242, 'a') + "  ", Head::script, 0, "/bin/echo", std::string(242, 'a')},
      {"an interpreter then blanks that end a file under 256 bytes: no argument is seen (Linux hands on an empty one)",
       "#!/bin/sh  ", Head::script, 0, "/bin/sh"},
      {"a '#!' line of blanks that ends a file names nothing", "#!  \t", Head::script},
      {"a NUL right after '#!' names no interpreter (Linux opens the empty path, and says EACCES)",
       nul("#!", "/bin/sh\n"), Head::script},
      {"a NUL after '#!' and a blank names no interpreter", nul("#! ", "x\n"), Head::script},
      {"a '#!' line naming nothing", "#!\n", Head::script},
      {"a script without '#!' is neither", "echo hello\n", Head::other},
      {"an empty file is neither", "", Head::other},
      {"'#' alone is neither", "#", Head::other},
  };
  return table;
}
// clang-format on

}  // namespace
