// The answer of a program --check asks a question (python_client.hpp,
// node_client.hpp): one of the question's letters on a line of its own, then
// the lines to print; and the exit code a cold start meets for each letter.
// Pure: no system call, no allocation.
#pragma once

#include <string_view>

#include "names.hpp"
#include "text.hpp"

namespace {

// A question's letters: all it may answer, and those naming a fault a cold
// start would meet, by that fault's exit code (any other is none).
struct AnswerLetters {
  string_view all, misuse, not_found, cannot_run;
};

// lines: all that follows the letter (its last newline dropped); kind is
// '\0' where the answer is not of that form.
struct Answer {
  char kind = '\0';
  string_view lines;
};

Answer read_answer(string_view said, string_view letters) {
  Answer read;
  if (said.size() < 2 || said[1] != '\n' || letters.find(said[0]) == string_view::npos) return read;
  read.kind = said[0];
  said.remove_prefix(2);
  if (ends_with(said, "\n")) said.remove_suffix(1);
  read.lines = said;
  return read;
}

// 0 where the letter names no fault, and for no answer ('\0').
int exit_code_of(char kind, const AnswerLetters& letters) {
  if (letters.misuse.find(kind) != string_view::npos) return exit_misuse;
  if (letters.not_found.find(kind) != string_view::npos) return exit_not_found;
  if (letters.cannot_run.find(kind) != string_view::npos) return exit_cannot_run;
  return 0;
}

}  // namespace
