// Every name the program knows, once: exit codes, the variables it reads,
// the paths it uses, the CPU it is built for, the settings table that --help
// and the README follow, and the emulator's flags. Pure: constants only.
#pragma once

#include <cstddef>
#include <string_view>

namespace {

using std::size_t;
using std::string_view;

// Exit codes. 142 is what AWS's /lambda-entrypoint.sh uses for a wrong call;
// 126 and 127 mean what they mean in every shell.
constexpr int exit_misuse = 142;
constexpr int exit_cannot_run = 126;
constexpr int exit_not_found = 127;

constexpr string_view program_name = "lambda-entrypoint";
constexpr string_view aws_script_name = "lambda-entrypoint.sh";
constexpr const char* aws_count_message = "entrypoint requires the handler name to be the first argument";
#define LAMBDA_ENTRYPOINT_USAGE "usage: lambda-entrypoint [OPTION...] [--] PROGRAM [ARG...] (see --help)"
constexpr const char* usage_hint = LAMBDA_ENTRYPOINT_USAGE;
// Started with no argument at all, as a bootstrap is started.
constexpr const char* no_argument_hint = LAMBDA_ENTRYPOINT_USAGE
    "; started with no argument at all: as a bootstrap (/var/runtime/bootstrap) this program "
    "runs only a command carried to it in LAMBDA_ENTRYPOINT_COMMAND, and the AWS form needs "
    "the runtime itself there";
// Docker's own default, for images (scratch) that set no PATH at all.
constexpr const char* default_search_path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
// The PATH the emulator's Managed Instances mode gives the runtime where the
// container sets none (aws-lambda-rie v1.30, rapidcore/env/environment.go:
// the default it gives a ZIP function, which is what it runs locally).
constexpr const char* managed_search_path = "/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin";
constexpr string_view aws_lambda_prefix = "AWS_LAMBDA_";
constexpr string_view runtime_api_variable = "AWS_LAMBDA_RUNTIME_API";
constexpr string_view exec_wrapper_variable = "AWS_LAMBDA_EXEC_WRAPPER";
constexpr string_view own_prefix = "LAMBDA_ENTRYPOINT_";  // of every setting's variable
constexpr string_view handler_variable = "_HANDLER";
constexpr string_view function_handler_variable = "AWS_LAMBDA_FUNCTION_HANDLER";  // the emulator's handler override
// Its presence (even empty) puts the emulator in its Lambda Managed Instances mode.
constexpr string_view max_concurrency_variable = "AWS_LAMBDA_MAX_CONCURRENCY";
constexpr string_view path_variable = "PATH";
constexpr string_view lambda_prefix = "LAMBDA_";
constexpr string_view task_root_variable = "LAMBDA_TASK_ROOT";
constexpr string_view runtime_dir_variable = "LAMBDA_RUNTIME_DIR";
// Lambda's user, as the emulator's Managed Instances mode runs the function
// (the cloud's was seen as uid 993 too).
constexpr unsigned lambda_uid = 993;
constexpr unsigned lambda_gid = 990;
// The shell npm starts the programs it runs with (sh -c).
constexpr const char* shell_path = "/bin/sh";
// What Lambda sets them to for every container image.
constexpr const char* task_root_value = "/var/task";
constexpr const char* runtime_dir_value = "/var/runtime";

// The CPU this binary is built for, and the suffix AWS gives the emulator's
// release file for it.
#if defined(__x86_64__)
#define LAMBDA_ENTRYPOINT_CPU "x86_64"
#define LAMBDA_ENTRYPOINT_RIE_CPU "x86_64"
constexpr unsigned this_machine = 62;  // ELF e_machine: EM_X86_64
#elif defined(__aarch64__)
#define LAMBDA_ENTRYPOINT_CPU "aarch64"
#define LAMBDA_ENTRYPOINT_RIE_CPU "arm64"
constexpr unsigned this_machine = 183;  // EM_AARCH64
#else
#error "lambda-entrypoint is built for x86_64 and aarch64, the CPUs Lambda runs"
#endif
constexpr string_view emulator_cpu_suffix = "-" LAMBDA_ENTRYPOINT_RIE_CPU;
// Where AWS's documentation mounts the emulator for local runs:
// docker run -v ~/.aws-lambda-rie:/aws-lambda ...
constexpr const char* mounted_emulator = "/aws-lambda/aws-lambda-rie";
constexpr const char* mounted_emulator_for_cpu = "/aws-lambda/aws-lambda-rie-" LAMBDA_ENTRYPOINT_RIE_CPU;

// In its Managed Instances mode the emulator ignores its command: it starts
// the first of these that exists (and is not a directory), with no
// arguments, in its working directory, as Lambda's user. Installed as the
// first, this program runs the command it hands itself in
// LAMBDA_ENTRYPOINT_COMMAND (carry.hpp).
constexpr const char* managed_bootstraps[] = {"/var/runtime/bootstrap", "/var/task/bootstrap", "/opt/bootstrap"};
constexpr const char* managed_working_directory = "/var/task";
// The kernel's limit on one argument or environment string, its NUL included
// (MAX_ARG_STRLEN): the command carried in the Managed Instances mode is one.
constexpr size_t max_arg_strlen = 131072;
// Lambda starts every entry here but a directory before the runtime, as the
// emulator does in both its modes.
constexpr const char* extensions_directory = "/opt/extensions";
constexpr string_view carried_variable = "LAMBDA_ENTRYPOINT_COMMAND";
#define LAMBDA_ENTRYPOINT_MANAGED_MODE "the emulator's Managed Instances mode (AWS_LAMBDA_MAX_CONCURRENCY is set)"
constexpr size_t largest_concurrency = 2147483647;  // Java's largest int: its client parses the value as one

// Every setting once: its option, its environment variable, its help. --help
// is printed from this table and the README follows it.
enum Setting {
  aws_form_setting,
  bootstrap_setting,
  emulator_setting,
  emulator_flags_setting,
  no_parity_setting,
  debug_setting,
  setting_count
};

struct SettingInfo {
  const char* option;         // long option, without "--"
  string_view variable;       // environment variable with the same meaning
  const char* value_name;     // nullptr for a switch: the option takes no value, the variable 1 or 0
  const char* default_value;  // nullptr: none
  const char* help;
};

constexpr SettingInfo settings[setting_count] = {
    {"aws-form", "LAMBDA_ENTRYPOINT_AWS_FORM", nullptr, nullptr,
     "act as AWS's /lambda-entrypoint.sh: HANDLER is exported as _HANDLER and the\n      "
     "bootstrap runs with no arguments; on when installed as lambda-entrypoint.sh"},
    {"bootstrap", "LAMBDA_ENTRYPOINT_BOOTSTRAP", "PATH", "/var/runtime/bootstrap", "the runtime the AWS form runs"},
    {"emulator", "LAMBDA_ENTRYPOINT_EMULATOR", "PATH", "/usr/local/bin/aws-lambda-rie",
     "the Runtime Interface Emulator, run when AWS_LAMBDA_RUNTIME_API is unset\n      "
     "or empty; where it is missing, PATH-" LAMBDA_ENTRYPOINT_RIE_CPU ", then /aws-lambda/aws-lambda-rie\n      "
     "and /aws-lambda/aws-lambda-rie-" LAMBDA_ENTRYPOINT_RIE_CPU " are tried"},
    {"emulator-flags", "LAMBDA_ENTRYPOINT_EMULATOR_FLAGS", "FLAGS", nullptr,
     "flags for the emulator, split on blanks, e.g. '--log-level debug'; only\n      "
     "the four flags aws-lambda-rie takes, which it would run any other word as"},
    {"no-parity", "LAMBDA_ENTRYPOINT_NO_PARITY", nullptr, nullptr,
     "pass the environment on as it is: do not fill in LAMBDA_TASK_ROOT,\n      "
     "LAMBDA_RUNTIME_DIR and _HANDLER where they are unset or empty"},
    {"debug", "LAMBDA_ENTRYPOINT_DEBUG", nullptr, nullptr,
     "print the decision and the exact command to stderr before running it"},
};

// The options besides the settings'.
enum Command { help_command, version_command, check_command, command_count };
constexpr const char* command_options[command_count] = {"help", "version", "check"};

// The flags aws-lambda-rie takes. It looks for them anywhere in its arguments
// and has no "--" to stop that, so none of them can reach the program it runs.
struct EmulatorFlag {
  string_view name;
  bool takes_value;
};
constexpr EmulatorFlag emulator_flags[] = {
    {"--log-level", true},
    {"--runtime-interface-emulator-address", true},
    {"--runtime-api-address", true},
    {"--enable-init-caching", false},
};

}  // namespace
