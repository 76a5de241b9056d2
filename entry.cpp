// lambda-entrypoint: start an AWS Lambda runtime the way the place it runs in needs.
//
// In the Lambda cloud AWS_LAMBDA_RUNTIME_API is set and the runtime must run
// directly; on a developer's machine it is not, and the same runtime must run
// under aws-lambda-rie, the Runtime Interface Emulator, to be invoked over HTTP.
// This program makes that choice and replaces itself with the result (execve):
// no shell, no extra process, nothing changed on the way.
//
// Read top-down: names and settings; decide(), which turns arguments and
// environment into a Plan or a Complaint with no system call and no
// allocation; inspect(), which turns a file's first bytes into what they say
// about starting it; then the system calls: run() carries a Plan out (PATH
// lookup, then execve), explain() reads a file that cannot start and names
// why, check() is --check; then main().

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <utility>

#ifndef LAMBDA_ENTRYPOINT_VERSION
#error "LAMBDA_ENTRYPOINT_VERSION must be defined by the build"
#endif

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
constexpr const char* usage_hint = "usage: lambda-entrypoint [OPTION...] [--] PROGRAM [ARG...] (see --help)";
// Docker's own default, for images (scratch) that set no PATH at all.
constexpr const char* default_search_path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
constexpr string_view aws_lambda_prefix = "AWS_LAMBDA_";
constexpr string_view runtime_api_variable = "AWS_LAMBDA_RUNTIME_API";
constexpr string_view exec_wrapper_variable = "AWS_LAMBDA_EXEC_WRAPPER";
constexpr string_view own_prefix = "LAMBDA_ENTRYPOINT_";  // of every setting's variable
constexpr string_view handler_variable = "_HANDLER";
constexpr string_view function_handler_variable = "AWS_LAMBDA_FUNCTION_HANDLER";  // the emulator's handler override
constexpr string_view path_variable = "PATH";
constexpr string_view lambda_prefix = "LAMBDA_";
constexpr string_view task_root_variable = "LAMBDA_TASK_ROOT";
constexpr string_view runtime_dir_variable = "LAMBDA_RUNTIME_DIR";
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
     "flags for the emulator, split on blanks, e.g. '--log-level debug'; flags\n      "
     "this program does not know go as --name=value"},
    {"no-parity", "LAMBDA_ENTRYPOINT_NO_PARITY", nullptr, nullptr,
     "pass the environment on as it is: do not fill in LAMBDA_TASK_ROOT,\n      "
     "LAMBDA_RUNTIME_DIR and _HANDLER where they are unset or empty"},
    {"debug", "LAMBDA_ENTRYPOINT_DEBUG", nullptr, nullptr,
     "print the decision and the exact command to stderr before running it"},
};

// The first n bytes of text (all of it when shorter). Not substr(): out of
// line, its unused throwing branch would need the C++ library.
string_view first(string_view text, size_t n) { return string_view(text.data(), n < text.size() ? n : text.size()); }

bool starts_with(string_view text, string_view prefix) { return first(text, prefix.size()) == prefix; }

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

const EmulatorFlag* emulator_flag_in(string_view argument) {
  for (const EmulatorFlag& flag : emulator_flags) {
    if (!starts_with(argument, flag.name)) continue;
    if (argument.size() == flag.name.size() || argument[flag.name.size()] == '=') return &flag;
  }
  return nullptr;
}

// A variable the program is given: it replaces the first entry of its name
// where it stands (later ones are dropped, so that every libc reads the same
// value), or is added at the end.
struct Assignment {
  string_view name;
  const char* value;
};
constexpr size_t max_assignments = 3;  // _HANDLER, LAMBDA_TASK_ROOT, LAMBDA_RUNTIME_DIR

// What a program in a plan is for: it chooses the hint when it cannot run.
enum class Role { program, wrapper, bootstrap, emulator, interpreter };

// What to execute. Locally: EMULATOR [FLAG...] [LEAD] [TAIL...]; in the
// cloud: [LEAD] [TAIL...]. LEAD is the exec wrapper in the command form and
// the bootstrap in the AWS form; TAIL is PROGRAM ARG... as given. The plan
// only points into the arguments and environment it was made from.
struct Plan {
  bool cloud = false;  // AWS_LAMBDA_RUNTIME_API is set and non-empty
  bool aws_form = false;
  bool debug = false;
  const char* search_path = default_search_path;  // where names without a slash are looked up
  bool search_path_is_default = true;
  const char* emulator = nullptr;  // set when running locally
  string_view emulator_flags;      // checked: only the emulator's own flags, blank-separated
  size_t emulator_flag_count = 0;
  const char* lead = nullptr;
  Role lead_role = Role::program;
  char* const* tail = nullptr;
  size_t tail_size = 0;
  Assignment assignments[max_assignments] = {};
  size_t assignment_count = 0;
};

void assign(Plan& plan, string_view name, const char* value) {
  plan.assignments[plan.assignment_count++] = {name, value};
}

struct Complaint {
  int exit_code = exit_misuse;
  string_view subject;  // the argument or variable at fault, if one is (data() is null when none)
  const char* reason = "";
  const char* hint = nullptr;
  bool verbatim = false;      // print the reason alone, as AWS's script does
  char short_option[3] = {};  // names an unknown short option, which argv cannot point at
};

enum class Action { run, check, help, version, complain };

struct Decision {
  Action action = Action::complain;
  Plan plan;
  Complaint complaint;
};

Decision complaint(const Complaint& complaint) {
  Decision decision;
  decision.complaint = complaint;
  return decision;
}

Decision misuse(string_view subject, const char* reason) {
  return complaint({exit_misuse, subject, reason, usage_hint});
}

bool non_empty(const char* text) { return text != nullptr && *text != '\0'; }

// What follows prefix in text, or nullptr. text is never measured: its NUL
// ends the comparison at the latest, and most texts differ at the first byte.
const char* after(const char* text, string_view prefix) {
  for (char c : prefix)
    if (*text++ != c) return nullptr;
  return text;
}

// The value in an environment entry "NAME=value" for this name, or nullptr.
[[gnu::noinline]] const char* value_if_named(const char* entry, string_view name) {
  const char* rest = after(entry, name);
  return rest != nullptr && *rest == '=' ? rest + 1 : nullptr;
}

// Every variable decide() reads, found in one pass (the first entry of a name
// wins, as for getenv). This runs over the whole environment at every cold
// start, so each entry is told apart by its first bytes and compared with at
// most one name (the settings aside, which share a prefix of their own).
struct Variables {
  const char* runtime_api = nullptr;
  const char* exec_wrapper = nullptr;
  const char* function_handler = nullptr;
  const char* task_root = nullptr;
  const char* runtime_dir = nullptr;
  const char* handler = nullptr;
  const char* path = nullptr;
  const char* settings[setting_count] = {};
};

// Takes an entry's value for a variable not found yet. rest is the entry
// past the prefix it was found to have; name_rest, the name past it too.
void take(const char*& slot, const char* rest, string_view name_rest) {
  if (slot == nullptr) slot = value_if_named(rest, name_rest);
}

Variables read_variables(char* const envp[]) {
  constexpr string_view runtime_api = runtime_api_variable.substr(aws_lambda_prefix.size());
  constexpr string_view exec_wrapper = exec_wrapper_variable.substr(aws_lambda_prefix.size());
  constexpr string_view function_handler = function_handler_variable.substr(aws_lambda_prefix.size());
  constexpr string_view own_rest = own_prefix.substr(lambda_prefix.size());
  constexpr string_view task_root = task_root_variable.substr(lambda_prefix.size());
  constexpr string_view runtime_dir = runtime_dir_variable.substr(lambda_prefix.size());
  Variables found;
  for (char* const* entry = envp; entry != nullptr && *entry != nullptr; ++entry) {
    const char* rest = nullptr;
    switch (**entry) {
      case aws_lambda_prefix[0]:
        if ((rest = after(*entry, aws_lambda_prefix)) == nullptr) break;
        switch (*rest) {
          case runtime_api[0]: take(found.runtime_api, rest, runtime_api); break;
          case exec_wrapper[0]: take(found.exec_wrapper, rest, exec_wrapper); break;
          case function_handler[0]: take(found.function_handler, rest, function_handler); break;
        }
        break;
      case lambda_prefix[0]:
        if ((rest = after(*entry, lambda_prefix)) == nullptr) break;
        switch (*rest) {
          case own_rest[0]:
            if ((rest = after(rest, own_rest)) == nullptr) break;
            for (int s = 0; s < setting_count; ++s) {
              string_view name_rest = settings[s].variable;
              name_rest.remove_prefix(own_prefix.size());
              take(found.settings[s], rest, name_rest);
            }
            break;
          case task_root[0]: take(found.task_root, rest, task_root); break;
          case runtime_dir[0]: take(found.runtime_dir, rest, runtime_dir); break;
        }
        break;
      case path_variable[0]: take(found.path, *entry, path_variable); break;
      case handler_variable[0]: take(found.handler, *entry, handler_variable); break;
    }
  }
  return found;
}

string_view base_name(string_view path) {
  if (size_t slash = path.rfind('/'); slash != string_view::npos) path.remove_prefix(slash + 1);
  return path;
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

// Takes the next blank-separated word off the front of text; false when none is left.
bool next_word(string_view& text, string_view& word) {
  size_t start = 0;
  while (start < text.size() && is_blank(text[start])) ++start;
  size_t end = start;
  while (end < text.size() && !is_blank(text[end])) ++end;
  word = string_view(text.data() + start, end - start);
  text.remove_prefix(end);
  return !word.empty();
}

// A flag a newer emulator may take: --name=value, whose value is part of
// the word, so that no separate word is left to become the program.
bool is_named_flag(string_view word) {
  size_t equals = word.find('=');
  return starts_with(word, "--") && equals != string_view::npos && equals > 2;
}

// Each word of the emulator flags must be a flag the emulator takes, the
// value of one, or a --name=value flag: any other word would become the
// program the emulator runs. Counts the words; on a fault, returns why and
// names the word.
const char* check_emulator_flags(string_view flags, size_t& word_count, string_view& culprit) {
  word_count = 0;
  const EmulatorFlag* awaiting_value = nullptr;
  for (string_view word; next_word(flags, word); ++word_count) {
    if (awaiting_value != nullptr) {
      if (word[0] == '-') return "needs a value";
      awaiting_value = nullptr;
      continue;
    }
    culprit = word;
    const EmulatorFlag* flag = emulator_flag_in(word);
    if (flag == nullptr && is_named_flag(word)) continue;
    if (flag == nullptr)
      return "not a flag aws-lambda-rie is known to take, nor a flag's value, so the emulator would run it as the "
             "program (known: --log-level, --runtime-interface-emulator-address, --runtime-api-address, "
             "--enable-init-caching); give any other flag as --name=value";
    bool inline_value = word.size() > flag->name.size();
    if (inline_value && !flag->takes_value) return "takes no value";
    if (flag->takes_value && !inline_value) awaiting_value = flag;
  }
  return awaiting_value != nullptr ? "needs a value" : nullptr;
}

// A switch is on with 1 or true, off with 0 or false.
bool parse_switch(string_view value, bool& on) {
  if (value == "1" || value == "true") return on = true, true;
  if (value == "0" || value == "false") return on = false, true;
  return false;
}

// The options besides the settings'.
enum Command { help_command, version_command, check_command, command_count };
constexpr const char* command_options[command_count] = {"help", "version", "check"};

// A long option by its name or by an unambiguous prefix of it, as
// getopt_long finds it: the settings first, then the commands; -1 for none.
int find_option(string_view name) {
  int found = -1;
  for (int i = 0; i < setting_count + command_count; ++i) {
    string_view option = i < setting_count ? settings[i].option : command_options[i - setting_count];
    if (option == name) return i;
    if (!name.empty() && starts_with(option, name)) found = found == -1 ? i : -2;  // -2: ambiguous
  }
  return found < 0 ? -1 : found;
}

// The decision: arguments and environment in, a plan (or a complaint) out.
//
// The options are parsed as getopt_long("+:h") parses them: long options by
// unambiguous prefix, as --name=value or --name value, options ending at the
// first operand (the program, whose arguments are its own) or at "--". Not
// getopt_long itself: musl's brings its error printing, and with it stdio,
// some 4 KB of a binary that must stay under 32 KiB.
Decision decide(int argc, char* const argv[], char* const envp[]) {
  if (argc == 2 && string_view(argv[1]) == "--version") return {Action::version, {}, {}};

  const char* from_options[setting_count] = {};
  bool check = false;
  int first_operand = argc > 0 ? 1 : 0;
  for (; first_operand < argc; ++first_operand) {
    string_view argument = argv[first_operand];
    if (argument == "--") {
      ++first_operand;
      break;
    }
    if (argument.size() < 2 || argument[0] != '-') break;
    if (argument[1] != '-') {
      if (argument[1] == 'h') return {Action::help, {}, {}};
      Decision unknown = misuse({}, "unknown option");
      unknown.complaint.short_option[0] = '-';
      unknown.complaint.short_option[1] = argument[1];
      return unknown;
    }
    argument.remove_prefix(2);
    size_t equals = argument.find('=');
    int option = find_option(first(argument, equals));
    if (option < 0) return misuse(argv[first_operand], "unknown option");
    bool takes_value = option < setting_count && settings[option].value_name != nullptr;
    if (equals != string_view::npos && !takes_value) return misuse(argv[first_operand], "takes no value");
    if (option == setting_count + help_command) return {Action::help, {}, {}};
    if (option == setting_count + version_command) return misuse("--version", "only accepted as the sole argument");
    if (option == setting_count + check_command) {
      check = true;
    } else if (!takes_value) {
      from_options[option] = "1";
    } else if (equals != string_view::npos) {
      from_options[option] = argv[first_operand] + 2 + equals + 1;
    } else if (first_operand + 1 < argc) {
      from_options[option] = argv[++first_operand];
    } else {
      return misuse(argv[first_operand], "needs a value");
    }
  }

  // An option wins over its variable, which wins over the default; an empty
  // value counts as unset.
  const Variables variables = read_variables(envp);
  auto value_of = [&](Setting s) -> const char* {
    if (non_empty(from_options[s])) return from_options[s];
    if (non_empty(variables.settings[s])) return variables.settings[s];
    return settings[s].default_value;
  };

  // --check looks at what runs in either mode, so it takes the local plan,
  // which holds the emulator too.
  Decision decision{check ? Action::check : Action::run, {}, {}};
  Plan& plan = decision.plan;
  plan.aws_form = argc > 0 && base_name(argv[0]) == aws_script_name;
  bool no_parity = false;
  const std::pair<Setting, bool*> switches[] = {
      {aws_form_setting, &plan.aws_form}, {no_parity_setting, &no_parity}, {debug_setting, &plan.debug}};
  for (const auto& [s, on] : switches) {
    const char* value = value_of(s);
    if (value != nullptr && !parse_switch(value, *on))
      return misuse(settings[s].variable, "expected 1, 0, true or false");
  }
  plan.cloud = !check && non_empty(variables.runtime_api);
  if (non_empty(variables.path)) {
    plan.search_path = variables.path;
    plan.search_path_is_default = false;
  }

  char* const* operands = argv + first_operand;
  size_t operand_count = static_cast<size_t>(argc - first_operand);
  if (plan.aws_form) {
    if (operand_count != 1) return complaint({exit_misuse, {}, aws_count_message, nullptr, true});
    assign(plan, handler_variable, operands[0]);
    plan.lead = value_of(bootstrap_setting);
    plan.lead_role = Role::bootstrap;
  } else {
    if (operand_count == 0) return misuse({}, "no PROGRAM to run");
    plan.tail = operands;
    plan.tail_size = operand_count;
    // AWS's managed runtimes run AWS_LAMBDA_EXEC_WRAPPER around the runtime.
    // In the AWS form their bootstrap does that itself, so only here.
    if (non_empty(variables.exec_wrapper)) {
      plan.lead = variables.exec_wrapper;
      plan.lead_role = Role::wrapper;
    }
  }

  // Parity: what the Lambda cloud gives every container function and the
  // emulator does not, and the _HANDLER the emulator derives from its command
  // (the last word of two or more, unless AWS_LAMBDA_FUNCTION_HANDLER says
  // otherwise), which the cloud may not give. Runtime clients read them from
  // the environment alone. Only where unset or empty: a value is never
  // overridden, and when all are there the environment passes untouched.
  if (!no_parity) {
    size_t command_words = (plan.lead != nullptr ? 1 : 0) + plan.tail_size;
    if (!plan.aws_form && command_words >= 2 && !non_empty(variables.handler))
      assign(plan, handler_variable,
             non_empty(variables.function_handler) ? variables.function_handler : plan.tail[plan.tail_size - 1]);
    if (!non_empty(variables.task_root)) assign(plan, task_root_variable, task_root_value);
    if (!non_empty(variables.runtime_dir)) assign(plan, runtime_dir_variable, runtime_dir_value);
  }

  if (!plan.cloud) {
    plan.emulator = value_of(emulator_setting);
    if (const char* flags = value_of(emulator_flags_setting)) plan.emulator_flags = flags;
    string_view culprit;
    if (const char* reason = check_emulator_flags(plan.emulator_flags, plan.emulator_flag_count, culprit))
      return misuse(culprit, reason);
    if (plan.lead != nullptr && emulator_flag_in(plan.lead) != nullptr)
      return misuse(plan.lead, "aws-lambda-rie would take this as its own flag");
    for (size_t i = 0; i < plan.tail_size; ++i)
      if (emulator_flag_in(plan.tail[i]) != nullptr)
        return complaint({exit_misuse, plan.tail[i],
                          "aws-lambda-rie takes this argument as its own flag wherever it stands (it has no '--'), "
                          "so the program would never see it",
                          "pass it another way, e.g. in an environment variable"});
  }
  return decision;
}

// The argv a plan executes: its size (without the terminating null), and the
// array itself, written into out. The emulator flags are copied into words,
// which must hold plan.emulator_flags.size() + 1 bytes, and split there.
size_t argv_size(const Plan& plan) {
  return (plan.emulator != nullptr ? 1 + plan.emulator_flag_count : 0) + (plan.lead != nullptr ? 1 : 0) +
         plan.tail_size;
}

void fill_argv(const Plan& plan, char* words, char** out) {
  if (plan.emulator != nullptr) {
    *out++ = const_cast<char*>(plan.emulator);
    string_view flags = plan.emulator_flags;
    for (string_view word; next_word(flags, word); words += word.size() + 1) {
      std::memcpy(words, word.data(), word.size());
      words[word.size()] = '\0';
      *out++ = words;
    }
  }
  if (plan.lead != nullptr) *out++ = const_cast<char*>(plan.lead);
  for (size_t i = 0; i < plan.tail_size; ++i) *out++ = plan.tail[i];
  *out = nullptr;
}

// Where in that argv the runtime stands: the program the emulator will run.
size_t runtime_index(const Plan& plan) { return plan.emulator != nullptr ? 1 + plan.emulator_flag_count : 0; }

size_t env_size(char* const envp[]) {
  size_t count = 0;
  while (envp != nullptr && envp[count] != nullptr) ++count;
  return count;
}

// The environment a plan gives the program: envp with the plan's
// assignments made. Their "NAME=value" entries are written into words, which
// must hold assignments_size(plan) bytes; out must hold env_size(envp) +
// plan.assignment_count + 1 pointers.
size_t assignments_size(const Plan& plan) {
  size_t size = 0;
  for (size_t a = 0; a < plan.assignment_count; ++a)
    size += plan.assignments[a].name.size() + 2 + std::strlen(plan.assignments[a].value);
  return size;
}

void fill_env(const Plan& plan, char* const envp[], char* words, char** out) {
  char* entries[max_assignments];
  bool placed[max_assignments] = {};
  for (size_t a = 0; a < plan.assignment_count; ++a) {
    const Assignment& assignment = plan.assignments[a];
    entries[a] = words;
    std::memcpy(words, assignment.name.data(), assignment.name.size());
    words[assignment.name.size()] = '=';
    words = stpcpy(words + assignment.name.size() + 1, assignment.value) + 1;
  }
  for (size_t i = 0; envp != nullptr && envp[i] != nullptr; ++i) {
    size_t a = 0;
    while (a < plan.assignment_count && value_if_named(envp[i], plan.assignments[a].name) == nullptr) ++a;
    if (a == plan.assignment_count) {
      *out++ = envp[i];
    } else if (!placed[a]) {
      *out++ = entries[a];
      placed[a] = true;
    }
  }
  for (size_t a = 0; a < plan.assignment_count; ++a)
    if (!placed[a]) *out++ = entries[a];
  *out = nullptr;
}

// Where the emulator is looked for, in turn: where it is configured, the same
// name ending in AWS's suffix for this CPU (aws-lambda-rie-arm64), then where
// AWS's documentation mounts it for local runs, under both names. suffixed
// receives the second, and must hold PATH_MAX bytes.
constexpr size_t emulator_candidate_count = 4;
using EmulatorCandidates = const char* [emulator_candidate_count];

void emulator_candidates(const char* configured, char* suffixed, EmulatorCandidates& out) {
  size_t length = std::strlen(configured);
  if (length + emulator_cpu_suffix.size() < PATH_MAX) {
    std::memcpy(suffixed, configured, length);
    std::memcpy(suffixed + length, emulator_cpu_suffix.data(), emulator_cpu_suffix.size());
    suffixed[length + emulator_cpu_suffix.size()] = '\0';
  } else {
    suffixed = const_cast<char*>(configured);  // no room for the suffix: try it once
  }
  const char* candidates[] = {configured, suffixed, mounted_emulator, mounted_emulator_for_cpu};
  std::memcpy(out, candidates, sizeof out);
}

// ---------------------------------------------------------------------------
// Inspection: what the first bytes of a file say about starting it. Pure:
// bytes in, facts out; reading the file is run()'s business.

constexpr size_t head_size = 1024;     // holds an ordinary program's headers and its PT_INTERP
constexpr size_t shebang_limit = 256;  // what Linux (5.1 on) reads of a '#!' line: BINPRM_BUF_SIZE

struct Head {
  // unreadable: an ELF file whose headers lie or are cut short
  enum Kind { other, elf, script, unreadable } kind = other;
  unsigned machine = 0;          // ELF e_machine
  string_view interpreter;       // ELF PT_INTERP, or the '#!' line's program; empty when none
  string_view argument;          // the '#!' line's one argument
  bool carriage_return = false;  // the '#!' line ends in '\r': Windows line endings
  bool line_too_long = false;    // no end of the '#!' line within what Linux reads
};

// An unsigned field of an ELF file, or false when it lies past the bytes.
bool elf_field(string_view bytes, uint64_t offset, size_t size, bool big_endian, uint64_t& value) {
  if (offset > bytes.size() || bytes.size() - offset < size) return false;
  value = 0;
  for (size_t i = 0; i < size; ++i)
    value |= uint64_t(static_cast<unsigned char>(bytes[offset + i])) << 8 * (big_endian ? size - 1 - i : i);
  return true;
}

Head inspect_elf(string_view bytes) {
  Head head, lying;
  head.kind = Head::elf;
  lying.kind = Head::unreadable;
  bool wide = bytes.size() > 4 && bytes[4] == 2;  // ELFCLASS64
  bool big = bytes.size() > 5 && bytes[5] == 2;   // ELFDATA2MSB
  size_t word = wide ? 8 : 4;
  uint64_t machine, table, entry_size, count;
  if (!elf_field(bytes, 18, 2, big, machine) || !elf_field(bytes, wide ? 32 : 28, word, big, table) ||
      !elf_field(bytes, wide ? 54 : 42, 2, big, entry_size) || !elf_field(bytes, wide ? 56 : 44, 2, big, count))
    return lying;
  head.machine = static_cast<unsigned>(machine);
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t at = table + i * entry_size, type, offset, size;  // no overflow: each factor is below 2^16 or checked
    if (table > bytes.size() || !elf_field(bytes, at, 4, big, type)) return lying;
    if (type != 3) continue;  // PT_INTERP
    if (!elf_field(bytes, at + word, word, big, offset) || !elf_field(bytes, at + 4 * word, word, big, size) ||
        offset > bytes.size() || size > bytes.size() - offset || size == 0)
      return lying;
    head.interpreter = string_view(bytes.data() + offset, size);
    head.interpreter = first(head.interpreter, head.interpreter.find('\0'));
    break;
  }
  return head;
}

// A '#!' line as Linux reads it: the interpreter is the first word, the one
// argument the rest with its outer blanks removed; '\r' is no blank.
Head inspect_script(string_view bytes) {
  Head head;
  head.kind = Head::script;
  string_view line = first(bytes, shebang_limit);
  size_t end = line.find('\n');
  head.line_too_long = end == string_view::npos && bytes.size() >= shebang_limit;
  line = string_view(line.data() + 2, (end == string_view::npos ? line.size() : end) - 2);
  head.carriage_return = !line.empty() && line.back() == '\r';
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!line.empty() && blank(line.front())) line.remove_prefix(1);
  while (!line.empty() && blank(line.back())) line.remove_suffix(1);
  size_t word = 0;
  while (word < line.size() && !blank(line[word])) ++word;
  head.interpreter = first(line, word);
  line.remove_prefix(word);
  while (!line.empty() && blank(line.front())) line.remove_prefix(1);
  head.argument = line;
  return head;
}

Head inspect(string_view bytes) {
  if (starts_with(bytes, "\177ELF")) return inspect_elf(bytes);
  if (starts_with(bytes, "#!")) return inspect_script(bytes);
  return {};
}

// "A program for" the CPU an ELF machine number stands for, as people say it.
const char* program_for(unsigned machine) {
  switch (machine) {
    case 62: return "an x86_64 program";
    case 183: return "an aarch64 program";
    case 3: return "a 32-bit x86 program";
    case 40: return "a 32-bit ARM program";
    default: return nullptr;
  }
}

// ---------------------------------------------------------------------------
// Everything below touches the system.

// Collects output and writes it in whole lines, so a message from this
// program is not interleaved with another process's output. No stdio: it
// would cost more than the rest of the program. Its members stay out of line:
// inlined into every message, they would cost kilobytes of the binary.
class Output {
 public:
  explicit Output(int fd) : fd_(fd) {}
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
  ~Output() { flush(); }

  [[gnu::noinline]] Output& operator<<(string_view text) {
    for (char c : text) put(c);
    return *this;
  }

  // Quoted for a POSIX shell (bash's $'...' where a control byte needs it),
  // so the line can be pasted into a shell and means the same bytes.
  [[gnu::noinline]] Output& quoted(string_view word) {
    constexpr string_view plain = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-";
    if (!word.empty() && word.find_first_not_of(plain) == string_view::npos) return *this << word;
    bool has_control = false;
    for (unsigned char c : word) has_control |= c < 0x20 || c == 0x7f;
    if (!has_control) {
      put('\'');
      for (char c : word) {
        if (c == '\'') *this << "'\\''";
        else put(c);
      }
      put('\'');
      return *this;
    }
    *this << "$'";
    for (unsigned char c : word) {
      if (c == '\n') *this << "\\n";
      else if (c == '\t') *this << "\\t";
      else if (c == '\\' || c == '\'') put('\\'), put(static_cast<char>(c));
      else if (c < 0x20 || c >= 0x7f)
        put('\\'), put('x'), put("0123456789abcdef"[c >> 4]), put("0123456789abcdef"[c & 15]);
      else put(static_cast<char>(c));
    }
    put('\'');
    return *this;
  }

  [[gnu::noinline]] Output& number(unsigned value) {
    char digits[10];
    size_t used = 0;
    do digits[used++] = static_cast<char>('0' + value % 10);
    while ((value /= 10) != 0);
    while (used > 0) put(digits[--used]);
    return *this;
  }

  void flush() {
    for (size_t done = 0; done < used_;) {
      ssize_t written = write(fd_, buffer_ + done, used_ - done);
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) break;  // nowhere left to report to
      done += static_cast<size_t>(written);
    }
    used_ = 0;
  }

 private:
  [[gnu::noinline]] void put(char c) {
    if (used_ == sizeof buffer_) flush();
    buffer_[used_++] = c;
  }

  int fd_;
  size_t used_ = 0;
  char buffer_[4096];
};

const Complaint out_of_memory = {exit_cannot_run, {}, "out of memory"};

int complain(const Complaint& complaint) {
  Output err(STDERR_FILENO);
  if (complaint.verbatim) {
    err << complaint.reason << "\n";
    return complaint.exit_code;
  }
  string_view subject = complaint.short_option[0] != '\0' ? complaint.short_option : complaint.subject;
  err << program_name << ": ";
  if (subject.data() != nullptr) err.quoted(subject) << ": ";
  err << complaint.reason;
  if (complaint.hint != nullptr) err << "; " << complaint.hint;
  err << "\n";
  return complaint.exit_code;
}

void print_help() {
  Output out(STDOUT_FILENO);
  out << "Usage: lambda-entrypoint [OPTION...] [--] PROGRAM [ARG...]\n"
         "       lambda-entrypoint --aws-form [OPTION...] HANDLER\n"
         "       lambda-entrypoint --check [OPTION...] PROGRAM [ARG...]   (or HANDLER)\n\n"
         "Runs PROGRAM ARG... (in the AWS form: the bootstrap, with _HANDLER=HANDLER) directly when\n"
         "AWS_LAMBDA_RUNTIME_API is set, as in the Lambda cloud, and under the Runtime Interface Emulator\n"
         "when it is unset or empty, as on a local machine. In the command form, AWS_LAMBDA_EXEC_WRAPPER,\n"
         "when set, runs around PROGRAM.\n\n"
         "Options, each also set by its environment variable (an option wins; an empty value counts as unset):\n";
  for (const SettingInfo& setting : settings) {
    out << "  --" << setting.option;
    if (setting.value_name != nullptr) out << "=" << setting.value_name;
    out << ", " << setting.variable << "=" << (setting.value_name != nullptr ? setting.value_name : "1") << "\n      "
        << setting.help;
    if (setting.default_value != nullptr) out << "\n      (default: " << setting.default_value << ")";
    out << "\n";
  }
  out << "  --check\n      run nothing: check every file a run would execute, in either mode, as\n"
         "      Lambda's non-root user would meet it; exit 0 when a cold start would work\n"
         "  -h, --help\n      print this help\n"
         "  --version\n      print the version and the CPU; only as the sole argument\n\n"
         "Exit status: the program's own once it runs; 142 for a wrong call; 127 when what must run\n"
         "is not found; 126 when it is found but cannot run.\n";
}

int exit_code_for(int error) {
  return error == ENOENT || error == ENOTDIR || error == ENAMETOOLONG ? exit_not_found : exit_cannot_run;
}

bool is_directory(const char* path) {
  struct stat status;
  return stat(path, &status) == 0 && S_ISDIR(status.st_mode);
}

// Why a path cannot be executed, or 0. A directory is refused here because
// access() lets it through.
int check_runnable(const char* path) {
  if (access(path, X_OK) != 0) return errno;
  return is_directory(path) ? EISDIR : 0;
}

struct Location {
  int error = 0;                  // 0 when path can be executed
  const char* path = nullptr;     // what will run, or what could not
  bool searched_in_vain = false;  // looked up in PATH and found nowhere
};

// Finds a program as execvp would, without executing it: a name with a slash
// is used as it is (checked only if asked: execve checks what it executes);
// any other is looked up in each PATH entry in turn (an empty entry means the
// current directory, as POSIX says). The first executable file wins; failing
// that, the first one found that cannot run is reported, so that "Permission
// denied" is not hidden behind "not found".
Location locate(const char* name, const char* search_path, char (&found)[PATH_MAX], bool check_path) {
  if (*name == '\0') return {ENOENT, name, false};
  if (std::strchr(name, '/') != nullptr) return {check_path ? check_runnable(name) : 0, name, false};
  size_t name_length = std::strlen(name);
  if (name_length > NAME_MAX) return {ENAMETOOLONG, name, false};

  Location location{ENOENT, name, true};
  char candidate[PATH_MAX];
  for (const char* entry = search_path;; ++entry) {
    const char* end = std::strchr(entry, ':');
    if (end == nullptr) end = entry + std::strlen(entry);
    string_view directory(entry, static_cast<size_t>(end - entry));
    if (directory.empty()) directory = ".";
    if (directory.size() + 1 + name_length < sizeof candidate) {
      std::memcpy(candidate, directory.data(), directory.size());
      candidate[directory.size()] = '/';
      std::memcpy(candidate + directory.size() + 1, name, name_length + 1);
      int error = check_runnable(candidate);
      bool first_found = error != ENOENT && error != ENOTDIR && location.searched_in_vain;
      if (error == 0 || first_found) {
        std::memcpy(found, candidate, sizeof candidate);
        location = {error, found, false};
        if (error == 0) return location;
      }
    }
    if (*end == '\0') return location;
    entry = end;
  }
}

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
    case Role::program:
    case Role::interpreter: break;
  }
  return nullptr;
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

// ---------------------------------------------------------------------------
// Diagnosis: why a file cannot start, from its mode, its directories and its
// first bytes. It runs after a failure, in the local pre-check and under
// --check: never on the cloud's way to execve.

constexpr int max_interpreter_depth = 4;  // how deep Linux follows '#!' lines

// A path from a file's bytes as a C string; false when it does not fit.
bool c_path(string_view path, char (&out)[PATH_MAX]) {
  if (path.size() >= sizeof out) return false;
  if (!path.empty()) std::memcpy(out, path.data(), path.size());
  out[path.size()] = '\0';
  return true;
}

// The first bytes of a file, as many as can be read; false when it cannot be opened.
bool read_head(const char* path, char (&buffer)[head_size], string_view& head) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  size_t used = 0;
  for (ssize_t got; used < sizeof buffer && (got = read(fd, buffer + used, sizeof buffer - used)) != 0;) {
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) break;
    used += static_cast<size_t>(got);
  }
  close(fd);
  head = string_view(buffer, used);
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
int unsearchable_directory(Output& out, const char* path, bool as_other_user) {
  char directory[PATH_MAX];
  size_t length = std::strlen(path);
  if (length >= sizeof directory) return 0;
  std::memcpy(directory, path, length + 1);
  for (char* slash = std::strchr(directory + 1, '/'); slash != nullptr; slash = std::strchr(slash + 1, '/')) {
    *slash = '\0';
    struct stat status;
    bool searchable = as_other_user ? stat(directory, &status) != 0 || (status.st_mode & S_IXOTH) != 0
                                    : access(directory, X_OK) == 0 || errno != EACCES;
    if (!searchable) {
      out << "the directory ";
      out.quoted(directory) << " on its path cannot be searched";
      if (as_other_user) mode_of(out << " by other users", status.st_mode) << other_user_hint << ": chmod o+x";
      return exit_cannot_run;
    }
    *slash = '/';
  }
  return 0;
}

// Whose eyes a file is judged with: this process's, after a failure; the
// same, but leaving a program for another CPU to the kernel, which may run it
// through qemu (binfmt_misc), in the local pre-check; Lambda's non-root user's
// under --check.
enum class Judge { here, here_any_cpu, lambda };

// Why path cannot start, written after "PATH: ", with the exit code a run
// gets; 0, with nothing written, when nothing wrong can be seen.
int explain(Output& out, const char* path, Judge judge, int depth) {
  bool as_other_user = judge == Judge::lambda;
  struct stat status;
  if (stat(path, &status) != 0) {
    int error = errno;
    if (error == EACCES) return unsearchable_directory(out, path, false);
    out << std::strerror(error);
    return exit_code_for(error);
  }
  if (S_ISDIR(status.st_mode)) return out << std::strerror(EISDIR), exit_cannot_run;
  if (!S_ISREG(status.st_mode)) return out << "not a regular file", exit_cannot_run;
  if (int code = unsearchable_directory(out, path, as_other_user)) return code;
  if (as_other_user ? (status.st_mode & S_IXOTH) == 0 : access(path, X_OK) != 0) {
    out << "no execute permission for " << (as_other_user ? "other users" : "this user");
    mode_of(out, status.st_mode);
    if (as_other_user) out << other_user_hint << ": chmod o+rx";
    return exit_cannot_run;
  }
  char buffer[head_size];
  string_view bytes;
  if (!read_head(path, buffer, bytes)) return 0;  // runnable without being readable: a binary, then
  Head head = inspect(bytes);
  char interpreter[PATH_MAX];
  if (!c_path(head.interpreter, interpreter)) return out << "its interpreter's path is too long", exit_not_found;
  switch (head.kind) {
    case Head::unreadable:
      return out << "an ELF file whose headers are cut short or point past its end", exit_cannot_run;
    case Head::other: return out << "neither a program (ELF) nor a script starting with '#!'", exit_cannot_run;
    case Head::elf:
      if (head.machine != this_machine && judge != Judge::here_any_cpu) {
        if (const char* program = program_for(head.machine)) out << program;
        else out << "a program for another CPU (ELF machine ", out.number(head.machine) << ")";
        return out << "; this is an " LAMBDA_ENTRYPOINT_CPU " machine", exit_cannot_run;
      }
      if (!head.interpreter.empty() && access(interpreter, F_OK) != 0) {
        out << "a dynamically linked program whose ELF interpreter ";
        return out.quoted(interpreter) << " is missing: link it statically, or add its loader and libraries",
               exit_not_found;
      }
      return 0;
    case Head::script: break;
  }
  if (head.carriage_return)
    return out << "its '#!' line ends in a carriage return: the file has Windows line endings (CRLF); convert "
                  "them to LF",
           exit_not_found;
  if (head.line_too_long) return out << "its '#!' line is longer than the 256 bytes Linux reads", exit_cannot_run;
  if (head.interpreter.empty()) return out << "its '#!' line names no interpreter", exit_cannot_run;
  if (as_other_user && (status.st_mode & S_IROTH) == 0)
    return mode_of(out << "a script other users cannot read", status.st_mode) << other_user_hint << ": chmod o+r",
           exit_cannot_run;
  if (depth == max_interpreter_depth)
    return out << "its '#!' interpreters nest deeper than Linux follows", exit_cannot_run;
  Output discard(-1);
  if (explain(discard, interpreter, judge, depth + 1) == 0) return 0;
  out << "its '#!' interpreter ";
  out.quoted(interpreter) << ": ";
  return explain(out, interpreter, judge, depth + 1);
}

// Whether reading the file can tell more than the kernel's error: not for
// E2BIG, ETXTBSY, ENOMEM and the like, which are about the call, not the file.
bool file_may_say_why(int error) {
  return error == 0 || error == ENOENT || error == ENOEXEC || error == EACCES || error == ELOOP;
}

// Reports a program that cannot run: what the file shows, or else the
// kernel's reason, and the hints for its role.
int cannot_run(const Location& where, Role role, const Plan& plan, bool for_emulator, Judge judge = Judge::here) {
  Output err(STDERR_FILENO);
  err << program_name << ": ";
  err.quoted(where.path) << ": ";
  int code = exit_code_for(where.error);
  const char* kernel_hint = nullptr;
  if (where.searched_in_vain) {
    err << "not found in " << (plan.search_path_is_default ? "the default PATH (PATH is unset): " : "PATH=");
    err.quoted(plan.search_path);
  } else if (int explained = file_may_say_why(where.error) ? explain(err, where.path, judge, 0) : 0) {
    code = explained;
  } else {
    err << std::strerror(where.error);
    kernel_hint = error_hint(where.error);
  }
  if (for_emulator) err << "; the emulator was to run it";
  if (const char* hint = role_hint(role, code == exit_not_found ? ENOENT : EACCES)) err << "; " << hint;
  if (kernel_hint != nullptr) err << "; " << kernel_hint;
  err << "\n";
  return code;
}

int emulator_not_found(const EmulatorCandidates& candidates) {
  Output err(STDERR_FILENO);
  err << program_name << ": ";
  err.quoted(candidates[0]) << ": not found, and neither is ";
  for (size_t i = 1; i < emulator_candidate_count; ++i) {
    err.quoted(candidates[i]);
    err << (i + 2 < emulator_candidate_count ? ", " : i + 1 < emulator_candidate_count ? " or " : "; ");
  }
  err << role_hint(Role::emulator, ENOENT) << "\n";
  return exit_not_found;
}

// The first emulator candidate that can run; failing that, the first found
// that cannot, so that "Permission denied" is not hidden behind "not found".
// candidates receives where it was looked for; name, the candidate as it was
// written, for the emulator's argv[0].
Location locate_emulator(const Plan& plan, EmulatorCandidates& candidates, const char*& name) {
  static char suffixed[PATH_MAX];
  static char found[emulator_candidate_count][PATH_MAX];
  emulator_candidates(plan.emulator, suffixed, candidates);
  Location first_found{ENOENT, nullptr, false};
  for (size_t i = 0; i < emulator_candidate_count; ++i) {
    Location at = locate(candidates[i], plan.search_path, found[i], true);
    if (at.error == 0) {
      name = candidates[i];
      return at;
    }
    if (first_found.path == nullptr && !at.searched_in_vain && exit_code_for(at.error) != exit_not_found)
      first_found = at;
  }
  return first_found;
}

void describe(const Plan& plan, const char* target, char* const argv[]) {
  Output err(STDERR_FILENO);
  err << program_name << ": " << runtime_api_variable
      << (plan.cloud ? " is set: running directly" : " is unset or empty: running under the emulator")
      << (plan.aws_form ? " (AWS form)\n" : " (command form)\n");
  err << program_name << ": executing ";
  err.quoted(target) << " as:";
  for (size_t a = 0; a < plan.assignment_count; ++a)
    err << " " << plan.assignments[a].name << "=", err.quoted(plan.assignments[a].value);
  for (char* const* argument = argv; *argument != nullptr; ++argument) err << " ", err.quoted(*argument);
  err << "\n";
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
    // hand it the path found.
    Location runtime = locate(argv[index], plan.search_path, runtime_path, true);
    Output discard(-1);
    if (runtime.error != 0 || explain(discard, runtime.path, Judge::here_any_cpu, 0) != 0)
      return cannot_run(runtime, plan.lead_role, plan, true, Judge::here_any_cpu);
    argv[index] = const_cast<char*>(runtime.path);
  }
  if (plan.debug) describe(plan, target.path, argv);
  execve(target.path, argv, env);
  target.error = errno;
  return cannot_run(target, target_role, plan, false);
}

const char* role_name(Role role) {
  switch (role) {
    case Role::program: return "the program";
    case Role::wrapper: return "AWS_LAMBDA_EXEC_WRAPPER";
    case Role::bootstrap: return "the bootstrap";
    case Role::emulator: return "the emulator";
    case Role::interpreter: break;
  }
  return "a '#!' interpreter";
}

// --check of one file and, for a script, its interpreters: a line each.
int check_file(const char* name, Role role, const Plan& plan) {
  static char found[PATH_MAX];
  Location where = locate(name, plan.search_path, found, false);
  Output discard(-1);
  if (where.searched_in_vain || explain(discard, where.path, Judge::lambda, 0) != 0)
    return cannot_run(where, role, plan, false, Judge::lambda);
  char buffer[head_size];
  string_view bytes;
  Head head = read_head(where.path, buffer, bytes) ? inspect(bytes) : Head{};
  {
    Output out(STDOUT_FILENO);
    out << program_name << ": ";
    out.quoted(where.path) << ": ok, " << role_name(role) << ", ";
    if (head.kind == Head::script) {
      out << "a script for ";
      out.quoted(head.interpreter);
    } else if (head.kind == Head::elf) {
      out << (head.interpreter.empty() ? "a static " : "a dynamically linked ") << LAMBDA_ENTRYPOINT_CPU " program";
      if (!head.interpreter.empty()) out << " (its ELF interpreter is there)";
    } else {
      out << "executable, unreadable here";
    }
    out << "\n";
  }
  if (head.kind != Head::script) return 0;
  char interpreter[PATH_MAX];
  c_path(head.interpreter, interpreter);  // explain() has found that it fits
  return check_file(interpreter, Role::interpreter, plan);
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
    out << program_name << ": ";
    out.quoted(candidates[0]) << ": no emulator in the image, which an image for the cloud may leave out; a local "
                                 "run can mount it (docker run -v ~/.aws-lambda-rie:/aws-lambda -p 9000:8080 IMAGE)\n";
  } else {
    result = check_file(emulator.path, Role::emulator, plan);
  }
  for (const char* program : {plan.lead, plan.tail_size != 0 ? static_cast<const char*>(plan.tail[0]) : nullptr}) {
    if (program == nullptr) continue;
    int code = check_file(program, program == plan.lead ? plan.lead_role : Role::program, plan);
    if (result == 0) result = code;
  }
  return result;
}

}  // namespace

#ifndef LAMBDA_ENTRYPOINT_NO_MAIN
int main(int argc, char* argv[], char* envp[]) {
  Decision decision = decide(argc, argv, envp);
  switch (decision.action) {
    case Action::help: print_help(); return 0;
    case Action::version:
      // The CPU too: it answers "which binary is in this image?".
      Output(STDOUT_FILENO) << program_name << " " << LAMBDA_ENTRYPOINT_VERSION << " (" LAMBDA_ENTRYPOINT_CPU ")\n";
      return 0;
    case Action::complain: return complain(decision.complaint);
    case Action::check: return check(decision.plan);
    case Action::run: break;
  }
  return run(decision.plan, envp);
}
#endif
