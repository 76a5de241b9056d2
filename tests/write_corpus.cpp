// Writes the unit tests' table of cases as the fuzzer's starting corpus, one
// file per case in a directory made afresh, in fuzz_decide's input format: the first byte is how many
// of the NUL-separated fields that follow are arguments; the rest is the
// environment.
#include "../entry.cpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "decide_cases.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: write_corpus DIRECTORY\n");
    return 2;
  }
  std::error_code error;
  std::filesystem::remove_all(argv[1], error);
  if (!std::filesystem::create_directories(argv[1], error)) {
    std::fprintf(stderr, "write_corpus: cannot make %s\n", argv[1]);
    return 1;
  }
  int written = 0;
  for (const Case& c : cases()) {
    std::string input(1, static_cast<char>(c.args.size()));
    for (const Strings* fields : {&c.args, &c.env})
      for (const std::string& field : *fields) input += field + '\0';
    std::ofstream file(std::string(argv[1]) + "/case-" + std::to_string(written++), std::ios::binary);
    file << input;
    if (!file) {
      std::fprintf(stderr, "write_corpus: cannot write into %s\n", argv[1]);
      return 1;
    }
  }
  std::printf("fuzz: corpus of %d unit-test cases\n", written);
  return 0;
}
