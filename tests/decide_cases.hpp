// The decision's table of cases: arguments and environment, and what must
// come of them, with a case for every rule of the contract. decide_test runs
// it; the fuzzer starts its corpus from it. Include after src/decide.hpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace {

using Strings = std::vector<std::string>;

constexpr const char* cloud = "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001";
constexpr const char* rie = "/usr/local/bin/aws-lambda-rie";
constexpr const char* runtime_bootstrap = "/var/runtime/bootstrap";
// What the Lambda cloud sets for every container function.
constexpr const char* task_root = "LAMBDA_TASK_ROOT=/var/task";
constexpr const char* runtime_dir = "LAMBDA_RUNTIME_DIR=/var/runtime";

struct Expected {
  Action action = Action::run;
  Strings argv;                // what will be executed
  std::optional<Strings> env;  // checked when given
  size_t runtime_index = 0;    // where the emulator's runtime stands
  bool debug = false;
  std::optional<std::string> search_path;
  int exit_code = 0;  // for a complaint
  std::string subject;
  std::string reason;  // a piece of it
};

Expected runs(Strings argv, size_t runtime_index = 0) {
  Expected e;
  e.argv = std::move(argv);
  e.runtime_index = runtime_index;
  return e;
}

Expected refused(std::string subject, std::string reason) {
  Expected e;
  e.action = Action::complain;
  e.exit_code = 142;
  e.subject = std::move(subject);
  e.reason = std::move(reason);
  return e;
}

Expected with_env(Expected e, Strings env) {
  e.env = std::move(env);
  return e;
}

Expected with_debug(Expected e) {
  e.debug = true;
  return e;
}

Expected with_search_path(Expected e, std::string path) {
  e.search_path = std::move(path);
  return e;
}

Expected action(Action a) {
  Expected e;
  e.action = a;
  return e;
}

struct Case {
  const char* behaviour;
  Strings args;
  Strings env;
  Expected expected;
};

// A table reads best as written: a case to an entry.
// clang-format off
const std::vector<Case>& cases() {
  static const std::vector<Case> table = {
      // 1. The command form, in both modes.
      {"set AWS_LAMBDA_RUNTIME_API runs PROGRAM ARG... directly", {"le", "/var/task/bootstrap", "a", "b"}, {cloud},
       runs({"/var/task/bootstrap", "a", "b"})},
      {"unset AWS_LAMBDA_RUNTIME_API runs PROGRAM under the emulator", {"le", "/var/task/bootstrap", "a"}, {},
       runs({rie, "/var/task/bootstrap", "a"}, 1)},
      {"empty AWS_LAMBDA_RUNTIME_API means local", {"le", "prog"}, {"AWS_LAMBDA_RUNTIME_API="},
       runs({rie, "prog"}, 1)},
      {"the first AWS_LAMBDA_RUNTIME_API entry counts, as for getenv", {"le", "prog"},
       {"AWS_LAMBDA_RUNTIME_API=", cloud}, runs({rie, "prog"}, 1)},
      {"ENTRYPOINT plus CMD: the program's own flags are not options", {"le", "python3", "-m", "awslambdaric", "app.handler"},
       {cloud}, runs({"python3", "-m", "awslambdaric", "app.handler"})},
      {"overriding CMD changes only the handler", {"le", "python3", "-m", "awslambdaric", "other.handler"}, {},
       runs({rie, "python3", "-m", "awslambdaric", "other.handler"}, 1)},
      {"options end at PROGRAM: later --help, --version and --debug are the program's", {"le", "prog", "--help", "--version", "--debug"},
       {cloud}, runs({"prog", "--help", "--version", "--debug"})},
      {"-- ends the options, so PROGRAM may start with a dash", {"le", "--", "-prog", "--"}, {cloud},
       runs({"-prog", "--"})},
      {"PATH from the environment is where PROGRAM is looked up", {"le", "prog"}, {cloud, "PATH=/opt/bin:/bin"},
       with_search_path(runs({"prog"}), "/opt/bin:/bin")},
      {"no PATH: Docker's default PATH is used", {"le", "prog"}, {cloud},
       with_search_path(runs({"prog"}), "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")},
      {"an empty PATH is one empty entry, the current directory, not unset", {"le", "prog"}, {cloud, "PATH="},
       with_search_path(runs({"prog"}), "")},

      // 2. The AWS form.
      {"--aws-form: the one argument becomes _HANDLER and the bootstrap runs alone", {"le", "--aws-form", "app.handler"},
       {cloud, "A=1"},
       with_env(runs({runtime_bootstrap}), {cloud, "A=1", "_HANDLER=app.handler", task_root, runtime_dir})},
      {"AWS form locally: the emulator runs the bootstrap alone", {"le", "--aws-form", "app.handler"}, {},
       with_env(runs({rie, runtime_bootstrap}, 1), {"_HANDLER=app.handler", task_root, runtime_dir})},
      {"LAMBDA_ENTRYPOINT_AWS_FORM=1 chooses the AWS form", {"le", "app.handler"}, {cloud, "LAMBDA_ENTRYPOINT_AWS_FORM=1"},
       runs({runtime_bootstrap})},
      {"LAMBDA_ENTRYPOINT_AWS_FORM=true chooses the AWS form", {"le", "app.handler"},
       {cloud, "LAMBDA_ENTRYPOINT_AWS_FORM=true"}, runs({runtime_bootstrap})},
      {"installed as lambda-entrypoint.sh, it is the AWS form", {"/lambda-entrypoint.sh", "app.handler"}, {cloud},
       with_env(runs({runtime_bootstrap}), {cloud, "_HANDLER=app.handler", task_root, runtime_dir})},
      {"LAMBDA_ENTRYPOINT_AWS_FORM=0 turns the AWS form off, whatever the name", {"/lambda-entrypoint.sh", "prog"},
       {cloud, "LAMBDA_ENTRYPOINT_AWS_FORM=0"}, runs({"prog"})},
      {"--aws-form=0 turns the AWS form off, whatever the name", {"/lambda-entrypoint.sh", "--aws-form=0", "prog", "a"},
       {cloud}, runs({"prog", "a"})},
      {"--aws-form=false wins over LAMBDA_ENTRYPOINT_AWS_FORM=1", {"le", "--aws-form=false", "prog", "a"},
       {cloud, "LAMBDA_ENTRYPOINT_AWS_FORM=1"}, runs({"prog", "a"})},
      {"--aws-form=1 wins over LAMBDA_ENTRYPOINT_AWS_FORM=0", {"le", "--aws-form=1", "h"},
       {cloud, "LAMBDA_ENTRYPOINT_AWS_FORM=0"}, runs({runtime_bootstrap})},
      {"an empty --aws-form= counts as unset: the name decides", {"/lambda-entrypoint.sh", "--aws-form=", "h"}, {cloud},
       runs({runtime_bootstrap})},
      {"in the AWS form a word with one '-' is the handler, as AWS's script takes it", {"/lambda-entrypoint.sh", "-handler"},
       {cloud}, with_env(runs({runtime_bootstrap}), {cloud, "_HANDLER=-handler", task_root, runtime_dir})},
      {"in the AWS form -h is a handler too", {"le", "--aws-form", "-h"}, {cloud},
       with_env(runs({runtime_bootstrap}), {cloud, "_HANDLER=-h", task_root, runtime_dir})},
      {"the AWS form chosen by its variable takes -h as the handler", {"le", "-h"}, {cloud, "LAMBDA_ENTRYPOINT_AWS_FORM=1"},
       runs({runtime_bootstrap})},
      {"with the AWS form turned off, -h prints help whatever the name", {"/lambda-entrypoint.sh", "-h"},
       {cloud, "LAMBDA_ENTRYPOINT_AWS_FORM=0"}, action(Action::help)},
      {"in the AWS form a second word with one '-' is a second handler", {"/lambda-entrypoint.sh", "-a", "-b"}, {cloud},
       refused("", "entrypoint requires the handler name to be the first argument")},
      {"in the AWS form long options are still options", {"/lambda-entrypoint.sh", "--debug", "h"}, {cloud},
       with_debug(runs({runtime_bootstrap}))},
      {"a name merely containing lambda-entrypoint.sh is not the AWS form", {"/x/lambda-entrypoint.sh.bak", "prog"},
       {cloud}, runs({"prog"})},
      {"LAMBDA_ENTRYPOINT_BOOTSTRAP chooses the bootstrap", {"le", "--aws-form", "h"},
       {cloud, "LAMBDA_ENTRYPOINT_BOOTSTRAP=/var/task/bootstrap"}, runs({"/var/task/bootstrap"})},
      {"--bootstrap wins over LAMBDA_ENTRYPOINT_BOOTSTRAP", {"le", "--aws-form", "--bootstrap=/opt/bootstrap", "h"},
       {cloud, "LAMBDA_ENTRYPOINT_BOOTSTRAP=/var/task/bootstrap"}, runs({"/opt/bootstrap"})},
      {"an existing _HANDLER is replaced where it stands", {"le", "--aws-form", "new"},
       {"_HANDLER=old", cloud, "_HANDLER=older", task_root, runtime_dir},
       with_env(runs({runtime_bootstrap}), {"_HANDLER=new", cloud, task_root, runtime_dir})},
      {"the AWS form with no handler is refused with AWS's message", {"le", "--aws-form"}, {cloud},
       refused("", "entrypoint requires the handler name to be the first argument")},
      {"the AWS form with two arguments is refused with AWS's message", {"/lambda-entrypoint.sh", "a", "b"}, {cloud},
       refused("", "entrypoint requires the handler name to be the first argument")},
      {"the AWS form does not apply AWS_LAMBDA_EXEC_WRAPPER: the bootstrap does", {"le", "--aws-form", "h"},
       {cloud, "AWS_LAMBDA_EXEC_WRAPPER=/bin/wrapper.sh"}, runs({runtime_bootstrap})},

      // 3. Misuse.
      {"no PROGRAM is misuse", {"le"}, {cloud}, refused("", "no PROGRAM to run")},
      {"only options and no PROGRAM is misuse", {"le", "--debug", "--"}, {cloud}, refused("", "no PROGRAM to run")},
      {"an empty argv is misuse", {}, {cloud}, refused("", "no PROGRAM to run")},
      {"an unknown long option is named", {"le", "--frobnicate", "prog"}, {cloud}, refused("--frobnicate", "unknown option")},
      {"an unknown short option is named", {"le", "-x", "prog"}, {cloud}, refused("-x", "unknown option")},
      {"an unknown short option after a switch other than --aws-form is named", {"le", "--debug", "-x", "prog"},
       {cloud}, refused("-x", "unknown option")},
      {"an unknown short option after --no-parity=0 is named", {"le", "--no-parity=0", "-x", "prog"}, {cloud},
       refused("-x", "unknown option")},
      {"a lone '-' is the PROGRAM, not an option", {"le", "-", "a"}, {cloud}, runs({"-", "a"})},
      {"an option missing its value is named", {"le", "--emulator"}, {}, refused("--emulator", "needs a value")},
      {"an option's value as the last argument is taken, and the PROGRAM is missing", {"le", "--emulator", "/a"}, {},
       refused("", "no PROGRAM to run")},
      {"an option's value as the last but one argument is taken, and the PROGRAM follows it",
       {"le", "--emulator", "/a", "prog"}, {}, runs({"/a", "prog"}, 1)},
      {"a switch given a value other than 1, 0, true or false is named", {"le", "--debug=yes", "prog"}, {cloud},
       refused("--debug=yes", "expected 1, 0, true or false")},
      {"--check given a value is named", {"le", "--check=1", "prog"}, {cloud}, refused("--check=1", "takes no value")},
      {"--help given a value is named", {"le", "--help=x"}, {cloud}, refused("--help=x", "takes no value")},
      {"a switch variable that is not 1/0/true/false is misuse", {"le", "prog"}, {cloud, "LAMBDA_ENTRYPOINT_DEBUG=yes"},
       refused("LAMBDA_ENTRYPOINT_DEBUG", "expected 1, 0, true or false")},
      {"--version with other arguments is misuse", {"le", "--version", "prog"}, {cloud},
       refused("--version", "only accepted as the sole argument")},
      {"--version as the sole argument prints the version", {"le", "--version"}, {}, action(Action::version)},
      {"--help prints help", {"le", "--help"}, {}, action(Action::help)},
      {"-h prints help", {"le", "-h", "prog"}, {}, action(Action::help)},

      // 4. The emulator.
      {"LAMBDA_ENTRYPOINT_EMULATOR chooses the emulator", {"le", "prog"},
       {"LAMBDA_ENTRYPOINT_EMULATOR=/opt/rie"}, runs({"/opt/rie", "prog"}, 1)},
      {"--emulator wins over LAMBDA_ENTRYPOINT_EMULATOR", {"le", "--emulator", "/x/rie", "prog"},
       {"LAMBDA_ENTRYPOINT_EMULATOR=/opt/rie"}, runs({"/x/rie", "prog"}, 1)},
      {"an empty LAMBDA_ENTRYPOINT_EMULATOR counts as unset", {"le", "prog"}, {"LAMBDA_ENTRYPOINT_EMULATOR="},
       runs({rie, "prog"}, 1)},
      {"LAMBDA_ENTRYPOINT_EMULATOR_FLAGS are split on blanks and go before the runtime", {"le", "prog", "h"},
       {"LAMBDA_ENTRYPOINT_EMULATOR_FLAGS= --log-level debug\t--runtime-interface-emulator-address=0.0.0.0:9000\n"
        "--enable-init-caching "},
       runs({rie, "--log-level", "debug", "--runtime-interface-emulator-address=0.0.0.0:9000", "--enable-init-caching",
             "prog", "h"},
            5)},
      {"--emulator-flags wins over LAMBDA_ENTRYPOINT_EMULATOR_FLAGS", {"le", "--emulator-flags=--log-level=error", "p"},
       {"LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=--log-level debug"}, runs({rie, "--log-level=error", "p"}, 2)},
      {"emulator flags are not looked at in the cloud", {"le", "prog"},
       {cloud, "LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=/bin/evil"}, runs({"prog"})},
      {"an emulator flags word that is not a flag is refused: it would become the program", {"le", "prog"},
       {"LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=--log-level debug /bin/evil"}, refused("/bin/evil", "not a flag aws-lambda-rie takes")},
      {"an unknown emulator flag is refused: the emulator would run it as the program", {"le", "prog"},
       {"LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=--port 9000"}, refused("--port", "not a flag aws-lambda-rie takes")},
      {"an unknown emulator flag as --name=value is refused: the emulator would run it as the program", {"le", "prog"},
       {"LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=--log-level debug --max-concurrency=4"},
       refused("--max-concurrency=4", "not a flag aws-lambda-rie takes")},
      {"a misspelt emulator flag as --name=value is refused", {"le", "prog"},
       {"LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=--loglevel=debug"}, refused("--loglevel=debug", "not a flag aws-lambda-rie takes")},
      {"a known flag's name with a letter more is refused", {"le", "prog"},
       {"LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=--log-levelx=debug"}, refused("--log-levelx=debug", "not a flag aws-lambda-rie takes")},
      {"one character is no flag", {"le", "prog"}, {"LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=x"},
       refused("x", "not a flag aws-lambda-rie takes")},
      {"--=value names no flag and is refused", {"le", "prog"}, {"LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=--=4"},
       refused("--=4", "not a flag aws-lambda-rie takes")},
      {"a single-dash -name=value is refused", {"le", "prog"}, {"LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=-port=4"},
       refused("-port=4", "not a flag aws-lambda-rie takes")},
      {"an emulator flag missing its value is refused", {"le", "prog"}, {"LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=--log-level"},
       refused("--log-level", "needs a value")},
      {"an emulator flag followed by another flag is missing its value", {"le", "prog"},
       {"LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=--runtime-api-address --enable-init-caching"},
       refused("--runtime-api-address", "needs a value")},
      {"an emulator flag followed by a one-dash word is missing its value, as the emulator says", {"le", "prog"},
       {"LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=--log-level -x"}, refused("--log-level", "needs a value")},
      {"--enable-init-caching takes no value", {"le", "prog"},
       {"LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=--enable-init-caching=true"}, refused("--enable-init-caching=true", "takes no value")},
      {"a runtime argument the emulator would take is refused locally", {"le", "prog", "--log-level", "debug"}, {},
       refused("--log-level", "aws-lambda-rie takes this argument as its own flag")},
      {"a runtime argument the emulator would take, as --flag=value, is refused locally",
       {"le", "prog", "--runtime-api-address=1.2.3.4:5"}, {},
       refused("--runtime-api-address=1.2.3.4:5", "aws-lambda-rie takes this argument as its own flag")},
      {"the emulator's flags are the program's own in the cloud", {"le", "prog", "--log-level", "debug"}, {cloud},
       runs({"prog", "--log-level", "debug"})},
      {"a program named like an emulator flag, after --, is refused locally: the emulator would take it",
       {"le", "--", "--log-level", "app.handler"}, {},
       refused("--log-level", "aws-lambda-rie takes this argument as its own flag")},
      {"a program named like an emulator flag, as --flag=value after --, is refused locally",
       {"le", "--", "--runtime-api-address=1.2.3.4:5"}, {},
       refused("--runtime-api-address=1.2.3.4:5", "aws-lambda-rie takes this argument as its own flag")},
      {"a program named like an emulator flag, after --, runs in the cloud, where no emulator reads it",
       {"le", "--", "--log-level", "app.handler"}, {cloud}, runs({"--log-level", "app.handler"})},
      {"arguments that only look like emulator flags pass locally", {"le", "prog", "--log-levels", "-log-level", "--"}, {},
       runs({rie, "prog", "--log-levels", "-log-level", "--"}, 1)},
      {"an AWS-form bootstrap the emulator would take is refused", {"le", "--aws-form", "--bootstrap=--log-level", "h"}, {},
       refused("--log-level", "aws-lambda-rie would take this as its own flag")},

      // 6. AWS_LAMBDA_EXEC_WRAPPER in the command form.
      {"AWS_LAMBDA_EXEC_WRAPPER runs around PROGRAM in the cloud", {"le", "prog", "a"},
       {cloud, "AWS_LAMBDA_EXEC_WRAPPER=/bin/wrapper.sh"}, runs({"/bin/wrapper.sh", "prog", "a"})},
      {"AWS_LAMBDA_EXEC_WRAPPER runs around PROGRAM under the emulator", {"le", "prog", "a"},
       {"AWS_LAMBDA_EXEC_WRAPPER=/bin/wrapper.sh"}, runs({rie, "/bin/wrapper.sh", "prog", "a"}, 1)},
      {"an empty AWS_LAMBDA_EXEC_WRAPPER means no wrapper", {"le", "prog"}, {cloud, "AWS_LAMBDA_EXEC_WRAPPER="},
       runs({"prog"})},
      {"a wrapper the emulator would take as a flag is refused locally", {"le", "prog"},
       {"AWS_LAMBDA_EXEC_WRAPPER=--log-level"}, refused("--log-level", "aws-lambda-rie would take this as its own flag")},

      // 7. Nothing changes on the way.
      {"arguments pass byte for byte: empty, blanks, quotes, newlines, non-UTF-8",
       {"le", "prog", "", " ", "a b", "'\"$x`", "line1\nline2", "\xff\xfe", "=", "-", "--log-levelx"}, {cloud},
       runs({"prog", "", " ", "a b", "'\"$x`", "line1\nline2", "\xff\xfe", "=", "-", "--log-levelx"})},
      {"with the cloud's variables there, the command form leaves the environment as it is", {"le", "prog", "h"},
       {cloud, "_HANDLER=x", "B=", task_root, "C==", "B=2", runtime_dir},
       with_env(runs({"prog", "h"}), {cloud, "_HANDLER=x", "B=", task_root, "C==", "B=2", runtime_dir})},

      // 8. Debug.
      {"--debug turns on the report", {"le", "--debug", "prog"}, {cloud}, with_debug(runs({"prog"}))},
      {"LAMBDA_ENTRYPOINT_DEBUG=1 turns on the report", {"le", "prog"}, {cloud, "LAMBDA_ENTRYPOINT_DEBUG=1"},
       with_debug(runs({"prog"}))},
      {"LAMBDA_ENTRYPOINT_DEBUG=0 leaves it off", {"le", "prog"}, {cloud, "LAMBDA_ENTRYPOINT_DEBUG=0"}, runs({"prog"})},

      // 9. Parity: what the cloud gives and the emulator does not, and the other way round.
      {"unset LAMBDA_TASK_ROOT and LAMBDA_RUNTIME_DIR get Lambda's values locally", {"le", "prog"}, {"A=1"},
       with_env(runs({rie, "prog"}, 1), {"A=1", task_root, runtime_dir})},
      {"unset LAMBDA_TASK_ROOT and LAMBDA_RUNTIME_DIR get Lambda's values in the cloud too", {"le", "prog"}, {cloud},
       with_env(runs({"prog"}), {cloud, task_root, runtime_dir})},
      {"an empty LAMBDA_TASK_ROOT counts as unset and is replaced where it stands", {"le", "prog"},
       {cloud, "LAMBDA_TASK_ROOT=", "X=1", runtime_dir, "LAMBDA_TASK_ROOT=/later"},
       with_env(runs({"prog"}), {cloud, task_root, "X=1", runtime_dir})},
      {"a LAMBDA_TASK_ROOT or LAMBDA_RUNTIME_DIR that is set is never overridden", {"le", "prog"},
       {"LAMBDA_RUNTIME_DIR=/opt/rt", "LAMBDA_TASK_ROOT=/opt/app"},
       with_env(runs({rie, "prog"}, 1), {"LAMBDA_RUNTIME_DIR=/opt/rt", "LAMBDA_TASK_ROOT=/opt/app"})},
      {"in the cloud, an unset _HANDLER is the command's last word, as the emulator derives it",
       {"le", "npx", "aws-lambda-ric", "index.handler"}, {cloud, task_root, runtime_dir},
       with_env(runs({"npx", "aws-lambda-ric", "index.handler"}), {cloud, task_root, runtime_dir, "_HANDLER=index.handler"})},
      {"locally, _HANDLER is derived the same way before the emulator starts", {"le", "npx", "aws-lambda-ric", "index.handler"},
       {task_root, runtime_dir},
       with_env(runs({rie, "npx", "aws-lambda-ric", "index.handler"}, 1), {task_root, runtime_dir, "_HANDLER=index.handler"})},
      {"a one-word command gives no _HANDLER without AWS_LAMBDA_FUNCTION_HANDLER, as under the emulator", {"le", "/var/task/bootstrap"},
       {cloud, task_root, runtime_dir}, with_env(runs({"/var/task/bootstrap"}), {cloud, task_root, runtime_dir})},
      {"the exec wrapper is a word of the command, as the emulator sees it", {"le", "prog"},
       {cloud, "AWS_LAMBDA_EXEC_WRAPPER=/bin/w", task_root, runtime_dir},
       with_env(runs({"/bin/w", "prog"}), {cloud, "AWS_LAMBDA_EXEC_WRAPPER=/bin/w", task_root, runtime_dir, "_HANDLER=prog"})},
      {"AWS_LAMBDA_FUNCTION_HANDLER is the handler where _HANDLER is unset, as under the emulator", {"le", "p", "a.h"},
       {cloud, "AWS_LAMBDA_FUNCTION_HANDLER=b.h", task_root, runtime_dir},
       with_env(runs({"p", "a.h"}), {cloud, "AWS_LAMBDA_FUNCTION_HANDLER=b.h", task_root, runtime_dir, "_HANDLER=b.h"})},
      {"a one-word command gets AWS_LAMBDA_FUNCTION_HANDLER as its _HANDLER, as under the emulator",
       {"le", "/var/task/bootstrap"}, {cloud, "AWS_LAMBDA_FUNCTION_HANDLER=b.h", task_root, runtime_dir},
       with_env(runs({"/var/task/bootstrap"}), {cloud, "AWS_LAMBDA_FUNCTION_HANDLER=b.h", task_root, runtime_dir, "_HANDLER=b.h"})},
      {"an empty AWS_LAMBDA_FUNCTION_HANDLER counts as unset: the last word is the handler", {"le", "p", "a.h"},
       {cloud, "AWS_LAMBDA_FUNCTION_HANDLER=", task_root, runtime_dir},
       with_env(runs({"p", "a.h"}), {cloud, "AWS_LAMBDA_FUNCTION_HANDLER=", task_root, runtime_dir, "_HANDLER=a.h"})},
      {"an empty AWS_LAMBDA_FUNCTION_HANDLER gives a one-word command no _HANDLER", {"le", "/var/task/bootstrap"},
       {cloud, "AWS_LAMBDA_FUNCTION_HANDLER=", task_root, runtime_dir},
       with_env(runs({"/var/task/bootstrap"}), {cloud, "AWS_LAMBDA_FUNCTION_HANDLER=", task_root, runtime_dir})},
      {"a _HANDLER that is set is kept over AWS_LAMBDA_FUNCTION_HANDLER", {"le", "p", "a.h"},
       {cloud, "_HANDLER=x.h", "AWS_LAMBDA_FUNCTION_HANDLER=b.h", task_root, runtime_dir},
       with_env(runs({"p", "a.h"}), {cloud, "_HANDLER=x.h", "AWS_LAMBDA_FUNCTION_HANDLER=b.h", task_root, runtime_dir})},
      {"the AWS form's _HANDLER is HANDLER, whatever AWS_LAMBDA_FUNCTION_HANDLER says", {"le", "--aws-form", "h"},
       {cloud, "AWS_LAMBDA_FUNCTION_HANDLER=b.h", task_root, runtime_dir},
       with_env(runs({runtime_bootstrap}), {cloud, "AWS_LAMBDA_FUNCTION_HANDLER=b.h", task_root, runtime_dir, "_HANDLER=h"})},
      {"a _HANDLER that is set is never overridden in the command form", {"le", "p", "a.h"},
       {cloud, "_HANDLER=x.h", task_root, runtime_dir}, with_env(runs({"p", "a.h"}), {cloud, "_HANDLER=x.h", task_root, runtime_dir})},
      {"an empty _HANDLER counts as unset and is replaced where it stands", {"le", "p", "a.h"},
       {"_HANDLER=", cloud, task_root, runtime_dir}, with_env(runs({"p", "a.h"}), {"_HANDLER=a.h", cloud, task_root, runtime_dir})},
      {"LAMBDA_ENTRYPOINT_NO_PARITY=1 passes the environment on as it is", {"le", "p", "a.h"},
       {cloud, "LAMBDA_ENTRYPOINT_NO_PARITY=1"}, with_env(runs({"p", "a.h"}), {cloud, "LAMBDA_ENTRYPOINT_NO_PARITY=1"})},
      {"--no-parity passes the environment on as it is", {"le", "--no-parity", "p", "a.h"}, {},
       with_env(runs({rie, "p", "a.h"}, 1), {})},
      {"--no-parity in the AWS form still exports _HANDLER, and nothing else", {"le", "--aws-form", "--no-parity", "h"},
       {cloud}, with_env(runs({runtime_bootstrap}), {cloud, "_HANDLER=h"})},
      {"LAMBDA_ENTRYPOINT_NO_PARITY=yes is misuse", {"le", "p"}, {cloud, "LAMBDA_ENTRYPOINT_NO_PARITY=yes"},
       refused("LAMBDA_ENTRYPOINT_NO_PARITY", "expected 1, 0, true or false")},
  };
  return table;
}
// clang-format on

}  // namespace
