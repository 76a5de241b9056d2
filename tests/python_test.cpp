// --check on `python -m awslambdaric HANDLER`: the common mistakes pinned,
// each with the line that names its fix, and Debian's python3 as the oracle
// of --check on `python -m awslambdaric
// HANDLER`: seeded random trees (the handler's module as a file, a package, a
// namespace package, bytecode without its source, a source only bytecode
// can stand in for, one Python cannot compile, or none; in the working
// directory, in PYTHONPATH's directory or elsewhere; under packages,
// namespace packages and plain modules; files and directories Lambda's user
// cannot read or search; interpreter flags that change the path; handlers
// without a '.', relative, built-in or with '/'s), each judged by the binary
// under --check as root, and then really started as Lambda's user: python3
// -m awslambdaric HANDLER with a client that does what awslambdaric does
// before its first request (split the handler at its last '.', refuse a
// built-in module, import the module with its '/'s read as '.'s). --check
// says ok exactly where the import succeeds, and fails where it fails with
// the exit class of the error: 142 for a malformed or built-in handler, 127
// for a module (or the client) not found, 126 for a file that cannot be read
// or compiled. ORACLE_SEED=<seed> replays a run, ORACLE_PYTHON_CASES=<n>
// sets how many cases.
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "harness.hpp"
#include "host_cpu.hpp"

using harness::Strings;

namespace {

constexpr const char* debian_python = "/usr/bin/python3";

// What awslambdaric does with the handler before its first request
// (awslambdaric/bootstrap.py, _get_handler), with an exit code for each outcome.
constexpr const char* client_main =
    "import sys, importlib\n"
    "if len(sys.argv) < 2:\n"
    "    print('client'); sys.exit(0)\n"
    "try:\n"
    "    modname, fname = sys.argv[1].rsplit('.', 1)\n"
    "except ValueError:\n"
    "    print('malformed'); sys.exit(42)\n"
    "if modname.split('.')[0] in sys.builtin_module_names:\n"
    "    print('built-in'); sys.exit(42)\n"
    "try:\n"
    "    importlib.import_module(modname.replace('/', '.'))\n"
    "except (ModuleNotFoundError, ValueError, TypeError) as e:\n"
    "    print(type(e).__name__, e); sys.exit(27 if isinstance(e, ModuleNotFoundError) else 42)\n"
    "except BaseException as e:\n"
    "    print(type(e).__name__, e); sys.exit(26)\n"
    "print('imported')\n";

constexpr const char* module_text = "def handler(event, context):\n    return 1\n";

struct PythonCase {
  std::string description;
  Strings flags;
  std::string handler;  // empty: none given
  bool give_handler = true;
  std::string python_path;  // PYTHONPATH's entries, relative to the tree; unset when empty
};

class PythonGenerator : public harness::Random {
 public:
  PythonGenerator(std::uint64_t seed, std::string root) : Random(seed), root_(std::move(root)) {}

  PythonCase make() {
    PythonCase c;
    for (const char* place : {"work", "path", "elsewhere"}) directory(root_ + "/" + place);
    // Unset, the directory alone, or with an empty entry (the working
    // directory), a relative one, or one that is not there around it.
    if (!one_in(4)) c.python_path = pick({"path", "path", "path:", ":path", "elsewhere:path", "missing:path", "=path"});
    if (one_in(6)) c.flags.push_back(pick({"-I", "-E", "-s", "-B", "-O", "-P"}));
    // The client, where the interpreter finds it, or not at all.
    std::string client_at = pick({"work", "work", "path", "elsewhere"});
    directory(root_ + "/" + client_at + "/awslambdaric");
    file(root_ + "/" + client_at + "/awslambdaric/__init__.py", "", 0644);
    file(root_ + "/" + client_at + "/awslambdaric/__main__.py", client_main, 0644);
    c.description = " client in " + client_at + (c.python_path.empty() ? "" : ", PYTHONPATH " + c.python_path);
    for (const std::string& flag : c.flags) c.description += " " + flag;
    if (one_in(15)) {
      c.give_handler = false;
      return c;
    }
    // (No module is named awslambdaric: in the working directory it would
    // be run as the client itself, which then does nothing the client does.)
    std::string base = root_ + "/" + pick({"work", "work", "path", "elsewhere"});
    size_t depth = pick({1, 1, 1, 2, 2, 3});
    std::string handler;
    for (size_t i = 0; i < depth; ++i) {
      std::string name = one_in(12) ? pick({"sys", "json", "os", "posix"}) : pick({"app", "pkg", "sub", "lib"});
      bool last = i + 1 == depth;
      std::string kind =
          last ? pick({"module", "module", "module", "package", "namespace", "bytecode", "cached", "broken", "missing"})
               : pick({"package", "package", "namespace", "module", "missing"});
      c.description += " " + name + ":" + kind;
      make_module(base, name, kind);
      handler += (i == 0 ? "" : one_in(3) ? "/" : ".") + name;
      base += "/" + name;
      if (kind == "module" || kind == "missing" || kind == "bytecode" || kind == "cached" || kind == "broken") {
        // Deeper names have nothing under a module or a missing one.
        for (++i; i < depth; ++i) handler += "." + std::string(pick({"app", "sub"}));
        break;
      }
    }
    switch (below(14)) {
      case 0: handler = handler.substr(0, handler.find_first_of("./")); break;  // no function
      case 1: handler = "." + handler + ".handler"; break;
      case 2: handler += "."; break;  // an empty function's name: not judged
      default: handler += ".handler";
    }
    c.handler = handler;
    c.description = " handler " + handler + c.description;
    return c;
  }

 private:
  // A directory of the tree: searchable by all, now and then not.
  void directory(const std::string& path) {
    harness::make_dirs(path, 0755);
    mode_t mode = one_in(14) ? pick<mode_t>({0700, 0711, 0750}) : 0755;
    REQUIRE(chmod(path.c_str(), mode) == 0);
  }

  // A file of the tree: readable by all, now and then not.
  void file(const std::string& path, const std::string& text, mode_t usual) {
    harness::write_file(path, text, one_in(12) ? pick<mode_t>({0600, 0640, 0711}) : usual);
  }

  // Python's own bytecode of the source at path, written where Python looks
  // for it (into __pycache__) or in its place (sourceless).
  static void compile(const std::string& source, const std::string& bytecode) {
    std::string code = "import py_compile; py_compile.compile('" + source + "'" +
                       (bytecode.empty() ? "" : ", cfile='" + bytecode + "'") + ", doraise=True)";
    REQUIRE(std::system((std::string(debian_python) + " -c \"" + code + "\"").c_str()) == 0);
  }

  void make_module(const std::string& base, const std::string& name, const std::string& kind) {
    std::string path = base + "/" + name;
    if (kind == "package" || kind == "namespace") {
      directory(path);
      if (kind == "package") file(path + "/__init__.py", "", 0644);
    } else if (kind == "module") {
      file(path + ".py", module_text, 0644);
    } else if (kind == "broken") {
      file(path + ".py", "def handler(:\n", 0644);
    } else if (kind == "bytecode") {
      // Bytecode alone, with no source beside it, used as it is.
      harness::write_file(path + ".source", module_text, 0644);
      compile(path + ".source", path + ".pyc");
      REQUIRE(unlink((path + ".source").c_str()) == 0);
      REQUIRE(chmod((path + ".pyc").c_str(), one_in(8) ? 0600 : 0644) == 0);
    } else if (kind == "cached") {
      // A source and its bytecode, either of which may be unreadable.
      harness::write_file(path + ".py", module_text, 0644);
      compile(path + ".py", "");
      if (one_in(2)) REQUIRE(chmod((path + ".py").c_str(), 0600) == 0);
      if (one_in(3)) REQUIRE(system(("chmod -R go-rwx " + base + "/__pycache__").c_str()) == 0);
    }
  }

  std::string root_;
};

// The exit class of what python3 met: the client's own codes, or python's
// 1 where -m found no client to run ("No module named awslambdaric", or a
// package without __main__) or the client's own import failed.
int exit_class_of(const harness::Outcome& met) {
  switch (met.status) {
    case 0: return 0;
    case 42: return 142;
    case 27: return 127;
    case 1:
      return met.err.find("No module named awslambdaric") != std::string::npos ||
                     met.err.find("cannot be directly executed") != std::string::npos
                 ? 127
                 : 126;
    default: return 126;
  }
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// PYTHONPATH's value for entries named in the tree at root: "=path" is the
// relative entry "path", taken from the working directory (root/work).
std::string tree_path(const std::string& root, const std::string& entries) {
  if (entries == "=path") return "../path";
  std::string value;
  size_t start = 0;
  for (size_t end; start <= entries.size(); start = end + 1) {
    end = entries.find(':', start);
    if (end == std::string::npos) end = entries.size();
    std::string entry = entries.substr(start, end - start);
    value += (start == 0 ? "" : ":") + (entry.empty() ? "" : root + "/" + entry);
  }
  return value;
}

}  // namespace

TEST_CASE(
    "run as root, --check finds awslambdaric and the handler's module as python3 imports them as Lambda's user, over "
    "generated trees",
    "[oracle][host-cpu]") {
  require_host_cpu("the oracle is this machine's python3");
  REQUIRE(access(debian_python, X_OK) == 0);
  std::uint64_t seed = harness::number_setting("ORACLE_SEED", std::random_device{}());
  std::uint64_t cases = harness::number_setting("ORACLE_PYTHON_CASES", 300);
  std::printf("oracle: python: seed %llu, %llu cases (ORACLE_SEED=%llu replays this run)\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(cases),
              static_cast<unsigned long long>(seed));
  harness::TempDir tools;
  REQUIRE(chmod(tools.path().c_str(), 0755) == 0);
  harness::copy_file(harness::entrypoint(), tools / "aws-lambda-rie", 0755);
  std::uint64_t disagreements = 0, imported = 0;
  for (std::uint64_t i = 0; harness::more_cases(i, cases, disagreements); ++i) {
    harness::TempDir dir;
    REQUIRE(chmod(dir.path().c_str(), 0755) == 0);
    PythonGenerator generate(seed + i, dir.path());
    PythonCase c = generate.make();
    Strings env = {"PATH=/usr/bin:/bin", "LAMBDA_TASK_ROOT=" + dir / "work",
                   "LAMBDA_ENTRYPOINT_EMULATOR=" + tools / "aws-lambda-rie"};
    if (!c.python_path.empty()) env.push_back("PYTHONPATH=" + tree_path(dir.path(), c.python_path));
    Strings command = {debian_python};
    command.insert(command.end(), c.flags.begin(), c.flags.end());
    command.insert(command.end(), {"-m", "awslambdaric"});
    if (c.give_handler) command.push_back(c.handler);
    Strings args = {"--check"};
    args.insert(args.end(), command.begin(), command.end());
    harness::Launch from;
    from.cwd = dir / "work";
    harness::Outcome judged = harness::run_entrypoint(args, env, from);

    harness::Launch start;
    start.program = debian_python;
    start.argv = command;
    start.env = env;
    start.cwd = dir / "work";
    start.before_exec = [] { harness::become_lambda_user(99); };
    harness::Outcome met = harness::launch(start);
    int expected = exit_class_of(met);
    if (expected == 0) ++imported;
    std::string subject = c.give_handler ? "lambda-entrypoint: handler " + c.handler + ": ok, its module is "
                                         : "ok, the runtime client awslambdaric, as Lambda's user's";
    bool said_ok = contains(judged.out, subject);
    std::string why;
    if (expected == 0 && !said_ok) why = "--check did not find it";
    if (expected != 0 && (said_ok || judged.status != expected))
      why = "--check exit " + std::to_string(judged.status) + ", expected " + std::to_string(expected);
    if (!why.empty()) {
      ++disagreements;
      if (disagreements <= 20)
        std::printf(
            "oracle: python: disagreement in case %llu:%s: %s; python3 as Lambda's user (exit %d) said:\n%s%s"
            "--check said:\n%s%s\n",
            static_cast<unsigned long long>(seed + i), c.description.c_str(), why.c_str(), met.status, met.out.c_str(),
            met.err.c_str(), judged.out.c_str(), judged.err.c_str());
    }
  }
  std::printf("oracle: python: %llu disagreements, %llu of %llu cases imported\n",
              static_cast<unsigned long long>(disagreements), static_cast<unsigned long long>(imported),
              static_cast<unsigned long long>(cases));
  CHECK(disagreements == 0);
  // The generator reaches both verdicts. About 1 case in 6 imports: a floor
  // of 1 in 40, which 100 cases miss by chance about once in 400,000 runs
  // (1 in 10 failed one run in 23).
  CHECK(imported > cases / 40);
  CHECK(imported < cases);
}

namespace {

// A function's image as a directory: the client in packages/ (as pip
// install --target puts it), the working directory work/, and what the
// test adds; --check runs from work/ with PYTHONPATH naming packages/.
class PythonImage {
 public:
  PythonImage() {
    REQUIRE(chmod(dir_.path().c_str(), 0755) == 0);
    harness::make_dirs(dir_ / "packages/awslambdaric");
    harness::make_dirs(dir_ / "work");
    harness::write_file(dir_ / "packages/awslambdaric/__init__.py", "", 0644);
    harness::write_file(dir_ / "packages/awslambdaric/__main__.py", "", 0644);
    harness::copy_file(harness::entrypoint(), dir_ / "aws-lambda-rie", 0755);
  }

  harness::Outcome check(const Strings& command, Strings env = {}, const std::string& cwd = "work",
                         const std::string& python = debian_python) const {
    Strings args = {"--check", python};
    args.insert(args.end(), command.begin(), command.end());
    env.insert(env.end(), {"PATH=/usr/bin:/bin", "LAMBDA_TASK_ROOT=" + dir_ / "work",
                           "LAMBDA_ENTRYPOINT_EMULATOR=" + dir_ / "aws-lambda-rie"});
    harness::Launch from;
    from.cwd = dir_ / cwd;
    return harness::run_entrypoint(args, env, from);
  }

  std::string operator/(const std::string& name) const { return dir_ / name; }
  Strings python_path() const { return {"PYTHONPATH=" + dir_ / "packages"}; }

 private:
  harness::TempDir dir_;
};

void require_host_python() {
  require_host_cpu("the interpreter asked is this machine's python3");
  REQUIRE(access(debian_python, X_OK) == 0);
}

const std::string fix =
    ": COPY the handler's file into the working directory (WORKDIR) or the directory PYTHONPATH names, or name it as "
    "it lies there (dir/app.handler for dir/app.py)";

}  // namespace

TEST_CASE("under --check, the handler's module is found where python -m awslambdaric imports it from, and named",
          "[python][host-cpu]") {
  require_host_python();
  PythonImage image;
  harness::make_dirs(image / "work/src/pkg");
  harness::write_file(image / "work/app.py", module_text, 0644);
  harness::write_file(image / "work/src/pkg/__init__.py", "", 0644);
  harness::write_file(image / "work/src/pkg/mod.py", module_text, 0644);
  harness::write_file(image / "packages/lib.py", module_text, 0644);
  struct Found {
    std::string handler, module;
  };
  for (const Found& found : {Found{"app.handler", image / "work/app.py"}, Found{"app.", image / "work/app.py"},
                             Found{"src/pkg/mod.handler", image / "work/src/pkg/mod.py"},
                             Found{"src.pkg.mod.handler", image / "work/src/pkg/mod.py"},
                             Found{"src/pkg.handler", image / "work/src/pkg/__init__.py"},
                             Found{"src.handler", image / "work/src"}, Found{"lib.handler", image / "packages/lib.py"},
                             Found{"json.decoder.handler", "/usr/lib/python3.11/json/decoder.py"}}) {
    INFO(found.handler);
    harness::Outcome outcome = image.check({"-m", "awslambdaric", found.handler}, image.python_path());
    CHECK(outcome.status == 0);
    CHECK_THAT(outcome.out, Catch::Matchers::ContainsSubstring(harness::message(
                                "handler " + found.handler, "ok, its module is " + found.module +
                                                                ", as Lambda's user's /usr/bin/python3 finds it (the "
                                                                "function in it is not looked for: that would run the "
                                                                "module)\n")));
  }
  // Without a handler, the client alone.
  harness::Outcome alone = image.check({"-m", "awslambdaric"}, image.python_path());
  CHECK(alone.status == 0);
  CHECK_THAT(alone.out, Catch::Matchers::ContainsSubstring(harness::message(
                            image / "packages/awslambdaric/__init__.py",
                            "ok, the runtime client awslambdaric, as Lambda's user's /usr/bin/python3 finds it (the "
                            "command gives no handler to judge)\n")));
}

namespace {

// What --check's output says of the interpreter's answers, python's path in
// it written PYTHON: its lines but those that judge the program python and a
// '#!' interpreter it names.
std::string told(const std::string& output, const std::string& python) {
  std::string kept;
  for (size_t start = 0, end; start < output.size(); start = end + 1) {
    end = std::min(output.find('\n', start), output.size());
    std::string line = output.substr(start, end - start);
    if (line.rfind(harness::message(python, "ok, the program"), 0) == 0 ||
        line.find("ok, a '#!' interpreter") != std::string::npos)
      continue;
    for (size_t at; (at = line.find(python)) != std::string::npos;) line.replace(at, python.size(), "PYTHON");
    kept += line + "\n";
  }
  return kept;
}

}  // namespace

TEST_CASE(
    "under --check, an interpreter's answer is kept to its first 4,095 bytes, the rest read and dropped, however long "
    "it is (past what a pipe holds too)",
    "[python][host-cpu]") {
  require_host_cpu("the stand-in asked is a program for this machine");
  harness::TempDir dir;
  harness::copy_file(harness::entrypoint(), dir / "aws-lambda-rie", 0755);
  // A stand-in named python3 whose answer is a letter naming no fault and one
  // line about S: "o\n\tS\t", then text bytes, then a newline.
  for (size_t text : {size_t{1}, size_t{4089}, size_t{4090}, size_t{4091}, size_t{4092}, size_t{100000}}) {
    INFO(text << " bytes of text, an answer of " << text + 6);
    harness::write_file(
        dir / "python3",
        "#!/bin/sh\nprintf 'o\\n\\tS\\t'\nhead -c " + std::to_string(text) + " /dev/zero | tr '\\0' x\nprintf '\\n'\n",
        0755);
    harness::Outcome outcome =
        harness::run_entrypoint({"--check", dir / "python3", "-m", "awslambdaric", "app.handler"},
                                {"LAMBDA_ENTRYPOINT_EMULATOR=" + dir / "aws-lambda-rie", "PATH=/usr/bin:/bin"});
    CHECK(outcome.status == 0);
    // The answer's first 4,095 bytes: all of its text up to 4,090 bytes.
    CHECK_THAT(outcome.out, Catch::Matchers::ContainsSubstring(
                                "\n" + harness::message("S", std::string(std::min(text, size_t{4090}), 'x')) + "\n"));
  }
}

TEST_CASE(
    "under --check, an interpreter's answer written a byte at a time is read whole: the verdict, the lines and the "
    "exit code are those of the same answer written at once",
    "[python][host-cpu]") {
  require_host_python();
  PythonImage image;
  harness::write_file(image / "work/app.py", module_text, 0644);
  // python3 itself, its stdout passed on one byte per write, each a moment
  // after the last, so that each read() of the answer gets one byte.
  const std::string dripping = image / "python3";
  harness::write_file(dripping,
                      "#!/bin/bash\nset -o pipefail\n" + std::string(debian_python) + " \"$@\" | " + debian_python +
                          " -c 'import os, sys, time\nfor byte in sys.stdin.buffer.read():\n"
                          "    os.write(1, bytes([byte])); time.sleep(0.002)'\n",
                      0755);
  for (const std::string handler : {"app.handler", "missing.handler", "app"}) {
    INFO(handler);
    harness::Outcome at_once = image.check({"-m", "awslambdaric", handler}, image.python_path());
    harness::Outcome by_bytes = image.check({"-m", "awslambdaric", handler}, image.python_path(), "work", dripping);
    CHECK(by_bytes.status == at_once.status);
    CHECK(told(by_bytes.out, dripping) == told(at_once.out, debian_python));
    CHECK(told(by_bytes.err, dripping) == told(at_once.err, debian_python));
    // Both interpreters' answers were there to compare.
    CHECK_THAT(told(at_once.out + at_once.err, debian_python),
               Catch::Matchers::ContainsSubstring("lambda-entrypoint: handler " + handler));
  }
}

TEST_CASE(
    "the handler's file copied elsewhere, or WORKDIR elsewhere, fails --check with 127, the places looked in and "
    "the fix",
    "[python][host-cpu]") {
  require_host_python();
  PythonImage image;
  harness::make_dirs(image / "code");
  harness::write_file(image / "code/app.py", module_text, 0644);
  std::string places = image / "work" + ", " + image / "packages" + ", /usr/lib/python311.zip";
  // The file in another directory than the working one.
  harness::Outcome elsewhere = image.check({"-m", "awslambdaric", "app.handler"}, image.python_path());
  CHECK(elsewhere.status == 127);
  CHECK_THAT(elsewhere.err,
             Catch::Matchers::ContainsSubstring(harness::message("handler app.handler",
                                                                 "Lambda's user's /usr/bin/python3 finds no module app "
                                                                 "(Runtime.ImportModuleError), looking in " +
                                                                     places)));
  CHECK_THAT(elsewhere.err, Catch::Matchers::ContainsSubstring(fix + "\n"));
  // The file in the task root, the working directory elsewhere.
  harness::write_file(image / "work/app.py", module_text, 0644);
  harness::make_dirs(image / "elsewhere");
  harness::Outcome from_elsewhere =
      image.check({"-m", "awslambdaric", "app.handler"}, image.python_path(), "elsewhere");
  CHECK(from_elsewhere.status == 127);
  CHECK_THAT(from_elsewhere.err, Catch::Matchers::ContainsSubstring("finds no module app (Runtime.ImportModuleError), "
                                                                    "looking in " +
                                                                    image / "elsewhere, "));
  CHECK(image.check({"-m", "awslambdaric", "app.handler"}, image.python_path()).status == 0);
  // A module under a plain module, and one under a package that lacks it.
  harness::Outcome under_module = image.check({"-m", "awslambdaric", "app.inner.handler"}, image.python_path());
  CHECK(under_module.status == 127);
  CHECK_THAT(under_module.err,
             Catch::Matchers::ContainsSubstring("finds no module app.inner (Runtime.ImportModuleError), looking in " +
                                                image / "work/app.py" + " (a module, not a package)" + fix));
  // -I leaves the working directory and PYTHONPATH out, as it does for the runtime.
  harness::Outcome isolated = image.check({"-I", "-m", "awslambdaric", "app.handler"}, image.python_path());
  CHECK(isolated.status == 127);
  CHECK_THAT(isolated.err, Catch::Matchers::ContainsSubstring("finds no module named awslambdaric"));
}

TEST_CASE(
    "awslambdaric missing, or installed for another Python, fails --check with 127 and says how to install it, "
    "and the bytecode of a runtime that cannot start is not judged",
    "[python][host-cpu]") {
  require_host_python();
  PythonImage image;
  // A handler's module without bytecode, which a runtime that starts would compile at every cold start.
  harness::write_file(image / "work/app.py", "def handler(event, context):\n    return event\n", 0644);
  const std::string compiled = harness::message(image / "work/app.py", "compiled at every cold start\n");
  harness::Outcome found = image.check({"-m", "awslambdaric", "app.handler"}, image.python_path());
  CHECK(found.status == 0);
  CHECK_THAT(found.out, Catch::Matchers::ContainsSubstring(compiled));
  harness::Outcome missing = image.check({"-m", "awslambdaric", "app.handler"});
  CHECK(missing.status == 127);
  CHECK_THAT(missing.out, !Catch::Matchers::ContainsSubstring("app.py"));
  CHECK_THAT(missing.err, Catch::Matchers::ContainsSubstring(harness::message(
                              debian_python,
                              "Lambda's user's /usr/bin/python3 finds no module named awslambdaric, so "
                              "-m awslambdaric fails at once: install it for this Python (/usr/bin/python3 "
                              "-m pip install awslambdaric), into its site-packages or a directory "
                              "PYTHONPATH names\n")));
  // pip of another Python put it in that one's site-packages.
  std::string other = "/usr/local/lib/python3.99-lambda-entrypoint-test";
  harness::make_dirs(other + "/site-packages/awslambdaric");
  harness::Outcome for_another = image.check({"-m", "awslambdaric", "app.handler"});
  harness::remove_tree(other);
  CHECK(for_another.status == 127);
  CHECK_THAT(
      for_another.err,
      Catch::Matchers::ContainsSubstring(
          "-m awslambdaric fails at once: it is installed for another Python, in " + other +
          "/site-packages/awslambdaric: install it with this one (/usr/bin/python3 -m pip install awslambdaric)\n"));
  // A package without __main__ cannot be run with -m.
  harness::make_dirs(image / "work/awslambdaric");
  harness::write_file(image / "work/awslambdaric/__init__.py", "", 0644);
  harness::Outcome without_main = image.check({"-m", "awslambdaric", "app.handler"});
  CHECK(without_main.status == 127);
  CHECK_THAT(without_main.err, Catch::Matchers::ContainsSubstring("finds no module named awslambdaric"));
  for (const harness::Outcome* failed : {&for_another, &without_main})
    CHECK_THAT(failed->out, !Catch::Matchers::ContainsSubstring("app.py"));
}

TEST_CASE(
    "a malformed or built-in handler fails --check with 142; one Lambda's user cannot read, or Python cannot "
    "compile, with 126",
    "[python][host-cpu]") {
  require_host_python();
  PythonImage image;
  for (const char* handler : {"app", "", "dir/app"}) {
    INFO(handler);
    harness::Outcome outcome = image.check({"-m", "awslambdaric", handler}, image.python_path());
    CHECK(outcome.status == 142);
    CHECK_THAT(outcome.err, Catch::Matchers::ContainsSubstring(
                                "awslambdaric needs MODULE.FUNCTION, with a '.' between them "
                                "(Runtime.MalformedHandlerName): name it as app.handler for the function handler in "
                                "app.py\n"));
  }
  for (const char* handler : {".app.handler", "/app.handler", ".h"}) {
    INFO(handler);
    harness::Outcome outcome = image.check({"-m", "awslambdaric", handler}, image.python_path());
    CHECK(outcome.status == 142);
    CHECK_THAT(outcome.err,
               Catch::Matchers::ContainsSubstring("its module is empty or relative, which awslambdaric cannot import"));
  }
  for (const char* handler : {"sys.handler", "sys.path.handler", "posix.handler"}) {
    INFO(handler);
    harness::Outcome outcome = image.check({"-m", "awslambdaric", handler}, image.python_path());
    CHECK(outcome.status == 142);
    std::string module = std::string(handler).substr(0, std::string(handler).find('.'));
    CHECK_THAT(outcome.err, Catch::Matchers::ContainsSubstring(
                                harness::message(std::string("handler ") + handler,
                                                 "its module, " + module +
                                                     ", is one built into /usr/bin/python3 "
                                                     "(Runtime.BuiltInModuleConflict): rename the handler's file\n")));
  }
  // The client is found first: a malformed handler without it is the client's failure.
  CHECK(image.check({"-m", "awslambdaric", "app"}).status == 127);
  harness::write_file(image / "work/app.py", module_text, 0600);
  harness::Outcome unreadable = image.check({"-m", "awslambdaric", "app.handler"}, image.python_path());
  CHECK(unreadable.status == 126);
  CHECK_THAT(unreadable.err, Catch::Matchers::ContainsSubstring(harness::message(
                                 image / "work/app.py",
                                 "Lambda's user cannot read it, and importing the handler app.handler reads "
                                 "it: RUN chmod o+r on it (o+x on a directory), or COPY it with --chmod\n")));
  harness::write_file(image / "work/app.py", "def handler(:\n", 0644);
  harness::Outcome broken = image.check({"-m", "awslambdaric", "app.handler"}, image.python_path());
  CHECK(broken.status == 126);
  CHECK_THAT(broken.err, Catch::Matchers::ContainsSubstring(
                             harness::message(image / "work/app.py",
                                              "importing the handler app.handler, /usr/bin/python3 cannot load "
                                              "it: invalid syntax")));
}

TEST_CASE(
    "under --check, none of the function's code runs: the handler's module and its packages are compiled, not run",
    "[python][host-cpu]") {
  require_host_python();
  PythonImage image;
  harness::make_dirs(image / "work/pkg");
  std::string marker = image / "ran";
  std::string run_me = "open('" + marker + "', 'a').write(__name__)\n";
  harness::write_file(image / "work/pkg/__init__.py", run_me, 0644);
  harness::write_file(image / "work/pkg/app.py", run_me + module_text, 0644);
  // Lambda's user could write the marker, and the bytecode.
  REQUIRE(chmod(image.operator/("").c_str(), 0777) == 0);
  REQUIRE(chmod((image / "work/pkg").c_str(), 0777) == 0);
  harness::Outcome outcome = image.check({"-m", "awslambdaric", "pkg.app.handler"}, image.python_path());
  CHECK(outcome.status == 0);
  CHECK_THAT(outcome.out, Catch::Matchers::ContainsSubstring("handler pkg.app.handler: ok, its module is " +
                                                             image / "work/pkg/app.py"));
  CHECK(access(marker.c_str(), F_OK) != 0);
  // Nor does it write their bytecode.
  CHECK(access((image / "work/pkg/__pycache__").c_str(), F_OK) != 0);
}

TEST_CASE("what the interpreter writes to stderr at its start is shown, and not taken for its answer",
          "[python][host-cpu]") {
  require_host_python();
  PythonImage image;
  harness::write_file(image / "work/app.py", module_text, 0644);
  // site imports sitecustomize from the path at every start of the interpreter, the runtime's too.
  harness::write_file(image / "packages/sitecustomize.py", "import sys\nsys.stderr.write('a warning at start\\n')\n",
                      0644);
  harness::Outcome outcome = image.check({"-m", "awslambdaric", "app.handler"}, image.python_path());
  CHECK(outcome.status == 0);
  CHECK_THAT(outcome.out,
             Catch::Matchers::ContainsSubstring("handler app.handler: ok, its module is " + image / "work/app.py"));
  CHECK_THAT(outcome.err, Catch::Matchers::ContainsSubstring("a warning at start\n"));
}

TEST_CASE("a program named python that is not CPython gets a note, and --check goes on", "[python][host-cpu]") {
  require_host_python();
  harness::TempDir dir;
  REQUIRE(chmod(dir.path().c_str(), 0755) == 0);
  harness::copy_file(harness::entrypoint(), dir / "aws-lambda-rie", 0755);
  // A static program that says nothing to the question.
  harness::copy_file(harness::other_static_program(), dir / "python3", 0755);
  harness::Outcome outcome = harness::run_entrypoint(
      {"--check", dir / "python3", "-m", "awslambdaric", "app.handler"},
      {"PATH=/usr/bin:/bin", "LAMBDA_TASK_ROOT=" + dir.path(), "LAMBDA_ENTRYPOINT_EMULATOR=" + dir / "aws-lambda-rie"});
  CHECK(outcome.status == 0);
  CHECK_THAT(outcome.out,
             Catch::Matchers::ContainsSubstring(harness::message(
                 dir / "python3", "note: it gave no answer on awslambdaric and the handler, not judged: ")));
  CHECK_THAT(outcome.out, Catch::Matchers::ContainsSubstring(
                              harness::message(dir / "python3",
                                               "note: it gave no answer on the bytecode of the function's code, not "
                                               "judged: ")));
}

TEST_CASE(
    "under --check, the bytecode of the function's Python code is judged where python3 runs the program: as the "
    "program, as its '#!' line's interpreter, or as the program env runs there; not for another interpreter",
    "[python][host-cpu]") {
  require_host_python();
  harness::TempDir dir;
  REQUIRE(chmod(dir.path().c_str(), 0755) == 0);
  harness::make_dirs(dir / "work");
  harness::write_file(dir / "work/app.py", module_text, 0644);  // no __pycache__: compiled at every start
  harness::copy_file(harness::entrypoint(), dir / "aws-lambda-rie", 0755);
  harness::write_file(dir / "direct", std::string("#!") + debian_python + "\n", 0755);
  harness::write_file(dir / "through-env", "#!/usr/bin/env python3\n", 0755);
  harness::write_file(dir / "shell", "#!/bin/sh\n", 0755);
  const std::string compiled = harness::message(dir / "work/app.py", "compiled at every cold start\n");
  struct Start {
    Strings command;
    bool judged;
  };
  for (const Start& start : {Start{{debian_python, dir / "work/app.py"}, true}, Start{{dir / "direct"}, true},
                             Start{{dir / "through-env"}, true}, Start{{dir / "shell"}, false}}) {
    INFO(start.command.front());
    Strings args = {"--check"};
    args.insert(args.end(), start.command.begin(), start.command.end());
    harness::Launch from;
    from.cwd = dir / "work";
    harness::Outcome outcome = harness::run_entrypoint(args,
                                                       {"PATH=/usr/bin:/bin", "LAMBDA_TASK_ROOT=" + dir / "work",
                                                        "LAMBDA_ENTRYPOINT_EMULATOR=" + dir / "aws-lambda-rie"},
                                                       from);
    CHECK(outcome.status == 0);
    CHECK(outcome.err.empty());
    CHECK((outcome.out.find(compiled) != std::string::npos) == start.judged);
  }
}

TEST_CASE(
    "under --check, the interpreter asked about the handler and the bytecode runs as Lambda's user: uid 993, gid 990",
    "[python][host-cpu]") {
  require_host_cpu("the stand-in asked is a program for this machine");
  // A stand-in named python3, which records who it runs as and answers nothing.
  harness::TempDir dir, records;
  REQUIRE(chmod(records.path().c_str(), 0777) == 0);
  harness::copy_file(harness::standin("handler"), dir / "python3", 0755);
  harness::copy_file(harness::entrypoint(), dir / "aws-lambda-rie", 0755);
  harness::run_entrypoint({"--check", dir / "python3", "-m", "awslambdaric", "app.handler"},
                          {"STANDIN_RECORD_DIR=" + records.path(),
                           "LAMBDA_ENTRYPOINT_EMULATOR=" + dir / "aws-lambda-rie", "PATH=/usr/bin:/bin"});
  std::vector<harness::Record> asked = harness::records(records.path(), "handler");
  REQUIRE(asked.size() == 2);  // the handler's module, then the bytecode
  for (const harness::Record& record : asked) {
    CHECK(record.argv.at(1) == "-c");
    CHECK(record.uid == harness::lambda_uid);
    CHECK(record.gid == harness::lambda_gid);
  }
}
