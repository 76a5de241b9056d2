// --check of a Python runtime: what `python -m awslambdaric HANDLER` loads
// first (the client itself and the handler's module), and the bytecode of
// the function's code, as that interpreter finds them for Lambda's user, in
// the working directory a run has. The questions and their letters are
// python_client.hpp's; ask.hpp's ask_interpreter() asks and tells.
// System calls: those of ask.hpp, and allocate()'s.
#pragma once

#include <unistd.h>
#include <cstddef>

#include "ask.hpp"
#include "memory.hpp"
#include "python_client.hpp"

namespace {

// python FLAG... -c QUESTION PYTHON [WORD] (allocate()'s memory is zeroed:
// argv ends with a null).
const char** python_question_argv(const char* python, char* const* flags, size_t flag_count, const char* question,
                                  const char* word) {
  const char** argv = static_cast<const char**>(allocate((flag_count + 6) * sizeof(char*)));
  if (argv == nullptr) exit_out_of_memory();
  argv[0] = python;
  for (size_t i = 0; i < flag_count; ++i) argv[i + 1] = flags[i];
  argv[flag_count + 1] = "-c";
  argv[flag_count + 2] = question;
  argv[flag_count + 3] = python;
  argv[flag_count + 4] = word;
  return argv;
}

// The client and the handler of a command the interpreter python (found,
// and judged able to start) runs: the question's lines, and the exit code a
// cold start meets (0 where it finds both).
int check_python_client(const char* python, const PythonClient& client) {
  const char** argv = python_question_argv(python, client.flags, client.flag_count, python_question, client.handler);
  return ask_interpreter(python, argv, environ, python_answers, "awslambdaric and the handler");
}

// The bytecode of the function's Python code as the runtime's interpreter
// python (with the command's flags, if any) judges it for Lambda's user: the
// question's lines on stdout, a note where some of it would be compiled at
// every cold start, an ok line where none would. A cost, not a failure:
// nothing to return.
void check_python_bytecode(const char* python, char* const* flags, size_t flag_count) {
  const char** argv = python_question_argv(python, flags, flag_count, bytecode_question, nullptr);
  ask_interpreter(python, argv, environ, bytecode_answers, "the bytecode of the function's code");
}

}  // namespace
