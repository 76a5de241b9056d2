// --check: every file a run would execute, in either mode, and the
// extensions Lambda starts beside it, judged as Lambda's non-root user meets
// them, with a line each; for the Python and Node runtime clients, the client
// and the handler's module as its interpreter finds them. It starts nothing
// of the function (a dynamic program's loader only, in its list mode, and
// the Python or Node interpreter with a question); its system calls are
// those of locate.hpp, diagnose.hpp, libraries.hpp, python.hpp, node.hpp,
// walk.hpp and managed.hpp, and lstat().
#pragma once

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cstddef>
#include <cstring>
#include <string_view>
#include <utility>

#include "diagnose.hpp"
#include "inspect.hpp"
#include "libraries.hpp"
#include "listing.hpp"
#include "locate.hpp"
#include "managed.hpp"
#include "names.hpp"
#include "node.hpp"
#include "output.hpp"
#include "plan.hpp"
#include "python.hpp"
#include "walk.hpp"

namespace {

const char* role_name(Role role) {
  switch (role) {
    case Role::program: return "the program";
    case Role::wrapper: return "AWS_LAMBDA_EXEC_WRAPPER";
    case Role::bootstrap: return "the bootstrap";
    case Role::emulator: return "the emulator";
    case Role::managed_bootstrap: return "the Managed Instances bootstrap";
    case Role::extension: return "an extension";
    case Role::env_program: return "the program a '#!' line's env runs";
    case Role::interpreter: break;
  }
  return "a '#!' interpreter";
}

constexpr const char* npm_instead =
    "; start the runtime client with node directly, e.g. node node_modules/.bin/aws-lambda-ric HANDLER";

// Whether a program is npm's npx or npm: by the name it was given (found in
// PATH, it has the same last part), or by the file it links to.
bool runs_npm(const char* name, const char* path) {
  if (is_npm_command(name)) return true;
  char target[PATH_MAX];
  ssize_t length = readlink(path, target, sizeof target);
  return length > 0 && is_npm_command(string_view(target, static_cast<size_t>(length)));
}

// npm runs the runtime as its child, through /bin/sh -c: a note of what that
// costs every cold start, or, where the image has no shell for it, the
// failure the function would meet (with the exit code a run would get).
[[gnu::noinline]] int judge_npm(const char* path) {
  Output discard(-1);
  if (int code = explain(discard, shell_path, Judge::lambda, 0)) {
    Output err(STDERR_FILENO);
    err.about(path) << "npm starts the program it runs with " << shell_path << " -c, and " << shell_path << ": ";
    explain(err, shell_path, Judge::lambda, 0);
    err << npm_instead << "\n";
    return code;
  }
  Output out(STDOUT_FILENO);
  out.about(path) << "note: npm stays resident as the runtime's parent and starts it with " << shell_path
                  << " -c: an npm process (about 76 MB) and a shell under the runtime, and about half a second of "
                     "every cold start"
                  << npm_instead << "\n";
  return 0;
}

// The CPython interpreter the program's '#!' line runs it with (env's
// program included), as check_file() finds it: empty where there is none.
char script_python[PATH_MAX];

// --check of one file and, for a script, its interpreters: a line each.
int check_file(const char* name, Role role, const Plan& plan) {
  static char found[PATH_MAX];
  Location where = locate(name, plan.search_path, found, false, true);
  Output discard(-1);
  if (where.searched_in_vain || explain(discard, where.path, Judge::lambda, 0) != 0)
    return cannot_run(where, role, plan, false, Judge::lambda);
  if ((role == Role::interpreter || role == Role::env_program) && is_python_name(base_name(where.path)))
    c_path(where.path, script_python);
  Inspected file;  // local: the check of its interpreter below reads another
  const Head head = inspect_file(where.path, file) ? file.head : Head{};
  char interpreter[PATH_MAX];
  c_path(head.interpreter, interpreter);  // explain() has found that it fits
  bool listed = false;
  if (head.kind == Head::elf && !head.interpreter.empty())
    if (int code = check_libraries(where.path, interpreter, role_hint(role, EACCES), listed)) return code;
  {
    Output out(STDOUT_FILENO);
    out.about(where.path) << "ok, " << role_name(role) << ", ";
    if (head.kind == Head::script) {
      out << "a script for ";
      out.quoted(head.interpreter);
    } else if (head.kind == Head::elf) {
      out << (head.interpreter.empty() ? "a static " : "a dynamically linked ") << LAMBDA_ENTRYPOINT_CPU " program";
      if (!head.interpreter.empty())
        out << (listed ? " (its ELF interpreter and the libraries it lists are there)"
                       : " (its ELF interpreter is there)");
    } else {
      out << "executable, unreadable here";
    }
    out << "\n";
  }
  if (role == Role::program && runs_npm(name, where.path))
    if (int code = judge_npm(where.path)) return code;
  if (head.kind != Head::script) return 0;
  if (int code = check_file(interpreter, Role::interpreter, plan)) return code;
  // A program's loader named alone takes the script as the program to load,
  // and refuses it: glibc's exits 127, musl's 1.
  if (Loader loader = loader_of(head.interpreter); loader != Loader::unknown && head.argument.empty()) {
    Output err(STDERR_FILENO);
    err.about(where.path) << "its '#!' line names " << head.interpreter
                          << ", a program's loader, alone: it takes the script as the program to load and refuses it; "
                             "name the interpreter that runs the script\n";
    return loader == Loader::glibc ? exit_not_found : exit_cannot_run;
  }
  // env as the interpreter starts without complaint and then looks the
  // program up in PATH, failing with 127 where it is not: judged as one more.
  string_view operand = base_name(head.interpreter) == "env" ? env_operand(head.argument) : string_view();
  char program[PATH_MAX];
  if (operand.empty() || !c_path(operand, program)) return 0;
  // busybox's env (a link to busybox, as its images make its commands)
  // takes no -S, and exits 1.
  char real[PATH_MAX];
  if (starts_with(head.argument, "-S") && realpath(interpreter, real) != nullptr && base_name(real) == "busybox") {
    Output err(STDERR_FILENO);
    err.about(where.path) << "its '#!' line gives env -S, which busybox's env, " << real
                          << ", does not take (it exits 1): name the program alone after env\n";
    return exit_cannot_run;
  }
  return check_file(program, Role::env_program, plan);
}

// What the runtime client the command starts loads first, where it is one
// this program knows (python -m awslambdaric, node .../aws-lambda-ric): the
// client itself and the handler's module.
int check_runtime_client(const char* program, const Plan& plan) {
  PythonClient python = python_client(plan.tail, plan.tail_size);
  NodeClient node = node_client(plan.tail, plan.tail_size);
  const bool python_program = is_python_name(base_name(program));
  if (python.flags == nullptr && node.script == nullptr && !python_program && script_python[0] == '\0') return 0;
  static char found[PATH_MAX];
  const char* path = locate(program, plan.search_path, found, false, true).path;
  if (node.script != nullptr) return check_node_client(path, node, plan);
  int code = python.flags != nullptr ? check_python_client(path, python) : 0;
  // The cost of its code's bytecode, for any CPython runtime: the program,
  // or the one its '#!' line names.
  if (code == 0) check_python_bytecode(python_program ? path : script_python, python.flags, python.flag_count);
  return code;
}

// AWS's Python base images: their /var/runtime/bootstrap is a shell script
// that runs /var/runtime/bootstrap.py with /var/lang/bin's python3.N. Where
// the AWS form's bootstrap is that one and both files are there, that Python
// judges the bytecode of the code it imports.
void check_aws_python_bytecode(const char* bootstrap) {
  constexpr const char* aws_python = "/var/lang/bin/python3";
  if (string_view(bootstrap) == managed_bootstraps[0] && access("/var/runtime/bootstrap.py", F_OK) == 0 &&
      access(aws_python, X_OK) == 0)
    check_python_bytecode(aws_python, nullptr, 0);
}

// The extensions Lambda starts before the runtime: every entry of
// /opt/extensions but a directory (a link to one is started, and fails), in
// the directory's order, each judged as a program; a directory is told as
// skipped. The exit code of the first that cannot start.
int check_extensions(const Plan& plan) {
  DIR* directory = open_directory(extensions_directory);
  if (directory == nullptr) return 0;  // none, as Lambda and the emulator take it
  static char path[PATH_MAX];
  size_t length = std::strlen(extensions_directory);
  std::memcpy(path, extensions_directory, length);
  int result = 0;
  list_entries(directory, [&](const char* name) {
    size_t joined;
    if (!join_path(path, length, name, joined)) return;
    struct stat status;
    int code = 0;
    if (lstat(path, &status) == 0 && S_ISDIR(status.st_mode)) {
      Output out(STDOUT_FILENO);
      out.about(path) << "a directory, which Lambda does not start as an extension\n";
    } else {
      code = check_file(path, Role::extension, plan);
    }
    if (result == 0) result = code;
  });
  return result;
}

// --check: every file a run with these arguments and this environment would
// execute, in either mode, judged for the cloud's non-root user. The exit
// code is the one a run would get from the first that cannot start.
int check(const Plan& plan) {
  EmulatorCandidates candidates;
  const char* found_as = nullptr;
  Location emulator = locate_emulator(plan, candidates, found_as);
  int result = 0;
  if (emulator.path == nullptr) {
    Output out(STDOUT_FILENO);
    out.about(candidates[0]) << "no emulator in the image, which an image for the cloud may leave out; a local "
                                "run can mount it (docker run -v ~/.aws-lambda-rie:/aws-lambda -p 9000:8080 IMAGE)\n";
  } else {
    result = check_file(emulator.path, Role::emulator, plan);
  }
  const std::pair<const char*, Role> programs[] = {{plan.lead, plan.lead_role},
                                                   {plan.bootstrap_wrapper, Role::wrapper},
                                                   {plan.tail_size != 0 ? plan.tail[0] : nullptr, Role::program}};
  for (const auto& [program, role] : programs) {
    if (program == nullptr) continue;
    int code = role == Role::bootstrap ? refuse_self_as_bootstrap(plan, program) : 0;
    if (code == 0) code = check_file(program, role, plan);
    if (code == 0 && role == Role::program) code = check_runtime_client(program, plan);
    if (code == 0 && role == Role::bootstrap) check_aws_python_bytecode(program);
    if (result == 0) result = code;
  }
  if (int code = check_extensions(plan); result == 0) result = code;
  if (plan.managed_instances) {
    // The emulator's Managed Instances bootstrap: this program, or the
    // command's own (the one an exec wrapper starts, where there is one).
    static char found[PATH_MAX];
    const bool own_lead = plan.lead != nullptr && plan.lead_role != Role::wrapper;
    size_t words = (own_lead ? 1 : 0) + plan.tail_size;
    const char* program = locate(own_lead ? plan.lead : plan.tail[0], plan.search_path, found, false, true).path;
    bool carry = false;
    int code = 0;
    if (const char* bootstrap = managed_start(plan, program, words - 1, carry, code)) {
      Output out(STDOUT_FILENO);
      out.about(bootstrap) << "ok, the Managed Instances bootstrap: "
                           << (carry ? "this program, which runs the command\n" : "the command itself\n");
    }
    if (result == 0) result = code;
  }
  Telling telling{20, false, true};
  int code = judge_code(plan.task_root, telling);
  return result != 0 ? result : code;
}

}  // namespace
