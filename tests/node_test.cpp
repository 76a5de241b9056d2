// --check on `node .../aws-lambda-ric HANDLER`: the real clients from npm
// (aws-lambda-ric 2.x, 3.x and 4.x, under npm's node 22, installed by
// tests/node-clients into NODE_CLIENTS_DIR) as the oracle over seeded
// generated trees: the handler's module as a .js (CommonJS, or an ES module
// in a package.json "type": "module" scope), .mjs, .cjs or extensionless
// file, a directory with or without an index.js, a package in node_modules,
// or missing; beside decoys of the same name; in the working directory, the
// task root, a src/ below them or elsewhere; files and directories Lambda's
// user cannot read or search; handlers without a '.', with '..', with a
// built-in module's name, with a '.' in the file's name; LAMBDA_TASK_ROOT,
// _HANDLER and AWS_LAMBDA_FUNCTION_HANDLER set, unset or elsewhere, the
// filling in of Lambda's variables on or off. Each case is judged by the
// binary under --check as root, then really started through the binary in
// the cloud (as Lambda's user, against a Runtime API stand-in): --check says
// ok exactly where the client asks for its first event, and otherwise fails
// with the class of the client's init error (127 for
// Runtime.ImportModuleError, 142 for Runtime.MalformedHandlerName and
// Runtime.HandlerNotFound, 126 for any other). ORACLE_SEED=<seed> replays a
// run, ORACLE_NODE_CASES=<n> sets how many cases.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <cstdio>
#include <random>

#include "harness.hpp"
#include "host_cpu.hpp"
#include "runtime_api.hpp"

using harness::Strings;

namespace {

constexpr const char* cjs_module = "exports.handler = async (event) => ({ received: event });\n";
constexpr const char* esm_module = "export const handler = async (event) => ({ received: event });\n";

std::string clients() { return harness::setting("NODE_CLIENTS_DIR"); }
std::string node() { return clients() + "/bin/node"; }
std::string client_script(int major) {
  return clients() + "/v" + std::to_string(major) + "/node_modules/.bin/aws-lambda-ric";
}

void require_clients() {
  require_host_cpu("the clients are this machine's node");
  for (int major : {2, 3, 4}) REQUIRE(access(client_script(major).c_str(), X_OK) == 0);
}

struct NodeCase {
  std::string description;
  Strings command;  // node SCRIPT HANDLER
  Strings env;      // beside PATH
  std::string cwd;
};

class NodeGenerator : public harness::Random {
 public:
  NodeGenerator(std::uint64_t seed, std::string root) : Random(seed), root_(std::move(root)) {}

  NodeCase make() {
    NodeCase c;
    for (const char* place : {"work", "task", "elsewhere"}) directory(root_ + "/" + place);
    int major = pick({2, 3, 3, 4, 4});
    std::string script = client_script(major);
    if (one_in(6))
      script = clients() + "/v" + std::to_string(major) + "/node_modules/aws-lambda-ric/" +
               (major == 2   ? "bin/index.js"
                : major == 3 ? "bin/index.mjs"
                             : "index.mjs");
    if (one_in(25)) script = root_ + "/elsewhere/node_modules/.bin/aws-lambda-ric";  // not installed there
    c.cwd = one_in(4) ? "task" : "work";
    c.description = " aws-lambda-ric " + std::to_string(major) + ".x from " + c.cwd;
    // Where the code is: LAMBDA_TASK_ROOT as Lambda sets it, elsewhere, or
    // unset (filled in as /var/task).
    std::string task_root = pick({"task", "task", "task", "work", "unset"});
    if (task_root != "unset") c.env.push_back("LAMBDA_TASK_ROOT=" + root_ + "/" + task_root);
    c.description += ", LAMBDA_TASK_ROOT " + task_root;

    // Mostly where the version looks (3.x: the working directory; 4.x:
    // LAMBDA_TASK_ROOT), now and then anywhere.
    std::string looked_in = major < 4 ? c.cwd : task_root == "unset" ? "task" : task_root;
    std::string base = root_ + "/" + (one_in(3) ? pick({"work", "task", "elsewhere"}) : looked_in);
    std::string prefix = one_in(4) ? "src/" : "";
    if (!prefix.empty()) directory(base + "/src");
    std::string name = one_in(12) ? pick({"fs", "path", "os"}) : pick({"index", "app"});
    std::string handler = prefix + name + ".handler";
    switch (below(16)) {
      case 0: handler = prefix + name; break;                              // no '.'
      case 1: handler = "x/../" + handler; break;                          // '..'
      case 2: handler = prefix + ".handler"; break;                        // an empty module name
      case 3: name += ".v2", handler = prefix + name + ".handler"; break;  // a '.' in the file's name
      default: break;
    }
    std::string kind = pick({"cjs-js", "cjs-js", "esm-mjs", "esm-mjs", "cjs-cjs", "esm-js", "extensionless",
                             "directory", "empty-directory", "package", "missing"});
    c.description += ", " + base.substr(root_.size() + 1) + "/" + prefix + name + " " + kind;
    make_module(base + "/" + prefix, name, kind);
    // Now and then a second module of the same name: which one wins is the
    // client's order.
    if (one_in(5)) {
      // (Not a directory where the module is a file of that very name, nor
      // CommonJS in a .js of a "type": "module" scope: what a module holds
      // is not judged.)
      std::string decoy = kind == "extensionless" ? pick({"cjs-js", "esm-mjs", "cjs-cjs"})
                          : kind == "esm-js" ? pick({"esm-mjs", "cjs-cjs", "empty-directory", "directory"})
                                             : pick({"cjs-js", "esm-mjs", "cjs-cjs", "empty-directory", "directory"});
      c.description += " beside " + decoy;
      make_module(base + "/" + prefix, name, decoy);
    }
    c.command = {node(), script, handler};
    c.description = " handler " + handler + c.description;
    // The filling in of Lambda's variables: 4.x reads the handler from
    // _HANDLER alone.
    if (one_in(8)) {
      c.env.push_back("LAMBDA_ENTRYPOINT_NO_PARITY=1");
      c.description += ", no parity";
      if (one_in(2)) c.env.push_back("_HANDLER=" + handler);
    } else if (one_in(12)) {
      c.env.push_back("AWS_LAMBDA_FUNCTION_HANDLER=" + std::string(pick({"app.handler", "nope.handler"})));
      c.description += ", " + c.env.back();
    }
    return c;
  }

 private:
  // A directory of the tree: searchable by all, now and then not.
  void directory(const std::string& path) {
    harness::make_dirs(path, 0755);
    REQUIRE(chmod(path.c_str(), one_in(16) ? pick<mode_t>({0700, 0750}) : 0755) == 0);
  }

  // A file of the tree: readable by all, now and then not.
  void file(const std::string& path, const std::string& text) {
    harness::write_file(path, text, one_in(14) ? 0600 : 0644);
  }

  void make_module(const std::string& dir, const std::string& name, const std::string& kind) {
    std::string path = dir + name;
    if (kind == "cjs-js") {
      file(path + ".js", cjs_module);
    } else if (kind == "esm-mjs") {
      file(path + ".mjs", esm_module);
    } else if (kind == "cjs-cjs") {
      file(path + ".cjs", cjs_module);
    } else if (kind == "esm-js") {
      // An ES module in a package.json "type": "module" scope.
      file(path + ".js", esm_module);
      harness::write_file(dir + "package.json", "{\"type\": \"module\"}\n", 0644);
    } else if (kind == "extensionless") {
      file(path, cjs_module);
    } else if (kind == "directory" || kind == "empty-directory") {
      directory(path);
      if (kind == "directory") file(path + "/index.js", cjs_module);
    } else if (kind == "package") {
      directory(dir + "node_modules");
      directory(dir + "node_modules/" + name);
      file(dir + "node_modules/" + name + "/index.js", cjs_module);
    }
  }

  std::string root_;
};

// What the client did when really started: asked for its first event, or
// posted an init error of this type, or neither before it stopped.
struct Started {
  bool asked_for_event = false;
  std::string error_type;  // empty where it posted none
  std::string output;
};

// The command started through the binary in the cloud, as Lambda's user,
// against a Runtime API stand-in; stopped once it has shown what it does.
Started start_in_cloud(const std::string& binary, const NodeCase& c, const std::string& root) {
  harness::RuntimeApi api(R"({"hello":"world"})");
  std::string log = root + "/started.log";
  Strings env = {"PATH=/usr/bin:/bin", "AWS_LAMBDA_RUNTIME_API=" + api.address()};
  env.insert(env.end(), c.env.begin(), c.env.end());
  Strings argv = {binary};
  argv.insert(argv.end(), c.command.begin(), c.command.end());
  std::vector<char*> args = harness::pointers(argv), envp = harness::pointers(env);
  std::string cwd = root + "/" + c.cwd;
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0 || chdir(cwd.c_str()) != 0) _exit(98);
    harness::become_lambda_user(99);
    execve(binary.c_str(), args.data(), envp.data());
    _exit(97);
  }
  bool exited = false;
  std::optional<harness::RuntimeApi::Post> post =
      api.first_post(std::chrono::seconds(30), [&] { return exited = waitpid(child, nullptr, WNOHANG) == child; });
  if (!exited) {
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
  }
  Started started;
  started.asked_for_event = api.event_requests() > 0;
  if (post && post->path.find("/init/error") != std::string::npos) {
    const std::string key = "\"errorType\":\"";
    size_t at = post->body.find(key);
    started.error_type =
        at == std::string::npos
            ? "?"
            : post->body.substr(at + key.size(), post->body.find('"', at + key.size()) - at - key.size());
  }
  started.output = harness::read_file(log);
  return started;
}

// The exit class --check must give what the client met: 0 where it asked
// for an event, -1 where it stopped before it could post (any failure).
int exit_class_of(const Started& started) {
  if (started.asked_for_event && started.error_type.empty()) return 0;
  if (started.error_type.empty()) return -1;
  if (started.error_type == "Runtime.ImportModuleError") return 127;
  if (started.error_type == "Runtime.MalformedHandlerName" || started.error_type == "Runtime.HandlerNotFound")
    return 142;
  return 126;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE(
    "run as root, --check finds aws-lambda-ric and the handler's module as the real clients 2.x, 3.x and 4.x load "
    "them "
    "as Lambda's user, over generated trees",
    "[node][oracle][host-cpu]") {
  require_clients();
  std::uint64_t seed = harness::number_setting("ORACLE_SEED", std::random_device{}());
  std::uint64_t cases = harness::number_setting("ORACLE_NODE_CASES", 150);
  std::printf("oracle: node: seed %llu, %llu cases (ORACLE_SEED=%llu replays this run)\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(cases),
              static_cast<unsigned long long>(seed));
  harness::TempDir tools;
  harness::copy_file(harness::entrypoint(), tools / "lambda-entrypoint", 0755);
  harness::copy_file(harness::entrypoint(), tools / "aws-lambda-rie", 0755);
  std::uint64_t disagreements = 0, started_cases = 0, import_errors = 0;
  for (std::uint64_t i = 0; harness::more_cases(i, cases, disagreements); ++i) {
    harness::TempDir dir;
    NodeGenerator generate(seed + i, dir.path());
    NodeCase c = generate.make();
    Strings env = {"PATH=/usr/bin:/bin", "LAMBDA_ENTRYPOINT_EMULATOR=" + tools / "aws-lambda-rie"};
    env.insert(env.end(), c.env.begin(), c.env.end());
    Strings args = {"--check"};
    args.insert(args.end(), c.command.begin(), c.command.end());
    harness::Launch from;
    from.cwd = dir / c.cwd;
    harness::Outcome judged = harness::run_entrypoint(args, env, from);

    Started met = start_in_cloud(tools / "lambda-entrypoint", c, dir.path());
    int expected = exit_class_of(met);
    if (expected == 0) ++started_cases;
    if (expected == 127) ++import_errors;
    bool said_ok = contains(judged.out, ": ok, its module is ");
    std::string why;
    if (expected == 0 && !said_ok) why = "--check did not find it";
    if (expected != 0 && said_ok) why = "--check said ok";
    if (expected > 0 && judged.status != expected)
      why = "--check exit " + std::to_string(judged.status) + ", expected " + std::to_string(expected);
    if (expected < 0 && judged.status == 0) why = "--check exit 0";
    if (!why.empty()) {
      ++disagreements;
      if (disagreements <= 20)
        std::printf(
            "oracle: node: disagreement in case %llu:%s: %s; the client as Lambda's user (%s) said:\n%s"
            "--check said:\n%s%s\n",
            static_cast<unsigned long long>(seed + i), c.description.c_str(), why.c_str(),
            met.error_type.empty() ? (met.asked_for_event ? "asked for an event" : "stopped") : met.error_type.c_str(),
            met.output.c_str(), judged.out.c_str(), judged.err.c_str());
    }
  }
  std::printf("oracle: node: %llu disagreements, %llu of %llu cases started, %llu Runtime.ImportModuleError\n",
              static_cast<unsigned long long>(disagreements), static_cast<unsigned long long>(started_cases),
              static_cast<unsigned long long>(cases), static_cast<unsigned long long>(import_errors));
  CHECK(disagreements == 0);
  // The generator reaches both verdicts.
  CHECK(started_cases > cases / 10);
  CHECK(import_errors > cases / 20);
  CHECK(started_cases < cases);
}

namespace {

// A function's image as a directory: the working directory work/ and the
// task root task/, the clients where tests/node-clients put them; --check
// runs from work/ with LAMBDA_TASK_ROOT naming task/.
class NodeImage {
 public:
  NodeImage() {
    harness::make_dirs(dir_ / "work");
    harness::make_dirs(dir_ / "task");
    harness::copy_file(harness::entrypoint(), dir_ / "aws-lambda-rie", 0755);
  }

  harness::Outcome check(int major, const Strings& words, Strings env = {}, const std::string& cwd = "work") const {
    Strings args = {"--check", node(), client_script(major)};
    args.insert(args.end(), words.begin(), words.end());
    env.insert(env.end(), {"PATH=/usr/bin:/bin", "LAMBDA_ENTRYPOINT_EMULATOR=" + dir_ / "aws-lambda-rie"});
    if (!has_task_root(env)) env.push_back("LAMBDA_TASK_ROOT=" + dir_ / "task");
    harness::Launch from;
    from.cwd = dir_ / cwd;
    return harness::run_entrypoint(args, env, from);
  }

  std::string operator/(const std::string& name) const { return dir_ / name; }

 private:
  static bool has_task_root(const Strings& env) {
    for (const std::string& entry : env)
      if (entry.rfind("LAMBDA_TASK_ROOT=", 0) == 0) return true;
    return false;
  }
  harness::TempDir dir_;
};

std::string version_of(int major) {
  std::string package =
      harness::read_file(clients() + "/v" + std::to_string(major) + "/node_modules/aws-lambda-ric/package.json");
  const std::string key = "\"version\": \"";
  size_t at = package.find(key);
  REQUIRE(at != std::string::npos);
  return package.substr(at + key.size(), package.find('"', at + key.size()) - at - key.size());
}

std::string found_line(const std::string& handler, const std::string& module, int major) {
  return harness::message("handler " + handler, "ok, its module is " + module + ", as aws-lambda-ric " +
                                                    version_of(major) + " under Lambda's user's " + node() +
                                                    " finds it (the function in it is not looked for: that would "
                                                    "run the module)\n");
}

}  // namespace

TEST_CASE("under --check, the handler's module is found where each aws-lambda-ric looks, and named",
          "[node][host-cpu]") {
  require_clients();
  NodeImage image;
  harness::make_dirs(image / "work/src");
  harness::write_file(image / "work/index.js", cjs_module, 0644);
  harness::write_file(image / "work/src/app.mjs", esm_module, 0644);
  harness::write_file(image / "task/index.mjs", esm_module, 0644);
  harness::make_dirs(image / "task/node_modules/lib");
  harness::write_file(image / "task/node_modules/lib/index.js", cjs_module, 0644);
  // 3.x: the word after the script, from the working directory.
  for (const auto& [handler, module] :
       std::vector<std::pair<std::string, std::string>>{{"index.handler", image / "work/index.js"},
                                                        {"src/app.handler", image / "work/src/app.mjs"},
                                                        {"index.handler.nested", image / "work/index.js"},
                                                        {"index.", image / "work/index.js"}}) {
    INFO(handler);
    harness::Outcome found = image.check(3, {handler});
    CHECK(found.status == 0);
    CHECK_THAT(found.out, Catch::Matchers::ContainsSubstring(found_line(handler, module, 3)));
  }
  // 4.x: _HANDLER (here filled in from the command's last word), from LAMBDA_TASK_ROOT.
  for (const auto& [handler, module] : std::vector<std::pair<std::string, std::string>>{
           {"index.handler", image / "task/index.mjs"}, {"lib.handler", image / "task/node_modules/lib/index.js"}}) {
    INFO(handler);
    harness::Outcome found = image.check(4, {handler});
    CHECK(found.status == 0);
    CHECK_THAT(found.out, Catch::Matchers::ContainsSubstring(found_line(handler, module, 4)));
  }
  // 4.x's _HANDLER as set, and AWS_LAMBDA_FUNCTION_HANDLER before the command's word.
  CHECK_THAT(image.check(4, {"other.handler"}, {"_HANDLER=index.handler"}).out,
             Catch::Matchers::ContainsSubstring(found_line("index.handler", image / "task/index.mjs", 4)));
  CHECK_THAT(image.check(4, {"other.handler"}, {"AWS_LAMBDA_FUNCTION_HANDLER=index.handler"}).out,
             Catch::Matchers::ContainsSubstring(found_line("index.handler", image / "task/index.mjs", 4)));
  // An answer is not taken for no answer.
  CHECK_THAT(image.check(4, {"index.handler"}).out, !Catch::Matchers::ContainsSubstring("gave no answer"));
  // Without a handler word, the client alone.
  for (int major : {3, 4}) {
    harness::Outcome alone = image.check(major, {});
    CHECK(alone.status == 0);
    CHECK_THAT(alone.out, Catch::Matchers::ContainsSubstring("ok, the runtime client aws-lambda-ric " +
                                                             version_of(major) + ", as Lambda's user's " + node() +
                                                             " finds it (the command gives no handler to judge)\n"));
  }
}

TEST_CASE(
    "the handler's file copied elsewhere, or WORKDIR or LAMBDA_TASK_ROOT elsewhere, fails --check with 127 and the "
    "directory that aws-lambda-ric reads",
    "[node][host-cpu]") {
  require_clients();
  NodeImage image;
  // The file in the task root: 3.x looks in the working directory.
  harness::write_file(image / "task/index.mjs", esm_module, 0644);
  harness::Outcome from_work = image.check(3, {"index.handler"});
  CHECK(from_work.status == 127);
  CHECK_THAT(from_work.err,
             Catch::Matchers::ContainsSubstring(harness::message(
                 "handler index.handler",
                 "aws-lambda-ric " + version_of(3) + " under Lambda's user's " + node() +
                     " finds no module (Runtime.ImportModuleError), looking for " + image / "work/index" +
                     " (with no extension, .js, .mjs or .cjs) and in node_modules from " + image / "work" +
                     ": COPY the handler's file into the working directory (WORKDIR), or "
                     "name it as it lies there (src/index.handler for src/index.js)\n")));
  CHECK(image.check(3, {"index.handler"}, {}, "task").status == 0);
  // The file in the working directory: 4.x looks in LAMBDA_TASK_ROOT.
  harness::write_file(image / "work/app.mjs", esm_module, 0644);
  harness::Outcome from_task = image.check(4, {"app.handler"});
  CHECK(from_task.status == 127);
  CHECK_THAT(from_task.err, Catch::Matchers::ContainsSubstring(
                                "looking for " + image / "task/app" +
                                " (with no extension, .js, .mjs or .cjs) and in node_modules from " + image / "task" +
                                ": COPY the handler's file into LAMBDA_TASK_ROOT's directory, or name it as it lies "
                                "there (src/index.handler for src/index.js)\n"));
  CHECK(image.check(4, {"app.handler"}, {"LAMBDA_TASK_ROOT=" + image / "work"}).status == 0);
  // LAMBDA_TASK_ROOT unset: filled in as /var/task, where 4.x then looks.
  harness::Outcome unset = image.check(4, {"index.handler"}, {"LAMBDA_TASK_ROOT="});
  CHECK(unset.status == 127);
  CHECK_THAT(unset.err, Catch::Matchers::ContainsSubstring("looking for /var/task/index (with no extension"));
  // A '.' in the file's name: the module is what stands before the first.
  harness::write_file(image / "task/my.app.mjs", esm_module, 0644);
  harness::Outcome dotted = image.check(4, {"my.app.handler"});
  CHECK(dotted.status == 127);
  CHECK_THAT(dotted.err, Catch::Matchers::ContainsSubstring("looking for " + image / "task/my (with no extension"));
}

TEST_CASE("a malformed handler, a built-in module's name, or 4.x without _HANDLER fails --check with 142",
          "[node][host-cpu]") {
  require_clients();
  NodeImage image;
  harness::write_file(image / "work/index.js", cjs_module, 0644);
  harness::write_file(image / "task/index.js", cjs_module, 0644);
  for (int major : {3, 4}) {
    std::string client = "aws-lambda-ric " + version_of(major);
    INFO(client);
    for (const std::string handler : {"index", "src/index", "", "src.x/index"}) {
      INFO(handler);
      // An empty word, filled in as _HANDLER, is no handler to 4.x.
      if (handler.empty() && major == 4) continue;
      harness::Outcome malformed = image.check(major, {handler});
      CHECK(malformed.status == 142);
      CHECK_THAT(malformed.err, Catch::Matchers::ContainsSubstring(
                                    client + " needs FILE.FUNCTION, with a '.' in the last part "
                                             "(Runtime.MalformedHandlerName): name it as index.handler for the "
                                             "function handler in index.mjs\n"));
    }
    for (const std::string handler : {"../index.handler", "x/../index.handler", "index.handler..x", ".."}) {
      INFO(handler);
      harness::Outcome relative = image.check(major, {handler});
      CHECK(relative.status == 142);
      CHECK_THAT(relative.err, Catch::Matchers::ContainsSubstring(
                                   client + " refuses a handler with '..' in it (Runtime.MalformedHandlerName)"));
    }
    for (const std::string name : {"fs", "path", "node:fs"}) {
      harness::Outcome built_in = image.check(major, {name + ".handler"});
      CHECK(built_in.status == 142);
      CHECK_THAT(built_in.err, Catch::Matchers::ContainsSubstring(
                                   "its module, " + name + ", is one built into " + node() + ", which " + client +
                                   " loads in its place (Runtime.HandlerNotFound): rename the handler's file\n"));
    }
  }
  // 4.x reads _HANDLER and LAMBDA_TASK_ROOT alone; without parity nothing fills them in.
  for (const std::string variable : {"_HANDLER", "LAMBDA_TASK_ROOT"}) {
    // Unset (_HANDLER) or empty (both): 4.x stops on either.
    for (bool unset : {true, false}) {
      if (unset && variable != "_HANDLER") continue;
      Strings env = {"LAMBDA_ENTRYPOINT_NO_PARITY=1", "_HANDLER=index.handler", "LAMBDA_TASK_ROOT=" + image / "task"};
      auto entry =
          std::find_if(env.begin(), env.end(), [&](const std::string& e) { return e.rfind(variable + "=", 0) == 0; });
      if (unset) env.erase(entry);
      else *entry = variable + "=";
      harness::Outcome without = image.check(4, {"index.handler"}, env);
      CHECK(without.status == 142);
      CHECK_THAT(without.err, Catch::Matchers::ContainsSubstring(harness::message(
                                  variable, "unset or empty, and aws-lambda-ric " + version_of(4) +
                                                " takes the handler and its directory from _HANDLER and "
                                                "LAMBDA_TASK_ROOT alone: set it (ENV), or drop --no-parity\n")));
      CHECK(image.check(3, {"index.handler"}, env).status == 0);
    }
  }
  // An empty handler word, filled in as an empty _HANDLER.
  harness::Outcome empty = image.check(4, {""});
  CHECK(empty.status == 142);
  CHECK_THAT(empty.err, Catch::Matchers::ContainsSubstring(harness::message("_HANDLER", "unset or empty")));
}

TEST_CASE(
    "the client missing, or a file Lambda's user cannot read, fails --check; a script outside aws-lambda-ric is "
    "passed over",
    "[node][host-cpu]") {
  require_clients();
  NodeImage image;
  // The client where the command names it is not there.
  harness::Outcome missing =
      harness::run_entrypoint({"--check", node(), "node_modules/.bin/aws-lambda-ric", "index.handler"},
                              {"PATH=/usr/bin:/bin", "LAMBDA_ENTRYPOINT_EMULATOR=" + image / "aws-lambda-rie",
                               "LAMBDA_TASK_ROOT=" + image / "task"},
                              [&] {
                                harness::Launch from;
                                from.cwd = image / "work";
                                return from;
                              }());
  CHECK(missing.status == 127);
  CHECK_THAT(missing.err, Catch::Matchers::ContainsSubstring(harness::message(
                              image / "work/node_modules/.bin/aws-lambda-ric",
                              "Lambda's user's " + node() +
                                  " cannot find it (Cannot find module): npm install aws-lambda-ric where the command "
                                  "names it\n")));
  // The handler's file, unreadable for others.
  harness::write_file(image / "task/index.mjs", esm_module, 0600);
  harness::Outcome unreadable = image.check(4, {"index.handler"});
  CHECK(unreadable.status == 126);
  CHECK_THAT(unreadable.err, Catch::Matchers::ContainsSubstring(harness::message(
                                 image / "task/index.mjs", "Lambda's user cannot read it, and " + node() +
                                                               " reads it at start: RUN chmod o+r on it (o+x on its "
                                                               "directories), or COPY it with --chmod\n")));
  // 4.x imports a directory of the module's name, and node refuses it.
  harness::make_dirs(image / "task/app");
  harness::write_file(image / "task/app/index.js", cjs_module, 0644);
  harness::Outcome directory = image.check(4, {"app.handler"});
  CHECK(directory.status == 126);
  CHECK_THAT(directory.err, Catch::Matchers::ContainsSubstring(
                                "cannot resolve its module: ERR_UNSUPPORTED_DIR_IMPORT: " + image / "task/app\n"));
  // 3.x imports a .js of a package.json "type": "module" scope as an ES
  // module: a directory of that name is refused too, where require() would
  // take its index.js.
  harness::make_dirs(image / "work/esm/app.js");
  harness::write_file(image / "work/esm/package.json", "{\"type\": \"module\"}\n", 0644);
  harness::write_file(image / "work/esm/app.js/index.js", cjs_module, 0644);
  harness::Outcome module_directory = image.check(3, {"esm/app.handler"});
  CHECK(module_directory.status == 126);
  CHECK_THAT(module_directory.err, Catch::Matchers::ContainsSubstring("cannot resolve its module: "
                                                                      "ERR_UNSUPPORTED_DIR_IMPORT: " +
                                                                      image / "work/esm/app.js\n"));
  // A script of another package whose path has a part named aws-lambda-ric.
  harness::make_dirs(image / "work/aws-lambda-ric");
  harness::write_file(image / "work/aws-lambda-ric/index.js", "", 0644);
  harness::Outcome other =
      harness::run_entrypoint({"--check", node(), image / "work/aws-lambda-ric/index.js", "nope"},
                              {"PATH=/usr/bin:/bin", "LAMBDA_ENTRYPOINT_EMULATOR=" + image / "aws-lambda-rie",
                               "LAMBDA_TASK_ROOT=" + image / "task"});
  CHECK(other.status == 126);  // the walk's: task/index.mjs is still unreadable
  CHECK_THAT(other.out + other.err, !Catch::Matchers::ContainsSubstring("handler nope"));
  CHECK_THAT(other.out + other.err, !Catch::Matchers::ContainsSubstring("aws-lambda-ric "));
}

TEST_CASE("--check runs none of the function's code, nor what NODE_OPTIONS would preload", "[node][host-cpu]") {
  require_clients();
  NodeImage image;
  REQUIRE(chmod((image / "work").c_str(), 0777) == 0);
  std::string marker = image / "work/ran";
  harness::write_file(image / "task/index.js",
                      "require('fs').writeFileSync('" + marker + "', 'module');\n" + cjs_module, 0644);
  harness::write_file(image / "task/preload.js", "require('fs').writeFileSync('" + marker + "', 'preload');\n", 0644);
  for (int major : {3, 4}) {
    harness::Outcome checked =
        image.check(major, {"index.handler"}, {"NODE_OPTIONS=--require=" + image / "task/preload.js"},
                    major == 3 ? "task" : "work");
    CHECK(checked.status == 0);
    CHECK_THAT(checked.out,
               Catch::Matchers::ContainsSubstring(found_line("index.handler", image / "task/index.js", major)));
    CHECK(access(marker.c_str(), F_OK) != 0);
  }
}

TEST_CASE(
    "an index.mjs for aws-lambda-ric before 3.0, which loads no ES module file, fails --check with 127 and the fix",
    "[node][host-cpu]") {
  require_clients();
  NodeImage image;
  harness::write_file(image / "work/index.mjs", esm_module, 0644);
  harness::Outcome esm = image.check(2, {"index.handler"});
  CHECK(esm.status == 127);
  CHECK_THAT(esm.err, Catch::Matchers::ContainsSubstring(harness::message(
                          "handler index.handler",
                          "aws-lambda-ric " + version_of(2) + " under Lambda's user's " + node() +
                              " finds no module (Runtime.ImportModuleError), looking for " + image / "work/index" +
                              " (with no extension or .js) and in node_modules from " + image / "work" +
                              ": COPY the handler's file into the working directory (WORKDIR), or name it as it lies "
                              "there (src/index.handler for src/index.js); aws-lambda-ric before 3.0 loads no .mjs or "
                              ".cjs: name the file .js, or install a newer one\n")));
  // The same file, for 3.x and 4.x.
  CHECK(image.check(3, {"index.handler"}).status == 0);
  CHECK(image.check(4, {"index.handler"}, {"LAMBDA_TASK_ROOT=" + image / "work"}).status == 0);
  // A .cjs neither; a .js is found.
  harness::write_file(image / "work/app.cjs", cjs_module, 0644);
  CHECK(image.check(2, {"app.handler"}).status == 127);
  harness::write_file(image / "work/app.js", cjs_module, 0644);
  CHECK_THAT(image.check(2, {"app.handler"}).out,
             Catch::Matchers::ContainsSubstring(found_line("app.handler", image / "work/app.js", 2)));
}

TEST_CASE("a node that gives no answer to the question gets a note, and the client is not judged", "[node][host-cpu]") {
  require_clients();
  NodeImage image;
  harness::make_dirs(image / "bin");
  harness::make_dirs(image / "work/node_modules/aws-lambda-ric");
  harness::copy_file(harness::other_static_program(), image / "bin/node", 0755);
  harness::Launch from;
  from.cwd = image / "work";
  harness::Outcome outcome =
      harness::run_entrypoint({"--check", image / "bin/node", "node_modules/aws-lambda-ric/index.mjs", "index.handler"},
                              {"PATH=/usr/bin:/bin", "LAMBDA_ENTRYPOINT_EMULATOR=" + image / "aws-lambda-rie",
                               "LAMBDA_TASK_ROOT=" + image / "task"},
                              from);
  CHECK(outcome.status == 0);
  CHECK_THAT(outcome.out, Catch::Matchers::ContainsSubstring(
                              harness::message(image / "bin/node",
                                               "note: it gave no answer on aws-lambda-ric and the handler, not "
                                               "judged: ")));
}

TEST_CASE("NODE_OPTIONS is left out of node's environment wherever it stands in it", "[node][host-cpu]") {
  require_clients();
  NodeImage image;
  REQUIRE(chmod((image / "work").c_str(), 0777) == 0);
  std::string marker = image / "work/ran";
  harness::write_file(image / "task/index.js", cjs_module, 0644);
  harness::write_file(image / "task/preload.js", "require('fs').writeFileSync('" + marker + "', 'preload');\n", 0644);
  // Lambda's variables all set, so that none is added after it: NODE_OPTIONS last.
  harness::Launch from;
  from.cwd = image / "work";
  harness::Outcome checked = harness::run_entrypoint(
      {"--check", node(), client_script(4), "index.handler"},
      {"PATH=/usr/bin:/bin", "LAMBDA_ENTRYPOINT_EMULATOR=" + image / "aws-lambda-rie", "_HANDLER=index.handler",
       "LAMBDA_TASK_ROOT=" + image / "task", "LAMBDA_RUNTIME_DIR=/var/runtime",
       "NODE_OPTIONS=--require=" + image / "task/preload.js"},
      from);
  CHECK(checked.status == 0);
  CHECK_THAT(checked.out, Catch::Matchers::ContainsSubstring(found_line("index.handler", image / "task/index.js", 4)));
  CHECK(access(marker.c_str(), F_OK) != 0);
}
