// What the decision produces: a Plan (what to execute, with which
// variables) or a Complaint (why not, and the exit code). Types only, and the
// two helpers that fill them in.
#pragma once

#include <cstddef>
#include <string_view>

#include "names.hpp"

namespace {

// A variable the program is given: it replaces the first entry of its name
// where it stands (later ones are dropped, so that every libc reads the same
// value), or is added at the end.
struct Assignment {
  string_view name;
  const char* value;
};
constexpr size_t max_assignments = 3;  // _HANDLER, LAMBDA_TASK_ROOT, LAMBDA_RUNTIME_DIR

// What a program in a plan is for: it chooses the hint when it cannot run.
enum class Role { program, wrapper, bootstrap, emulator, interpreter, env_program, managed_bootstrap, extension };

// What to execute. Locally: EMULATOR [FLAG...] [LEAD] [TAIL...]; in the
// cloud: [LEAD] [TAIL...]. LEAD is the exec wrapper in the command form and
// the bootstrap in the AWS form; TAIL is PROGRAM ARG... as given. The plan
// only points into the arguments and environment it was made from.
struct Plan {
  bool cloud = false;  // AWS_LAMBDA_RUNTIME_API is set and non-empty
  bool aws_form = false;
  bool debug = false;
  // Not in the cloud, with AWS_LAMBDA_MAX_CONCURRENCY set: the emulator's
  // Managed Instances mode, to which this program's own arguments are carried.
  bool managed_instances = false;
  int argc = 0;
  char* const* argv = nullptr;
  const char* started_as = "";  // argv[0]: where there is no /proc, the file this program is read from
  const char* search_path = default_search_path;  // where names without a slash are looked up
  bool search_path_is_default = true;
  const char* emulator = nullptr;   // set when running locally
  const char* task_root = nullptr;  // the function's code, set when running locally or checking
  string_view emulator_flags;       // checked: only the emulator's own flags, blank-separated
  size_t emulator_flag_count = 0;
  const char* lead = nullptr;
  Role lead_role = Role::program;
  // In the AWS form, AWS_LAMBDA_EXEC_WRAPPER: the bootstrap starts it, so
  // only --check reads it.
  const char* bootstrap_wrapper = nullptr;
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

// resume: run the command carried in the environment (carry.hpp).
enum class Action { run, check, help, version, complain, resume };

struct Decision {
  Action action = Action::complain;
  Plan plan;
  Complaint complaint;
  const char* carried = nullptr;  // for resume: the value that carries the command
};

Decision complaint(const Complaint& complaint) {
  Decision decision;
  decision.complaint = complaint;
  return decision;
}

Decision misuse(string_view subject, const char* reason) {
  return complaint({exit_misuse, subject, reason, usage_hint});
}

}  // namespace
