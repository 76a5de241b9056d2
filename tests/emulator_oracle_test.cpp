// The _HANDLER rule held to the real emulator, started on this machine: for
// every length of command and every state of _HANDLER and
// AWS_LAMBDA_FUNCTION_HANDLER (unset, empty, set), the runtime gets from
// lambda-entrypoint in the cloud the _HANDLER the real aws-lambda-rie gives
// it. One case differs, as the README says: where both are set, the emulator
// takes AWS_LAMBDA_FUNCTION_HANDLER and lambda-entrypoint keeps the _HANDLER
// that is there. Needs LAMBDA_ENTRYPOINT_RIE_DIR; no container engine.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"
#include "real_emulator.hpp"

using harness::Strings;

namespace {

using Clock = std::chrono::steady_clock;
using Value = std::optional<std::string>;  // nullopt: unset

// The real emulator for this machine's CPU, which runs here without qemu.
std::string host_emulator() {
#if defined(__x86_64__)
  return real_emulator("amd64");
#else
  return real_emulator("arm64");
#endif
}

Value handler_in(const harness::Record& record) {
  for (const std::string& entry : record.env)
    if (entry.rfind("_HANDLER=", 0) == 0) return entry.substr(9);
  return std::nullopt;
}

// The records the handler stand-in left in records, waiting a while for one.
std::vector<harness::Record> awaited_records(const std::string& records) {
  auto give_up = Clock::now() + std::chrono::seconds(20);
  while (harness::records(records, "handler").empty() && Clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return harness::records(records, "handler");
}

// The one record the handler stand-in left in records.
harness::Record only_record(const std::string& records) {
  std::vector<harness::Record> found = awaited_records(records);
  REQUIRE(found.size() == 1);
  return found.front();
}

// The real emulator started with the command (its records in records),
// invoked once (it starts the runtime at the first invocation), and ended.
void invoke_once(const std::string& emulator, const Strings& command, const Strings& env, const std::string& records) {
  int port = harness::free_port();
  // Both of its ports its own: the Runtime API's default, 127.0.0.1:9001, is
  // one that another emulator started at the same time would hold, and the
  // second to bind it ends before it answers.
  Strings arguments = {emulator, "--runtime-interface-emulator-address", "127.0.0.1:" + std::to_string(port),
                       "--runtime-api-address", "127.0.0.1:" + std::to_string(harness::free_port())};
  arguments.insert(arguments.end(), command.begin(), command.end());
  Strings environment = env;
  environment.push_back("STANDIN_RECORD_DIR=" + records);
  std::vector<char*> argv = harness::pointers(arguments), envp = harness::pointers(environment);
  posix_spawn_file_actions_t quiet;
  posix_spawn_file_actions_init(&quiet);
  posix_spawn_file_actions_addopen(&quiet, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&quiet, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  int spawned = posix_spawn(&pid, emulator.c_str(), &quiet, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&quiet);
  REQUIRE(spawned == 0);
  auto give_up = Clock::now() + std::chrono::seconds(20);
  while (harness::post(port, "/2015-03-31/functions/function/invocations", "{}").status == 0 && Clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

// What the real emulator gives its runtime. A start that leaves no record
// is made once more, with fresh ports, before that counts: the emulator
// always starts this runtime, but a loaded machine may outlast the wait, or
// another test's process hold a port a moment.
harness::Record under_emulator(const std::string& emulator, const Strings& command, const Strings& env) {
  harness::TempDir first;
  invoke_once(emulator, command, env, first.path());
  if (!awaited_records(first.path()).empty()) return only_record(first.path());
  std::printf("oracle: the real emulator left no record of its runtime; started again\n");
  harness::TempDir again;
  invoke_once(emulator, command, env, again.path());
  return only_record(again.path());
}

// What lambda-entrypoint gives the runtime in the cloud.
harness::Record in_cloud(const Strings& command, const Strings& env) {
  harness::TempDir records;
  Strings environment = env;
  environment.push_back("STANDIN_RECORD_DIR=" + records.path());
  environment.push_back("AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001");
  harness::Outcome outcome = harness::run_entrypoint(command, environment);
  INFO(outcome.err);
  REQUIRE(outcome.status == 0);
  return only_record(records.path());
}

std::string shown(const Value& value) { return value ? "'" + *value + "'" : "unset"; }

}  // namespace

TEST_CASE(
    "in the cloud, the runtime gets the _HANDLER the real emulator gives it, for a command of one, two or three "
    "words and _HANDLER and AWS_LAMBDA_FUNCTION_HANDLER each unset, empty or set",
    "[emulator-oracle]") {
  const std::string emulator = host_emulator();
  const std::string runtime = harness::standin("handler");
  const std::vector<Strings> commands = {{runtime}, {runtime, "app.handler"}, {runtime, "arg", "app.handler"}};
  const std::vector<Value> handlers = {std::nullopt, std::string(), std::string("container.handler")};
  const std::vector<Value> function_handlers = {std::nullopt, std::string(), std::string("named.handler")};
  for (const Strings& command : commands)
    for (const Value& handler : handlers)
      for (const Value& function_handler : function_handlers) {
        DYNAMIC_SECTION(command.size() << " word(s), _HANDLER " << shown(handler) << ", AWS_LAMBDA_FUNCTION_HANDLER "
                                       << shown(function_handler)) {
          Strings env = {"PATH=/usr/bin:/bin"};
          if (handler) env.push_back("_HANDLER=" + *handler);
          if (function_handler) env.push_back("AWS_LAMBDA_FUNCTION_HANDLER=" + *function_handler);
          Value real = handler_in(under_emulator(emulator, command, env));
          Value ours = handler_in(in_cloud(command, env));
          INFO("the real emulator gives " << shown(real) << "; lambda-entrypoint gives " << shown(ours));
          if (handler && !handler->empty() && function_handler && !function_handler->empty()) {
            CHECK(real == function_handler);
            CHECK(ours == handler);  // a value that is there is never replaced
          } else {
            CHECK(ours == real);
          }
        }
      }
}

TEST_CASE(
    "the real emulator runs a flag it does not know as the program, as --name=value too, and starts nothing for a "
    "flag whose value is a one-dash word; lambda-entrypoint refuses both in the emulator flags with 142; a flag it "
    "knows, in either spelling, passes both",
    "[emulator-oracle]") {
  const std::string emulator = host_emulator();
  const std::string runtime = harness::standin("handler");
  struct Word {
    std::string flags;
    bool known;
  };
  for (const Word& word : std::vector<Word>{{"--loglevel=debug", false},
                                            {"--log-levelx=debug", false},
                                            {"--new-flag=1", false},
                                            {"--x", false},
                                            {"--log-level -x", false},
                                            {"--log-level=debug", true},
                                            {"--log-level debug", true},
                                            {"--enable-init-caching", true}}) {
    DYNAMIC_SECTION(word.flags) {
      Strings command;
      for (size_t start = 0, blank; start <= word.flags.size(); start = blank + 1) {
        blank = std::min(word.flags.find(' ', start), word.flags.size());
        command.push_back(word.flags.substr(start, blank - start));
      }
      command.insert(command.end(), {runtime, "app.handler"});
      harness::TempDir records;
      invoke_once(emulator, command, {"PATH=/usr/bin:/bin"}, records.path());
      const bool started = !harness::records(records.path(), "handler").empty();
      CHECK(started == word.known);
      harness::Outcome ours = harness::run_entrypoint(
          {runtime, "app.handler"}, {"PATH=/usr/bin:/bin", "LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=" + word.flags,
                                     "LAMBDA_ENTRYPOINT_EMULATOR=/nowhere"});
      INFO(ours.err);
      // Known flags pass the decision and go on to look for the emulator,
      // which is nowhere here (127); the others are refused first.
      CHECK(ours.status == (word.known ? 127 : 142));
    }
  }
}
