// A program asked a question as Lambda's user: started with its arguments
// and environment, as uid 993 (gid 990, no other groups) where this process
// may switch to that user, its stdout (and, if asked, its stderr) read back.
// For the loaders' listings (libraries.hpp) and the Python and Node
// interpreters' answers (python.hpp, node.hpp), which ask_interpreter()
// reads (answer.hpp) and tells (output.hpp); under --check only. The
// system calls are the kernel's rt_sigaction, setgroups, setgid and setuid,
// pipe2(), vfork(), dup2(), execve(), read(), waitpid() and getuid().
#pragma once

#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>
#include <cstddef>
#include <string_view>

#include "answer.hpp"
#include "names.hpp"
#include "output.hpp"

namespace {

// What program says to argv and env on stdout, and on stderr too where
// with_stderr (else its stderr is this process's), into buffer (what does
// not fit is read and dropped); false when it could not be started. Its wait
// status in status. Not root, the ids cannot be switched and the answer is
// this user's, which is all this process can ask.
bool ask(const char* program, const char* const* argv, char* const* env, bool as_lambda_user, bool with_stderr,
         char (&buffer)[4096], string_view& answer, int& status) {
  // Started with SIGCHLD ignored, this process's children would leave no
  // status for waitpid(): set back to the default, which the runtime gets in
  // Lambda anyway. The kernel's call, not libc's signal() (1.2 KB of the
  // binary: docs/building.md); a kernel sigaction all zero is SIG_DFL,
  // whatever its layout on the CPU.
  const unsigned long default_action[4] = {};
  syscall(SYS_rt_sigaction, SIGCHLD, default_action, nullptr, 8);  // 8: the kernel's sigset_t, 64 signals
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return false;
  pid_t child = vfork();
  if (child == 0) {
    // The kernel's calls, not libc's setgroups()/setgid()/setuid(): those
    // make every thread of the process change ids (musl's __synccall, some
    // 4 KB of the binary: docs/building.md), and the child has one thread.
    if (as_lambda_user && syscall(SYS_setgroups, 0, nullptr) == 0 && syscall(SYS_setgid, lambda_gid) == 0)
      (void)syscall(SYS_setuid, lambda_uid);
    dup2(pipe_fds[1], STDOUT_FILENO);
    if (with_stderr) dup2(pipe_fds[1], STDERR_FILENO);
    execve(program, const_cast<char* const*>(argv), env);
    _exit(exit_cannot_run);
  }
  close(pipe_fds[1]);
  // No signal handler is installed, so neither read() of this process's own
  // pipe nor waitpid() is interrupted (signal(7)): a read ends at the end of
  // the answer or at an error, and the wait returns once.
  size_t used = 0;
  for (ssize_t got; child > 0 && (got = read(pipe_fds[0], buffer + used, sizeof buffer - used)) > 0;) {
    used += static_cast<size_t>(got);
    if (used == sizeof buffer) used = sizeof buffer - 1;  // keep the first lines, drop the rest
  }
  close(pipe_fds[0]);
  if (child > 0) waitpid(child, &status, 0);
  answer = string_view(buffer, used);
  return child > 0;
}

// The answer of the interpreter program to the question in argv, with env,
// told: on stdout where its letter names no fault a cold start would meet,
// else on stderr, that fault's exit code returned (0 for none); where it
// gives no answer of the question's form (not the interpreter it was taken
// for, or one too old), a note naming what was asked. Asked as Lambda's user
// where this runs as root; its stderr (a warning at its start, a file it
// cannot read) is shown, not taken for the answer.
[[gnu::noinline]] int ask_interpreter(const char* program, const char* const* argv, char* const* env,
                                      const AnswerLetters& letters, const char* asked) {
  char buffer[4096];
  string_view said;
  int status;
  Answer answer;
  if (ask(program, argv, env, getuid() == 0, false, buffer, said, status)) answer = read_answer(said, letters.all);
  int code = exit_code_of(answer.kind, letters);
  if (answer.kind == '\0') tell_no_answer(program, asked, said);
  tell_answer(answer.lines, code == 0 ? STDOUT_FILENO : STDERR_FILENO);
  return code;
}

}  // namespace
