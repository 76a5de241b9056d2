// lambda-entrypoint: start an AWS Lambda runtime the way the place it runs in needs.
//
// In the Lambda cloud AWS_LAMBDA_RUNTIME_API is set and the runtime must run
// directly; on a developer's machine it is not, and the same runtime must run
// under aws-lambda-rie, the Runtime Interface Emulator, to be invoked over HTTP.
// This program makes that choice and replaces itself with the result (execve):
// no shell, no extra process, nothing changed on the way.
//
// decide() turns arguments and environment into a Plan, or a Complaint, with no
// system calls and no allocation; run() carries a Plan out: PATH lookup, then
// execve.

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <getopt.h>
#include <limits.h>
#include <string_view>
#include <sys/stat.h>
#include <utility>
#include <unistd.h>

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
#define LAMBDA_ENTRYPOINT_RIE_CPU "x86_64"
#elif defined(__aarch64__)
#define LAMBDA_ENTRYPOINT_RIE_CPU "arm64"
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

// substr(0, n) is the one form that cannot throw, which matters without exceptions.
bool starts_with(string_view text, string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

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
enum class Role { program, wrapper, bootstrap, emulator };

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

enum class Action { run, help, version, complain };

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

constexpr int help_code = 'h';
constexpr int version_code = 256;
constexpr int first_setting_code = 257;

// The decision: arguments and environment in, a plan (or a complaint) out.
// getopt_long's globals are reset on every call, and it prints nothing.
Decision decide(int argc, char* const argv[], char* const envp[]) {
  if (argc == 2 && string_view(argv[1]) == "--version") return {Action::version, {}, {}};

  option long_options[setting_count + 3] = {};
  for (int s = 0; s < setting_count; ++s)
    long_options[s] = {settings[s].option, settings[s].value_name ? required_argument : no_argument, nullptr,
                       first_setting_code + s};
  long_options[setting_count] = {"help", no_argument, nullptr, help_code};
  long_options[setting_count + 1] = {"version", no_argument, nullptr, version_code};

  const char* from_options[setting_count] = {};
  optind = 0;  // a full reset, in glibc and musl alike
  opterr = 0;
  // "+": stop at the first operand, the program; what follows it is its own.
  // ":": tell a missing value apart from an unknown option.
  for (int code; argc > 0 && (code = getopt_long(argc, argv, "+:h", long_options, nullptr)) != -1;) {
    if (code == help_code) return {Action::help, {}, {}};
    if (code == version_code) return misuse("--version", "only accepted as the sole argument");
    if (code == ':') return misuse(argv[optind - 1], "needs a value");
    if (code == '?') {
      // optopt names a known option that was given a value it does not take.
      if (optopt == help_code || optopt >= version_code) return misuse(argv[optind - 1], "takes no value");
      if (optopt == 0) return misuse(argv[optind - 1], "unknown option");
      Decision unknown = misuse({}, "unknown option");
      unknown.complaint.short_option[0] = '-';
      unknown.complaint.short_option[1] = static_cast<char>(optopt);
      return unknown;
    }
    from_options[code - first_setting_code] = optarg != nullptr ? optarg : "1";
  }

  // An option wins over its variable, which wins over the default; an empty
  // value counts as unset.
  const Variables variables = read_variables(envp);
  auto value_of = [&](Setting s) -> const char* {
    if (non_empty(from_options[s])) return from_options[s];
    if (non_empty(variables.settings[s])) return variables.settings[s];
    return settings[s].default_value;
  };

  Decision decision{Action::run, {}, {}};
  Plan& plan = decision.plan;
  plan.aws_form = argc > 0 && base_name(argv[0]) == aws_script_name;
  bool no_parity = false;
  const std::pair<Setting, bool*> switches[] = {
      {aws_form_setting, &plan.aws_form}, {no_parity_setting, &no_parity}, {debug_setting, &plan.debug}};
  for (const auto& [s, on] : switches) {
    const char* value = value_of(s);
    if (value != nullptr && !parse_switch(value, *on)) return misuse(settings[s].variable, "expected 1, 0, true or false");
  }
  plan.cloud = non_empty(variables.runtime_api);
  if (non_empty(variables.path)) {
    plan.search_path = variables.path;
    plan.search_path_is_default = false;
  }

  char* const* operands = argc > 0 ? argv + optind : argv;
  size_t operand_count = argc > 0 ? static_cast<size_t>(argc - optind) : 0;
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
size_t runtime_index(const Plan& plan) {
  return plan.emulator != nullptr ? 1 + plan.emulator_flag_count : 0;
}

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
      else if (c < 0x20 || c >= 0x7f) put('\\'), put('x'), put("0123456789abcdef"[c >> 4]), put("0123456789abcdef"[c & 15]);
      else put(static_cast<char>(c));
    }
    put('\'');
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
         "       lambda-entrypoint --aws-form [OPTION...] HANDLER\n\n"
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
  out << "  -h, --help\n      print this help\n"
         "  --version\n      print the version; only as the sole argument\n\n"
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
    case Role::wrapper:
      return "it is named by AWS_LAMBDA_EXEC_WRAPPER";
    case Role::bootstrap:
      return "it is the AWS form's bootstrap (LAMBDA_ENTRYPOINT_BOOTSTRAP)";
    case Role::program:
      break;
  }
  return nullptr;
}

const char* error_hint(int error) {
  switch (error) {
    case ENOEXEC:
      return "not a program this machine can run: a binary for another CPU architecture, or a script without a "
             "'#!' line";
    case E2BIG:
      return "the arguments and environment together exceed the kernel's limit";
    case EACCES:
      return "check its mode bits, and that its file system allows executing it";
    default:
      return nullptr;
  }
}

int cannot_run(const Location& where, Role role, const Plan& plan, bool for_emulator) {
  Output err(STDERR_FILENO);
  err << program_name << ": ";
  err.quoted(where.path) << ": ";
  if (where.searched_in_vain) {
    err << "not found in " << (plan.search_path_is_default ? "the default PATH (PATH is unset): " : "PATH=");
    err.quoted(plan.search_path);
  } else {
    err << std::strerror(where.error);
  }
  if (for_emulator) err << "; the emulator was to run it";
  if (const char* hint = role_hint(role, where.error)) err << "; " << hint;
  if (const char* hint = error_hint(where.error)) err << "; " << hint;
  err << "\n";
  return exit_code_for(where.error);
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
// name receives the candidate as it was written, for the emulator's argv[0].
Location locate_emulator(const EmulatorCandidates& candidates, const char* search_path, const char*& name) {
  static char found[emulator_candidate_count][PATH_MAX];
  Location first_found{ENOENT, nullptr, false};
  for (size_t i = 0; i < emulator_candidate_count; ++i) {
    Location at = locate(candidates[i], search_path, found[i], true);
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
    static char suffixed[PATH_MAX];
    EmulatorCandidates candidates;
    emulator_candidates(plan.emulator, suffixed, candidates);
    const char* found_as = nullptr;
    target = locate_emulator(candidates, plan.search_path, found_as);
    if (target.path == nullptr) return emulator_not_found(candidates);
    if (found_as != nullptr) argv[0] = const_cast<char*>(found_as);
  } else {
    target = locate(argv[0], plan.search_path, target_path, false);
  }
  if (target.error != 0) return cannot_run(target, target_role, plan, false);
  if (size_t index = runtime_index(plan); index != 0) {
    // The emulator starts the runtime only at the first invocation, and could
    // not look it up without PATH: check it now, and hand it the path found.
    Location runtime = locate(argv[index], plan.search_path, runtime_path, true);
    if (runtime.error != 0) return cannot_run(runtime, plan.lead_role, plan, true);
    argv[index] = const_cast<char*>(runtime.path);
  }
  if (plan.debug) describe(plan, target.path, argv);
  execve(target.path, argv, env);
  target.error = errno;
  if (target.error == EACCES && is_directory(target.path)) target.error = EISDIR;
  return cannot_run(target, target_role, plan, false);
}

}  // namespace

#ifndef LAMBDA_ENTRYPOINT_NO_MAIN
int main(int argc, char* argv[], char* envp[]) {
  Decision decision = decide(argc, argv, envp);
  switch (decision.action) {
    case Action::help:
      print_help();
      return 0;
    case Action::version:
      Output(STDOUT_FILENO) << program_name << " " << LAMBDA_ENTRYPOINT_VERSION << "\n";
      return 0;
    case Action::complain:
      return complain(decision.complaint);
    case Action::run:
      break;
  }
  return run(decision.plan, envp);
}
#endif
