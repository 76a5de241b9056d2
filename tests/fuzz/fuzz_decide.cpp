// libFuzzer target, under ASan and UBSan: decide() over any arguments and
// environment, then the plan turned into argv and environment and quoted as
// run() and --debug would, with the plan's promises checked on the way.
//
// Input: the first byte is how many of the NUL-separated fields that follow
// are arguments; the rest is the environment.
#include "../../src/command.hpp"
#include "../../src/decide.hpp"
#include "../../src/output.hpp"

#include <fcntl.h>
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

const int null_output = open("/dev/null", O_WRONLY | O_CLOEXEC);

void require(bool promise) {
  if (!promise) __builtin_trap();
}

// The oracles, written here apart from the code under test: whether a word is
// one of aws-lambda-rie's four flags (alone or as --flag=value), and the value
// of an environment entry for a name.
bool is_emulator_flag(const std::string& word) {
  for (const std::string flag :
       {"--log-level", "--runtime-interface-emulator-address", "--runtime-api-address", "--enable-init-caching"})
    if (word == flag || word.rfind(flag + "=", 0) == 0) return true;
  return false;
}

const char* named_value(const char* entry, std::string_view name) {
  std::string_view text(entry);
  if (text.size() <= name.size() || text.substr(0, name.size()) != name || text[name.size()] != '=') return nullptr;
  return entry + name.size() + 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::vector<std::string> fields;
  std::string field;
  for (std::size_t i = 1; i < size; ++i) {
    if (data[i] == '\0') {
      fields.push_back(field);
      field.clear();
    } else {
      field += static_cast<char>(data[i]);
    }
  }
  if (!field.empty()) fields.push_back(field);
  std::size_t argc = std::min<std::size_t>(data[0], fields.size());
  std::vector<char*> argv, envp;
  for (std::size_t i = 0; i < fields.size(); ++i) (i < argc ? argv : envp).push_back(fields[i].data());
  argv.push_back(nullptr);
  envp.push_back(nullptr);

  Decision decision = decide(static_cast<int>(argc), argv.data(), envp.data());
  Output out(null_output);
  if (decision.action == Action::complain) {
    require(decision.complaint.exit_code == exit_misuse || decision.complaint.exit_code == exit_cannot_run);
    if (decision.complaint.subject.data() != nullptr) out.quoted(decision.complaint.subject);
    return 0;
  }
  if (decision.action != Action::run) return 0;

  const Plan& plan = decision.plan;
  std::size_t count = argv_size(plan);
  require(count >= 1);
  std::vector<char*> command(count + 1, reinterpret_cast<char*>(1));
  std::string words(plan.emulator_flags.size() + 1, '\x7f');
  fill_argv(plan, words.data(), command.data());
  require(command[count] == nullptr);
  for (std::size_t i = 0; i < count; ++i) {
    require(command[i] != nullptr);
    out.quoted(command[i]);
  }
  // The program's own arguments end the command, untouched and in order.
  for (std::size_t i = 0; i < plan.tail_size; ++i) require(command[count - plan.tail_size + i] == plan.tail[i]);
  require(plan.cloud == (plan.emulator == nullptr));
  require(runtime_index(plan) < count);
  // Locally, nothing the emulator would take as its own flag reaches it after the flags.
  if (!plan.cloud)
    for (std::size_t i = runtime_index(plan); i < count; ++i) require(!is_emulator_flag(command[i]));

  if (plan.assignment_count != 0) {
    std::vector<char*> environment(env_size(envp.data()) + plan.assignment_count + 1, reinterpret_cast<char*>(1));
    std::string entries(assignments_size(plan), '\x7f');
    fill_env(plan, envp.data(), entries.data(), environment.data());
    require(std::find(environment.begin(), environment.end(), nullptr) != environment.end());
    // Each assigned name is there exactly once, with its value; every other
    // entry passes in its order.
    for (std::size_t a = 0; a < plan.assignment_count; ++a) {
      int named = 0;
      for (char** e = environment.data(); *e != nullptr; ++e)
        if (const char* value = named_value(*e, plan.assignments[a].name)) {
          ++named;
          require(std::string_view(value) == plan.assignments[a].value);
        }
      require(named == 1);
    }
    char** out = environment.data();
    for (char* entry : envp) {
      if (entry == nullptr) break;
      bool assigned = false;
      for (std::size_t a = 0; a < plan.assignment_count; ++a)
        assigned |= named_value(entry, plan.assignments[a].name) != nullptr;
      if (assigned) continue;
      while (*out != entry) require(*out++ != nullptr);
    }
  }
  return 0;
}
