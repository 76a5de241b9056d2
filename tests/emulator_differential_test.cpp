// The real emulator as the oracle of every local start: seeded arrangements
// of an image (its command in the command form or the AWS form, by path, by
// PATH name or through a link; its bootstraps; modes; the working directory;
// PATH, empty, unset and odd; AWS_LAMBDA_MAX_CONCURRENCY; AWS_LAMBDA_EXEC_WRAPPER;
// LAMBDA_TASK_ROOT; emulator flags and their values; words at and past the
// kernel's limits on one string and on them all), each made as a root on
// this machine and started there three ways, as PID 1 of a namespace of its
// own (no container engine):
//   local    lambda-entrypoint as the ENTRYPOINT, without AWS_LAMBDA_RUNTIME_API
//   real     the real aws-lambda-rie started straight with the same command
//            and environment (in the AWS form, as AWS's script starts it)
//   cloud    lambda-entrypoint with AWS_LAMBDA_RUNTIME_API set
// and held to three rules:
//   no false refusal  what the real emulator serves (the runtime starts), the
//                     local start serves;
//   no false pass     where the local start does not refuse, the runtime starts;
//   parity            the runtime started locally gets the words, working
//                     directory and environment the cloud start gives it, but
//                     for what the emulator itself sets (emulator_sets()), and
//                     runs as root, or in the Managed Instances mode as the
//                     emulator's uid 993 and gid 990.
// ORACLE_SEED=<seed> replays a run, ORACLE_EMULATOR_CASES=<n> sets how many
// cases. Needs LAMBDA_ENTRYPOINT_RIE_DIR and root.
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <atomic>
#include <catch2/catch_test_macros.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "emulator_env.hpp"
#include "harness.hpp"
#include "real_emulator.hpp"

using harness::Strings;

namespace {

using Clock = std::chrono::steady_clock;

struct Case {
  bool aws_form = false;
  std::string runtime_at;  // where the runtime (the handler stand-in) lies
  mode_t runtime_mode = 0755;
  std::string program_word;  // the command's first word: a path, a name, a link
  Strings handler_words;     // the words after it
  std::string bootstrap;     // in /var/runtime/bootstrap: "", "this", "link", "runtime", "other", "directory"
  std::string workdir = "/var/task";
  mode_t workdir_parent_mode = 0755;
  std::string path;                 // "unset" or the value
  std::string concurrency;          // "unset" or the value
  std::string extra_flags;          // beside the address flags: "", "--log-level debug", "--loglevel=debug", ...
  std::string wrapper = "unset";    // AWS_LAMBDA_EXEC_WRAPPER: "unset" or the value
  std::string task_root = "unset";  // LAMBDA_TASK_ROOT: "unset" or the value
  // Long words before the handler's (after it, where big_words_last): as many
  // as big_word_sizes holds, of those sizes.
  std::vector<size_t> big_word_sizes;
  bool big_words_last = false;
  // A pinned case that must land where the emulator starts and its own
  // start of the runtime passes the kernel's limit (the README's choice).
  bool past_limit_under_emulator = false;

  Strings words() const {
    Strings all = {program_word};
    Strings big;
    for (size_t size : big_word_sizes) big.push_back(std::string(size, 'w'));
    if (!big_words_last) all.insert(all.end(), big.begin(), big.end());
    all.insert(all.end(), handler_words.begin(), handler_words.end());
    if (big_words_last) all.insert(all.end(), big.begin(), big.end());
    return all;
  }

  std::string describe() const {
    std::ostringstream out;
    out << (aws_form ? "AWS form" : "command form") << ", runtime " << runtime_at << " " << harness::octal(runtime_mode)
        << ", command '" << program_word;
    for (const std::string& word : handler_words) out << " " << word;
    out << "', /var/runtime/bootstrap " << (bootstrap.empty() ? "none" : bootstrap) << ", WORKDIR " << workdir
        << " (its parent " << harness::octal(workdir_parent_mode) << "), PATH " << path
        << ", AWS_LAMBDA_MAX_CONCURRENCY " << concurrency << ", flags '" << extra_flags << "'"
        << ", AWS_LAMBDA_EXEC_WRAPPER " << wrapper << ", LAMBDA_TASK_ROOT " << task_root;
    if (!big_word_sizes.empty()) {
      out << ", words of";
      for (size_t size : big_word_sizes) out << " " << size;
      out << " bytes " << (big_words_last ? "after" : "before") << " the handler's";
    }
    return out.str();
  }
  bool managed() const { return concurrency != "unset"; }

  // AWS_LAMBDA_MAX_CONCURRENCY as the README takes it: unset, or a whole
  // number from 1 to 2147483647, a '+' before it allowed.
  bool concurrency_taken() const {
    if (!managed()) return true;
    std::string digits = concurrency.substr(!concurrency.empty() && concurrency[0] == '+' ? 1 : 0);
    if (digits.empty() || digits.size() > 10 || digits.find_first_not_of("0123456789") != std::string::npos)
      return false;
    long long value = std::stoll(digits);
    return value >= 1 && value <= 2147483647;
  }

  // The bootstrap the emulator starts in the Managed Instances mode: the
  // first of its three places that holds a file ("" when none does).
  std::string first_bootstrap() const {
    if (!bootstrap.empty() && bootstrap != "directory") return "/var/runtime/bootstrap";
    if (runtime_at == "/var/task/bootstrap" || runtime_at == "/opt/bootstrap") return runtime_at;
    return "";
  }

  // The README's choice: in the Managed Instances mode, where the bootstrap
  // is the runtime itself, the emulator starts it as it starts any
  // bootstrap, alone, in /var/task, with the command's last word as _HANDLER,
  // and lambda-entrypoint leaves it to do so (its own copy there would
  // replace the runtime); more words than the handler are refused (126).
  bool emulator_starts_runtime() const { return managed() && first_bootstrap() == runtime_at; }

  // The PATH entry, as written ("." for an empty one), through which the
  // command's name reaches the runtime: "" when none does. In these images
  // the runtime is the only file of its name on any entry.
  std::string entry_found_through() const {
    std::string rest = path + ":";
    for (size_t colon; (colon = rest.find(':')) != std::string::npos; rest.erase(0, colon + 1)) {
      std::string entry = rest.substr(0, colon);
      std::string directory = entry.empty() ? workdir : entry[0] == '/' ? entry : workdir + "/" + entry;
      while (directory.size() > 1 && directory.back() == '/') directory.pop_back();
      if (directory.rfind("//", 0) == 0) directory.erase(0, 1);
      if ((directory == "/" ? "" : directory) + "/" + program_word == runtime_at) return entry.empty() ? "." : entry;
    }
    return "";
  }

  // The README's rule: each word of the emulator's flags is a flag it takes
  // (--log-level, --runtime-interface-emulator-address, --runtime-api-address
  // with a value; --enable-init-caching without), or that value; any other
  // word would become the emulator's program, and is refused (142).
  bool flags_refused() const {
    for (const char* refused : {"--loglevel=debug", "--log-level", "--enable-init-caching=true", "-log-level debug",
                                "--log-level --enable-init-caching", "debug"})
      if (extra_flags == refused) return true;
    return false;
  }
};

Case generate(harness::Random& random) {
  Case c;
  c.aws_form = random.one_in(5);
  c.runtime_at = c.aws_form
                     ? "/var/runtime/bootstrap"
                     : random.pick<std::string>({"/var/task/bootstrap", "/var/task/runtime", "/usr/bin/runtime",
                                                 "/var/runtime/bootstrap", "/opt/bootstrap", "/srv/app/runtime"});
  c.runtime_mode = random.one_in(4) ? random.pick<mode_t>({0700, 0744, 0711, 0750}) : 0755;
  const std::string name = c.runtime_at.substr(c.runtime_at.rfind('/') + 1);
  switch (random.below(4)) {
    case 0: c.program_word = name; break;              // looked up in PATH
    case 1: c.program_word = "/var/task/link"; break;  // a link to it
    default: c.program_word = c.runtime_at; break;
  }
  size_t words = random.below(3);
  if (c.aws_form) words = 1;
  for (size_t i = 0; i < words; ++i) c.handler_words.push_back(random.pick<std::string>({"app.handler", "-v", "x y"}));
  if (!c.aws_form && c.runtime_at != "/var/runtime/bootstrap")
    c.bootstrap = random.pick<std::string>({"", "", "this", "link", "other", "directory"});
  else c.bootstrap = "runtime";
  c.workdir = random.pick<std::string>({"/var/task", "/var/task", "/", "/srv/app"});
  c.path =
      random.one_in(3)
          ? random.pick<std::string>({"unset", "", ":/usr/local/bin:/usr/bin:/bin", "/usr/bin:", "var/task:/usr/bin",
                                      "/nowhere:/usr/bin//:/bin", "/var/task/link:/var/task:/usr/bin", "/", "/opt"})
          : "/usr/local/bin:/usr/bin:/bin";
  c.concurrency = random.one_in(2) ? "unset" : random.pick<std::string>({"2", "1", "+3", "0", "", "two", "2147483648"});
  c.extra_flags = random.one_in(2)
                      ? ""
                      : random.pick<std::string>({"--log-level debug", "--loglevel=debug", "--log-level=debug",
                                                  "--log-level", "--log-level=", "--log-level bogus",
                                                  "--enable-init-caching", "--enable-init-caching=true",
                                                  "-log-level debug", "--log-level --enable-init-caching", "debug"});
  if (random.one_in(3))
    c.wrapper = random.pick<std::string>({"", "/opt/wrapper", "/opt/wrapper", "/opt/root-wrapper", "/opt/missing"});
  if (random.one_in(3))
    c.task_root = random.pick<std::string>({"", "/var/task", "/var/task/", "/srv/app", "/srv/app", "/task-link", "/"});
  if (!c.aws_form && random.one_in(4)) {
    // MAX_ARG_STRLEN is 131,072 bytes with the NUL: a word at it; the last
    // word, at it and one past once it is _HANDLER=WORD (a word itself past
    // it stops the entrypoint's own start, which judges nothing); two words
    // the Managed Instances mode carries as one string; and
    // the total the kernel takes (a quarter of the 8 MiB stack) crossed by
    // the bytes the emulator adds, within a few hundred bytes either side.
    switch (random.below(4)) {
      case 0: c.big_word_sizes = {131071}; break;
      case 1:
        // The last word becomes _HANDLER=WORD: at the limit, and one past.
        c.big_word_sizes = {131062 + random.below(2)};
        c.big_words_last = true;
        break;
      case 2: c.big_word_sizes = {70000, 70000}; break;
      default: c.big_word_sizes.assign(15, 131071); c.big_word_sizes.push_back(130600 - random.below(1400));
    }
    if (!c.big_words_last) c.big_words_last = random.one_in(4);
  }
  if (c.workdir == "/srv/app" || c.runtime_at == "/srv/app/runtime" || c.task_root == "/srv/app")
    c.workdir_parent_mode = random.pick<mode_t>({0755, 0700, 0711});
  return c;
}

// Cases run before the random ones, so that no rule rests on the draw: one
// for each rule and each choice the README names.
std::vector<Case> pinned() {
  auto make = [](std::string runtime_at, std::string word, Strings words, std::string bootstrap,
                 std::string concurrency) {
    Case c;
    c.runtime_at = std::move(runtime_at);
    c.program_word = std::move(word);
    c.handler_words = std::move(words);
    c.bootstrap = std::move(bootstrap);
    c.path = "/usr/local/bin:/usr/bin:/bin";
    c.concurrency = std::move(concurrency);
    return c;
  };
  std::vector<Case> cases = {
      // the classic mode: a name found in PATH keeps its argv[0]; without PATH, the path found is handed on
      make("/usr/bin/runtime", "runtime", {"app.handler"}, "", "unset"),
      make("/usr/bin/runtime", "runtime", {"app.handler"}, "", "unset"),
      make("/var/task/runtime", "/var/task/link", {"a b", "app.handler"}, "this", "unset"),
      // Managed Instances: this program as the bootstrap (a copy, a link), the runtime itself, another program
      make("/var/task/runtime", "/var/task/runtime", {"-v", "app.handler"}, "this", "2"),
      make("/usr/bin/runtime", "runtime", {"app.handler"}, "link", "+3"),
      make("/var/task/bootstrap", "/var/task/link", {"app.handler"}, "", "1"),
      make("/opt/bootstrap", "/opt/bootstrap", {"-v", "app.handler"}, "", "2"),
      make("/var/task/bootstrap", "bootstrap", {}, "directory", "2"),
      make("/var/task/runtime", "/var/task/runtime", {"app.handler"}, "other", "2"),
      // values the README refuses, and a misspelt flag in each mode
      make("/var/task/runtime", "/var/task/runtime", {"app.handler"}, "this", "0"),
      make("/var/task/runtime", "/var/task/runtime", {"app.handler"}, "this", "2147483648"),
      make("/var/task/runtime", "/var/task/runtime", {"app.handler"}, "", "unset"),
      make("/var/task/runtime", "/var/task/runtime", {"app.handler"}, "this", "2"),
  };
  cases[1].path = "unset";
  cases[11].extra_flags = "--loglevel=debug";
  cases[12].extra_flags = "--loglevel=debug";
  // a working directory uid 993 cannot enter, where the command is carried to it
  cases.push_back(make("/var/task/runtime", "/var/task/runtime", {"app.handler"}, "this", "2"));
  cases.back().workdir = "/srv/app";
  cases.back().workdir_parent_mode = 0700;
  // an exec wrapper: in the Managed Instances mode, where the command's own
  // program is the bootstrap the emulator starts (served without it, with a
  // warning; refused where uid 993 cannot run it); and with an empty PATH,
  // which is the working directory alone
  cases.push_back(make("/var/runtime/bootstrap", "/var/runtime/bootstrap", {}, "runtime", "2"));
  cases.back().wrapper = "/opt/wrapper";
  cases.push_back(make("/var/runtime/bootstrap", "/var/runtime/bootstrap", {}, "runtime", "2"));
  cases.back().wrapper = "/opt/root-wrapper";
  cases.push_back(make("/var/task/runtime", "runtime", {"app.handler"}, "", "unset"));
  cases.back().wrapper = "/opt/wrapper";
  cases.back().path = "";
  cases.push_back(make("/var/task/runtime", "runtime", {"app.handler"}, "", "unset"));
  cases.back().path = "";
  // the kernel's limit on one string: a word at it; _HANDLER made of the last word, at it and one past
  cases.push_back(make("/usr/bin/runtime", "runtime", {"app.handler"}, "", "unset"));
  cases.back().big_word_sizes = {131071};
  for (size_t size : {131062, 131063}) {
    cases.push_back(make("/usr/bin/runtime", "runtime", {"app.handler"}, "", "unset"));
    cases.back().big_word_sizes = {size};
    cases.back().big_words_last = true;
  }
  // the whole command within the kernel's limit for the entrypoint and the
  // emulator, and past it once the emulator adds its variables
  cases.push_back(make("/var/runtime/bootstrap", "/var/task/link", {"x y"}, "runtime", "unset"));
  cases.back().path = "/usr/bin:";
  cases.back().extra_flags = "--log-level=debug";
  cases.back().big_word_sizes.assign(15, 131071);
  cases.back().big_word_sizes.push_back(130235);
  // Under qemu, binfmt_misc adds qemu's own words: the limit lies elsewhere.
  cases.back().past_limit_under_emulator = harness::cpu_emulator(harness::entrypoint()).empty();
  // the AWS form in both modes
  Case aws = make("/var/runtime/bootstrap", "/var/runtime/bootstrap", {"app.handler"}, "runtime", "unset");
  aws.aws_form = true;
  cases.push_back(aws);
  aws.concurrency = "2";
  cases.push_back(aws);
  return cases;
}

// The image of a case, made at root: the binary under test, the real
// emulator (a hard link to one copy), the runtime and the bootstrap; for
// another CPU, qemu-user too (a link to one copy), which the tests start it
// with.
void build(const Case& c, const std::string& root, const std::string& copies) {
  harness::make_dirs(root + "/usr/local/bin");
  harness::make_dirs(root + "/var/task");
  harness::make_dirs(root + "/var/runtime");
  harness::make_dirs(root + "/out");
  harness::make_dirs(root + "/tmp", 01777);
  // As every container has it: the emulator opens it for the runtime's input.
  harness::make_dirs(root + "/dev");
  REQUIRE(mknod((root + "/dev/null").c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0);
  harness::copy_file(harness::entrypoint(), root + "/lambda-entrypoint", 0755);
  REQUIRE(link((copies + "/aws-lambda-rie").c_str(), (root + "/usr/local/bin/aws-lambda-rie").c_str()) == 0);
  if (std::string qemu = harness::cpu_emulator(harness::entrypoint()); !qemu.empty()) {
    harness::make_dirs(root + qemu.substr(0, qemu.rfind('/')));
    REQUIRE(link((copies + "/qemu").c_str(), (root + qemu).c_str()) == 0);
  }
  harness::make_dirs(root + c.runtime_at.substr(0, c.runtime_at.rfind('/')));
  harness::copy_file(harness::standin("handler"), root + c.runtime_at, c.runtime_mode);
  REQUIRE(symlink(c.runtime_at.c_str(), (root + "/var/task/link").c_str()) == 0);
  const std::string bootstrap = root + "/var/runtime/bootstrap";
  if (c.bootstrap == "this") harness::copy_file(harness::entrypoint(), bootstrap, 0755);
  if (c.bootstrap == "link") REQUIRE(symlink("/lambda-entrypoint", bootstrap.c_str()) == 0);
  if (c.bootstrap == "other") harness::copy_file(harness::other_static_program(), bootstrap, 0755);
  if (c.bootstrap == "directory") harness::make_dirs(bootstrap);
  harness::make_dirs(root + c.workdir);
  harness::make_dirs(root + "/opt");
  harness::copy_file(harness::standin("wrapper"), root + "/opt/wrapper", 0755);
  harness::copy_file(harness::standin("wrapper"), root + "/opt/root-wrapper", 0700);
  REQUIRE(symlink("/var/task", (root + "/task-link").c_str()) == 0);
  if (c.workdir == "/srv/app" || c.runtime_at == "/srv/app/runtime" || c.task_root == "/srv/app") {
    harness::make_dirs(root + "/srv/app");
    REQUIRE(chmod((root + "/srv").c_str(), c.workdir_parent_mode) == 0);
  }
}

Strings split_words(const std::string& text) {
  Strings words;
  std::istringstream in(text);
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

struct Start {
  bool served = false;  // the runtime started
  harness::Record record;
  harness::Outcome outcome;
  bool ended = false;  // the start ended by itself before the runtime started
};

// Every process whose root is this directory: those of one start.
void end_every_process_in(const std::string& root) {
  char wanted[4096];
  if (realpath(root.c_str(), wanted) == nullptr) return;
  for (int round = 0; round < 50; ++round) {
    bool any = false;
    if (DIR* proc = opendir("/proc")) {
      while (dirent* entry = readdir(proc)) {
        char* end = nullptr;
        long pid = std::strtol(entry->d_name, &end, 10);
        if (*end != '\0' || pid <= 0) continue;
        char seen[4096];
        ssize_t size = readlink(("/proc/" + std::string(entry->d_name) + "/root").c_str(), seen, sizeof seen - 1);
        if (size < 0) continue;
        seen[size] = '\0';
        if (std::string(seen) != wanted) continue;
        any = true;
        kill(static_cast<pid_t>(pid), SIGKILL);
      }
      closedir(proc);
    }
    if (!any) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// Starts program with argv in the root, invokes the function once where it
// listens, and ends it: whether the runtime started, and what it recorded.
Start start(const std::string& root, const std::string& records, const Strings& argv, const Strings& env,
            const std::string& cwd, int port, bool cloud) {
  harness::Sandbox sandbox{root, records, false, 0, 0};
  harness::Launch launch;
  launch.program = argv.front();
  launch.argv = argv;
  launch.env = env;
  launch.cwd = cwd;
  launch.sandbox = &sandbox;
  Start result;
  std::atomic<bool> done{false};
  std::thread runner([&] {
    result.outcome = harness::launch(launch);
    done = true;
  });
  const bool other_cpu = !harness::cpu_emulator(root + "/lambda-entrypoint").empty();
  auto give_up = Clock::now() + std::chrono::seconds(other_cpu ? 40 : 15);
  // Once an invocation is answered, the runtime has been started or never
  // will be: its record is waited for this long, invoking again meanwhile.
  // Not shorter: the answer may come before a slow start under qemu and load
  // has begun, or from a process of another test that had the port a moment.
  const auto grace = std::chrono::milliseconds(other_cpu ? 3000 : 1000);
  auto answered_at = Clock::time_point::max();
  while (Clock::now() < give_up) {
    if (!harness::records(records, "handler").empty()) break;
    if (done) {
      // A process that ended may have left its record just now.
      result.ended = harness::records(records, "handler").empty();
      break;
    }
    if (answered_at != Clock::time_point::max() && Clock::now() > answered_at + grace) break;
    if (!cloud && harness::post(port, "/2015-03-31/functions/function/invocations", "{}").status != 0 &&
        answered_at == Clock::time_point::max())
      answered_at = Clock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  end_every_process_in(root);
  runner.join();
  std::vector<harness::Record> found = harness::records(records, "handler");
  result.served = !found.empty();
  if (result.served) result.record = found.front();
  return result;
}

std::map<std::string, std::string> by_name(const Strings& env) {
  std::map<std::string, std::string> map;
  for (const std::string& entry : env) {
    size_t equals = entry.find('=');
    map.emplace(entry.substr(0, equals), equals == std::string::npos ? "" : entry.substr(equals + 1));
  }
  return map;
}

// What the real emulator (v1.30) itself gives the runtime, whatever the
// container says: its Runtime API, the function's variables where unset, and
// in the Managed Instances mode its own _HANDLER, LAMBDA_TASK_ROOT, the
// concurrency as a number (+3 becomes 3),
// initialization type and PATH (where the container sets none), and the
// variables of a ZIP function's environment (region, log format, X-Ray,
// LANG, LD_LIBRARY_PATH, TZ); there it drops the container's variables whose
// names start with '_'.
bool emulator_sets(const std::string& name, bool managed, bool init_caching) {
  if (name == "AWS_LAMBDA_RUNTIME_API") return true;
  // With --enable-init-caching, the address and token of its credentials stand-in.
  if (init_caching && (name == "AWS_CONTAINER_AUTHORIZATION_TOKEN" || name == "AWS_CONTAINER_CREDENTIALS_FULL_URI"))
    return true;
  for (const auto& [variable, value] : emulator_env::function_variables)
    if (name == variable) return true;
  if (!managed) return false;
  for (const char* variable : {"AWS_LAMBDA_MAX_CONCURRENCY", "AWS_LAMBDA_INITIALIZATION_TYPE", "LAMBDA_TASK_ROOT",
                               "PATH", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_LAMBDA_LOG_FORMAT",
                               "AWS_XRAY_CONTEXT_MISSING", "AWS_XRAY_DAEMON_ADDRESS", "LANG", "LD_LIBRARY_PATH", "TZ"})
    if (name == variable) return true;
  return name.rfind('_', 0) == 0;
}

// A word as a message shows it: a long one by its size.
std::string brief(const std::string& word) {
  return word.size() <= 60 ? word : "<" + std::to_string(word.size()) + " bytes>";
}

std::string differences(const harness::Record& local, const harness::Record& cloud, bool managed, bool init_caching) {
  std::ostringstream out;
  if (local.argv != cloud.argv) {
    out << "the words differ:";
    for (const std::string& word : local.argv) out << " [" << brief(word) << "]";
    out << " against";
    for (const std::string& word : cloud.argv) out << " [" << brief(word) << "]";
    out << "; ";
  }
  if (local.cwd != cloud.cwd) out << "working directory " << local.cwd << " against " << cloud.cwd << "; ";
  const uid_t uid = managed ? 993 : 0;
  const gid_t gid = managed ? 990 : 0;
  if (local.uid != uid || local.gid != gid) out << "uid " << local.uid << " gid " << local.gid << "; ";
  auto locally = by_name(local.env), in_cloud = by_name(cloud.env);
  for (const auto& [name, value] : locally)
    if (!emulator_sets(name, managed, init_caching) && (in_cloud.count(name) == 0 || in_cloud[name] != value))
      out << name << "='" << brief(value) << "' locally; ";
  for (const auto& [name, value] : in_cloud)
    if (!emulator_sets(name, managed, init_caching) && locally.count(name) == 0) out << name << " missing locally; ";
  return out.str();
}

std::string shown(const Start& start) {
  std::ostringstream out;
  out << (start.served  ? "served"
          : start.ended ? "ended by itself"
                        : "not served")
      << ", exit " << start.outcome.status
      << ", stderr: " << start.outcome.err.substr(start.outcome.err.size() > 900 ? start.outcome.err.size() - 900 : 0);
  if (start.served) {
    out << "\n  argv:";
    for (const std::string& word : start.record.argv) out << " [" << brief(word) << "]";
    out << "\n  cwd " << start.record.cwd << ", uid " << start.record.uid;
  }
  return out.str();
}

// What breaks a rule in one case: "" when nothing does.
std::string disagreement(const Case& c, const Start& local, const Start& real, const Start& cloud) {
  const bool refused = local.ended && !local.served;
  // The kernel did not start the entrypoint itself (the words are past its
  // limits): there is nothing of lambda-entrypoint's to judge.
  if (local.outcome.err.rfind("harness: ", 0) == 0)
    return cloud.served ? "the entrypoint could not be started, and the cloud start could" : "";
  // The README's choice: within some hundred bytes of the kernel's limit on
  // the arguments and environment together, a local start fails where the
  // cloud, and the emulator given the command alone, may not: the emulator's
  // path and flags, the variables the parity rule gives and those the
  // emulator adds all count (lambda-entrypoint's start of the emulator, or
  // the emulator's of the runtime, then says "argument list too long").
  const bool too_long_under_emulator =
      !local.served && local.outcome.err.find("rgument list too long") != std::string::npos;
  if (c.past_limit_under_emulator && !too_long_under_emulator)
    return "the pinned case no longer passes the kernel's limit under the emulator alone";
  if (too_long_under_emulator) return "";
  if (c.flags_refused()) {
    // The README's choice: a flag the emulator does not take is refused
    // (142) in both modes. The classic mode would run it as the program; the
    // Managed Instances mode ignores it with the command, so the flag meant
    // would do nothing.
    if (!refused || local.outcome.status != 142) return "an emulator flag it does not take is not refused with 142";
  } else if (!c.concurrency_taken()) {
    // The README's choice: a value the runtime clients stop on, or that the
    // emulator would not serve as that many at once, is refused (142).
    if (!refused || local.outcome.status != 142) return "AWS_LAMBDA_MAX_CONCURRENCY is not refused with 142";
  } else if (c.managed() && !c.aws_form && c.wrapper == "/opt/root-wrapper") {
    // The README's choice: in the Managed Instances mode an exec wrapper uid
    // 993 cannot run is refused (126), also where the emulator would start
    // the command's own program without it: Lambda runs it as that user.
    if (!refused || local.outcome.status != 126) return "a wrapper uid 993 cannot run is not refused with 126";
  } else if (c.emulator_starts_runtime() && c.words().size() > 2 && !c.aws_form && cloud.served) {
    // The README's choice: the words between would be lost (126).
    if (!refused || local.outcome.status != 126) return "words the emulator would drop are not refused with 126";
  } else if (real.served && cloud.served && !local.served) {
    return "a false refusal: the real emulator serves it, and the cloud start runs it";
  }
  if (!local.served && !local.ended) return "a false pass: the emulator was started, and the runtime did not start";
  if (refused && local.outcome.err.find("lambda-entrypoint: ") == std::string::npos && !real.ended)
    return "a false pass: the local start ended without a word of lambda-entrypoint's, where the real emulator stays "
           "up";
  if (!cloud.served && local.served) return "served locally, and it cannot start in the cloud";
  if (!local.served) return "";
  harness::Record expected = cloud.record;
  if (c.emulator_starts_runtime() && !c.aws_form && c.wrapper != "unset" && !c.wrapper.empty() &&
      local.outcome.err.find("AWS_LAMBDA_EXEC_WRAPPER: not applied here") == std::string::npos)
    return "the exec wrapper is left out without a warning";
  if (c.emulator_starts_runtime()) {
    expected.argv = {c.first_bootstrap()};
    expected.cwd = "/var/task";
  } else if (!c.managed() && c.program_word.find('/') == std::string::npos &&
             (c.wrapper == "unset" || c.wrapper.empty())) {
    // The README's choice: where the emulator could not find the name
    // (PATH unset; the name found through a relative or an empty entry), it
    // is handed the path found. A wrapper is given the name as written.
    if (c.path == "unset") expected.argv[0] = c.runtime_at;
    else if (std::string entry = c.entry_found_through(); !entry.empty() && entry[0] != '/')
      expected.argv[0] = (entry == "." ? "." : entry) + "/" + c.program_word;
  }
  return differences(local.record, expected, c.managed(),
                     c.extra_flags.find("--enable-init-caching") != std::string::npos);
}

// One case, started the three ways in a root of its own with ports of its
// own: what breaks a rule ("" when nothing does), and what each start did.
struct Tried {
  std::string found;
  std::string shown;
  bool served = false;
};

Tried try_case(const Case& c, const std::string& copies) {
  harness::TempDir root;
  build(c, root.path(), copies);
  const int port = harness::free_port();
  const std::string address = "127.0.0.1:" + std::to_string(port);
  Strings env = {"STANDIN_RECORD_DIR=/out", "KEPT=1", "_X_TRACE=t"};
  if (c.path != "unset") env.push_back("PATH=" + c.path);
  if (c.concurrency != "unset") env.push_back("AWS_LAMBDA_MAX_CONCURRENCY=" + c.concurrency);
  if (c.wrapper != "unset") env.push_back("AWS_LAMBDA_EXEC_WRAPPER=" + c.wrapper);
  if (c.task_root != "unset") env.push_back("LAMBDA_TASK_ROOT=" + c.task_root);
  const Strings command = c.words();
  // The ENTRYPOINT and CMD: in the AWS form, the handler alone.
  Strings ours = {"/lambda-entrypoint"};
  if (c.aws_form) ours.insert(ours.end(), {"--aws-form", c.handler_words.front()});
  else ours.insert(ours.end(), command.begin(), command.end());
  // Its own Runtime API's port too: the tests of both CPUs may run at once.
  Strings flags = {"--runtime-interface-emulator-address", address, "--runtime-api-address",
                   "127.0.0.1:" + std::to_string(harness::free_port())};
  for (const std::string& word : split_words(c.extra_flags)) flags.push_back(word);
  std::string joined;
  for (const std::string& flag : flags) joined += (joined.empty() ? "" : " ") + flag;
  env.push_back("LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=" + joined);
  Strings real_argv = {"/usr/local/bin/aws-lambda-rie"};
  real_argv.insert(real_argv.end(), flags.begin(), flags.end());
  Strings real_env = env;
  if (c.aws_form) {
    real_argv.insert(real_argv.end(), {"/var/runtime/bootstrap", c.handler_words.front()});
    real_env.push_back("_HANDLER=" + c.handler_words.front());
  } else {
    // The emulator does not apply AWS_LAMBDA_EXEC_WRAPPER: it is given the
    // command the cloud start runs.
    if (c.wrapper != "unset" && !c.wrapper.empty()) real_argv.push_back(c.wrapper);
    real_argv.insert(real_argv.end(), command.begin(), command.end());
  }
  Strings cloud_env = env;
  cloud_env.push_back("AWS_LAMBDA_RUNTIME_API=" + address);
  auto fresh_records = [] {
    auto records = std::make_unique<harness::TempDir>();
    REQUIRE(chmod(records->path().c_str(), 0777) == 0);
    return records;
  };
  auto local_records = fresh_records(), real_records = fresh_records(), cloud_records = fresh_records();
  Start local = start(root.path(), local_records->path(), ours, env, c.workdir, port, false);
  Start real = start(root.path(), real_records->path(), real_argv, real_env, c.workdir, port, false);
  Start cloud = start(root.path(), cloud_records->path(), ours, cloud_env, c.workdir, port, true);
  return {disagreement(c, local, real, cloud),
          c.describe() + "\nlocal: " + shown(local) + "\nreal emulator: " + shown(real) + "\ncloud: " + shown(cloud),
          local.served};
}

}  // namespace

TEST_CASE(
    "the real emulator as the oracle of local starts: what it serves is served, what is started is served, and the "
    "runtime gets what it gets in the cloud, over generated images",
    "[scratch][emulator-differential]") {
  const std::string cpu = harness::entrypoint_arch();
  if (!harness::kernel_runs(cpu))
    SKIP("the kernel here does not start " + cpu + " programs (no binfmt_misc entry for qemu)");
  const std::string emulator = real_emulator(cpu == "x86_64" ? "amd64" : "arm64");
  std::uint64_t seed = harness::number_setting("ORACLE_SEED", std::random_device{}());
  std::uint64_t cases = harness::case_count("ORACLE_EMULATOR_CASES", 300, 100);
  const std::vector<Case> fixed = pinned();
  std::printf("oracle: emulator: seed %llu, %zu pinned and %llu random cases (ORACLE_SEED=%llu replays this run)\n",
              static_cast<unsigned long long>(seed), fixed.size(), static_cast<unsigned long long>(cases),
              static_cast<unsigned long long>(seed));
  harness::TempDir copies;
  harness::copy_file(emulator, copies.path() + "/aws-lambda-rie", 0755);
  if (std::string qemu = harness::cpu_emulator(harness::entrypoint()); !qemu.empty())
    harness::copy_file(qemu, copies.path() + "/qemu", 0755);
  harness::Random random(seed);
  int served = 0, refused = 0, disagreements = 0, run_again = 0;
  for (std::uint64_t i = 0; harness::more_cases(i, fixed.size() + cases, disagreements); ++i) {
    Case c = i < fixed.size() ? fixed[i] : generate(random);
    Tried tried = try_case(c, copies.path());
    if (!tried.found.empty()) {
      // What the code decides is the same at every run; when a start is
      // served is not (qemu, a loaded machine, a port another test's process
      // held a moment). So a disagreement counts only where a second run of
      // the case, in a fresh root with fresh ports, shows one too; the first
      // is printed either way.
      std::printf("oracle: emulator: case %llu disagreed (%s), run again:\n%s\n", static_cast<unsigned long long>(i),
                  tried.found.c_str(), tried.shown.c_str());
      ++run_again;
      tried = try_case(c, copies.path());
    }
    INFO("case " << i << ": " << tried.shown);
    CHECK(tried.found == "");
    disagreements += !tried.found.empty();
    served += tried.served;
    refused += !tried.served;
  }
  std::printf("oracle: emulator: %d served, %d refused; %d disagreements; %d case(s) run again\n", served, refused,
              disagreements, run_again);
}
