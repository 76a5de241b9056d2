// The decision: arguments and environment in, a Plan or a Complaint out.
// Pure: no system call and no allocation; the plan only points into the
// arguments and environment it was made from.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>

#include "names.hpp"
#include "plan.hpp"
#include "text.hpp"

namespace {

const EmulatorFlag* emulator_flag_in(string_view argument) {
  for (const EmulatorFlag& flag : emulator_flags) {
    if (!starts_with(argument, flag.name)) continue;
    if (argument.size() == flag.name.size() || argument[flag.name.size()] == '=') return &flag;
  }
  return nullptr;
}

// Every variable decide() reads, found in one pass (the first entry of a name
// wins, as for getenv). This runs over the whole environment at every cold
// start, so each entry is told apart by its first bytes and compared with at
// most one name (the settings aside, which share a prefix of their own).
struct Variables {
  const char* runtime_api = nullptr;
  const char* exec_wrapper = nullptr;
  const char* function_handler = nullptr;
  const char* max_concurrency = nullptr;
  const char* carried = nullptr;
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

// An entry past "LAMBDA_ENTRYPOINT_": the carried command or a setting.
void take_own(Variables& found, const char* rest) {
  constexpr string_view carried = carried_variable.substr(own_prefix.size());
  take(found.carried, rest, carried);
  for (int s = 0; s < setting_count; ++s) {
    string_view name_rest = settings[s].variable;
    name_rest.remove_prefix(own_prefix.size());
    take(found.settings[s], rest, name_rest);
  }
}

Variables read_variables(char* const envp[]) {
  constexpr string_view runtime_api = runtime_api_variable.substr(aws_lambda_prefix.size());
  constexpr string_view exec_wrapper = exec_wrapper_variable.substr(aws_lambda_prefix.size());
  constexpr string_view function_handler = function_handler_variable.substr(aws_lambda_prefix.size());
  constexpr string_view max_concurrency = max_concurrency_variable.substr(aws_lambda_prefix.size());
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
          case max_concurrency[0]: take(found.max_concurrency, rest, max_concurrency); break;
        }
        break;
      case lambda_prefix[0]:
        if ((rest = after(*entry, lambda_prefix)) == nullptr) break;
        switch (*rest) {
          case own_rest[0]:
            if ((rest = after(rest, own_rest)) != nullptr) take_own(found, rest);
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

// Each word of the emulator flags must be a flag the emulator takes or the
// value of one: it takes its flags wherever they stand, and any other word,
// a flag it does not know as --name=value too, stays in its command and
// becomes the program it runs (v1.30, both modes, observed). Counts the
// words; on a fault, returns why and names the word.
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
    if (flag == nullptr)
      return "not a flag aws-lambda-rie takes, so the emulator would run it as the program (it takes "
             "--log-level, --runtime-interface-emulator-address, --runtime-api-address and "
             "--enable-init-caching)";
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

constexpr int no_option = -1, ambiguous_option = -2;

// A long option by its name or by an unambiguous prefix of it, as
// getopt_long finds it: the settings first, then the commands; no_option or
// ambiguous_option where none or more than one begins so.
int find_option(string_view name) {
  int found = no_option;
  for (int i = 0; i < setting_count + command_count; ++i) {
    string_view option = i < setting_count ? settings[i].option : command_options[i - setting_count];
    if (option == name) return i;
    if (!name.empty() && starts_with(option, name)) found = found == no_option ? i : ambiguous_option;
  }
  return found;
}

// Ends the decision with outcome: what a step returns when it stops there.
bool decided(Decision& decision, const Decision& outcome) {
  decision = outcome;
  return false;
}

// What the arguments before the program say: the settings given as
// options, whether --check is there, and where the program's words begin.
struct Options {
  const char* settings[setting_count] = {};
  bool check = false;
  int first_operand = 0;
};

// One long option, argv[at] ("--name" or "--name=value"); a setting's value
// may be the next argument, and at moves past it. aws_form follows
// --aws-form. False once the decision is made (help, version, a complaint).
bool read_long_option(int argc, char* const argv[], int& at, bool& aws_form, Options& options, Decision& decision) {
  string_view argument = argv[at];
  argument.remove_prefix(2);
  size_t equals = argument.find('=');
  int option = find_option(first(argument, equals));
  if (option == ambiguous_option)
    return decided(decision, misuse(argv[at], "ambiguous: more than one option begins so, give more of its name"));
  if (option < 0) return decided(decision, misuse(argv[at], "unknown option"));
  bool is_setting = option < setting_count;
  bool takes_value = is_setting && settings[option].value_name != nullptr;
  const char* inline_value = equals != string_view::npos ? argv[at] + 2 + equals + 1 : nullptr;
  if (inline_value != nullptr && !is_setting) return decided(decision, misuse(argv[at], "takes no value"));
  if (option == setting_count + help_command) return decided(decision, {Action::help, {}, {}});
  if (option == setting_count + version_command) {
    // Named in full or shortened, as every option may be.
    if (argc == 2) return decided(decision, {Action::version, {}, {}});
    return decided(decision, misuse("--version", "only accepted as the sole argument"));
  }
  if (option == setting_count + check_command) return options.check = true;
  if (takes_value) {
    if (inline_value == nullptr && at + 1 >= argc) return decided(decision, misuse(argv[at], "needs a value"));
    options.settings[option] = inline_value != nullptr ? inline_value : argv[++at];
    return true;
  }
  // A switch: on, or as its variable would say (--aws-form=0); empty, unset.
  bool on = true;
  if (inline_value != nullptr && *inline_value == '\0') return true;
  if (inline_value != nullptr && !parse_switch(inline_value, on))
    return decided(decision, misuse(argv[at], "expected 1, 0, true or false"));
  options.settings[option] = on ? "1" : "0";
  if (option == aws_form_setting) aws_form = on;
  return true;
}

// The options, parsed as getopt_long("+:h") parses them: long options by
// unambiguous prefix, as --name=value or --name value, options ending at the
// first operand (the program, whose arguments are its own) or at "--". Not
// getopt_long itself: it tells an ambiguous option from an unknown one only
// in its own error line (printed with stdio, some 4 KB), and in the AWS form
// a word with one '-' is the handler, as AWS's script takes any (aws_form:
// as far as the arguments read so far say).
bool read_options(int argc, char* const argv[], bool aws_form, Options& options, Decision& decision) {
  int& first_operand = options.first_operand;
  for (first_operand = argc > 0 ? 1 : 0; first_operand < argc; ++first_operand) {
    string_view argument = argv[first_operand];
    if (argument == "--") {
      ++first_operand;
      break;
    }
    if (argument.size() < 2 || argument[0] != '-') break;
    if (argument[1] != '-') {
      if (aws_form) break;
      if (argument[1] == 'h') return decided(decision, {Action::help, {}, {}});
      Decision unknown = misuse({}, "unknown option");
      unknown.complaint.short_option[0] = '-';
      unknown.complaint.short_option[1] = argument[1];
      return decided(decision, unknown);
    }
    if (!read_long_option(argc, argv, first_operand, aws_form, options, decision)) return false;
  }
  return true;
}

// A setting's value: its option wins over its variable, which wins over the
// default; an empty value counts as unset.
const char* setting_value(Setting s, const Options& options, const Variables& variables) {
  if (non_empty(options.settings[s])) return options.settings[s];
  if (non_empty(variables.settings[s])) return variables.settings[s];
  return settings[s].default_value;
}

// The switches: the AWS form, no parity, debug.
bool read_switches(const Options& options, const Variables& variables, bool& no_parity, Decision& decision) {
  Plan& plan = decision.plan;
  const std::pair<Setting, bool*> switches[] = {
      {aws_form_setting, &plan.aws_form}, {no_parity_setting, &no_parity}, {debug_setting, &plan.debug}};
  for (const auto& [s, on] : switches) {
    const char* value = setting_value(s, options, variables);
    if (value != nullptr && !parse_switch(value, *on))
      return decided(decision, misuse(settings[s].variable, "expected 1, 0, true or false"));
  }
  return true;
}

// The mode: the cloud where AWS_LAMBDA_RUNTIME_API is set and not empty
// (never under --check); else, with AWS_LAMBDA_MAX_CONCURRENCY, the
// emulator's Managed Instances mode, to which this program's arguments are
// carried.
bool choose_mode(int argc, char* const argv[], const Variables& variables, Decision& decision) {
  Plan& plan = decision.plan;
  plan.cloud = decision.action != Action::check && non_empty(variables.runtime_api);
  // The cloud sets it for a Managed Instances function, and the runtime gets
  // it untouched; locally (and under --check) it is a developer's: the
  // emulator would read what is no number as 1, and the clients stop on some
  // values (docs/managed-instances.md has which). A '+' before the digits they all take, as
  // the emulator does.
  if (!plan.cloud && variables.max_concurrency != nullptr) {
    size_t concurrency = 0;
    const char* digits = variables.max_concurrency + (*variables.max_concurrency == '+' ? 1 : 0);
    if (!parse_count(digits, largest_concurrency, concurrency))
      return decided(decision, complaint({exit_misuse, max_concurrency_variable,
                                          "expected a whole number from 1 to 2147483647 in decimal digits"}));
    plan.managed_instances = true;
    plan.argc = argc;
    plan.argv = argv;
  }
  // An empty PATH is one empty entry, the current directory, as every
  // execvp and shell reads it; only an unset one gets the default.
  if (variables.path != nullptr) {
    plan.search_path = variables.path;
    plan.search_path_is_default = false;
  } else if (plan.managed_instances) {
    // The carried command is looked up by the bootstrap, in the PATH the emulator gives it.
    plan.search_path = managed_search_path;
  }
  return true;
}

// The form: in the AWS form, one operand, the handler, and the bootstrap to
// run; in the command form, the operands are the command, with the exec
// wrapper before it.
bool take_command(char* const* operands, size_t operand_count, const Variables& variables, const Options& options,
                  Decision& decision) {
  Plan& plan = decision.plan;
  if (plan.aws_form) {
    if (operand_count != 1) return decided(decision, complaint({exit_misuse, {}, aws_count_message, nullptr, true}));
    assign(plan, handler_variable, operands[0]);
    plan.lead = setting_value(bootstrap_setting, options, variables);
    plan.lead_role = Role::bootstrap;
    if (non_empty(variables.exec_wrapper)) plan.bootstrap_wrapper = variables.exec_wrapper;
    return true;
  }
  if (operand_count == 0)
    return decided(
        decision,
        complaint({exit_misuse, {}, "no PROGRAM to run", options.first_operand <= 1 ? no_argument_hint : usage_hint}));
  plan.tail = operands;
  plan.tail_size = operand_count;
  // AWS's managed runtimes run AWS_LAMBDA_EXEC_WRAPPER around the runtime.
  // In the AWS form their bootstrap does that itself, so only here.
  if (non_empty(variables.exec_wrapper)) {
    plan.lead = variables.exec_wrapper;
    plan.lead_role = Role::wrapper;
  }
  return true;
}

// Parity: what the Lambda cloud gives every container function and the
// emulator does not, and the _HANDLER the emulator gives (its
// AWS_LAMBDA_FUNCTION_HANDLER, else the last word of a command of two or
// more), which the cloud may not give. Runtime clients read them from the
// environment alone. Only where unset or empty: a value is never
// overridden, and when all are there the environment passes untouched.
void fill_parity(const Variables& variables, Plan& plan) {
  size_t command_words = (plan.lead != nullptr ? 1 : 0) + plan.tail_size;
  const char* handler = non_empty(variables.function_handler) ? variables.function_handler
                        : command_words >= 2                  ? plan.tail[plan.tail_size - 1]
                                                              : nullptr;
  if (!plan.aws_form && handler != nullptr && !non_empty(variables.handler)) assign(plan, handler_variable, handler);
  if (!non_empty(variables.task_root)) assign(plan, task_root_variable, task_root_value);
  if (!non_empty(variables.runtime_dir)) assign(plan, runtime_dir_variable, runtime_dir_value);
}

// Locally, the emulator and its flags; no word of the command may be one of
// its flags, which it would take wherever they stand.
bool plan_emulator(const Variables& variables, const Options& options, Decision& decision) {
  Plan& plan = decision.plan;
  plan.emulator = setting_value(emulator_setting, options, variables);
  plan.task_root = non_empty(variables.task_root) ? variables.task_root : task_root_value;
  if (const char* flags = setting_value(emulator_flags_setting, options, variables)) plan.emulator_flags = flags;
  string_view culprit;
  if (const char* reason = check_emulator_flags(plan.emulator_flags, plan.emulator_flag_count, culprit))
    return decided(decision, misuse(culprit, reason));
  if (plan.lead != nullptr && emulator_flag_in(plan.lead) != nullptr)
    return decided(decision, misuse(plan.lead, "aws-lambda-rie would take this as its own flag"));
  for (size_t i = 0; i < plan.tail_size; ++i)
    if (emulator_flag_in(plan.tail[i]) != nullptr)
      return decided(decision, complaint({exit_misuse, plan.tail[i],
                                          "aws-lambda-rie takes this argument as its own flag wherever it stands "
                                          "(it has no '--'), so the program would never see it",
                                          "pass it another way, e.g. in an environment variable"}));
  return true;
}

// The decision: arguments and environment in, a plan (or a complaint) out,
// in named steps, each of which may end it.
Decision decide(int argc, char* const argv[], char* const envp[]) {
  const Variables variables = read_variables(envp);
  // Started with no argument and handed a command: as the bootstrap the
  // emulator's Managed Instances mode runs (names.hpp).
  if (argc <= 1 && variables.carried != nullptr) {
    Decision resume{Action::resume, {}, {}};
    resume.carried = variables.carried;
    return resume;
  }
  Decision decision{Action::run, {}, {}};
  const bool installed_as_aws_script = argc > 0 && base_name(argv[0]) == aws_script_name;
  bool aws_form = installed_as_aws_script;
  if (const char* value = variables.settings[aws_form_setting]) parse_switch(value, aws_form);
  Options options;
  if (!read_options(argc, argv, aws_form, options, decision)) return decision;
  // --check looks at what runs in either mode, so it takes the local plan,
  // which holds the emulator too.
  if (options.check) decision.action = Action::check;
  decision.plan.aws_form = installed_as_aws_script;
  if (argc > 0) decision.plan.started_as = argv[0];
  bool no_parity = false;
  if (!read_switches(options, variables, no_parity, decision) || !choose_mode(argc, argv, variables, decision) ||
      !take_command(argv + options.first_operand, static_cast<size_t>(argc - options.first_operand), variables, options,
                    decision))
    return decision;
  if (!no_parity) fill_parity(variables, decision.plan);
  if (!decision.plan.cloud) plan_emulator(variables, options, decision);
  return decision;
}

}  // namespace
