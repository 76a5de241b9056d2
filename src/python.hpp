// --check of what `python -m awslambdaric HANDLER` loads first: the client
// itself and the handler's module, found as that interpreter finds them
// for Lambda's user, in the working directory a run has. The question and
// the reading of its answer are python_client.hpp's; the interpreter is started
// by ask.hpp's ask(), with this environment.
#pragma once

#include <unistd.h>
#include <cstddef>
#include <string_view>

#include "ask.hpp"
#include "memory.hpp"
#include "names.hpp"
#include "output.hpp"
#include "python_client.hpp"

namespace {

// The client and the handler of a command the interpreter python (found,
// and judged able to start) runs: the question's line, and the exit code a
// cold start meets (0 where it finds both).
[[gnu::noinline]] int check_python_client(const char* python, const PythonClient& client) {
  // python FLAG... -c QUESTION PYTHON [HANDLER]
  const char** argv = static_cast<const char**>(allocate((client.flag_count + 6) * sizeof(char*)));
  if (argv == nullptr) return 0;
  argv[0] = python;
  for (size_t i = 0; i < client.flag_count; ++i) argv[i + 1] = client.flags[i];
  argv[client.flag_count + 1] = "-c";
  argv[client.flag_count + 2] = python_question;
  argv[client.flag_count + 3] = python;
  argv[client.flag_count + 4] = client.handler;
  char buffer[4096];
  string_view said;
  int status;
  Answer answer;
  // Its stderr (a warning at its start, a .pth line it cannot read) is shown, not taken for the answer.
  if (ask(python, argv, environ, getuid() == 0, false, buffer, said, status))
    answer = read_answer(said, python_answers);
  const char kind = answer.kind;
  int code = kind == 'm' || kind == 'b'   ? exit_misuse
             : kind == 'c' || kind == 'n' ? exit_not_found
             : kind == 'u' || kind == 's' ? exit_cannot_run
                                          : 0;
  // An interpreter that is not CPython's, or one too old for the question.
  if (kind == '\0') tell_no_answer(python, "awslambdaric and the handler", said);
  tell_answer(answer.lines, code == 0 ? STDOUT_FILENO : STDERR_FILENO);
  return code;
}

// The bytecode of the function's Python code as the runtime's interpreter
// python (with the command's flags, if any) judges it for Lambda's user: the
// question's lines on stdout, a note where some of it would be compiled at
// every cold start, an ok line where none would. A cost, not a failure:
// nothing to return.
[[gnu::noinline]] void check_python_bytecode(const char* python, char* const* flags, size_t flag_count) {
  // python FLAG... -c QUESTION PYTHON
  const char** argv = static_cast<const char**>(allocate((flag_count + 5) * sizeof(char*)));
  if (argv == nullptr) return;
  argv[0] = python;
  for (size_t i = 0; i < flag_count; ++i) argv[i + 1] = flags[i];
  argv[flag_count + 1] = "-c";
  argv[flag_count + 2] = bytecode_question;
  argv[flag_count + 3] = python;
  char buffer[4096];
  string_view said;
  int status;
  Answer answer;
  if (ask(python, argv, environ, getuid() == 0, false, buffer, said, status))
    answer = read_answer(said, bytecode_answers);
  if (answer.kind == '\0') tell_no_answer(python, "the bytecode of the function's code", said);
  tell_answer(answer.lines, STDOUT_FILENO);
}

}  // namespace
