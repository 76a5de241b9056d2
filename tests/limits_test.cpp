// Kernel limits and odd files: whatever the input, the binary either runs the
// program exactly or says why not, with the documented exit code; it never
// crashes.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <cerrno>
#include <climits>

#include "harness.hpp"
#include "host_cpu.hpp"

using harness::message;
using harness::Outcome;
using harness::Record;
using harness::Strings;

namespace {

constexpr const char* cloud = "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001";
// The harness's own exit code when it cannot even start the binary.
constexpr int could_not_start = 250;

struct Scene {
  harness::TempDir dir;
  std::string handler = dir / "handler";
  std::string emulator = dir / "aws-lambda-rie";
  std::string records = dir / "records";

  Scene() {
    harness::copy_file(harness::standin("handler"), handler, 0755);
    harness::copy_file(harness::standin("emulator"), emulator, 0755);
    harness::make_dirs(records);
  }

  Strings env(Strings extra) const {
    // With the variables the cloud sets there, the environment passes as it is.
    Strings result = {"STANDIN_RECORD_DIR=" + records, "LAMBDA_ENTRYPOINT_EMULATOR=" + emulator,
                      "LAMBDA_TASK_ROOT=/var/task", "LAMBDA_RUNTIME_DIR=/var/runtime"};
    result.insert(result.end(), extra.begin(), extra.end());
    return result;
  }

  Outcome run(const Strings& args, Strings env, harness::Launch launch = {}) const {
    return harness::run_entrypoint(args, std::move(env), std::move(launch));
  }

  // --check ARGS, with a program for the binary's own CPU as the emulator
  // (the stand-ins are built for this machine's): its verdict is ARGS' alone.
  Outcome check(const Strings& args, Strings extra) const {
    const std::string own_cpu = dir / "emulator-of-its-cpu";
    if (access(own_cpu.c_str(), F_OK) != 0) harness::copy_file(harness::entrypoint(), own_cpu, 0755);
    Strings command = {"--check", "--emulator=" + own_cpu};
    command.insert(command.end(), args.begin(), args.end());
    return run(command, env(std::move(extra)));
  }
};

// A path of exactly length bytes: base, then names of 200 bytes, then a
// last name (of fill) that makes up the rest.
std::string path_of_length(const std::string& base, size_t length, char fill) {
  std::string path = base;
  while (path.size() + 201 < length) path += "/" + std::string(200, 'd');
  path += "/" + std::string(length - path.size() - 1, fill);
  REQUIRE(path.size() == length);
  return path;
}

// closed, made a directory Lambda's user cannot search, lies beside the way
// to program, which the kernel starts for that user: --check passes the
// program and does not name closed. closed is opened again to be removed.
void check_passes_beside_closed(const Scene& scene, const std::string& program, const std::string& closed) {
  harness::make_dirs(closed);
  REQUIRE(chmod(closed.c_str(), 0700) == 0);
  CHECK(harness::execve_as_lambda(program) == 0);
  Outcome outcome = scene.check({program}, {});
  CHECK(outcome.status == 0);
  CHECK_THAT(outcome.err, !Catch::Matchers::ContainsSubstring(closed));
  CHECK_THAT(outcome.out, Catch::Matchers::ContainsSubstring(harness::message(program, "ok, the program, ")));
  chmod(closed.c_str(), 0755);
}

}  // namespace

TEST_CASE("arguments and environment up to and past the kernel's limit: the program runs exactly, or 126 with E2BIG",
          "[limits]") {
  Scene scene;
  // With an 8 MiB stack limit the kernel takes 2 MiB of arguments and
  // environment, pointers included.
  harness::Launch limited;
  limited.before_exec = [] {
    rlimit stack = {8 << 20, 8 << 20};
    setrlimit(RLIMIT_STACK, &stack);
  };
  const size_t limit = 2 << 20;
  // Locally the emulator flags, already in the environment, are added to the
  // arguments: 50 kB more to pass on than came in.
  const std::string flags = "LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=--log-level " + std::string(50000, 'f');
  for (const char* mode : {"cloud", "local", "AWS form"}) {
    DYNAMIC_SECTION(mode) {
      std::string name = mode;
      int ran = 0, too_big = 0, too_big_to_start = 0;
      for (size_t total = limit - 120000; total <= limit + 60000; total += 6000) {
        harness::remove_tree(scene.records);
        harness::make_dirs(scene.records);
        Strings env = scene.env({name == "local" ? flags : cloud, "_HANDLER=app.handler"});
        Strings args = {scene.handler, std::string(100000, 'a')};
        if (name == "AWS form") {
          env.push_back("LAMBDA_ENTRYPOINT_BOOTSTRAP=" + scene.handler);
          args = {"--aws-form", std::string(100000, 'h')};
        }
        size_t used = 100000 + (name == "local" ? flags.size() : 0);
        for (int i = 0; used < total; ++i) {
          std::string entry =
              "FILL" + std::to_string(i) + "=" + std::string(std::min<size_t>(60000, total - used), 'x');
          used += entry.size() + 1 + sizeof(char*);
          env.push_back(entry);
        }
        Outcome outcome = scene.run(args, env, limited);
        INFO(mode << ", " << total << " bytes: status " << outcome.status << ", " << outcome.err);
        if (outcome.status == could_not_start) {
          ++too_big_to_start;
          continue;
        }
        if (outcome.status == 126) {
          REQUIRE_THAT(outcome.err, Catch::Matchers::StartsWith("lambda-entrypoint: "));
          REQUIRE_THAT(outcome.err, Catch::Matchers::ContainsSubstring(": Argument list too long;"));
          REQUIRE_THAT(outcome.err,
                       Catch::Matchers::EndsWith("the arguments and environment together exceed the kernel's limit\n"));
          ++too_big;
          continue;
        }
        // What lambda-entrypoint executed got exactly what it should. (Locally,
        // the emulator stand-in may in turn fail to pass on the _HANDLER it adds.)
        std::vector<Record> first = harness::records(scene.records, name == "local" ? "emulator" : "handler");
        REQUIRE(first.size() == 1);
        if (name == "AWS form") {
          REQUIRE(first.front().argv == Strings{scene.handler});
          Strings expected = env;
          std::replace(expected.begin(), expected.end(), std::string("_HANDLER=app.handler"),
                       "_HANDLER=" + args.back());
          REQUIRE(first.front().env == expected);
        } else {
          REQUIRE(first.front().env == env);
          Strings expected = args;
          if (name == "local")
            expected.insert(expected.begin(), {scene.emulator, "--log-level", std::string(50000, 'f')});
          REQUIRE(first.front().argv == expected);
          if (name == "cloud") REQUIRE(outcome.status == 0);
        }
        ++ran;
      }
      INFO(ran << " ran, " << too_big << " refused with E2BIG, " << too_big_to_start << " too big to start");
      CHECK(ran > 0);
      CHECK(too_big_to_start > 0);  // the sweep did go past the limit
      if (name == "local") CHECK(too_big > 0);
    }
  }
}

TEST_CASE(
    "a PATH entry whose candidate, with its slash and the name, is PATH_MAX - 1 bytes long is tried; one a byte "
    "longer is passed over",
    "[limits]") {
  Scene scene;
  // Directories under the scene, of the length wanted.
  auto directory_of_length = [&](size_t length) {
    std::string directory = path_of_length(scene.dir.path(), length, 'e');
    harness::make_dirs(directory);
    return directory;
  };
  const std::string name = "handler";
  const std::string fits = directory_of_length(PATH_MAX - 2 - name.size());
  harness::copy_file(scene.handler, fits + "/" + name, 0755);
  REQUIRE((fits + "/" + name).size() == PATH_MAX - 1);
  Outcome outcome = scene.run({name}, scene.env({cloud, "PATH=" + fits}));
  CHECK(outcome.status == 0);
  CHECK(harness::records(scene.records, "handler").size() == 1);
  // A byte longer: passed over, and the next entry's handler runs.
  const std::string too_long = directory_of_length(PATH_MAX - 1 - name.size());
  outcome = scene.run({name}, scene.env({cloud, "PATH=" + too_long + ":" + scene.dir.path()}));
  CHECK(outcome.status == 0);
  CHECK(outcome.err.empty());
  std::vector<Record> handler = harness::records(scene.records, "handler");
  REQUIRE(handler.size() == 2);
  CHECK(handler.back().argv.front() == name);
}

TEST_CASE("PATH entries too long to use are passed over, however long PATH is", "[limits]") {
  Scene scene;
  std::string long_entry = "/" + std::string(5000, 'x');
  std::string long_component = "/nonexistent/" + std::string(NAME_MAX + 10, 'y');
  Outcome outcome =
      scene.run({"handler"}, scene.env({cloud, "PATH=" + long_entry + ":" + long_component + ":" + scene.dir.path()}));
  CHECK(outcome.status == 0);
  CHECK(outcome.err.empty());
}

TEST_CASE("names past NAME_MAX and paths past PATH_MAX are not found (127), a name of NAME_MAX bytes is found and runs",
          "[limits]") {
  Scene scene;
  std::string long_name(NAME_MAX + 1, 'n');
  std::string long_path;
  while (long_path.size() <= PATH_MAX) long_path += "/" + std::string(200, 'p');
  for (const std::string& program : {long_name, "/tmp/" + long_name, long_path}) {
    Outcome outcome = scene.run({program}, scene.env({cloud, "PATH=" + scene.dir.path()}));
    CHECK(outcome.status == 127);
    // musl's words for ENAMETOOLONG, about the name as given: a name too
    // long is refused before any PATH entry is tried, as musl's execvp does.
    CHECK(outcome.err == harness::message(program, "Filename too long\n"));
  }
  // A name of NAME_MAX bytes is looked up and runs, in the cloud and under --check.
  const std::string longest_name(NAME_MAX, 'n');
  harness::copy_file(scene.handler, scene.dir / longest_name, 0755);
  Outcome ran = scene.run({longest_name}, scene.env({cloud, "PATH=" + scene.dir.path()}));
  CHECK(ran.status == 0);
  CHECK(harness::records(scene.records, "handler").size() == 1);
  harness::TempDir own_cpu;  // the same name, a program for the binary's CPU, for --check to find it ok
  harness::copy_file(harness::entrypoint(), own_cpu / longest_name, 0755);
  Outcome checked = scene.check({longest_name}, {"PATH=" + own_cpu.path()});
  CHECK(checked.status == 0);
  CHECK_THAT(checked.out, Catch::Matchers::ContainsSubstring(harness::message(own_cpu / longest_name, "ok, ")));
  // --check says the same of a path, judged as Lambda's user: one past
  // PATH_MAX, and one past four times as much, more than its buffers for a
  // path hold together.
  std::string longer_path;
  while (longer_path.size() <= 4 * PATH_MAX) longer_path += "/" + std::string(200, 'p');
  for (const std::string& program : {"/tmp/" + long_name, long_path, longer_path}) {
    Outcome outcome = scene.check({program}, {"PATH=" + scene.dir.path()});
    CHECK(outcome.status == 127);
    CHECK_THAT(outcome.err, Catch::Matchers::ContainsSubstring(harness::message(program, "Filename too long\n")));
  }
}

TEST_CASE(
    "under --check, a path of PATH_MAX - 1 bytes through a directory Lambda's user cannot search names it (126); one "
    "of PATH_MAX bytes is too long (127), as the kernel says for that user",
    "[limits]") {
  Scene scene;
  const std::string closed = scene.dir / "closed";
  harness::make_dirs(closed);
  REQUIRE(chmod(closed.c_str(), 0700) == 0);
  for (size_t length : {size_t{PATH_MAX} - 1, size_t{PATH_MAX}}) {
    const std::string path = path_of_length(closed, length, 'q');
    INFO("a path of " << length << " bytes");
    const int kernel = harness::execve_as_lambda(path);
    Outcome outcome = scene.check({path}, {});
    if (length < PATH_MAX) {
      CHECK(kernel == EACCES);
      CHECK(outcome.status == 126);
      CHECK_THAT(outcome.err, Catch::Matchers::ContainsSubstring(harness::message(
                                  path, "the directory " + closed + " on its path cannot be searched by other users")));
    } else {
      CHECK(kernel == ENAMETOOLONG);
      CHECK(outcome.status == 127);
      CHECK_THAT(outcome.err, Catch::Matchers::ContainsSubstring(harness::message(path, "Filename too long\n")));
    }
  }
  chmod(closed.c_str(), 0755);  // for it to be removed
}

TEST_CASE(
    "under --check, a link whose target and the rest of the path together pass PATH_MAX ends the search for a "
    "closed directory, which the kernel follows: nothing is named that the path does not pass through",
    "[limits]") {
  Scene scene;
  // scene/l -> a/a.../a (about 2,000 bytes), and the path goes on past l by
  // about 2,100 more: joined, they pass PATH_MAX, as the path itself does not.
  // scene/tmp, closed, is where the path's own names would lead if read
  // from the link's directory again.
  const std::string part = std::string(200, 'a');
  std::string target = part;
  while (target.size() < 2000) target += "/" + part;
  std::string rest = part;
  while (rest.size() < 2100) rest += "/" + part;
  harness::make_dirs(scene.dir / target);
  REQUIRE(symlink(target.c_str(), (scene.dir / "l").c_str()) == 0);
  harness::make_dirs(scene.dir / "l/" + rest);  // through the link: the whole is too long to name
  const std::string program = scene.dir / "l/" + rest + "/bootstrap";
  harness::copy_file(harness::entrypoint(), program, 0755);  // a program for its CPU
  REQUIRE(program.size() < PATH_MAX);
  REQUIRE(target.size() + rest.size() + 11 >= PATH_MAX);
  check_passes_beside_closed(scene, program, scene.dir / "tmp");
}

TEST_CASE(
    "under --check, a name that would make the path reached past a link longer than PATH_MAX ends the search for a "
    "closed directory, which the kernel goes on with: the closed directory beside that name is not named",
    "[limits]") {
  Scene scene;
  // linked/l leads, relatively, to reached, 4,000 bytes long: a directory
  // the kernel reaches through the link, whose whole path it could not be
  // given. The path goes on past the link by a name of 200 bytes, which
  // joined to reached passes PATH_MAX, then x; reached/x, beside that name,
  // is closed, and would be judged if the name were passed over.
  const std::string linked = path_of_length(scene.dir.path(), 1900, 'a');
  const std::string reached = path_of_length(linked, 4000, 'c');
  harness::make_dirs(reached);
  REQUIRE(symlink(reached.substr(linked.size() + 1).c_str(), (linked + "/l").c_str()) == 0);
  const std::string name(200, 'n');
  harness::make_dirs(linked + "/l/" + name + "/x");
  const std::string program = linked + "/l/" + name + "/x/bootstrap";
  harness::copy_file(harness::entrypoint(), program, 0755);  // a program for its CPU
  REQUIRE(reached.size() + 1 + name.size() >= PATH_MAX);
  check_passes_beside_closed(scene, program, reached + "/x");
}

TEST_CASE("odd files as PROGRAM: each gets its exit code and reason", "[limits]") {
  Scene scene;
  harness::TempDir files;
  REQUIRE(symlink("/nonexistent/target", (files / "dangling").c_str()) == 0);
  REQUIRE(symlink((files / "loop").c_str(), (files / "loop").c_str()) == 0);
  REQUIRE(mkfifo((files / "fifo").c_str(), 0755) == 0);
  struct Expectation {
    std::string program;
    int status;
    std::string line;
  };
  for (const Expectation& e : std::vector<Expectation>{
           {files / "dangling", 127, message(files / "dangling", "No such file or directory\n")},
           {files / "loop", 126, message(files / "loop", "Symbolic link loop\n")},
           {files / "fifo", 126, message(files / "fifo", "not a regular file\n")},
           {"/dev/null", 126, message("/dev/null", "not a regular file\n")},
           {files.path(), 126, message(files.path(), "Permission denied (a directory)\n")},
           {"", 127, message("''", "No such file or directory\n")},
       }) {
    Outcome outcome = scene.run({"--", e.program}, scene.env({cloud}));
    INFO(e.program);
    CHECK(outcome.status == e.status);
    CHECK(outcome.err == e.line);
  }
  // Found through PATH, a directory or a FIFO is passed over as execvp
  // passes over what execve refuses (EACCES), and named so when nothing else is found.
  harness::make_dirs(files / "sub");
  for (const std::string name : {"sub", "fifo"}) {
    Outcome outcome = scene.run({name}, scene.env({cloud, "PATH=" + files.path()}));
    INFO(name);
    CHECK(outcome.status == 126);
    CHECK(outcome.err ==
          message(files / name, name == "sub" ? "Permission denied (a directory)\n" : "not a regular file\n"));
  }
  // The emulator a directory, as the kernel says.
  Outcome outcome = scene.run({"--emulator=" + (files / "sub"), scene.handler}, scene.env({}));
  CHECK(outcome.status == 126);
  CHECK(outcome.err == message(files / "sub",
                               "Permission denied (a directory); it is the Runtime Interface Emulator "
                               "(LAMBDA_ENTRYPOINT_EMULATOR)\n"));
}

TEST_CASE("thousands of options before PROGRAM are parsed like a few", "[limits]") {
  Scene scene;
  Strings args(20000, "--emulator=/elsewhere");
  args.push_back("--aws-form");
  args.push_back("app.handler");
  Outcome outcome = scene.run(args, scene.env({cloud, "LAMBDA_ENTRYPOINT_BOOTSTRAP=" + scene.handler}));
  CHECK(outcome.status == 0);
  std::vector<Record> handler = harness::records(scene.records, "handler");
  REQUIRE(handler.size() == 1);
  CHECK(handler.front().argv == Strings{scene.handler});
}

TEST_CASE(
    "under --check, with no descriptors left to ask a program's loader only its interpreter is claimed; with two, "
    "the libraries too",
    "[limits][host-cpu]") {
  // Debian's /bin/true, a program of this machine's glibc, whose loader
  // --check asks through a pipe: two descriptors past the three standard ones.
  require_host_cpu("/bin/true is a program for this machine");
  Scene scene;
  const std::string cpu = harness::entrypoint_arch();
  for (rlim_t descriptors : {rlim_t{4}, rlim_t{5}}) {
    INFO(descriptors << " descriptors");
    harness::Launch limited;
    limited.before_exec = [descriptors] {
      rlimit files = {descriptors, descriptors};
      setrlimit(RLIMIT_NOFILE, &files);
    };
    Outcome outcome = scene.run({"--check", "/bin/true"}, scene.env({}), limited);
    CHECK(outcome.status == 0);
    CHECK(outcome.err.empty());
    CHECK_THAT(outcome.out,
               Catch::Matchers::ContainsSubstring(message(
                   "/bin/true", "ok, the program, a dynamically linked " + cpu + " program (its ELF interpreter " +
                                    (descriptors == 4 ? "is there)\n" : "and the libraries it lists are there)\n"))));
  }
}

TEST_CASE(
    "under --check, a program's loader is asked with the whole environment and three variables more, whatever its "
    "size: the array of them ending at a page's end, one variable either side of it, and far past a page",
    "[limits][host-cpu]") {
  // Debian's /bin/true, whose loader --check asks with the environment and
  // three variables of its own in one array of pointers and a null: it
  // fills a page exactly where the environment holds a page's pointers less 4.
  require_host_cpu("/bin/true is a program for this machine");
  Scene scene;
  const size_t page_of_pointers = static_cast<size_t>(sysconf(_SC_PAGESIZE)) / sizeof(char*);
  for (size_t total : {page_of_pointers - 5, page_of_pointers - 4, page_of_pointers - 3, 3 * page_of_pointers - 4}) {
    Strings env = scene.env({});
    REQUIRE(env.size() < total);
    while (env.size() < total) env.push_back("FILLER_" + std::to_string(env.size()) + "=x");
    INFO(total << " variables");
    Outcome outcome = scene.run({"--check", "/bin/true"}, env);
    CHECK(outcome.status == 0);
    CHECK(outcome.err.empty());
    CHECK_THAT(outcome.out,
               Catch::Matchers::ContainsSubstring(
                   message("/bin/true", "ok, the program, a dynamically linked " + harness::entrypoint_arch() +
                                            " program (its ELF interpreter and the libraries it lists are there)")));
  }
}

TEST_CASE(
    "under --check, a program whose real path is longer than PATH_MAX (reached through links) has only its "
    "interpreter claimed, though a program judged before it had its libraries listed",
    "[limits][host-cpu]") {
  // Debian's /bin/true twice: as the emulator, whose libraries its loader
  // lists, and as the program, 18 directories of 250 bytes down (over
  // 4,500 bytes), reached by two links of half that each. realpath() cannot
  // name it, so its loader is not asked: nothing may be said of its libraries.
  require_host_cpu("/bin/true is a program for this machine");
  Scene scene;
  const std::string name(250, 'd');
  std::string half;
  for (int level = 0; level < 9; ++level) half += name + "/";
  // Each level's descriptor, the scene's first: the tree is made, and taken
  // down, by names relative to them (no path to its depth fits PATH_MAX).
  std::vector<int> levels = {open(scene.dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  REQUIRE(levels.back() >= 0);
  for (int level = 0; level < 18; ++level) {
    REQUIRE(mkdirat(levels.back(), name.c_str(), 0755) == 0);
    levels.push_back(openat(levels.back(), name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    REQUIRE(levels.back() >= 0);
  }
  REQUIRE(symlinkat((half + "true").c_str(), levels[9], "second") == 0);
  const std::string program = harness::read_file("/bin/true");
  int file = openat(levels.back(), "true", O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
  REQUIRE(file >= 0);
  REQUIRE(write(file, program.data(), program.size()) == static_cast<ssize_t>(program.size()));
  close(file);
  REQUIRE(symlink(half.c_str(), (scene.dir / "first").c_str()) == 0);
  const std::string reached = scene.dir / "first/second";
  Outcome outcome =
      scene.run({"--check", reached}, {"LAMBDA_ENTRYPOINT_EMULATOR=/bin/true", "LAMBDA_TASK_ROOT=/var/task"});
  const std::string cpu = harness::entrypoint_arch();
  CHECK_THAT(outcome.out, Catch::Matchers::ContainsSubstring(message(
                              "/bin/true", "ok, the emulator, a dynamically linked " + cpu +
                                               " program (its ELF interpreter and the libraries it lists are there)")));
  CHECK_THAT(outcome.out,
             Catch::Matchers::ContainsSubstring(message(reached, "ok, the program, a dynamically linked " + cpu +
                                                                     " program (its ELF interpreter is there)\n")));
  unlinkat(levels.back(), "true", 0);
  unlinkat(levels[9], "second", 0);
  for (size_t level = levels.size() - 1; level > 0; --level) {
    close(levels[level]);
    unlinkat(levels[level - 1], name.c_str(), AT_REMOVEDIR);
  }
  close(levels[0]);
}

TEST_CASE(
    "under --check with two descriptors past the standard three, each loader asked in turn has both: the libraries "
    "of a '#!/usr/bin/env bash' script's env and of bash are each listed",
    "[limits][host-cpu]") {
  // Debian's env and bash, each a program of this machine's glibc, whose
  // loaders --check asks one after the other, each through a pipe of its own.
  require_host_cpu("env and bash are programs for this machine");
  Scene scene;
  const std::string cpu = harness::entrypoint_arch();
  harness::write_file(scene.dir / "run.sh", "#!/usr/bin/env bash\necho\n", 0755);
  harness::Launch limited;
  limited.before_exec = [] {
    rlimit files = {5, 5};
    setrlimit(RLIMIT_NOFILE, &files);
  };
  Outcome outcome = scene.run({"--check", scene.dir / "run.sh"}, scene.env({"PATH=/usr/bin:/bin"}), limited);
  CHECK(outcome.status == 0);
  CHECK(outcome.err.empty());
  const std::string listed =
      "a dynamically linked " + cpu + " program (its ELF interpreter and the libraries it lists are there)\n";
  CHECK_THAT(outcome.out,
             Catch::Matchers::ContainsSubstring(message("/usr/bin/env", "ok, a '#!' interpreter, " + listed)));
  CHECK_THAT(outcome.out, Catch::Matchers::ContainsSubstring(
                              message("/usr/bin/bash", "ok, the program a '#!' line's env runs, " + listed)));
}

TEST_CASE(
    "under --check, where no process can be made to ask a program's loader, only its interpreter is claimed, and no "
    "child this process did not start is waited for",
    "[limits][host-cpu]") {
  require_host_cpu("qemu-user, which a binary for another CPU runs under, makes threads, which the filter refuses");
  Scene scene;
  harness::Launch unable;
  unable.time_limit_seconds = 20;
  unable.before_exec = [] {
    // A child made before the binary is executed, which becomes the
    // binary's: it lives a minute, its output elsewhere.
    if (fork() == 0) {
      int null = open("/dev/null", O_RDWR);
      for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) dup2(null, fd);
      closefrom(STDERR_FILENO + 1);
      alarm(60);
      pause();
      _exit(0);
    }
    harness::fail_new_processes();
  };
  Outcome outcome = scene.run({"--check", "/bin/true"}, scene.env({}), unable);
  CHECK(outcome.status == 0);
  CHECK(outcome.err.empty());
  CHECK_THAT(outcome.out, Catch::Matchers::ContainsSubstring(message(
                              "/bin/true", "ok, the program, a dynamically linked " + harness::entrypoint_arch() +
                                               " program (its ELF interpreter is there)\n")));
}

namespace {

const std::string out_of_memory = "lambda-entrypoint: out of memory\n";

}  // namespace

TEST_CASE(
    "out of memory, a start and --check say so and exit 126, at each place they need memory: never a crash, nor a "
    "check passed that was not made",
    "[limits][host-cpu]") {
  require_host_cpu("qemu-user, which a binary for another CPU runs under, takes its memory from the same limit");
  Scene scene;
  harness::Launch starved;
  starved.before_exec = [] { harness::fail_mmap_from(0); };
  SECTION("a start in the cloud and locally") {
    for (bool in_cloud : {true, false}) {
      INFO((in_cloud ? "in the cloud" : "locally"));
      Outcome outcome = scene.run({scene.handler, "app.handler"}, in_cloud ? Strings{cloud} : Strings{}, starved);
      CHECK(outcome.status == 126);
      CHECK(outcome.err == out_of_memory);
      CHECK(harness::records(scene.records, "handler").empty());
      CHECK(harness::records(scene.records, "emulator").empty());
    }
  }
  // --check, with static programs that need no memory to be judged but
  // where it is asked for: each case fails the mappings as large as the
  // one it names, which the others stay below.
  harness::TempDir image;
  REQUIRE(chmod(image.path().c_str(), 0755) == 0);
  harness::copy_file(harness::entrypoint(), image / "aws-lambda-rie", 0755);
  harness::copy_file(harness::other_static_program(), image / "bootstrap", 0755);
  harness::copy_file(harness::standin("handler"), image / "python3", 0755);
  harness::make_dirs(image / "code/lib");
  const Strings check_env = {"LAMBDA_ENTRYPOINT_EMULATOR=" + image / "aws-lambda-rie",
                             "LAMBDA_TASK_ROOT=" + image / "code", "PATH=/usr/bin:/bin"};
  auto check = [&](const Strings& command, std::uint32_t from, Strings env) {
    harness::Launch launch;
    launch.before_exec = [from] { harness::fail_mmap_from(from); };
    Strings args = {"--check"};
    args.insert(args.end(), command.begin(), command.end());
    env.insert(env.end(), check_env.begin(), check_env.end());
    return harness::run_entrypoint(args, env, launch);
  };
  SECTION("with memory for all it asks, --check passes") {
    Outcome outcome = check({image / "bootstrap"}, 1 << 20, {});
    CHECK(outcome.status == 0);
    CHECK(outcome.err.empty());
  }
  SECTION("the walk of the function's code: a directory's stream") {
    Outcome outcome = check({image / "bootstrap"}, 0, {});
    CHECK(outcome.status == 126);
    CHECK(outcome.err == out_of_memory);
  }
  SECTION("the environment of a program's loader, asked for its libraries (as large as the environment)") {
    Strings big(2000, "FILLER=x");
    Outcome outcome = check({"/bin/true"}, 8192, big);
    CHECK(outcome.status == 126);
    CHECK_THAT(outcome.err, Catch::Matchers::EndsWith(out_of_memory));
  }
  SECTION(
      "the environment of the Node client's question (as large as the environment; node static here, so that "
      "no loader is asked first)") {
    harness::copy_file(harness::other_static_program(), image / "node", 0755);
    Strings big(2000, "FILLER=x");
    Outcome outcome = check({image / "node", "node_modules/.bin/aws-lambda-ric", "index.handler"}, 8192, big);
    CHECK(outcome.status == 126);
    CHECK_THAT(outcome.err, Catch::Matchers::EndsWith(out_of_memory));
  }
  SECTION("the Python question's arguments (as many as the interpreter's flags)") {
    Strings command = {image / "python3"};
    command.insert(command.end(), 2000, "-B");
    command.insert(command.end(), {"-m", "awslambdaric", "app.handler"});
    Outcome outcome = check(command, 8192, {});
    CHECK(outcome.status == 126);
    CHECK_THAT(outcome.err, Catch::Matchers::EndsWith(out_of_memory));
  }
}
