// The emulator's Lambda Managed Instances mode, chosen by the presence of
// AWS_LAMBDA_MAX_CONCURRENCY: it ignores its command and starts a fixed
// bootstrap as Lambda's user (names.hpp). What such a start needs, checked
// before the emulator runs: a bootstrap that is this program (which then
// runs the command carried to it) or the command itself, runnable by that
// user, and the emulator's working directory (that the emulator runs as root
// is run.hpp's to check). System calls: stat(), open(), fstat(), read(), and
// those of diagnose.hpp.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

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

// Whether the file is this very program: the same file, or a copy of it
// (COPY makes one). This program is read through /proc/self/exe (opened, not
// stat()ed: under qemu-user only the open is the program's own), or where
// there is no /proc, by the path it was started by.
bool is_this_program(const char* path, const struct stat& status, const char* started_as) {
  int mine = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (mine < 0 && std::strchr(started_as, '/') != nullptr) mine = open(started_as, O_RDONLY | O_CLOEXEC);
  struct stat own;
  if (mine < 0 || fstat(mine, &own) != 0) return false;
  bool same = own.st_dev == status.st_dev && own.st_ino == status.st_ino;
  if (!same && own.st_size == status.st_size) {
    int theirs = open(path, O_RDONLY | O_CLOEXEC);
    same = theirs >= 0 && same_bytes(mine, theirs);
    if (theirs >= 0) close(theirs);
  }
  close(mine);
  return same;
}

// The bootstrap a Managed Instances start would run, judged: its path, or
// nullptr once why it cannot start has been told (code: the exit code).
// carry: it is this program, which must be handed the command; else it is
// the command itself (program: the path of a command of one word, else
// nullptr). That the emulator must be root is left to the caller.
const char* managed_start(const Plan& plan, const char* program, bool& carry, int& code) {
  struct stat status;
  const char* bootstrap = managed_bootstrap(status);
  if (bootstrap == nullptr)
    return code = complain({exit_not_found, managed_bootstraps[0],
                            "not found, nor /var/task/bootstrap or /opt/bootstrap, the first of "
                            "which " LAMBDA_ENTRYPOINT_MANAGED_MODE " starts instead of its command",
                            install_bootstrap}),
           nullptr;
  carry = is_this_program(bootstrap, status, plan.argv[0]);
  struct stat program_status;
  if (!carry && (program == nullptr || stat(program, &program_status) != 0 || program_status.st_dev != status.st_dev ||
                 program_status.st_ino != status.st_ino))
    return code = complain({exit_cannot_run, bootstrap,
                            LAMBDA_ENTRYPOINT_MANAGED_MODE " would start this, alone, instead of the command",
                            install_bootstrap}),
           nullptr;
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
