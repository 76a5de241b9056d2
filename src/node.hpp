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

// The client and the handler of a command the program node (found, and
// judged able to start) runs: the question's line, and the exit code a cold
// start meets (0 where it finds both, or where the script is not the
// client's).
[[gnu::noinline]] int check_node_client(const char* node, const NodeClient& client, const Plan& plan) {
  const char* argv[] = {node, "-e", node_question, "--", node, client.script, client.handler, nullptr};
  char** env = question_environment(plan);
  if (env == nullptr) return 0;
  char buffer[4096];
  string_view said;
  int status;
  Answer answer;
  // Its stderr (a warning at its start) is shown, not taken for the answer.
  if (ask(node, argv, env, getuid() == 0, false, buffer, said, status)) answer = read_answer(said, node_answers);
  const char kind = answer.kind;
  int code = kind == 'm' || kind == 'b' || kind == 'e' ? exit_misuse
             : kind == 'c' || kind == 'n'              ? exit_not_found
             : kind == 'u' || kind == 'f'              ? exit_cannot_run
                                                       : 0;
  if (kind == '\0') tell_no_answer(node, "aws-lambda-ric and the handler", said);
  tell_answer(answer.lines, code == 0 ? STDOUT_FILENO : STDERR_FILENO);
  return code;
}

}  // namespace
