// Carrying a plan out: the argv and environment built, the program (or the
// emulator, and the runtime it will start) found, then execve. Its system
// calls are those of locate.hpp and diagnose.hpp, malloc() and execve().
#pragma once

#include <unistd.h>
#include <cerrno>
#include <cstddef>
#include <cstdlib>

#include "command.hpp"
#include "diagnose.hpp"
#include "locate.hpp"
#include "output.hpp"
#include "plan.hpp"
#include "walk.hpp"

namespace {

// A program the emulator will start, found and judged now: the path it was
// found at, or nullptr once why it cannot start has been told (code: the
// exit code).
const char* checked_for_emulator(const char* name, Role role, const Plan& plan, char (&found)[PATH_MAX], int& code) {
  Location at = locate(name, plan.search_path, found, true);
  Output discard(-1);
  if (at.error == 0 && explain(discard, at.path, Judge::here_any_cpu, 0) == 0) return at.path;
  code = cannot_run(at, role, plan, true, Judge::here_any_cpu);
  return nullptr;
}

// Carries the plan out. Memory is never freed: the process becomes the
// program or exits within microseconds, and with no free() in it musl links
// a few-hundred-byte allocator instead of its general one.
int run(const Plan& plan, char* const envp[]) {
  // The cloud's command form runs the tail of this program's own argv, which
  // is null-terminated already: the hot path builds nothing.
  char** argv = const_cast<char**>(plan.tail);
  if (plan.emulator != nullptr || plan.lead != nullptr) {
    argv = static_cast<char**>(std::malloc((argv_size(plan) + 1) * sizeof(char*)));
    char* words = static_cast<char*>(std::malloc(plan.emulator_flags.size() + 1));
    if (argv == nullptr || words == nullptr) return complain(out_of_memory);
    fill_argv(plan, words, argv);
  }
  char* const* env = envp;
  if (plan.assignment_count != 0) {
    char** assigned = static_cast<char**>(std::malloc((env_size(envp) + plan.assignment_count + 1) * sizeof(char*)));
    char* entries = static_cast<char*>(std::malloc(assignments_size(plan)));
    if (assigned == nullptr || entries == nullptr) return complain(out_of_memory);
    fill_env(plan, envp, entries, assigned);
    env = assigned;
  }

  static char target_path[PATH_MAX];
  static char runtime_path[PATH_MAX];
  Role target_role = plan.emulator != nullptr ? Role::emulator : plan.lead_role;
  Location target;
  if (plan.emulator != nullptr) {
    EmulatorCandidates candidates;
    const char* found_as = nullptr;
    target = locate_emulator(plan, candidates, found_as);
    if (target.path == nullptr) return emulator_not_found(candidates);
    if (found_as != nullptr) argv[0] = const_cast<char*>(found_as);
  } else {
    target = locate(argv[0], plan.search_path, target_path, false);
  }
  if (target.error != 0) return cannot_run(target, target_role, plan, false);
  if (size_t index = runtime_index(plan); index != 0) {
    // The emulator starts the runtime only at the first invocation, and could
    // not look it up without PATH: check it now, what its file says too, and
    // hand it the path found. An exec wrapper starts the program itself,
    // by its name: that is checked too, and left as it is.
    int code = 0;
    const char* runtime = checked_for_emulator(argv[index], plan.lead_role, plan, runtime_path, code);
    if (runtime == nullptr) return code;
    static char program_path[PATH_MAX];
    if (plan.lead_role == Role::wrapper &&
        checked_for_emulator(argv[index + 1], Role::program, plan, program_path, code) == nullptr)
      return code;
    argv[index] = const_cast<char*>(runtime);
    // As root, code only root can read works here and fails in the cloud:
    // say so now. Not as another user, who meets the error itself.
    if (geteuid() == 0) {
      Telling telling{5, true};
      judge_code(plan.task_root, telling);
    }
  }
  if (plan.debug) describe(plan, target.path, argv);
  execve(target.path, argv, env);
  target.error = errno;
  return cannot_run(target, target_role, plan, false);
}

}  // namespace
