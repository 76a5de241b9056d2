// --check of what `node .../aws-lambda-ric [HANDLER]` loads first: the
// client itself and the handler's module, found as that node finds them for
// Lambda's user, in the working directory and with the environment a run
// has. The question is node_client.hpp's; node is started by ask.hpp's
// ask(); the environment is the plan's (command.hpp's fill_env()).
#pragma once

#include <unistd.h>
#include <cstddef>
#include <string_view>

#include "ask.hpp"
#include "command.hpp"
#include "memory.hpp"
#include "names.hpp"
#include "node_client.hpp"
#include "output.hpp"
#include "plan.hpp"

namespace {

// The environment the run gives (the plan's variables filled in), without
// NODE_OPTIONS; null where there is no memory for it.
char** question_environment(const Plan& plan) {
  size_t size = env_size(environ) + plan.assignment_count + 1;
  char** env = static_cast<char**>(allocate(size * sizeof(char*)));
  char* words = static_cast<char*>(allocate(assignments_size(plan)));
  if (env == nullptr || words == nullptr) return nullptr;
  fill_env(plan, environ, words, env);
  char** kept = env;
  for (char** entry = env; *entry != nullptr; ++entry)
    if (value_if_named(*entry, "NODE_OPTIONS") == nullptr) *kept++ = *entry;
  *kept = nullptr;
  return env;
}

// The version's major number (0 where it has none).
int major_version(string_view version) {
  int major = 0;
  for (size_t i = 0; i < version.size() && version[i] >= '0' && version[i] <= '9' && major < 1000; ++i)
    major = major * 10 + (version[i] - '0');
  return major;
}

// Where the version looked for the handler's module, base (the path
// without its extension) and the node_modules of root, and what to do.
void tell_node_places(Output& line, string_view base, string_view root, int major) {
  line.quoted(base) << (major < 3 ? " (with no extension or .js)" : " (with no extension, .js, .mjs or .cjs)")
                    << " and in node_modules from ";
  line.quoted(root) << ": COPY the handler's file into "
                    << (major >= 4 ? "LAMBDA_TASK_ROOT's directory" : "the working directory (WORKDIR)")
                    << ", or name it as it lies there (src/index.handler for src/index.js)";
  if (major < 3) line << "; aws-lambda-ric before 3.0 loads no .mjs or .cjs: name the file .js, or install a newer one";
  line << "\n";
}

// The client and the handler of a command the program node (found, and
// judged able to start) runs: a line, and the exit code a cold start meets
// (0 where it finds both, or where the script is not the client's).
[[gnu::noinline]] int check_node_client(const char* node, const NodeClient& client, const Plan& plan) {
  const char* argv[] = {node, "-e", node_question, "--", client.script, client.handler, nullptr};
  char** env = question_environment(plan);
  if (env == nullptr) return 0;
  char buffer[4096];
  string_view said;
  int status;
  Answer answer;
  // Its stderr (a warning at its start) is shown, not taken for the answer.
  if (ask(node, argv, env, getuid() == 0, false, buffer, said, status)) answer = read_answer(said, node_answers);
  if (answer.kind == 'x') return 0;
  // The client's version comes first but in answers c and u, then the lines of each.
  const bool versioned = answer.kind != 'c' && answer.kind != 'u';
  string_view version = versioned ? answer.first : string_view(), rest = answer.rest;
  string_view subject = versioned ? take_line(rest) : answer.first, second = take_line(rest), third = rest;
  int code = answer.kind == 'm' || answer.kind == 'b' || answer.kind == 'e' ? exit_misuse
             : answer.kind == 'c' || answer.kind == 'n'                     ? exit_not_found
             : answer.kind == 'u' || answer.kind == 'f'                     ? exit_cannot_run
                                                                            : 0;
  Output line(code == 0 ? STDOUT_FILENO : STDERR_FILENO);
  switch (answer.kind) {
    case 'a':
      line.about(subject) << "ok, the runtime client aws-lambda-ric " << version << ", as Lambda's user's " << node
                          << " finds it (the command gives no handler to judge)\n";
      break;
    case 'o':
      line.about(subject, "handler ") << "ok, its module is ";
      line.quoted(second) << ", as aws-lambda-ric " << version << " under Lambda's user's " << node
                          << " finds it (the function in it is not looked for: that would run the module)\n";
      break;
    case 'c':
      line.about(subject) << "Lambda's user's " << node
                          << " cannot find it (Cannot find module): npm install aws-lambda-ric where the command "
                             "names it\n";
      break;
    case 'e':
      line.about(subject) << "unset or empty, and aws-lambda-ric " << version
                          << " takes the handler and its directory from _HANDLER and LAMBDA_TASK_ROOT alone: set it "
                             "(ENV), or drop --no-parity\n";
      break;
    case 'm':
      line.about(subject, "handler ") << "aws-lambda-ric " << version
                                      << (second == ".."
                                              ? " refuses a handler with '..' in it (Runtime.MalformedHandlerName): "
                                                "name the file from the code's directory down"
                                              : " needs FILE.FUNCTION, with a '.' in the last part "
                                                "(Runtime.MalformedHandlerName): name it as index.handler for the "
                                                "function handler in index.mjs")
                                      << "\n";
      break;
    case 'b':
      line.about(subject, "handler ") << "its module, " << second << ", is one built into " << node
                                      << ", which aws-lambda-ric " << version
                                      << " loads in its place (Runtime.HandlerNotFound): rename the handler's "
                                         "file\n";
      break;
    case 'n':
      line.about(subject, "handler ") << "aws-lambda-ric " << version << " under Lambda's user's " << node
                                      << " finds no module (Runtime.ImportModuleError), looking for ";
      tell_node_places(line, second, third, major_version(version));
      break;
    case 'u':
      line.about(subject) << "Lambda's user cannot read it, and " << node
                          << " reads it at start: RUN chmod o+r on it (o+x on its directories), or COPY it with "
                             "--chmod\n";
      break;
    case 'f':
      line.about(subject, "handler ") << "aws-lambda-ric " << version << " under " << node
                                      << " cannot resolve its module: " << second << "\n";
      break;
    default:
      // A node too old for the question, or no node at all.
      line.about(node) << "note: it gave no answer on aws-lambda-ric and the handler, which are not judged: ";
      line.quoted(first(said, 200)) << "\n";
  }
  return code;
}

}  // namespace
