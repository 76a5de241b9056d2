// Diagnosis: why a file cannot start, from its mode, its directories and
// its first bytes and its ELF interpreter's path (judged by inspect.hpp),
// and the message that says so. It runs after a failure, in the local
// pre-check and under --check: never on the cloud's way to execve. System
// calls: stat(), access(), open(), read(), pread().
#pragma once

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string_view>

#include "command.hpp"
#include "errors.hpp"
#include "inspect.hpp"
#include "locate.hpp"
#include "names.hpp"
#include "output.hpp"
#include "plan.hpp"

namespace {

const char* role_hint(Role role, int error) {
  switch (role) {
    case Role::emulator:
      if (exit_code_for(error) == exit_not_found)
        return "AWS_LAMBDA_RUNTIME_API is unset or empty, so this runs locally under the Runtime Interface "
               "Emulator: mount the directory that holds aws-lambda-rie at /aws-lambda (docker run -v "
               "~/.aws-lambda-rie:/aws-lambda -p 9000:8080 IMAGE), add it to the image, point "
               "LAMBDA_ENTRYPOINT_EMULATOR at it, or set AWS_LAMBDA_RUNTIME_API to run the program directly";
      return "it is the Runtime Interface Emulator (LAMBDA_ENTRYPOINT_EMULATOR)";
    case Role::wrapper: return "it is named by AWS_LAMBDA_EXEC_WRAPPER";
    case Role::bootstrap: return "it is the AWS form's bootstrap (LAMBDA_ENTRYPOINT_BOOTSTRAP)";
    case Role::managed_bootstrap:
      return "it is the Managed Instances bootstrap, which the emulator starts as Lambda's user";
    case Role::extension: return "Lambda starts every file in /opt/extensions before the runtime, as its user";
    case Role::env_program: return "a script's '#!' line runs env, which looks it up in PATH as the runtime gets it";
    case Role::program:
    case Role::interpreter: break;
  }
  return nullptr;
}

// Docker runs a CMD or ENTRYPOINT written in the shell form (or as a JSON
// array that does not parse, one missing a comma) as /bin/sh -c 'LINE'.
bool is_shell_form(const Plan& plan) {
  return plan.tail_size >= 3 && std::strcmp(plan.tail[0], shell_path) == 0 && std::strcmp(plan.tail[1], "-c") == 0;
}

const char* error_hint(int error) {
  switch (error) {
    case ENOEXEC:
      return "not a program this machine can run: a binary for another CPU architecture, or a script without a "
             "'#!' line";
    case E2BIG: return "the arguments and environment together exceed the kernel's limit";
    case EACCES: return "check its mode bits, and that its file system allows executing it";
    default: return nullptr;
  }
}

constexpr int max_interpreter_depth = 5;  // Linux runs a chain of five '#!' scripts, and refuses a sixth

// A path from a file's bytes as a C string; false when it does not fit.
bool c_path(string_view path, char (&out)[PATH_MAX]) {
  if (path.size() >= sizeof out) return false;
  if (!path.empty()) std::memcpy(out, path.data(), path.size());
  out[path.size()] = '\0';
  return true;
}

// The first bytes of a file, as many as can be read before its end or a
// failed read (no signal handler is installed, so no read is interrupted);
// false when it cannot be opened. Not blocking: an ELF interpreter, opened
// before anything has said it is a regular file, may be a FIFO without a
// writer, which would wait forever; it reads as no bytes.
bool read_head(const char* path, char (&buffer)[head_size], string_view& head) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return false;
  size_t used = 0;
  for (ssize_t got; used < sizeof buffer && (got = read(fd, buffer + used, sizeof buffer - used)) > 0;)
    used += static_cast<size_t>(got);
  close(fd);
  head = string_view(buffer, used);
  return true;
}

// A file's first bytes and what they say, with a program header table or a
// PT_INTERP that lies past them read where it lies, as the kernel reads it:
// a short read there makes the file unreadable, as it fails the kernel's.
struct Inspected {
  char bytes[head_size];
  char far_interpreter[interpreter_size_limit];
  Head head;
};

// The size bytes at offset, read into buffer: false when fewer are there.
// A file that cannot be opened (pread() then says EBADF), and an offset past
// what off_t holds (EINVAL), read nothing.
bool read_exactly(const char* path, char* buffer, uint64_t size, uint64_t offset) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t got = pread(fd, buffer, size, static_cast<off_t>(offset));
  if (fd >= 0) close(fd);
  return got == static_cast<ssize_t>(size);
}

// false when the file cannot be opened. as_interpreter: see inspect().
// Out of line: its buffer for a far table stays off its callers' stacks.
[[gnu::noinline]] bool inspect_file(const char* path, Inspected& file, bool as_interpreter = false) {
  string_view bytes;
  if (!read_head(path, file.bytes, bytes)) return false;
  file.head = inspect(bytes, as_interpreter);
  if (const uint64_t size = file.head.table_size) {
    char table[table_size_limit];  // the kernel's most, on the stack only while the table is read
    if (!read_exactly(path, table, size, file.head.table_offset)) return file.head.kind = Head::unreadable, true;
    file.head = inspect(bytes, as_interpreter, string_view(table, size));
  }
  const uint64_t size = file.head.interpreter_size;
  if (size == 0) return true;
  // Only what was read counts: a PT_INTERP cut short by the file's end fails the kernel's read of it.
  if (!read_exactly(path, file.far_interpreter, size, file.head.interpreter_offset) ||
      !interpreter_in(string_view(file.far_interpreter, size), file.head.interpreter))
    file.head.kind = Head::unreadable;
  return true;
}

Output& mode_of(Output& out, mode_t mode) {
  char digits[] = " (mode 0000)";
  for (int i = 0; i < 4; ++i) digits[10 - i] = static_cast<char>('0' + ((mode >> (3 * i)) & 7));
  return out << digits;
}

constexpr const char* other_user_hint =
    "; Lambda runs the function as a user who is neither its owner nor in its group";

// A directory on the way to path that the user (or, as_other_user, a user
// neither its owner nor in its group) cannot search: written, with 126.
int unsearchable_directories(Output& out, const char* path, bool as_other_user) {
  char directory[PATH_MAX];
  struct stat status;
  if (!unsearchable_directory(path, as_other_user, directory, status)) return 0;
  out << "the directory ";
  out.quoted(directory) << " on its path cannot be searched";
  if (as_other_user) mode_of(out << " by other users", status.st_mode) << other_user_hint << ": chmod o+x";
  return exit_cannot_run;
}

// A '#!' line ending in '\r': in the interpreter's name, a file that is not
// there; in its argument, what the interpreter looks for or parses.
int windows_line_endings(Output& out) {
  out << "its '#!' line ends in a carriage return: the file has Windows line endings (CRLF); convert them to LF";
  return exit_not_found;
}

// Whose eyes a file is judged with: this process's, after a failure; the
// same, but leaving a program for another CPU to the kernel, which may run it
// through qemu (binfmt_misc), in the local pre-check; Lambda's non-root user's
// under --check; and that user's, the CPU left to the kernel, in the local
// pre-check of the Managed Instances mode, where the emulator runs the
// function as that user.
enum class Judge { here, here_any_cpu, lambda, lambda_any_cpu };

// Why path cannot start, written after "PATH: ", with the exit code a run
// gets; 0, with nothing written, when nothing wrong can be seen. Where
// path is a program's ELF interpreter, the kernel loads it as it is: its own
// PT_INTERP, if it has one, names nothing the kernel looks at.
int explain(Output& out, const char* path, Judge judge, int depth, bool elf_interpreter = false) {
  bool as_other_user = judge == Judge::lambda || judge == Judge::lambda_any_cpu;
  struct stat status;
  if (stat(path, &status) != 0) {
    int error = errno;
    // Lambda's user meets a directory it cannot search before a missing file.
    if (error == EACCES || as_other_user) {
      if (int code = unsearchable_directories(out, path, as_other_user)) return code;
    }
    out << error_text(error);
    return exit_code_for(error);
  }
  // The kernel's execve refuses a directory with EACCES, and the emulator logs that.
  if (S_ISDIR(status.st_mode)) return out << error_text(EACCES) << " (a directory)", exit_cannot_run;
  if (!S_ISREG(status.st_mode)) return out << "not a regular file", exit_cannot_run;
  if (int code = unsearchable_directories(out, path, as_other_user)) return code;
  if (as_other_user ? (status.st_mode & S_IXOTH) == 0 : access(path, X_OK) != 0) {
    out << "no execute permission for " << (as_other_user ? "other users" : "this user");
    mode_of(out, status.st_mode);
    if (as_other_user) out << other_user_hint << ": chmod o+rx";
    return exit_cannot_run;
  }
  Inspected file;
  if (!inspect_file(path, file, elf_interpreter)) return 0;  // runnable without being readable: a binary, then
  Head head = file.head;
  char interpreter[PATH_MAX];
  if (!c_path(head.interpreter, interpreter)) return out << "its interpreter's path is too long", exit_not_found;
  switch (head.kind) {
    case Head::unreadable:
      return out << "an ELF file whose headers are cut short or point past its end", exit_cannot_run;
    case Head::other: return out << "neither a program (ELF) nor a script starting with '#!'", exit_cannot_run;
    case Head::elf:
      if (head.machine != this_machine && judge != Judge::here_any_cpu && judge != Judge::lambda_any_cpu) {
        if (const char* program = program_for(head.machine)) out << program;
        else out << "a program for another CPU (ELF machine ", out.number(head.machine) << ")";
        return out << "; this is an " LAMBDA_ENTRYPOINT_CPU " machine", exit_cannot_run;
      }
      if (head.interpreter.empty()) return 0;
      if (access(interpreter, F_OK) != 0) {
        out << "a dynamically linked program whose ELF interpreter ";
        return out.quoted(interpreter) << " is missing: link it statically, or add its loader and libraries",
               exit_not_found;
      }
      // The kernel loads the interpreter itself, as an ELF file: a script
      // there is not run through its '#!' line (the kernel says EIO or
      // ELIBBAD), so it is not judged as one. Either way it is 126.
      if (Inspected loader; inspect_file(interpreter, loader, true) && loader.head.kind != Head::elf) {
        out << "its ELF interpreter ";
        return out.quoted(interpreter) << " is not an ELF file, which the kernel refuses to load", exit_cannot_run;
      }
      // The kernel opens the interpreter as it opens the program: to be
      // executed, by the same user (root too needs an execute bit).
      if (Output discard(-1); explain(discard, interpreter, judge, depth + 1, true) != 0) {
        out << "its ELF interpreter ";
        out.quoted(interpreter) << ": ";
        return explain(out, interpreter, judge, depth + 1, true);
      }
      return 0;
    case Head::script: break;
  }
  // In the order the kernel meets them: the '#!' line, then the interpreter
  // it names (with a carriage return, a file that is not there), and only
  // once that would start, what the interpreter meets: its argument and the
  // script it reads.
  bool carriage_return_in_interpreter = head.carriage_return && head.argument.empty();
  if (head.line_too_long)
    return out << "its '#!' interpreter's path does not end within the 256 bytes Linux reads of the line",
           exit_cannot_run;
  if (head.interpreter.empty()) return out << "its '#!' line names no interpreter", exit_cannot_run;
  if (depth == max_interpreter_depth) {
    // Linux opens the sixth script's interpreter before it refuses to go deeper.
    int error = check_runnable(interpreter, as_other_user);
    if (exit_code_for(error) != exit_not_found)
      return out << "its '#!' interpreters nest deeper than Linux follows", exit_cannot_run;
    if (carriage_return_in_interpreter) return windows_line_endings(out);
    out << "its '#!' interpreter ";
    return out.quoted(interpreter) << ": " << error_text(error), exit_not_found;
  }
  Output discard(-1);
  if (int code = explain(discard, interpreter, judge, depth + 1)) {
    if (carriage_return_in_interpreter && code == exit_not_found) return windows_line_endings(out);
    out << "its '#!' interpreter ";
    out.quoted(interpreter) << ": ";
    return explain(out, interpreter, judge, depth + 1);
  }
  if (head.carriage_return) return windows_line_endings(out);
  if (as_other_user && (status.st_mode & S_IROTH) == 0)
    return mode_of(out << "a script other users cannot read", status.st_mode) << other_user_hint << ": chmod o+r",
           exit_cannot_run;
  return 0;
}

// Whether reading the file can tell more than the kernel's error: not for
// E2BIG, ETXTBSY, ENOMEM and the like, which are about the call, not the file.
// EIO and ELIBBAD are what the kernel says of an ELF interpreter that is not
// an ELF file (musl has no words for ELIBBAD).
bool file_may_say_why(int error) {
  return error == 0 || error == ENOENT || error == ENOEXEC || error == EACCES || error == ELOOP || error == EIO ||
         error == ELIBBAD;
}

// Reports a program that cannot run: what the file shows, or else the
// kernel's reason, and the hints for its role.
int cannot_run(const Location& where, Role role, const Plan& plan, bool for_emulator, Judge judge = Judge::here) {
  Output err(STDERR_FILENO);
  err.about(where.path);
  int code = exit_code_for(where.error);
  const char* kernel_hint = nullptr;
  if (where.searched_in_vain) {
    err << "not found in " << (plan.search_path_is_default ? "the default PATH (PATH is unset): " : "PATH=");
    err.quoted(plan.search_path);
  } else if (int explained = file_may_say_why(where.error) ? explain(err, where.path, judge, 0) : 0) {
    code = explained;
  } else {
    err << error_text(where.error);
    kernel_hint = error_hint(where.error);
  }
  if (for_emulator) err << "; the emulator was to run it";
  if (const char* hint = role_hint(role, code == exit_not_found ? ENOENT : EACCES)) err << "; " << hint;
  if (role == Role::program && code == exit_not_found && is_shell_form(plan))
    err << "; the image's CMD or ENTRYPOINT is in the shell form, which needs a shell: write it as a JSON array";
  if (kernel_hint != nullptr) err << "; " << kernel_hint;
  err << "\n";
  return code;
}

int emulator_not_found(const EmulatorCandidates& candidates) {
  Output err(STDERR_FILENO);
  err.about(candidates[0]) << "not found, and neither is ";
  for (size_t i = 1; i < emulator_candidate_count; ++i) {
    err.quoted(candidates[i]);
    err << (i + 2 < emulator_candidate_count ? ", " : i + 1 < emulator_candidate_count ? " or " : "; ");
  }
  err << role_hint(Role::emulator, ENOENT) << "\n";
  return exit_not_found;
}

}  // namespace
