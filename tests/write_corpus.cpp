// Writes the unit tests' tables of cases as the fuzzers' starting corpora,
// one file per case in directories made afresh: for fuzz_decide, the first
// byte is how many of the NUL-separated fields that follow are arguments, the
// rest the environment; for fuzz_inspect, a file's bytes as they are.
#include "../src/decide.hpp"
#include "../src/inspect.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "decide_cases.hpp"
#include "inspect_cases.hpp"

namespace {

bool write(const std::string& path, const std::string& input) {
  std::ofstream file(path, std::ios::binary);
  file << input;
  return static_cast<bool>(file);
}

bool fresh_directory(const char* path) {
  std::error_code error;
  std::filesystem::remove_all(path, error);
  return std::filesystem::create_directories(path, error);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: write_corpus DECIDE_DIRECTORY INSPECT_DIRECTORY\n");
    return 2;
  }
  if (!fresh_directory(argv[1]) || !fresh_directory(argv[2])) {
    std::fprintf(stderr, "write_corpus: cannot make %s and %s\n", argv[1], argv[2]);
    return 1;
  }
  int decide_count = 0, inspect_count = 0;
  for (const Case& c : cases()) {
    std::string input(1, static_cast<char>(c.args.size()));
    for (const Strings* fields : {&c.args, &c.env})
      for (const std::string& field : *fields) input += field + '\0';
    if (!write(std::string(argv[1]) + "/case-" + std::to_string(decide_count++), input)) {
      std::fprintf(stderr, "write_corpus: cannot write into %s\n", argv[1]);
      return 1;
    }
  }
  for (const InspectCase& c : inspect_cases()) {
    if (!write(std::string(argv[2]) + "/case-" + std::to_string(inspect_count++), c.bytes)) {
      std::fprintf(stderr, "write_corpus: cannot write into %s\n", argv[2]);
      return 1;
    }
  }
  std::printf("fuzz: corpus of %d decide() and %d inspect() unit-test cases\n", decide_count, inspect_count);
  return 0;
}
