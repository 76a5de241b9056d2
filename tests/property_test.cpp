// Round trips: seeded random arguments and environments, sent through the real
// binary into the recording stand-ins in every mode, arrive exactly as sent,
// plus only the documented changes. Each run draws a new seed, so that every
// CI run explores cases none before it tried; the seed is printed before the
// first case, and a failure names the seed that makes it again:
// PROPERTY_SEED=<seed> reruns from there, PROPERTY_CASES=<n> sets how many
// cases each mode runs.
#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "harness.hpp"

using harness::Outcome;
using harness::Record;
using harness::Strings;

namespace {

constexpr const char* cloud = "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001";

// Random bytes with a bias toward what breaks things: empty strings, blanks,
// quotes, newlines, '=', dashes, bytes that are not UTF-8, and the emulator's
// own flags.
class Generator : public harness::Random {
 public:
  Generator(std::uint64_t seed, bool native) : Random(seed), native_(native) {}

  std::string text(size_t max_length) {
    static const Strings pieces = {"",  " ",   "\t",   "\n",     "'",    "\"",   "\\",       "$HOME",
                                   "=", "==",  "-",    "--",     "\xff", "\x80", "\xc3\x28", "\xe2\x82\xac",
                                   "`", "a b", "%s%n", "--log-", "*",    "~",    "\r\n",     "\x01\x7f"};
    std::string result;
    size_t length = below(max_length + 1);
    while (result.size() < length) {
      if (one_in(3)) {
        result += pieces[below(pieces.size())];
      } else {
        result += static_cast<char>(1 + below(255));  // any byte but NUL
      }
    }
    return result;
  }

  std::string argument() { return text(one_in(10) ? 2000 : 24); }

  Strings arguments() {
    size_t count = one_in(20) ? 200 + below(4800) : one_in(4) ? 9 + below(192) : below(9);
    Strings result;
    // Well below the kernel's limit, which the limit tests approach instead.
    for (size_t i = 0, total = 0; i < count && total < 600000; ++i) {
      result.push_back(argument());
      total += result.back().size() + 1;
    }
    // One case in ten carries a flag of the emulator's, somewhere.
    static const Strings flags = {"--log-level", "--runtime-api-address=127.0.0.1:1", "--enable-init-caching",
                                  "--runtime-interface-emulator-address=0.0.0.0:1"};
    if (one_in(10))
      result.insert(result.begin() + static_cast<long>(below(result.size() + 1)), flags[below(flags.size())]);
    return result;
  }

  // Names the test or lambda-entrypoint itself reads are left out; qemu-user
  // drops entries without '=' and keeps one per name, so those come only
  // natively.
  Strings environment() {
    Strings result;
    Strings names;
    size_t count = below(30);
    for (size_t i = 0; i < count; ++i) {
      if (native_ && one_in(25)) {
        result.push_back("NO_EQUALS_" + std::to_string(i));
        continue;
      }
      std::string name;
      if (native_ && !names.empty() && one_in(8)) {
        name = names[below(names.size())];
      } else {
        do name = variable_name();
        while (reserved(name) || std::find(names.begin(), names.end(), name) != names.end());
      }
      names.push_back(name);
      result.push_back(name + "=" + text(one_in(40) ? 60000 : 40));
    }
    // The variables the parity rule fills in: absent, empty or set. A local
    // run as root walks LAMBDA_TASK_ROOT: its value lies under a directory
    // that does not exist, so that a random "/" or "." cannot make a case
    // walk this machine's whole file system.
    for (std::string name : {"_HANDLER", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR"}) {
      if (one_in(3)) continue;
      std::string value = one_in(2) ? "" : (name == "LAMBDA_TASK_ROOT" ? "/nonexistent/" : "") + text(20);
      result.insert(result.begin() + static_cast<long>(below(result.size() + 1)), std::string(name) + "=" + value);
    }
    return result;
  }

 private:
  std::string variable_name() {
    static const std::string first = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_";
    static const std::string rest = first + "0123456789";
    std::string name(1, first[below(first.size())]);
    for (size_t length = below(12); name.size() <= length;) {
      if (one_in(20)) name += static_cast<char>(0x80 + below(0x80));  // not a shell name, still an entry
      else name += rest[below(rest.size())];
    }
    return name;
  }

  static bool reserved(const std::string& name) {
    for (const char* prefix : {"AWS_LAMBDA", "LAMBDA_", "STANDIN_", "_HANDLER", "PATH"})
      if (name.rfind(prefix, 0) == 0) return true;
    return false;
  }

  bool native_;
};

bool taken_by_emulator(const std::string& argument) {
  for (const char* flag :
       {"--log-level", "--runtime-interface-emulator-address", "--runtime-api-address", "--enable-init-caching"}) {
    std::string name = flag;
    if (argument == name || argument.rfind(name + "=", 0) == 0) return true;
  }
  return false;
}

// A variable's value as getenv reads it (the first entry), "" when unset.
std::string first_value(const Strings& env, const std::string& name) {
  for (const std::string& entry : env)
    if (entry.rfind(name + "=", 0) == 0) return entry.substr(name.size() + 1);
  return "";
}

// A variable set as the README says: replaced where it first stands, later
// ones dropped, or added at the end.
Strings assigned(const Strings& env, const std::string& name, const std::string& value) {
  Strings result;
  bool placed = false;
  for (const std::string& entry : env) {
    if (entry.rfind(name + "=", 0) != 0) result.push_back(entry);
    else if (!placed) result.push_back(name + "=" + value), placed = true;
  }
  if (!placed) result.push_back(name + "=" + value);
  return result;
}

// What the program is given, by the README's rules: in the AWS form,
// _HANDLER is its argument; in the command form, an unset or empty _HANDLER
// is the command's last word when it has two or more; an unset or empty
// LAMBDA_TASK_ROOT and LAMBDA_RUNTIME_DIR get Lambda's values.
Strings given(Strings env, const Strings& command, const std::string* aws_form_handler) {
  if (aws_form_handler != nullptr) env = assigned(env, "_HANDLER", *aws_form_handler);
  else if (command.size() >= 2 && first_value(env, "_HANDLER").empty()) env = assigned(env, "_HANDLER", command.back());
  if (first_value(env, "LAMBDA_TASK_ROOT").empty()) env = assigned(env, "LAMBDA_TASK_ROOT", "/var/task");
  if (first_value(env, "LAMBDA_RUNTIME_DIR").empty()) env = assigned(env, "LAMBDA_RUNTIME_DIR", "/var/runtime");
  return env;
}

Strings plus(Strings list, const Strings& more) {
  list.insert(list.end(), more.begin(), more.end());
  return list;
}

enum class Mode { in_cloud, local, aws_form };

void run_cases(Mode mode) {
  harness::TempDir dir;
  std::string bin = dir / "bin";
  harness::make_dirs(bin);
  std::string handler = bin + "/handler";
  std::string emulator = bin + "/aws-lambda-rie";
  harness::copy_file(harness::standin("handler"), handler, 0755);
  harness::copy_file(harness::standin("emulator"), emulator, 0755);
  bool native = harness::cpu_emulator(harness::entrypoint()).empty();
  std::uint64_t seed = harness::number_setting("PROPERTY_SEED", std::random_device{}());
  std::uint64_t cases = harness::number_setting("PROPERTY_CASES", native ? 1000 : 500);
  std::printf("property: seed %llu (PROPERTY_SEED=%llu replays this run)\n", static_cast<unsigned long long>(seed),
              static_cast<unsigned long long>(seed));
  std::fflush(stdout);

  for (std::uint64_t i = 0; i < cases; ++i) {
    std::string records = dir / ("records-" + std::to_string(i));
    harness::make_dirs(records);
    Generator generate(seed + i, native);
    Strings args = generate.arguments();
    Strings env = generate.environment();
    Strings control = {"STANDIN_RECORD_DIR=" + records, "LAMBDA_ENTRYPOINT_EMULATOR=" + emulator};
    if (mode != Mode::local) control.push_back(cloud);
    if (mode == Mode::aws_form) {
      control.push_back("LAMBDA_ENTRYPOINT_BOOTSTRAP=" + handler);
      args = {generate.argument()};
      if (generate.one_in(3))
        env.insert(env.begin() + static_cast<long>(generate.below(env.size() + 1)), "_HANDLER=old");
    }
    // The controls go in at random places: nothing may depend on order.
    for (const std::string& entry : control)
      env.insert(env.begin() + static_cast<long>(generate.below(env.size() + 1)), entry);

    Strings call = mode == Mode::aws_form ? Strings{"--aws-form", "--"} : Strings{"--", handler};
    call.insert(call.end(), args.begin(), args.end());
    Outcome outcome = harness::run_entrypoint(call, env);

    INFO("case " << i << ": rerun with PROPERTY_SEED=" << seed + i << " PROPERTY_CASES=1");
    INFO(args.size() << " arguments, " << env.size() << " environment entries");
    bool refused = mode == Mode::local && std::any_of(args.begin(), args.end(), taken_by_emulator);
    if (refused) {
      REQUIRE(outcome.status == 142);
      REQUIRE_THAT(outcome.err,
                   Catch::Matchers::ContainsSubstring("aws-lambda-rie takes this argument as its own flag"));
      REQUIRE(harness::records(records, "emulator").empty());
      continue;
    }
    REQUIRE(outcome.err.empty());
    REQUIRE(outcome.status == 0);
    std::vector<Record> ran = harness::records(records, "handler");
    REQUIRE(ran.size() == 1);
    const Record& got = ran.front();
    switch (mode) {
      case Mode::in_cloud:
        REQUIRE(got.argv == plus({handler}, args));
        REQUIRE(got.env == given(env, got.argv, nullptr));
        break;
      case Mode::aws_form:
        REQUIRE(got.argv == Strings{handler});
        REQUIRE(got.env == given(env, {}, &args.front()));
        break;
      case Mode::local: {
        std::vector<Record> emulated = harness::records(records, "emulator");
        REQUIRE(emulated.size() == 1);
        REQUIRE(emulated.front().argv == plus({emulator, handler}, args));
        Strings runtime_env = given(env, plus({handler}, args), nullptr);
        REQUIRE(emulated.front().env == runtime_env);
        // The emulator adds its own variables, and keeps the _HANDLER it was given.
        REQUIRE(got.argv == plus({handler}, args));
        REQUIRE(got.env == plus(runtime_env, harness::emulator_additions()));
        break;
      }
    }
    harness::remove_tree(records);
  }
  // The figure CI reports: .ci/run reads these lines back from the test log.
  static const char* const names[] = {"cloud", "local", "AWS form"};
  std::string binary = harness::entrypoint();
  std::printf("property: %llu round trips (%s, %s %s, seed %llu) passed\n", static_cast<unsigned long long>(cases),
              names[static_cast<int>(mode)], harness::entrypoint_arch().c_str(),
              binary.substr(binary.rfind('/') + 1).c_str(), static_cast<unsigned long long>(seed));
}

}  // namespace

TEST_CASE("round trip in the cloud: random arguments and environments reach the program unchanged but for parity",
          "[property]") {
  run_cases(Mode::in_cloud);
}

TEST_CASE("round trip locally: through the emulator, only the parity variables and AWS_LAMBDA_RUNTIME_API are added",
          "[property]") {
  run_cases(Mode::local);
}

TEST_CASE("round trip in the AWS form: the environment gains _HANDLER and the parity variables, nothing else",
          "[property]") {
  run_cases(Mode::aws_form);
}
