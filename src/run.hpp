// Carrying a plan out: the argv and environment built, the program (or the
// emulator, and the runtime it will start) found, then execve; and, as the
// Managed Instances bootstrap, the command carried to it taken up. Its
// system calls are those of locate.hpp, diagnose.hpp and managed.hpp,
// memory.hpp's allocate(), chdir() and execve().
#pragma once

#include <unistd.h>
#include <cerrno>
#include <cstddef>
#include <cstring>

#include "carry.hpp"
#include "command.hpp"
#include "diagnose.hpp"
#include "locate.hpp"
#include "managed.hpp"
#include "memory.hpp"
#include "output.hpp"
#include "plan.hpp"
#include "walk.hpp"

namespace {

// A program the emulator will start, found and judged now: the path it was
// found at, or nullptr once why it cannot start has been told (code: the
// exit code). Judged as this process, or in the Managed Instances mode, where
// the emulator starts it as Lambda's user, as that user.
const char* checked_for_emulator(const char* name, Role role, const Plan& plan, char (&found)[PATH_MAX], int& code) {
  Judge judge = plan.managed_instances ? Judge::lambda_any_cpu : Judge::here_any_cpu;
  Location at = locate(name, plan.search_path, found, true, plan.managed_instances);
  Output discard(-1);
  if (at.error == 0 && explain(discard, at.path, judge, 0) == 0) return at.path;
  code = cannot_run(at, role, plan, true, judge);
  return nullptr;
}

// The environment with this program's working directory and own arguments
// carried in it, for the Managed Instances bootstrap (value: what the
// variable carries); nullptr when out of memory.
char* const* with_carried(const Plan& plan, char* const env[], const char*& value) {
  size_t count = static_cast<size_t>(plan.argc) + 1;
  char** words = static_cast<char**>(allocate(count * sizeof(char*)));
  char** carried = static_cast<char**>(allocate((env_size(env) + 2) * sizeof(char*)));
  if (words == nullptr || carried == nullptr) return nullptr;
  words[0] = const_cast<char*>(carried_directory());
  std::memcpy(words + 1, plan.argv, static_cast<size_t>(plan.argc) * sizeof(char*));
  char* entry = static_cast<char*>(allocate(carried_size(words, count)));
  if (entry == nullptr) return nullptr;
  fill_carried(env, words, count, entry, carried);
  value = entry + carried_variable.size() + 1;
  return carried;
}

// As the Managed Instances bootstrap: the command carried to it made this
// process's arguments and environment, in the directory it was started in;
// 0, or the exit code once why not has been told.
int resume(const char* value, int& argc, char**& argv, char**& envp) {
  size_t length = std::strlen(value);
  char* buffer = static_cast<char*>(allocate(length + 1));
  char** words = static_cast<char**>(allocate((length / 2 + 1) * sizeof(char*)));
  char** env = static_cast<char**>(allocate((env_size(envp) + 1) * sizeof(char*)));
  if (buffer == nullptr || words == nullptr || env == nullptr) return complain(out_of_memory);
  size_t count = read_carried(value, buffer, words);
  if (count < 2) return complain({exit_misuse, carried_variable, "not a command this program carried"});
  if (chdir(words[0]) != 0) {
    int error = errno;
    return complain({exit_code_for(error), words[0], error_text(error),
                     "the working directory carried in LAMBDA_ENTRYPOINT_COMMAND"});
  }
  without_carried(envp, env);
  argc = static_cast<int>(count - 1);
  argv = words + 1;
  envp = env;
  return 0;
}

// Carries the plan out. Memory is never freed: the process becomes the
// program or exits within microseconds.
int run(const Plan& plan, char* const envp[]) {
  // The cloud's command form runs the tail of this program's own argv, which
  // is null-terminated already: the hot path builds nothing.
  char** argv = const_cast<char**>(plan.tail);
  if (plan.emulator != nullptr || plan.lead != nullptr) {
    argv = static_cast<char**>(allocate((argv_size(plan) + 1) * sizeof(char*)));
    char* words = static_cast<char*>(allocate(plan.emulator_flags.size() + 1));
    if (argv == nullptr || words == nullptr) return complain(out_of_memory);
    fill_argv(plan, words, argv);
  }
  char* const* env = envp;
  if (plan.assignment_count != 0) {
    char** assigned = static_cast<char**>(allocate((env_size(envp) + plan.assignment_count + 1) * sizeof(char*)));
    char* entries = static_cast<char*>(allocate(assignments_size(plan)));
    if (assigned == nullptr || entries == nullptr) return complain(out_of_memory);
    fill_env(plan, envp, entries, assigned);
    env = assigned;
  }

  static char target_path[PATH_MAX];
  static char runtime_path[PATH_MAX];
  const char* carried = nullptr;  // what LAMBDA_ENTRYPOINT_COMMAND carries, in the Managed Instances mode
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
    // The emulator starts the runtime only at the first invocation: check it
    // now, what its file says too. It looks a name up in PATH as the cloud
    // does, and the runtime's argv[0] stays the name; where it could not (no
    // PATH), it is handed the path found. An exec wrapper starts the program
    // itself, by its name: that is checked too, and left as it is.
    int code = 0;
    const char* runtime = checked_for_emulator(argv[index], plan.lead_role, plan, runtime_path, code);
    if (runtime == nullptr) return code;
    static char program_path[PATH_MAX];
    const bool wrapped = plan.lead_role == Role::wrapper;
    // The command's own program: the one the wrapper starts, where there is one.
    const char* program =
        wrapped ? checked_for_emulator(argv[index + 1], Role::program, plan, program_path, code) : runtime;
    if (program == nullptr) return code;
    if (int refused = refuse_self_as_bootstrap(plan, runtime)) return refused;
    if (!emulator_finds_as_named(argv[index], runtime, plan)) argv[index] = const_cast<char*>(runtime);
    if (plan.managed_instances) {
      if (geteuid() != 0)
        return complain({exit_cannot_run, max_concurrency_variable,
                         "set, so the emulator's Managed Instances mode runs the function as uid 993, which takes "
                         "root, and this does not run as root",
                         "run the container as root, or unset it"});
      bool carry = false;
      if (managed_start(plan, program, argv_size(plan) - index - (wrapped ? 2 : 1), carry, code) == nullptr)
        return code;
      if (carry && (env = with_carried(plan, env, carried)) == nullptr) return complain(out_of_memory);
    }
    if (geteuid() == 0) {
      // As root, code only root can read works here and fails in the cloud:
      // say so now. Not as another user, who meets the error itself. In the
      // Managed Instances mode the emulator runs the function as Lambda's
      // user, and serves it as long as nothing reads such a file (observed
      // with the real one): a warning there too, not a refusal.
      Telling telling{5, true, false, plan.managed_instances};
      judge_code(plan.task_root, telling);
    }
  }
  if (plan.debug) describe(plan, target.path, argv, carried);
  execve(target.path, argv, env);
  target.error = errno;
  return cannot_run(target, target_role, plan, false);
}

}  // namespace
