// The AWS form against what it replaces: AWS's /lambda-entrypoint.sh, as
// ../shared/REFERENCE.md describes it, written out below and run by dash,
// and the binary installed as lambda-entrypoint.sh, over the same seeded
// random argument lists and environments. Both must exit alike and start
// the same programs (the emulator, the bootstrap) with the same arguments
// and the same _HANDLER; with LAMBDA_ENTRYPOINT_NO_PARITY=1, the same
// environment whole. The one difference by design, a word starting with
// "--" (an option of the binary's; docs/choices.md), is not
// generated: its cases are in decide_cases.hpp. ORACLE_SEED=<seed> replays
// a run, ORACLE_AWS_FORM_CASES=<n> sets how many cases.
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <cstdio>
#include <random>
#include <tuple>

#include "harness.hpp"

using harness::Strings;

namespace {

// AWS's script, with the two paths it names where the test puts them.
std::string aws_script(const std::string& emulator, const std::string& bootstrap) {
  return "#!/bin/dash\n"
         "if [ $# -ne 1 ]; then\n"
         "  echo \"entrypoint requires the handler name to be the first argument\" 1>&2\n"
         "  exit 142\n"
         "fi\n"
         "export _HANDLER=\"$1\"\n"
         "RUNTIME_ENTRYPOINT=" +
         bootstrap +
         "\n"
         "if [ -z \"${AWS_LAMBDA_RUNTIME_API}\" ]; then\n"
         "  exec " +
         emulator +
         " $RUNTIME_ENTRYPOINT\n"
         "else\n"
         "  exec $RUNTIME_ENTRYPOINT\n"
         "fi\n";
}

class Generator : public harness::Random {
 public:
  explicit Generator(std::uint64_t seed) : Random(seed) {}

  Strings arguments() {
    Strings args;
    size_t count = pick<size_t>({0, 1, 1, 1, 1, 2, 3});
    for (size_t i = 0; i < count; ++i) args.push_back(word());
    return args;
  }

  Strings environment(const std::string& fixed) {
    Strings env = {fixed};
    if (one_in(3)) env.push_back("AWS_LAMBDA_RUNTIME_API=" + std::string(one_in(4) ? "" : "127.0.0.1:9001"));
    if (one_in(3)) env.push_back("_HANDLER=" + word());
    if (one_in(4)) env.push_back("AWS_LAMBDA_EXEC_WRAPPER=/nonexistent/wrapper");
    if (one_in(4)) env.push_back("LAMBDA_TASK_ROOT=/var/task");
    if (one_in(3)) env.push_back("AWS_LAMBDA_FUNCTION_HANDLER=" + word());
    if (one_in(3)) env.push_back("A=" + word());
    if (one_in(2)) env.push_back("LAMBDA_ENTRYPOINT_NO_PARITY=1");
    std::shuffle(env.begin() + 1, env.end(), engine());
    return env;
  }

 private:
  // What a handler argument may be: names, nothing, blanks, a shell's
  // special bytes, words with one '-', and random bytes but NUL.
  std::string word() {
    switch (below(8)) {
      case 0: return pick<const char*>({"app.handler", "function.handler", "index.handler", "main"});
      case 1: return pick<const char*>({"", " ", "a b", "*", "$HOME", "x=y", "'", "\"", "\\", "\n", "-"});
      case 2: return pick<const char*>({"-h", "-handler", "-x", "-", "-1", "-e", "-n"});
      case 3: return "app." + std::string(below(300), 'h');
      default: {
        std::string random(1 + below(12), ' ');
        for (char& c : random) c = static_cast<char>(1 + below(255));
        if (random.size() >= 2 && random[0] == '-' && random[1] == '-') random[1] = 'x';
        return random;
      }
    }
  }
};

struct Started {
  int status;
  std::string err;
  std::vector<harness::Record> emulator, bootstrap;
};

Started start(const std::string& program, const Strings& args, const Strings& env, const std::string& records) {
  harness::Launch launch;
  launch.program = program;
  launch.argv = {"/lambda-entrypoint.sh"};
  launch.argv.insert(launch.argv.end(), args.begin(), args.end());
  launch.env = env;
  harness::Outcome outcome = harness::launch(launch);
  Started started{outcome.status, outcome.err, harness::records(records, "emulator"),
                  harness::records(records, "handler")};
  harness::remove_tree(records + "/emulator");
  harness::remove_tree(records + "/handler");
  return started;
}

std::string handler_of(const Strings& env) {
  std::string found = "(unset)";
  for (const std::string& entry : env)
    if (entry.rfind("_HANDLER=", 0) == 0) return entry.substr(9);
  return found;
}

std::string shown(const Strings& list) {
  std::string text;
  for (const std::string& s : list) text += " [" + s + "]";
  return text;
}

}  // namespace

TEST_CASE("installed as lambda-entrypoint.sh, it does what AWS's script does under dash, over generated calls",
          "[oracle]") {
  std::uint64_t seed = harness::number_setting("ORACLE_SEED", std::random_device{}());
  std::uint64_t cases = harness::case_count("ORACLE_AWS_FORM_CASES", 1000, 500);
  std::printf("oracle: AWS form: seed %llu, %llu cases (ORACLE_SEED=%llu replays this run)\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(cases),
              static_cast<unsigned long long>(seed));
  harness::TempDir tools, records;
  std::string emulator = tools / "aws-lambda-rie", bootstrap = tools / "bootstrap";
  harness::copy_file(harness::standin("emulator"), emulator, 0755);
  harness::copy_file(harness::standin("handler"), bootstrap, 0755);
  std::string script = tools / "aws-lambda-entrypoint.sh";
  harness::write_file(script, aws_script(emulator, bootstrap), 0755);
  std::uint64_t disagreements = 0;
  for (std::uint64_t i = 0; harness::more_cases(i, cases, disagreements); ++i) {
    Generator generate(seed + i);
    Strings args = generate.arguments();
    Strings env = generate.environment("STANDIN_RECORD_DIR=" + records.path());
    Strings ours_env = env;
    ours_env.push_back("LAMBDA_ENTRYPOINT_EMULATOR=" + emulator);
    ours_env.push_back("LAMBDA_ENTRYPOINT_BOOTSTRAP=" + bootstrap);
    Started aws = start(script, args, env, records.path());
    Started ours = start(harness::entrypoint(), args, ours_env, records.path());
    std::string why;
    if (ours.status != aws.status)
      why += " exit " + std::to_string(ours.status) + ", AWS's " + std::to_string(aws.status);
    if (aws.status == 142 && ours.err != aws.err) why += " message " + ours.err + ", AWS's " + aws.err;
    for (auto [role, a, o] : {std::tuple{"emulator", &aws.emulator, &ours.emulator},
                              std::tuple{"bootstrap", &aws.bootstrap, &ours.bootstrap}}) {
      if (a->size() != o->size()) {
        why += std::string(" ") + role + " started " + std::to_string(o->size()) + " times, by AWS's " +
               std::to_string(a->size());
        continue;
      }
      for (size_t k = 0; k < a->size(); ++k) {
        const harness::Record &theirs = (*a)[k], &mine = (*o)[k];
        Strings their_env = theirs.env, my_env = mine.env;
        // A shell exports PWD, where the environment had none: dash's, not the script's.
        their_env.erase(std::remove_if(their_env.begin(), their_env.end(),
                                       [](const std::string& e) { return e.rfind("PWD=", 0) == 0; }),
                        their_env.end());
        // Only the binary's own settings differ: the test gave them to it alone.
        my_env.erase(std::remove_if(my_env.begin(), my_env.end(),
                                    [](const std::string& e) {
                                      return e.rfind("LAMBDA_ENTRYPOINT_", 0) == 0 &&
                                             e.rfind("LAMBDA_ENTRYPOINT_NO_PARITY=", 0) != 0;
                                    }),
                     my_env.end());
        if (mine.argv != theirs.argv)
          why += std::string(" ") + role + " argv" + shown(mine.argv) + ", AWS's" + shown(theirs.argv);
        if (handler_of(my_env) != handler_of(their_env))
          why +=
              std::string(" ") + role + " _HANDLER [" + handler_of(my_env) + "], AWS's [" + handler_of(their_env) + "]";
        bool whole = std::find(env.begin(), env.end(), "LAMBDA_ENTRYPOINT_NO_PARITY=1") != env.end();
        if (whole) {
          std::sort(my_env.begin(), my_env.end());
          std::sort(their_env.begin(), their_env.end());
          if (my_env != their_env)
            why += std::string(" ") + role + " env" + shown(my_env) + ", AWS's" + shown(their_env);
        }
      }
    }
    if (!why.empty()) {
      ++disagreements;
      if (disagreements <= 20)
        std::printf("oracle: AWS form: disagreement in case %llu: args%s env%s:%s\n",
                    static_cast<unsigned long long>(seed + i), shown(args).c_str(), shown(env).c_str(), why.c_str());
    }
  }
  std::printf("oracle: AWS form: %llu disagreements\n", static_cast<unsigned long long>(disagreements));
  CHECK(disagreements == 0);
}
