// The walk of the function's code, through the real binary: made trees under
// --check (every entry judged for a user who is neither owner nor group, as
// Lambda's is, though these tests run as root), and the local warning before
// the emulator starts. The harness gives the binary an empty /opt, so each
// run's only other tree is that line.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <cerrno>
#include <functional>
#include <sstream>

#include "elf_bytes.hpp"
#include "harness.hpp"
#include "host_cpu.hpp"

using harness::message;
using harness::Outcome;
using harness::Strings;

namespace {

const std::string opt_ok =
    "lambda-entrypoint: /opt: ok, the function's code, readable by other users (files: 0, directories: 1)";

std::string fix(const std::string& top) {
  return message(
      top, "Lambda runs the function as a user who is neither its owner nor in its group: RUN chmod -R o+rX " + top +
               " as the last line that writes there, or COPY it with --chmod=755");
}

std::string ok(const std::string& top, int files, int directories) {
  return "lambda-entrypoint: " + top +
         ": ok, the function's code, readable by other users (files: " + std::to_string(files) +
         ", directories: " + std::to_string(directories) + ")";
}

// The lines of an output, sorted: a directory lists in no set order.
Strings lines(const std::string& text) {
  Strings result;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) result.push_back(line);
  std::sort(result.begin(), result.end());
  return result;
}

Strings sorted(Strings list) {
  std::sort(list.begin(), list.end());
  return list;
}

// A function's code in a directory of its own (the task root), and a sound
// program and emulator beside it, for --check to pass on.
struct Code {
  harness::TempDir dir;
  std::string task = dir / "task";
  std::string program = dir / "bootstrap";
  std::string emulator = dir / "aws-lambda-rie";

  Code() {
    harness::make_dirs(task);
    harness::copy_file(harness::entrypoint(), program, 0755);
    harness::copy_file(harness::entrypoint(), emulator, 0755);
  }

  std::string add(const std::string& name, mode_t mode = 0644) {
    std::string path = task + "/" + name;
    harness::make_dirs(path.substr(0, path.rfind('/')));
    harness::write_file(path, "code\n", mode);
    return path;
  }

  std::string add_dir(const std::string& name, mode_t mode) {
    std::string path = task + "/" + name;
    harness::make_dirs(path);
    chmod(path.c_str(), mode);
    return path;
  }

  // --check of the program, with the task root here and the working
  // directory in it (or cwd), and with more variables.
  Outcome check(Strings env = {}, const std::string& cwd = "", std::function<void()> before_exec = {}) const {
    harness::Launch launch;
    launch.cwd = cwd.empty() ? task : cwd;
    launch.before_exec = std::move(before_exec);
    env.push_back("LAMBDA_TASK_ROOT=" + task);
    env.push_back("LAMBDA_ENTRYPOINT_EMULATOR=" + emulator);
    return harness::run_entrypoint({"--check", program, "app.handler"}, env, launch);
  }

  // The ok lines --check prints before the walk's: the emulator and the program.
  std::string programs_ok() const {
    const std::string cpu = harness::entrypoint_arch();
    return "lambda-entrypoint: " + emulator + ": ok, the emulator, a static " + cpu + " program\n" +
           "lambda-entrypoint: " + program + ": ok, the program, a static " + cpu + " program\n";
  }
};

}  // namespace

TEST_CASE("walk: a sound tree gets one ok line with its counts of files and directories", "[walk]") {
  Code code;
  code.add("app.py");
  code.add("lib/helpers.py");
  code.add("lib/data/table.json");
  Outcome outcome = code.check();
  CHECK(outcome.status == 0);
  CHECK(outcome.err.empty());
  CHECK(outcome.out == code.programs_ok() + ok(code.task, 3, 3) + "\n" + opt_ok + "\n");
}

TEST_CASE("walk: a task root given with a trailing slash is named without it, and walked once", "[walk]") {
  Code code;
  code.add("app.py");
  // The first entry of a name wins: this one, with its slashes.
  Outcome outcome = code.check({"LAMBDA_TASK_ROOT=" + code.task + "//"});
  CHECK(outcome.status == 0);
  CHECK(outcome.out == code.programs_ok() + ok(code.task, 1, 1) + "\n" + opt_ok + "\n");
}

TEST_CASE("walk: an empty tree is sound", "[walk]") {
  Code code;
  Outcome outcome = code.check();
  CHECK(outcome.status == 0);
  CHECK(outcome.out == code.programs_ok() + ok(code.task, 0, 1) + "\n" + opt_ok + "\n");
}

TEST_CASE("walk: a file only its owner can read is named with its mode, then the fix, and --check exits 126",
          "[walk]") {
  Code code;
  std::string app = code.add("app.py", 0600);
  code.add("other.py");
  Outcome outcome = code.check();
  CHECK(outcome.status == 126);
  // Judged for Lambda's user, though this runs as root, who can read it.
  CHECK(outcome.err ==
        "lambda-entrypoint: " + app + ": other users cannot read it (mode 0600)\n" + fix(code.task) + "\n");
  CHECK(outcome.out == code.programs_ok() + opt_ok + "\n");
}

TEST_CASE("walk: directories others cannot list, search, or either are each named", "[walk]") {
  Code code;
  std::string closed = code.add_dir("closed", 0700);
  std::string unlisted = code.add_dir("unlisted", 0711);
  std::string unsearchable = code.add_dir("unsearchable", 0744);
  code.add_dir("open", 0755);
  Outcome outcome = code.check();
  CHECK(outcome.status == 126);
  CHECK(lines(outcome.err) ==
        sorted({"lambda-entrypoint: " + closed + ": a directory other users can neither list nor search (mode 0700)",
                "lambda-entrypoint: " + unlisted + ": a directory other users cannot list (mode 0711)",
                "lambda-entrypoint: " + unsearchable + ": a directory other users cannot search (mode 0744)",
                fix(code.task)}));
}

TEST_CASE("walk: a link to a file others cannot read is named; links are not followed out of the tree", "[walk]") {
  Code code;
  std::string secret = code.dir / "secret";
  harness::write_file(secret, "root only\n", 0600);
  std::string outside = code.dir / "outside";
  harness::make_dirs(outside);
  harness::write_file(outside + "/unread.py", "x\n", 0600);
  std::string link = code.task + "/config";
  REQUIRE(symlink(secret.c_str(), link.c_str()) == 0);
  REQUIRE(symlink(outside.c_str(), (code.task + "/vendor").c_str()) == 0);
  REQUIRE(symlink("/nonexistent", (code.task + "/dangling").c_str()) == 0);
  Outcome outcome = code.check();
  CHECK(outcome.status == 126);
  // outside/unread.py is not reached: the link to its directory is not followed.
  CHECK(outcome.err == "lambda-entrypoint: " + link + ": a link to a file other users cannot read (mode 0600)\n" +
                           fix(code.task) + "\n");
}

TEST_CASE("walk: a link whose file lies in a directory others cannot search is named with that directory", "[walk]") {
  Code code;
  std::string closed = code.dir / "closed";
  harness::make_dirs(closed);
  harness::write_file(closed + "/settings.py", "x = 1\n", 0644);
  REQUIRE(chmod(closed.c_str(), 0700) == 0);
  std::string link = code.task + "/settings.py";
  REQUIRE(symlink((closed + "/settings.py").c_str(), link.c_str()) == 0);
  Outcome outcome = code.check();
  CHECK(outcome.status == 126);
  CHECK(outcome.err == "lambda-entrypoint: " + link + ": a link through a directory other users cannot search: " +
                           closed + " (mode 0700)\n" + fix(code.task) + "\n");
}

TEST_CASE("walk: an ELF program others may execute but not read is sound; a script or a library is not", "[walk]") {
  Code code;
  harness::copy_file(harness::entrypoint(), code.task + "/bootstrap", 0711);
  std::string script = code.add("run.sh", 0711);
  std::string library = code.task + "/libx.so";
  harness::write_file(library, elf_bytes::file(elf_bytes::x86_64, "", true, false, 3), 0711);
  Outcome outcome = code.check();
  CHECK(outcome.status == 126);
  CHECK(lines(outcome.err) ==
        sorted({"lambda-entrypoint: " + script + ": other users cannot read it (mode 0711)",
                "lambda-entrypoint: " + library + ": other users cannot read it (mode 0711)", fix(code.task)}));
}

TEST_CASE(
    "walk: an ELF program others may execute but not read is sound wherever its program headers lie (ending at "
    "the last of the 1,024 bytes first read, one before or one past it, or far on), as the kernel reads them "
    "for that user; a library there is not",
    "[walk][host-cpu]") {
  // Programs of this CPU: the kernel reads them itself (qemu in binfmt_misc
  // would read another CPU's with the user's rights).
  require_host_cpu("the kernel is asked about programs of this machine");
  Code code;
  const unsigned machine = harness::host_arch() == "x86_64" ? elf_bytes::x86_64 : elf_bytes::aarch64;
  Strings unsound;
  // A table of one entry (56 bytes) after a gap that makes it end at byte 1023, 1024, 1025 or 2120.
  for (size_t table_gap : {size_t{903}, size_t{904}, size_t{905}, size_t{2000}}) {
    const std::string at = std::to_string(64 + table_gap + 56);
    // ET_DYN with an interpreter (missing: the kernel says ENOENT once it has read the headers), and ET_EXEC.
    std::string pie = code.task + "/pie-" + at, exec = code.task + "/exec-" + at;
    harness::write_file(pie, elf_bytes::file(machine, "/nowhere/ld.so", true, false, 3, 0, 0, table_gap), 0711);
    harness::write_file(exec, elf_bytes::file(machine, "", true, false, 2, 0, 0, table_gap), 0711);
    INFO("program headers ending at byte " << at);
    CHECK(harness::execve_as_lambda(pie) == ENOENT);
    CHECK(harness::execve_as_lambda(exec) != EACCES);
    // ET_DYN without an interpreter: a library, which its loader reads as that user.
    std::string library = code.task + "/lib-" + at + ".so";
    harness::write_file(library, elf_bytes::file(machine, "", true, false, 3, 0, 0, table_gap), 0711);
    unsound.push_back("lambda-entrypoint: " + library + ": other users cannot read it (mode 0711)");
  }
  unsound.push_back(fix(code.task));
  Outcome outcome = code.check();
  CHECK(outcome.status == 126);
  CHECK(lines(outcome.err) == sorted(unsound));
}

TEST_CASE("walk: a task root that is a link is walked where it leads, and named as given", "[walk]") {
  Code code;
  std::string secret = code.add("secret.py", 0600);
  std::string link = code.dir / "task-link";
  REQUIRE(symlink(code.task.c_str(), link.c_str()) == 0);
  Outcome outcome = code.check({"LAMBDA_TASK_ROOT=" + link});
  CHECK(outcome.status == 126);
  CHECK(outcome.err ==
        "lambda-entrypoint: " + link + "/secret.py: other users cannot read it (mode 0600)\n" + fix(link) + "\n");
}

TEST_CASE("walk: a tree past 100 levels deep is walked whole", "[walk]") {
  Code code;
  std::string path = "d";
  for (int level = 1; level < 120; ++level) path += "/d";
  code.add(path + "/deepest.py");
  Outcome outcome = code.check();
  CHECK(outcome.status == 0);
  CHECK(outcome.out == code.programs_ok() + ok(code.task, 1, 121) + "\n" + opt_ok + "\n");
}

TEST_CASE(
    "walk: its memory grows with the tree's depth, not its size: 3,000 directories, each with two inside, walk whole "
    "in "
    "the address space 30 do",
    "[walk][host-cpu]") {
  require_host_cpu("qemu-user, which a binary for another CPU runs under, takes its memory from the same limit");
  auto with_address_space = [](rlim_t bytes) {
    return [bytes] {
      rlimit space = {bytes, bytes};
      setrlimit(RLIMIT_AS, &space);
    };
  };
  auto tree_of = [](Code& code, int directories) {
    // Two inside each: the second is listed only if the first's stream is
    // not the one it was listed from.
    for (int i = 0; i < directories; ++i)
      for (const char* inner : {"/first", "/second"}) harness::make_dirs(code.task + "/d" + std::to_string(i) + inner);
  };
  // The least address space (to 16 KiB) in which the small tree walks whole,
  // found by asking.
  Code small;
  tree_of(small, 30);
  rlim_t low = 16 << 10, high = 64 << 20;
  REQUIRE(small.check({}, "", with_address_space(high)).status == 0);
  while (high - low > (16 << 10)) {
    rlim_t middle = low + (high - low) / 2;
    (small.check({}, "", with_address_space(middle)).status == 0 ? high : low) = middle;
  }
  Code large;
  tree_of(large, 3000);
  // A margin of four pages, for what the kernel lays out differently.
  Outcome outcome = large.check({}, "", with_address_space(high + (16 << 10)));
  INFO("address space: " << high + (16 << 10) << " bytes");
  CHECK(outcome.status == 0);
  CHECK(outcome.err.empty());
  CHECK_THAT(outcome.out, Catch::Matchers::ContainsSubstring(ok(large.task, 0, 9001)));
}

TEST_CASE(
    "walk: a directory it has no descriptor left to open is named as not walked, and no chmod is asked for, which "
    "would not mend it; beside a file others cannot read, the fix is asked for; one descriptor more walks it whole",
    "[walk]") {
  Code code;
  const std::string deepest = code.task + "/a/b/c/d";
  code.add("a/b/c/d/app.py");
  auto with_descriptors = [](rlim_t descriptors) {
    return [descriptors] {
      rlimit files = {descriptors, descriptors};
      setrlimit(RLIMIT_NOFILE, &files);
    };
  };
  // The fewest that walk it whole, found by asking: the walk holds one
  // descriptor per level, so with one fewer the deepest is not opened.
  rlim_t whole = 0;
  for (rlim_t descriptors = 4; descriptors <= 16 && whole == 0; ++descriptors)
    if (code.check({}, "", with_descriptors(descriptors)).status == 0) whole = descriptors;
  REQUIRE(whole > 4);
  const std::string not_walked =
      "lambda-entrypoint: " + deepest + ": cannot be walked here: No file descriptors available";
  Outcome short_by_one = code.check({}, "", with_descriptors(whole - 1));
  CHECK(short_by_one.status == 126);
  CHECK(short_by_one.err ==
        not_walked + "\nlambda-entrypoint: " + code.task +
            ": the directories named above could not be walked here: what they hold is not judged\n");
  std::string secret = code.add("secret.py", 0600);
  Outcome beside = code.check({}, "", with_descriptors(whole - 1));
  CHECK(beside.status == 126);
  CHECK(lines(beside.err) ==
        sorted(
            {not_walked, "lambda-entrypoint: " + secret + ": other users cannot read it (mode 0600)", fix(code.task)}));
  REQUIRE(chmod(secret.c_str(), 0644) == 0);
  Outcome enough = code.check({}, "", with_descriptors(whole));
  CHECK(enough.status == 0);
  CHECK(enough.err.empty());
}

TEST_CASE("walk: FIFOs are skipped, and another file system is not entered", "[walk]") {
  Code code;
  REQUIRE(mkfifo((code.task + "/pipe").c_str(), 0600) == 0);
  code.add_dir("mounted", 0755);
  std::string mounted = code.task + "/mounted";
  // A file system of its own (as a RUN --mount is), holding a root-only file.
  Outcome outcome = code.check({}, "", [mounted] {
    if (mount("tmpfs", mounted.c_str(), "tmpfs", 0, "mode=0755") != 0) _exit(90);
    harness::write_file(mounted + "/private.key", "x\n", 0600);
  });
  CHECK(outcome.status == 0);
  CHECK(outcome.err.empty());
  CHECK(outcome.out == code.programs_ok() + ok(code.task, 0, 1) + "\n" + opt_ok + "\n");
}

TEST_CASE("walk: LAMBDA_TASK_ROOT chooses the task root, and a working directory outside it is walked too", "[walk]") {
  Code code;
  std::string work = code.dir / "work";
  harness::make_dirs(work);
  harness::write_file(work + "/handler.py", "x\n", 0600);
  code.add("app.py");
  SECTION("a working directory outside the task root is a tree of its own") {
    Outcome outcome = code.check({}, work);
    CHECK(outcome.status == 126);
    CHECK(outcome.err ==
          "lambda-entrypoint: " + work + "/handler.py: other users cannot read it (mode 0600)\n" + fix(work) + "\n");
    CHECK(outcome.out == code.programs_ok() + ok(code.task, 1, 1) + "\n" + opt_ok + "\n");
  }
  SECTION("a working directory inside the task root is not walked twice") {
    Outcome outcome = code.check({}, code.add_dir("lib", 0755));
    CHECK(outcome.status == 0);
    CHECK(outcome.out == code.programs_ok() + ok(code.task, 1, 2) + "\n" + opt_ok + "\n");
  }
  SECTION("an empty LAMBDA_TASK_ROOT means /var/task, which this machine lacks") {
    // The first entry of a name wins, as getenv reads it: here the empty one.
    Outcome outcome = code.check({"LAMBDA_TASK_ROOT="}, "/");
    CHECK(outcome.status == 0);
    CHECK(outcome.out == code.programs_ok() + opt_ok + "\n");
  }
}

namespace {

// Whether Lambda's user (uid 993, gid 990, no other groups) can enter a
// directory: the kernel's answer, by a child that becomes that user.
bool lambda_user_can_enter(const std::string& path) {
  pid_t child = fork();
  if (child == 0) {
    harness::become_lambda_user(2);
    _exit(chdir(path.c_str()) == 0 ? 0 : 1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) != 2);
  return WEXITSTATUS(status) == 0;
}

}  // namespace

TEST_CASE(
    "walk: a task root or working directory on a path others cannot search is named with that directory, for each "
    "mode of the directory on the way, as the kernel lets Lambda's user in or not",
    "[walk]") {
  for (mode_t mode : {0700, 0750, 0770, 0704, 0701, 0711, 0755}) {
    for (bool as_working_directory : {false, true}) {
      DYNAMIC_SECTION(harness::octal(mode) << (as_working_directory ? ", the working directory" : ", the task root")) {
        Code code;
        code.add("app.py");
        const std::string way = code.dir / "srv";
        const std::string app = way + "/app";
        harness::make_dirs(app);
        harness::write_file(app + "/handler.py", "x\n", 0644);
        REQUIRE(chmod(way.c_str(), mode) == 0);
        Outcome outcome = as_working_directory ? code.check({}, app) : code.check({"LAMBDA_TASK_ROOT=" + app});
        const bool enters = lambda_user_can_enter(app);
        INFO(outcome.err);
        CHECK(enters == ((mode & S_IXOTH) != 0));
        CHECK(outcome.status == (enters ? 0 : 126));
        const std::string line = "lambda-entrypoint: " + app +
                                 ": on a path other users cannot search (chmod o+x that directory, or put the code "
                                 "elsewhere): " +
                                 way + " (mode " + harness::octal(mode) + ")\n";
        CHECK((outcome.err.find(line) != std::string::npos) == !enters);
      }
    }
  }
}

TEST_CASE("walk: at most 20 faults are named, then how many more, then the fix", "[walk]") {
  Code code;
  for (int i = 0; i < 25; ++i) code.add("module" + std::to_string(i) + ".py", 0600);
  Outcome outcome = code.check();
  CHECK(outcome.status == 126);
  Strings err = lines(outcome.err);
  REQUIRE(err.size() == 22);
  CHECK(std::count_if(err.begin(), err.end(), [](const std::string& line) {
          return line.find(": other users cannot read it (mode 0600)") != std::string::npos;
        }) == 20);
  CHECK(std::count(err.begin(), err.end(), "lambda-entrypoint: and 5 more that other users cannot read") == 1);
  CHECK(std::count(err.begin(), err.end(), fix(code.task)) == 1);
}

TEST_CASE("walk: a local run as root warns of code Lambda's user cannot read, at most 5 lines, and starts anyway",
          "[walk]") {
  Code code;
  for (int i = 0; i < 7; ++i) code.add("module" + std::to_string(i) + ".py", 0600);
  harness::TempDir records;
  harness::copy_file(harness::standin("emulator"), code.emulator, 0755);
  harness::copy_file(harness::standin("handler"), code.program, 0755);
  harness::Launch launch;
  launch.cwd = code.task;
  Outcome outcome =
      harness::run_entrypoint({code.program, "app.handler"},
                              {"LAMBDA_TASK_ROOT=" + code.task, "LAMBDA_ENTRYPOINT_EMULATOR=" + code.emulator,
                               "STANDIN_RECORD_DIR=" + records.path()},
                              launch);
  CHECK(outcome.status == 0);
  Strings err = lines(outcome.err);
  REQUIRE(err.size() == 7);
  CHECK(std::count_if(err.begin(), err.end(), [&](const std::string& line) {
          return line.rfind("lambda-entrypoint: warning: " + code.task + "/module", 0) == 0 &&
                 line.find(": other users cannot read it (mode 0600)") != std::string::npos;
        }) == 5);
  CHECK(std::count(err.begin(), err.end(), "lambda-entrypoint: warning: and 2 more") == 1);
  CHECK(std::count(err.begin(), err.end(),
                   "lambda-entrypoint: warning: " + fix(code.task).substr(19) +
                       "; it works here only because this runs as root") == 1);
  CHECK(harness::records(records.path(), "emulator").size() == 1);
  CHECK(outcome.out.empty());
}

TEST_CASE("walk: in the cloud nothing is walked", "[walk]") {
  Code code;
  code.add("app.py", 0600);
  harness::TempDir records;
  harness::copy_file(harness::standin("handler"), code.program, 0755);
  harness::Launch launch;
  launch.cwd = code.task;
  Outcome outcome = harness::run_entrypoint({code.program, "app.handler"},
                                            {"LAMBDA_TASK_ROOT=" + code.task, "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001",
                                             "STANDIN_RECORD_DIR=" + records.path()},
                                            launch);
  CHECK(outcome.status == 0);
  CHECK(outcome.err.empty());
  CHECK(harness::records(records.path(), "handler").size() == 1);
}
