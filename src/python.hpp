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

constexpr const char* python_places_fix =
    ": COPY the handler's file into the working directory (WORKDIR) or the directory PYTHONPATH names, or name it "
    "as it lies there (dir/app.handler for dir/app.py)";

// The client and the handler of a command the interpreter python (found,
// and judged able to start) runs: a line, and the exit code a cold start
// meets (0 where it finds both).
[[gnu::noinline]] int check_python_client(const char* python, const PythonClient& client) {
  // The client is found before the handler is read, as python -m does:
  // the interpreter is asked about the handler only where its shape is sound.
  const char* handler = client.handler != nullptr ? client.handler : "";
  HandlerShape shape = client.handler != nullptr ? handler_shape(handler) : HandlerShape::sound;
  // python FLAG... -c QUESTION HANDLER
  const char** argv = static_cast<const char**>(allocate((client.flag_count + 5) * sizeof(char*)));
  if (argv == nullptr) return 0;
  argv[0] = python;
  for (size_t i = 0; i < client.flag_count; ++i) argv[i + 1] = client.flags[i];
  argv[client.flag_count + 1] = "-c";
  argv[client.flag_count + 2] = python_question;
  argv[client.flag_count + 3] = shape == HandlerShape::sound ? handler : "";
  char buffer[4096];
  string_view said;
  int status;
  Answer answer;
  // Its stderr (a warning at its start, a .pth line it cannot read) is shown, not taken for the answer.
  if (ask(python, argv, environ, getuid() == 0, false, buffer, said, status))
    answer = read_answer(said, python_answers);
  int code = answer.kind == 'b'                         ? exit_misuse
             : answer.kind == 'c' || answer.kind == 'n' ? exit_not_found
             : answer.kind == 'u' || answer.kind == 's' ? exit_cannot_run
                                                        : 0;
  if (answer.kind == 'a' && client.handler != nullptr) {
    Output err(STDERR_FILENO);
    err.about(handler, "handler ")
        << (shape == HandlerShape::no_dot ? "awslambdaric needs MODULE.FUNCTION, with a '.' between them"
                                          : "its module is empty or relative, which awslambdaric cannot import")
        << " (Runtime.MalformedHandlerName): name it as app.handler for the function handler in app.py\n";
    return exit_misuse;
  }
  Output line(code == 0 ? STDOUT_FILENO : STDERR_FILENO);
  switch (answer.kind) {
    case 'a':
      line.about(answer.first) << "ok, the runtime client awslambdaric, as Lambda's user's " << python
                               << " finds it (the command gives no handler to judge)\n";
      break;
    case 'o':
      line.about(handler, "handler ") << "ok, its module is ";
      line.quoted(answer.first) << ", as Lambda's user's " << python
                                << " finds it (the function in it is not looked for: that would run the module)\n";
      break;
    case 'c':
      line.about(python) << "Lambda's user's " << python
                         << " finds no module named awslambdaric, so -m awslambdaric fails at once";
      if (!answer.first.empty()) {
        line << ": it is installed for another Python, in ";
        line.quoted(answer.first) << ": install it with this one (" << python << " -m pip install awslambdaric)\n";
      } else {
        line << ": install it for this Python (" << python
             << " -m pip install awslambdaric), into its site-packages or a directory PYTHONPATH names\n";
      }
      break;
    case 'b':
      line.about(handler, "handler ") << "its module, " << answer.first << ", is one built into " << python
                                      << " (Runtime.BuiltInModuleConflict): rename the handler's file\n";
      break;
    case 'n':
      line.about(handler, "handler ") << "Lambda's user's " << python << " finds no module " << answer.first
                                      << " (Runtime.ImportModuleError), looking in " << answer.rest << python_places_fix
                                      << "\n";
      break;
    case 'u':
      line.about(answer.first) << "Lambda's user cannot read it, and importing the handler " << handler
                               << " reads it: RUN chmod o+r on it (o+x on a directory), or COPY it with --chmod\n";
      break;
    case 's':
      line.about(answer.first) << "importing the handler " << handler << ", " << python
                               << " cannot load it: " << answer.rest << "\n";
      break;
    default:
      // An interpreter that is not CPython's, or one too old for the question.
      line.about(python) << "note: it gave no answer on awslambdaric and the handler, which are not judged: ";
      line.quoted(first(said, 200)) << "\n";
  }
  return code;
}

}  // namespace
