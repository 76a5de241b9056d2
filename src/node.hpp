// --check of what `node .../aws-lambda-ric [HANDLER]` loads first: the
// client itself and the handler's module, found as that node finds them for
// Lambda's user, in the working directory and with the environment a run
// has. The question and its letters are node_client.hpp's; ask.hpp's
// ask_interpreter() asks and tells; the environment is the plan's
// (command.hpp's fill_env()). System calls: those of ask.hpp, and
// allocate()'s.
#pragma once

#include <unistd.h>
#include <cstddef>

#include "ask.hpp"
#include "command.hpp"
#include "memory.hpp"
#include "node_client.hpp"
#include "plan.hpp"

namespace {

// The environment the run gives (the plan's variables filled in), without
// NODE_OPTIONS.
char** question_environment(const Plan& plan) {
  size_t size = env_size(environ) + plan.assignment_count + 1;
  char** env = static_cast<char**>(allocate(size * sizeof(char*)));
  char* words = static_cast<char*>(allocate(assignments_size(plan)));
  if (env == nullptr || words == nullptr) exit_out_of_memory();
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
int check_node_client(const char* node, const NodeClient& client, const Plan& plan) {
  const char* argv[] = {node, "-e", node_question, "--", node, client.script, client.handler, nullptr};
  return ask_interpreter(node, argv, question_environment(plan), node_answers, "aws-lambda-ric and the handler");
}

}  // namespace
