// The emulator's Lambda Managed Instances mode, chosen by the presence of
// AWS_LAMBDA_MAX_CONCURRENCY: it ignores its command and starts a fixed
// bootstrap as Lambda's user (names.hpp). What such a start needs, checked
// before the emulator runs: a bootstrap that is this program (which then
// runs the command carried to it) or the command itself, runnable by that
// user, and the emulator's working directory (that the emulator runs as root
// is run.hpp's to check). System calls: stat(), open(), fstat(), read(),
// getcwd(), and those of diagnose.hpp.
#pragma once

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

#include "carry.hpp"
#include "diagnose.hpp"
#include "names.hpp"
#include "output.hpp"
#include "plan.hpp"

namespace {

constexpr const char* install_bootstrap =
    "install this program as the first: COPY --from=lambda-entrypoint /lambda-entrypoint /var/runtime/bootstrap";

// The bootstrap the emulator starts there: the first that exists and is not
// a directory, links followed (as its stat() follows them); nullptr for none.
const char* managed_bootstrap(struct stat& status) {
  for (const char* path : managed_bootstraps)
    if (stat(path, &status) == 0 && !S_ISDIR(status.st_mode)) return path;
  return nullptr;
}

// Whether two open files hold the same bytes.
bool same_bytes(int a, int b) {
  char left[4096], right[4096];
  for (;;) {
    ssize_t got = read(a, left, sizeof left);
    if (got < 0 || read(b, right, sizeof right) != got) return false;  // short reads do not happen on a regular file
    if (got == 0) return true;
    if (std::memcmp(left, right, static_cast<size_t>(got)) != 0) return false;
  }
}

// Whether the file at path holds the bytes of the open file mine, which is
// read from where it stands (its start, just opened).
bool holds_same_bytes(int mine, const char* path) {
  int theirs = open(path, O_RDONLY | O_CLOEXEC);
  if (theirs < 0) return false;
  bool same = same_bytes(mine, theirs);
  close(theirs);
  return same;
}

// Whether the file is this very program: the same file, or a copy of it
// (COPY makes one). This program is read through /proc/self/exe (opened, not
// stat()ed: under qemu-user only the open is the program's own), or where
// there is no /proc, by the path it was started by.
bool is_this_program(const char* path, const struct stat& status, const char* started_as) {
  int mine = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (mine < 0 && std::strchr(started_as, '/') != nullptr) mine = open(started_as, O_RDONLY | O_CLOEXEC);
  if (mine < 0) return false;
  struct stat own;
  bool same = fstat(mine, &own) == 0 && ((own.st_dev == status.st_dev && own.st_ino == status.st_ino) ||
                                         (own.st_size == status.st_size && holds_same_bytes(mine, path)));
  close(mine);
  return same;
}

// The working directory the command is carried with: this process's, or
// where it has none in this root, the emulator's.
const char* carried_directory() {
  static char directory[PATH_MAX];
  if (getcwd(directory, sizeof directory) == nullptr) std::strcpy(directory, managed_working_directory);
  return directory;
}

// In the AWS form, a bootstrap that is this program would be started with
// no command, in every mode, and refuse at every start (142): 126, once
// said, where path is this program; else 0.
int refuse_self_as_bootstrap(const Plan& plan, const char* path) {
  struct stat status;
  if (!plan.aws_form || stat(path, &status) != 0 || !is_this_program(path, status, plan.started_as)) return 0;
  return complain({exit_cannot_run, path,
                   "is this program itself, which the AWS form starts as the bootstrap, with no command: it would "
                   "refuse every start",
                   "in the AWS form the bootstrap is the runtime (the emulator's Managed Instances mode starts it as "
                   "it is): COPY the runtime there, not this program"});
}

// Whether the carried command fits the one environment string the kernel
// takes at most (MAX_ARG_STRLEN, its NUL included): 0, or 126 once said.
int refuse_long_carry(const Plan& plan) {
  size_t length = carried_length(plan.argv, static_cast<size_t>(plan.argc)) + carried_word_length(carried_directory());
  if (length < max_arg_strlen) return 0;
  return complain({exit_cannot_run, carried_variable,
                   "would carry the command to the Managed Instances bootstrap in one environment string longer than "
                   "the kernel takes (131,071 bytes and its NUL, MAX_ARG_STRLEN)",
                   "shorten the command's arguments, which all travel in that one string in this mode"});
}

// Whether Lambda's user can enter the carried working directory, as the
// bootstrap does: 0, or 126 once the directory it cannot search is named.
int refuse_unenterable_directory() {
  const char* directory = carried_directory();
  static char blocking[PATH_MAX];
  struct stat status;
  if (!unsearchable_directory(directory, true, blocking, status)) {
    if (stat(directory, &status) != 0 || (status.st_mode & S_IXOTH) != 0) return 0;
    std::strcpy(blocking, directory);
  }
  Output err(STDERR_FILENO);
  err.about(directory) << "the working directory, which the Managed Instances bootstrap enters as uid 993, who "
                          "cannot search ";
  mode_of(err.quoted(blocking), status.st_mode) << other_user_hint << ": chmod o+x, or start elsewhere (WORKDIR)\n";
  return exit_cannot_run;
}

// The bootstrap a Managed Instances start would run, judged: its path, or
// nullptr once why it cannot start has been told (code: the exit code).
// carry: it is this program, which must be handed the command; else it is
// the command's own program (the path found for it, with words_after more
// words), which the emulator starts alone and gives the command's last word
// as _HANDLER: a command of one word, or of two, the second the handler.
// That the emulator must be root is left to the caller.
const char* managed_start(const Plan& plan, const char* program, size_t words_after, bool& carry, int& code) {
  struct stat status;
  const char* bootstrap = managed_bootstrap(status);
  if (bootstrap == nullptr)
    return code = complain(
               {exit_not_found, managed_bootstraps[0],
                "not found, nor /var/task/bootstrap or /opt/bootstrap, the first of "
                "which " LAMBDA_ENTRYPOINT_MANAGED_MODE " starts instead of its command",
                plan.aws_form ? "in the AWS form it is the runtime: COPY the runtime there" : install_bootstrap}),
           nullptr;
  carry = is_this_program(bootstrap, status, plan.started_as);
  struct stat program_status;
  bool is_program = program != nullptr && stat(program, &program_status) == 0 &&
                    program_status.st_dev == status.st_dev && program_status.st_ino == status.st_ino;
  if (!carry && !is_program)
    return code = complain({exit_cannot_run, bootstrap,
                            LAMBDA_ENTRYPOINT_MANAGED_MODE " would start this, alone, instead of the command",
                            install_bootstrap}),
           nullptr;
  if (!carry && words_after > 1)
    return code = complain({exit_cannot_run, bootstrap,
                            "is the command's own program, which " LAMBDA_ENTRYPOINT_MANAGED_MODE
                            " starts alone, with the command's last word as _HANDLER: the words between would be lost",
                            "pass them another way (a variable); a copy of this program there would replace the "
                            "runtime"}),
           nullptr;
  if (!carry && plan.lead_role == Role::wrapper) {
    // The emulator serves it as it is: a warning, not a refusal, and no
    // copy of this program there, which would replace the runtime.
    Output err(STDERR_FILENO);
    err << program_name << ": warning: " << exec_wrapper_variable
        << ": not applied here: " LAMBDA_ENTRYPOINT_MANAGED_MODE " starts ";
    err.quoted(bootstrap) << ", the command's own program, itself; in the cloud the wrapper starts it\n";
  }
  if (carry && ((code = refuse_long_carry(plan)) != 0 || (code = refuse_unenterable_directory()) != 0)) return nullptr;
  if (stat(managed_working_directory, &status) != 0) {
    int error = errno;
    return code = complain({exit_code_for(error), managed_working_directory, error_text(error),
                            "the Managed Instances bootstrap starts there: add it (WORKDIR /var/task)"}),
           nullptr;
  }
  Output discard(-1);
  if (explain(discard, bootstrap, Judge::lambda_any_cpu, 0) == 0) return bootstrap;
  code = cannot_run({0, bootstrap, false}, Role::managed_bootstrap, plan, false, Judge::lambda_any_cpu);
  return nullptr;
}

}  // namespace
