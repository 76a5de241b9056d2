// The file itself: a static executable for the expected CPU, stripped, and
// within the size budget.
#include <elf.h>
#include <catch2/catch_test_macros.hpp>
#include <cstring>
#include <map>

#include "elf_bytes.hpp"
#include "harness.hpp"

namespace {

constexpr size_t size_budget = 64 * 1024;

const std::map<std::string, int> machine_of = {{"x86_64", EM_X86_64}, {"aarch64", EM_AARCH64}};

}  // namespace

TEST_CASE("the binary is a static ELF for its CPU: no interpreter, no dynamic section, no symbols", "[file]") {
  std::string file = harness::read_file(harness::entrypoint());
  auto header = elf_bytes::read_at<Elf64_Ehdr>(file, 0);
  REQUIRE(std::memcmp(header.e_ident, ELFMAG, SELFMAG) == 0);
  REQUIRE(header.e_ident[EI_CLASS] == ELFCLASS64);
  CHECK(header.e_type == ET_EXEC);
  CHECK(header.e_machine == machine_of.at(harness::entrypoint_arch()));

  std::map<unsigned, int> segments;
  for (unsigned i = 0; i < header.e_phnum; ++i)
    ++segments[elf_bytes::read_at<Elf64_Phdr>(file, elf_bytes::program_header_offset(header, i)).p_type];
  CHECK(segments[PT_INTERP] == 0);   // no dynamic loader to find
  CHECK(segments[PT_DYNAMIC] == 0);  // and so no DT_NEEDED libraries
  CHECK(segments[PT_LOAD] >= 1);

  int symbol_tables = 0;
  for (unsigned i = 0; i < header.e_shnum; ++i) {
    auto section = elf_bytes::read_at<Elf64_Shdr>(file, header.e_shoff + i * header.e_shentsize);
    if (section.sh_type == SHT_SYMTAB || section.sh_type == SHT_DYNSYM) ++symbol_tables;
  }
  CHECK(symbol_tables == 0);
}

TEST_CASE("the stripped binary fits in 64 KiB (65,536 bytes)", "[file]") {
  std::string file = harness::read_file(harness::entrypoint());
  REQUIRE(!file.empty());
  INFO("size: " << file.size() << " bytes");
  CHECK(file.size() <= size_budget);
}
