// Failures to start, named by their cause: the real binary as a subprocess,
// after a failed execve (in the cloud), before the emulator starts (locally),
// and under --check, which starts nothing of the function.
#include <elf.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <csignal>
#include <cstring>
#include <functional>
#include <vector>

#include "elf_bytes.hpp"
#include "harness.hpp"
#include "host_cpu.hpp"

using harness::message;
using harness::Outcome;
using harness::Strings;

namespace {

constexpr const char* cloud = "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001";

// --check's line for the function's code as these tests leave it: no task
// root, and the empty /opt the harness gives the binary (see harness.cpp).
const std::string code_ok =
    "lambda-entrypoint: /opt: ok, the function's code, readable by other users (files: 0, directories: 1)\n";

unsigned this_machine() { return harness::entrypoint_arch() == "aarch64" ? elf_bytes::aarch64 : elf_bytes::x86_64; }
unsigned other_machine() { return harness::entrypoint_arch() == "aarch64" ? elf_bytes::x86_64 : elf_bytes::aarch64; }
std::string other_cpu() { return harness::entrypoint_arch() == "aarch64" ? "x86_64" : "aarch64"; }

// The kernel asked directly: path started with nothing in between, as root.
harness::Outcome kernel_starts(const std::string& path) {
  harness::Launch direct;
  direct.program = path;
  direct.argv = {path};
  return harness::launch(direct);
}

// Whether the kernel here hands aarch64 programs to qemu (binfmt_misc), and
// so starts programs that Lambda's x86_64 machines refuse.
bool binfmt_runs_aarch64() {
  return harness::read_file("/proc/sys/fs/binfmt_misc/qemu-aarch64").rfind("enabled", 0) == 0;
}

// Whether the kernel here starts an arm64 program whose ELF interpreter
// Lambda's arm64 machines would refuse: binfmt_misc hands the file to
// qemu-user, and execve() succeeds before the interpreter is looked at.
bool started_through_qemu_here() { return harness::entrypoint_arch() == "aarch64" && binfmt_runs_aarch64(); }

// Files in a directory of their own, with a recording emulator stand-in.
struct Files {
  harness::TempDir dir;
  harness::TempDir records;
  std::string emulator = dir / "aws-lambda-rie";

  Files() {
    harness::copy_file(harness::standin("emulator"), emulator, 0755);
    chmod(records.path().c_str(), 0777);
  }

  std::string add(const std::string& name, const std::string& content, mode_t mode = 0755) {
    harness::write_file(dir / name, content, mode);
    return dir / name;
  }

  Strings env(Strings extra = {}) const {
    Strings result = {"STANDIN_RECORD_DIR=" + records.path(), "LAMBDA_ENTRYPOINT_EMULATOR=" + emulator};
    result.insert(result.end(), extra.begin(), extra.end());
    return result;
  }

  bool emulator_ran() const { return !harness::records(records.path(), "emulator").empty(); }
};

struct Diagnosed {
  const char* cause;
  std::function<std::string(Files&)> make;  // the file, made in Files
  int status;
  std::function<std::string(const std::string&)> reason;  // of the file's path
  // Whether this machine (x86_64, perhaps with qemu in binfmt_misc) would
  // start the file after all, where the machine the binary is for would not.
  bool (*started_here)() = [] { return false; };
  // Whether the local pre-check leaves it to the kernel, which may run a
  // program for another CPU through qemu.
  bool left_to_kernel_locally = false;
  // The reason under --check, which judges for Lambda's user, where it is
  // not the reason a run gives.
  std::function<std::string(const std::string&)> reason_for_lambdas_user = nullptr;

  std::string reason_under_check(const std::string& path) const {
    return reason_for_lambdas_user ? reason_for_lambdas_user(path) : reason(path);
  }
};

// A dynamically linked program whose ELF interpreter, a sound static program,
// has the mode given: the kernel opens it to be executed, as the program.
std::string with_interpreter_of_mode(Files& files, mode_t mode) {
  std::string loader = files.dir / "ld.so";
  harness::copy_file(harness::other_static_program(), loader, mode);
  return files.add("dynamic", elf_bytes::file(this_machine(), loader));
}

// The reason for an ELF interpreter beside the program, named name, that is
// not an ELF file.
std::function<std::string(const std::string&)> interpreter_not_elf(const std::string& name) {
  return [name](const std::string& path) {
    return "its ELF interpreter " + path.substr(0, path.rfind('/')) + "/" + name +
           " is not an ELF file, which the kernel refuses to load";
  };
}

const std::vector<Diagnosed>& diagnosed() {
  static const std::vector<Diagnosed> cases = {
      {"a dynamically linked program whose ELF interpreter is missing",
       [](Files& f) { return f.add("dynamic", elf_bytes::file(this_machine(), "/nonexistent/ld-linux.so.2")); }, 127,
       [](const std::string&) {
         return std::string(
             "a dynamically linked program whose ELF interpreter /nonexistent/ld-linux.so.2 is "
             "missing: link it statically, or add its loader and libraries");
       },
       started_through_qemu_here},
      {"a dynamically linked program whose ELF interpreter is a script longer than an ELF header",
       [](Files& f) {
         std::string shell = f.add("long-interpreter.sh", "#!/bin/sh\n" + std::string(100, '#') + "\nexit 0\n");
         return f.add("dynamic", elf_bytes::file(this_machine(), shell));
       },
       126, interpreter_not_elf("long-interpreter.sh"), started_through_qemu_here},
      {"a dynamically linked program whose ELF interpreter is a short script",
       [](Files& f) {
         std::string shell = f.add("interpreter.sh", "#!/bin/sh\nexit 0\n");
         return f.add("dynamic", elf_bytes::file(this_machine(), shell));
       },
       126, interpreter_not_elf("interpreter.sh"), started_through_qemu_here},
      {"a dynamically linked program whose ELF interpreter is a directory",
       [](Files& f) {
         harness::make_dirs(f.dir / "loader-directory");
         return f.add("dynamic", elf_bytes::file(this_machine(), f.dir / "loader-directory"));
       },
       126, interpreter_not_elf("loader-directory"), started_through_qemu_here},
      {"a dynamically linked program whose ELF interpreter no one may execute (mode 0644)",
       [](Files& f) { return with_interpreter_of_mode(f, 0644); }, 126,
       [](const std::string& path) {
         return "its ELF interpreter " + path.substr(0, path.rfind('/')) +
                "/ld.so: no execute permission for this user (mode 0644)";
       },
       started_through_qemu_here, false,
       [](const std::string& path) {
         return "its ELF interpreter " + path.substr(0, path.rfind('/')) +
                "/ld.so: no execute permission for other users (mode 0644); Lambda runs the function as a user who "
                "is neither its owner nor in its group: chmod o+rx";
       }},
      {"a dynamically linked program whose ELF interpreter is a FIFO no one writes to",
       [](Files& f) {
         REQUIRE(mkfifo((f.dir / "loader-fifo").c_str(), 0755) == 0);
         return f.add("dynamic", elf_bytes::file(this_machine(), f.dir / "loader-fifo"));
       },
       126, interpreter_not_elf("loader-fifo"), started_through_qemu_here},
      {"a script whose interpreter is missing",
       [](Files& f) { return f.add("bash-script", "#!/nonexistent/bash -e\necho\n"); }, 127,
       [](const std::string&) {
         return std::string("its '#!' interpreter /nonexistent/bash: No such file or directory");
       }},
      {"a script whose interpreter is a script whose interpreter is missing",
       [](Files& f) {
         std::string inner = f.add("inner", "#!/nonexistent/sh\n");
         return f.add("outer", "#!" + inner + "\n");
       },
       127,
       [](const std::string& path) {
         std::string inner = path.substr(0, path.rfind('/')) + "/inner";
         return "its '#!' interpreter " + inner + ": its '#!' interpreter /nonexistent/sh: No such file or directory";
       }},
      {"a script with Windows line endings", [](Files& f) { return f.add("crlf", "#!/bin/sh\r\necho hi\r\n"); }, 127,
       [](const std::string&) {
         return std::string(
             "its '#!' line ends in a carriage return: the file has Windows line endings (CRLF); "
             "convert them to LF");
       }},
      {"a program for the other CPU Lambda runs",
       [](Files& f) { return f.add("foreign", elf_bytes::file(other_machine())); }, 126,
       [](const std::string&) {
         return "an " + other_cpu() + " program; this is an " + harness::entrypoint_arch() + " machine";
       },
       [] { return other_cpu() == "x86_64" || binfmt_runs_aarch64(); }, true},
      {"a program for a CPU no emulator here runs (ELF machine 75, VAX)",
       [](Files& f) { return f.add("vax", elf_bytes::file(75)); }, 126,
       [](const std::string&) {
         return "a program for another CPU (ELF machine 75); this is an " + harness::entrypoint_arch() + " machine";
       },
       [] { return false; }, true},
      {"a '#!' line with nothing after it", [](Files& f) { return f.add("bare-shebang", "#!\necho hi\n"); }, 126,
       [](const std::string&) { return std::string("its '#!' line names no interpreter"); }},
      {"a '#!' line of blanks", [](Files& f) { return f.add("blank-shebang", "#! \t \necho hi\n"); }, 126,
       [](const std::string&) { return std::string("its '#!' line names no interpreter"); }},
      {"a file of '#!' alone", [](Files& f) { return f.add("shebang-alone", "#!"); }, 126,
       [](const std::string&) { return std::string("its '#!' line names no interpreter"); }},
      {"a script without '#!'", [](Files& f) { return f.add("no-shebang", "echo hi\n"); }, 126,
       [](const std::string&) { return std::string("neither a program (ELF) nor a script starting with '#!'"); }},
      // A file where a directory should be: the kernel's ENOTDIR, whether
      // anyone may execute that file (access() then says EACCES) or not.
      {"a path through a file no one may execute (mode 0644)",
       [](Files& f) { return f.add("plain", "x\n", 0644) + "/program"; }, 127,
       [](const std::string&) { return std::string("Not a directory"); }},
      {"a path through an executable file (mode 0755)",
       [](Files& f) { return f.add("plain", "x\n", 0755) + "/program"; }, 127,
       [](const std::string&) { return std::string("Not a directory"); }},
      {"a file named with a trailing slash", [](Files& f) { return f.add("plain", "x\n", 0644) + "/"; }, 127,
       [](const std::string&) { return std::string("Not a directory"); }},
  };
  return cases;
}

}  // namespace

TEST_CASE("in the cloud, a failed execve names its cause, with the shell's exit code", "[diagnosis]") {
  for (const Diagnosed& d : diagnosed()) {
    DYNAMIC_SECTION(d.cause) {
      Files files;
      std::string path = d.make(files);
      if (d.started_here()) {
        WARN("not executed: this machine would start it, as an " << harness::entrypoint_arch() << " one would not");
        continue;
      }
      Outcome outcome = harness::run_entrypoint({path}, files.env({cloud}));
      CHECK(outcome.status == d.status);
      CHECK(outcome.err == message(path, d.reason(path)) + "\n");
    }
  }
}

TEST_CASE("locally, the same causes are found before the emulator starts", "[diagnosis]") {
  for (const Diagnosed& d : diagnosed()) {
    if (d.left_to_kernel_locally) continue;
    DYNAMIC_SECTION(d.cause) {
      Files files;
      std::string path = d.make(files);
      Outcome outcome = harness::run_entrypoint({path, "app.handler"}, files.env());
      CHECK(outcome.status == d.status);
      CHECK(outcome.err == message(path, d.reason(path)) + "; the emulator was to run it\n");
      CHECK(!files.emulator_ran());
    }
  }
}

TEST_CASE(
    "locally, a script whose '#!' interpreter's path goes through a file is 127, the interpreter Not a directory, "
    "whether anyone may execute that file or not",
    "[diagnosis]") {
  for (mode_t mode : {0644, 0755, 0100, 0000}) {
    DYNAMIC_SECTION("the file of mode " << harness::octal(mode)) {
      Files files;
      std::string plain = files.add("plain", "x\n", mode);
      std::string script = files.add("run.sh", "#!" + plain + "/sh\n");
      Outcome outcome = harness::run_entrypoint({script, "app.handler"}, files.env());
      CHECK(outcome.status == 127);
      CHECK(outcome.err ==
            message(script, "its '#!' interpreter " + plain + "/sh: Not a directory; the emulator was to run it\n"));
      CHECK(!files.emulator_ran());
    }
  }
}

TEST_CASE("under --check, the same causes are named, with --check's own lines and nothing run", "[diagnosis]") {
  for (const Diagnosed& d : diagnosed()) {
    DYNAMIC_SECTION(d.cause) {
      Files files;
      harness::copy_file(harness::entrypoint(), files.emulator, 0755);  // an emulator for this CPU, that passes
      std::string path = d.make(files);
      Outcome outcome = harness::run_entrypoint({"--check", path, "app.handler"}, files.env({cloud}));
      CHECK(outcome.status == d.status);
      CHECK(outcome.err == message(path, d.reason_under_check(path)) + "\n");
      // What only --check prints, which no run does: the emulator judged, in
      // the cloud too, and the code walked.
      CHECK(outcome.out ==
            message(files.emulator, "ok, the emulator, a static " + harness::entrypoint_arch() + " program\n") +
                code_ok);
    }
  }
}

TEST_CASE(
    "in the cloud, run as Lambda's user (as Lambda runs it), a directory on the program's way that user cannot "
    "search is named, with 126; one it can search is not, and the program starts",
    "[diagnosis]") {
  // The program lies in code/ (or in outer/code/, the directory judged being
  // outer/), made by root: Lambda's user is neither owner nor in the group.
  // Named relative to the working directory too, by one-character names
  // (c/, o/c/): the first directory is then the path's first character.
  for (bool relative : {false, true}) {
    for (bool nested : {false, true}) {
      for (mode_t mode : {0700, 0750, 0744, 0766, 0000, 0711, 0755, 0701, 0001}) {
        DYNAMIC_SECTION((relative ? "relative, " : "")
                        << (nested ? "outer/code/, outer/ of mode " : "code/ of mode ") << harness::octal(mode)) {
          Files files;
          const std::string outer = relative ? "o" : "outer", inner = relative ? "c" : "code";
          const std::string named = nested ? outer : inner;  // the judged directory, as the path names it
          std::string judged = files.dir / named;
          std::string code = nested ? judged + "/" + inner : judged;
          harness::make_dirs(code);
          std::string program = code + "/bootstrap";
          harness::copy_file(harness::standin("handler"), program, 0755);
          REQUIRE(chmod(judged.c_str(), mode) == 0);
          // A copy of the binary that user may execute, wherever the build lies.
          harness::copy_file(harness::entrypoint(), files.dir / "lambda-entrypoint", 0755);
          const std::string given = relative ? (nested ? outer + "/" + inner : inner) + "/bootstrap" : program;
          harness::Launch as_lambda;
          as_lambda.program = files.dir / "lambda-entrypoint";
          as_lambda.argv = {"lambda-entrypoint", given};
          as_lambda.env = files.env({cloud});
          as_lambda.cwd = files.dir.path();
          as_lambda.before_exec = [] { harness::become_lambda_user(99); };
          Outcome outcome = harness::launch(as_lambda);
          chmod(judged.c_str(), 0755);  // for the directory to be removed
          if ((mode & S_IXOTH) == 0) {
            CHECK(outcome.status == 126);
            CHECK(outcome.err ==
                  message(given, "the directory " + (relative ? named : judged) + " on its path cannot be searched\n"));
            CHECK(harness::records(files.records.path(), "handler").empty());
          } else {
            CHECK(outcome.status == 0);
            CHECK(outcome.err.empty());
            CHECK(harness::records(files.records.path(), "handler").size() == 1);
          }
        }
      }
    }
  }
}

TEST_CASE(
    "run as Lambda's user itself, --check names a program that user may execute but not read \"executable, "
    "unreadable here\", and one it may read by its kind; the kernel starts both",
    "[diagnosis]") {
  // Modes whose others' bits give execute without read, then execute with
  // read; the owner's and group's bits are root's, and grant that user nothing.
  for (mode_t mode : {0711, 0701, 0751, 0771, 0001, 0755, 0705, 0745, 0005}) {
    DYNAMIC_SECTION("the program of mode " << harness::octal(mode)) {
      Files files;
      harness::copy_file(harness::entrypoint(), files.emulator, 0755);
      harness::copy_file(harness::entrypoint(), files.dir / "lambda-entrypoint", 0755);
      std::string program = files.dir / "bootstrap";
      harness::copy_file(harness::other_static_program(), program, mode);
      harness::Launch as_lambda;
      as_lambda.program = files.dir / "lambda-entrypoint";
      as_lambda.argv = {"lambda-entrypoint", "--check", program};
      as_lambda.env = files.env();
      as_lambda.before_exec = [] { harness::become_lambda_user(99); };
      Outcome outcome = harness::launch(as_lambda);
      const bool readable = (mode & S_IROTH) != 0;
      CHECK(outcome.status == 0);
      CHECK(outcome.err.empty());
      CHECK(outcome.out ==
            message(files.emulator, "ok, the emulator, a static " + harness::entrypoint_arch() + " program\n") +
                message(program, readable ? "ok, the program, a static " + harness::entrypoint_arch() + " program\n"
                                          : std::string("ok, the program, executable, unreadable here\n")) +
                code_ok);
      // The kernel, asked: it starts the program for that user, read or
      // not (the probe, given nothing to run, exits 2). qemu-user, which
      // must read a program of the other CPU, is not asked.
      if (harness::entrypoint_arch() == harness::host_arch()) {
        harness::Launch direct = as_lambda;
        direct.program = program;
        direct.argv = {program};
        CHECK(harness::launch(direct).status == 2);
      }
    }
  }
}

TEST_CASE("a sound image passes --check: one ok line per file a run would execute, exit 0", "[diagnosis]") {
  Files files;
  std::string bootstrap = files.dir / "bootstrap";
  harness::copy_file(harness::other_static_program(), bootstrap, 0755);  // a static program for this CPU
  harness::copy_file(harness::entrypoint(), files.emulator, 0755);
  std::string script = files.add("run.sh", "#!" + bootstrap + " --flag\n");
  const std::string cpu = harness::entrypoint_arch();

  SECTION("the command form: the emulator and the program") {
    Outcome outcome = harness::run_entrypoint({"--check", bootstrap, "app.handler"}, files.env({cloud}));
    CHECK(outcome.status == 0);
    CHECK(outcome.err.empty());
    CHECK(outcome.out == message(files.emulator, "ok, the emulator, a static " + cpu + " program\n") +
                             message(bootstrap, "ok, the program, a static " + cpu + " program\n") + code_ok);
  }
  SECTION("a script, and its interpreter on a line of its own") {
    Outcome outcome = harness::run_entrypoint({"--check", script}, files.env());
    CHECK(outcome.status == 0);
    CHECK_THAT(outcome.out,
               Catch::Matchers::EndsWith(message(script, "ok, the program, a script for " + bootstrap + "\n") +
                                         message(bootstrap, "ok, a '#!' interpreter, a static " + cpu + " program\n") +
                                         code_ok));
  }
  SECTION("the AWS form checks its bootstrap, and AWS_LAMBDA_EXEC_WRAPPER is checked in the command form") {
    Outcome aws = harness::run_entrypoint({"--check", "--aws-form", "app.handler"},
                                          files.env({"LAMBDA_ENTRYPOINT_BOOTSTRAP=" + bootstrap}));
    CHECK(aws.status == 0);
    CHECK_THAT(aws.out, Catch::Matchers::EndsWith(
                            message(bootstrap, "ok, the bootstrap, a static " + cpu + " program\n") + code_ok));
    Outcome wrapped = harness::run_entrypoint({"--check", bootstrap}, files.env({"AWS_LAMBDA_EXEC_WRAPPER=" + script}));
    CHECK(wrapped.status == 0);
    CHECK_THAT(wrapped.out,
               Catch::Matchers::ContainsSubstring(message(script, "ok, AWS_LAMBDA_EXEC_WRAPPER, a script for ")));
    CHECK_THAT(wrapped.out, Catch::Matchers::ContainsSubstring(
                                message(bootstrap, "ok, the program, a static " + cpu + " program\n")));
  }
  SECTION("an image without the emulator passes, with a note on how a local run gets it") {
    unlink(files.emulator.c_str());
    Outcome outcome = harness::run_entrypoint({"--check", bootstrap}, files.env());
    CHECK(outcome.status == 0);
    CHECK(outcome.out == message(files.emulator,
                                 "no emulator in the image, which an image for the cloud may leave "
                                 "out; a local run can mount it (docker run -v "
                                 "~/.aws-lambda-rie:/aws-lambda -p 9000:8080 IMAGE)\n") +
                             message(bootstrap, "ok, the program, a static " + cpu + " program\n") + code_ok);
  }
}

TEST_CASE("under --check, permissions are judged for Lambda's user, who is neither the owner nor in the group",
          "[diagnosis]") {
  Files files;
  std::string bootstrap = files.dir / "bootstrap";
  harness::copy_file(harness::other_static_program(), bootstrap, 0700);
  harness::copy_file(harness::entrypoint(), files.emulator, 0755);
  const std::string others = "; Lambda runs the function as a user who is neither its owner nor in its group";

  SECTION("a program only its owner may run") {
    Outcome outcome = harness::run_entrypoint({"--check", bootstrap}, files.env());
    CHECK(outcome.status == 126);
    CHECK(outcome.err ==
          message(bootstrap, "no execute permission for other users (mode 0700)" + others + ": chmod o+rx\n"));
  }
  SECTION("a mode is shown with its set-user-ID, set-group-ID and sticky bits") {
    for (mode_t mode : {04700, 02700, 01700, 07750, 06710}) {
      INFO("the program of mode " << harness::octal(mode));
      REQUIRE(chmod(bootstrap.c_str(), mode) == 0);
      Outcome outcome = harness::run_entrypoint({"--check", bootstrap}, files.env());
      CHECK(outcome.status == 126);
      CHECK(outcome.err == message(bootstrap, "no execute permission for other users (mode " + harness::octal(mode) +
                                                  ")" + others + ": chmod o+rx\n"));
    }
  }
  SECTION("a script other users cannot read") {
    chmod(bootstrap.c_str(), 0755);
    std::string script = files.add("run.sh", "#!" + bootstrap + "\n", 0711);
    Outcome outcome = harness::run_entrypoint({"--check", script}, files.env());
    CHECK(outcome.status == 126);
    CHECK(outcome.err == message(script, "a script other users cannot read (mode 0711)" + others + ": chmod o+r\n"));
  }
  SECTION("a directory on the way other users cannot search") {
    chmod(bootstrap.c_str(), 0755);
    chmod(files.dir.path().c_str(), 0750);
    Outcome outcome = harness::run_entrypoint({"--check", bootstrap}, files.env());
    CHECK(outcome.status == 126);
    CHECK_THAT(outcome.err,
               Catch::Matchers::EndsWith(message(bootstrap, "the directory " + files.dir.path() +
                                                                " on its path cannot be searched by other users "
                                                                "(mode 0750)" +
                                                                others + ": chmod o+x\n")));
    chmod(files.dir.path().c_str(), 0755);
  }
  SECTION("a directory other users cannot search, reached through a link of one character, relative or '/'") {
    chmod(bootstrap.c_str(), 0755);
    const std::string closed = files.dir / "d", program = closed + "/bootstrap";
    harness::make_dirs(closed);
    harness::copy_file(bootstrap, program, 0755);
    REQUIRE(chmod(closed.c_str(), 0750) == 0);
    REQUIRE(symlink("d", (files.dir / "l").c_str()) == 0);
    REQUIRE(symlink("/", (files.dir / "r").c_str()) == 0);
    for (const std::string& path : {files.dir / "l/bootstrap", files.dir / "r" + program}) {
      INFO(path);
      Outcome outcome = harness::run_entrypoint({"--check", path}, files.env());
      CHECK(outcome.status == 126);
      CHECK_THAT(outcome.err, Catch::Matchers::EndsWith(message(path, "the directory " + closed +
                                                                          " on its path cannot be searched by other "
                                                                          "users (mode 0750)" +
                                                                          others + ": chmod o+x\n")));
    }
    chmod(closed.c_str(), 0755);
  }
  SECTION("a program whose ELF interpreter Lambda's user cannot execute, which root can") {
    chmod(bootstrap.c_str(), 0755);
    for (mode_t mode : {0700, 0750, 0754, 0100, 0711, 0755, 0701, 0001}) {
      INFO("its interpreter of mode " << harness::octal(mode));
      std::string dynamic = files.add("dynamic", elf_bytes::file(this_machine(), bootstrap));
      REQUIRE(chmod(bootstrap.c_str(), mode) == 0);
      Outcome outcome = harness::run_entrypoint({"--check", dynamic}, files.env());
      chmod(bootstrap.c_str(), 0755);
      if ((mode & S_IXOTH) == 0) {
        CHECK(outcome.status == 126);
        CHECK(outcome.err ==
              message(dynamic, "its ELF interpreter " + bootstrap + ": no execute permission for other users (mode " +
                                   harness::octal(mode) + ")" + others + ": chmod o+rx\n"));
      } else {
        CHECK(outcome.status == 0);
        CHECK(outcome.err.empty());
      }
    }
  }
  SECTION("an emulator for the other CPU fails the check") {
    chmod(bootstrap.c_str(), 0755);
    harness::write_file(files.emulator, elf_bytes::file(other_machine()), 0755);
    Outcome outcome = harness::run_entrypoint({"--check", bootstrap}, files.env());
    CHECK(outcome.status == 126);
    CHECK(outcome.err ==
          message(files.emulator, "an " + other_cpu() + " program; this is an " + harness::entrypoint_arch() +
                                      " machine; it is the Runtime Interface Emulator "
                                      "(LAMBDA_ENTRYPOINT_EMULATOR)\n"));
  }
  SECTION("a program not found in PATH exits 127, as a run would") {
    Outcome outcome = harness::run_entrypoint({"--check", "no-such-program"}, files.env({"PATH=/nonexistent"}));
    CHECK(outcome.status == 127);
    CHECK_THAT(outcome.err, Catch::Matchers::EndsWith(message("no-such-program", "not found in PATH=/nonexistent\n")));
  }
}

TEST_CASE(
    "under --check, npm's npx and npm get a note of what they cost as the runtime's parent, or fail without a shell",
    "[diagnosis]") {
  const std::string instead =
      "; start the runtime client with node directly, e.g. node node_modules/.bin/aws-lambda-ric HANDLER\n";
  const std::string note =
      ": note: npm stays resident as the runtime's parent and starts it with /bin/sh -c: an npm process (about 76 "
      "MB) and a shell under the runtime, and about half a second of every cold start" +
      instead;
  // npm starts the program it runs with this machine's /bin/sh: sound for a
  // binary built for this machine's CPU, a program for another CPU to one
  // built for that other CPU, which --check fails as a run would.
  const bool native = harness::cpu_emulator(harness::entrypoint()).empty();
  const std::string cpu = harness::entrypoint_arch();
  auto judged = [&](const Outcome& outcome, const std::string& path) {
    if (native) {
      CHECK(outcome.status == 0);
      CHECK(outcome.err.empty());
      CHECK_THAT(outcome.out,
                 Catch::Matchers::EndsWith(message(path, "ok, the program, a static " + cpu + " program\n") +
                                           "lambda-entrypoint: " + path + note + code_ok));
    } else {
      CHECK(outcome.status == 126);
      CHECK(outcome.err == message(path, "npm starts the program it runs with /bin/sh -c, and /bin/sh: an " +
                                             other_cpu() + " program; this is an " + cpu + " machine" + instead));
    }
  };
  Files files;
  std::string bin = files.dir / "bin";
  harness::make_dirs(bin);
  harness::copy_file(harness::entrypoint(), files.emulator, 0755);
  for (const char* name : {"npx", "npm"}) {
    DYNAMIC_SECTION(name << ", found in PATH") {
      std::string path = bin + "/" + name;
      harness::copy_file(harness::entrypoint(), path, 0755);
      judged(harness::run_entrypoint({"--check", name, "aws-lambda-ric", "index.handler"}, files.env({"PATH=" + bin})),
             path);
    }
  }
  SECTION("a link under another name to npm's npx-cli.js") {
    std::string cli_dir = files.dir / "lib/node_modules/npm/bin";
    harness::make_dirs(cli_dir);
    harness::copy_file(harness::entrypoint(), cli_dir + "/npx-cli.js", 0755);
    std::string link = bin + "/start-runtime";
    REQUIRE(symlink("../lib/node_modules/npm/bin/npx-cli.js", link.c_str()) == 0);
    judged(harness::run_entrypoint({"--check", link, "aws-lambda-ric"}, files.env()), link);
  }
  SECTION("the same program under another name gets no note and passes") {
    std::string path = bin + "/node";
    harness::copy_file(harness::entrypoint(), path, 0755);
    Outcome outcome = harness::run_entrypoint({"--check", path, "index.mjs"}, files.env());
    CHECK(outcome.status == 0);
    CHECK(outcome.err.empty());
    CHECK(outcome.out.find("note:") == std::string::npos);
  }
}

TEST_CASE("a chain of five '#!' scripts passes, as Linux runs it; a sixth is named as nesting too deep",
          "[diagnosis]") {
  Files files;
  std::string program = files.dir / "program";
  harness::copy_file(harness::entrypoint(), program, 0755);
  harness::copy_file(harness::entrypoint(), files.emulator, 0755);
  std::string previous = program;
  Strings scripts;
  for (int i = 1; i <= 6; ++i) {
    previous = files.add("script" + std::to_string(i), "#!" + previous + "\n");
    scripts.push_back(previous);
  }
  SECTION("five scripts deep: --check passes, with a line for each") {
    Outcome outcome = harness::run_entrypoint({"--check", scripts[4]}, files.env());
    CHECK(outcome.status == 0);
    CHECK(outcome.err.empty());
    CHECK_THAT(outcome.out, Catch::Matchers::ContainsSubstring(message(program, "ok, a '#!' interpreter, a static ")));
  }
  SECTION("six scripts deep: named under --check and after the kernel refuses it in the cloud") {
    std::string reason;
    for (int i = 5; i >= 1; --i) reason += "its '#!' interpreter " + scripts[static_cast<size_t>(i - 1)] + ": ";
    reason += "its '#!' interpreters nest deeper than Linux follows\n";
    Outcome checked = harness::run_entrypoint({"--check", scripts[5]}, files.env());
    CHECK(checked.status == 126);
    CHECK(checked.err == message(scripts[5], reason));
    Outcome run = harness::run_entrypoint({scripts[5]}, files.env({cloud}));
    CHECK(run.status == 126);
    CHECK(run.err == message(scripts[5], reason));
  }
  SECTION("six scripts deep, the sixth's interpreter missing: Linux opens it first, so 127 as the kernel says") {
    REQUIRE(unlink(program.c_str()) == 0);
    std::string reason;
    for (int i = 5; i >= 1; --i) reason += "its '#!' interpreter " + scripts[static_cast<size_t>(i - 1)] + ": ";
    reason += "its '#!' interpreter " + program + ": No such file or directory\n";
    Outcome checked = harness::run_entrypoint({"--check", scripts[5]}, files.env());
    CHECK(checked.status == 127);
    CHECK(checked.err == message(scripts[5], reason));
    Outcome run = harness::run_entrypoint({scripts[5]}, files.env({cloud}));
    CHECK(run.status == 127);
    CHECK(run.err == message(scripts[5], reason));
  }
  SECTION("six scripts deep, the sixth's line ending in a carriage return: 127, named as Windows line endings") {
    harness::write_file(scripts[0], "#!" + program + "\r\n", 0755);
    std::string reason;
    for (int i = 5; i >= 1; --i) reason += "its '#!' interpreter " + scripts[static_cast<size_t>(i - 1)] + ": ";
    reason += "its '#!' line ends in a carriage return: the file has Windows line endings (CRLF); convert them to LF";
    for (const Strings& args : {Strings{"--check", scripts[5]}, Strings{scripts[5]}}) {
      Outcome outcome = harness::run_entrypoint(args, files.env({cloud}));
      CHECK(outcome.status == 127);
      CHECK_THAT(outcome.err, Catch::Matchers::StartsWith(message(scripts[5], reason)));
    }
  }
}

TEST_CASE("under --check with AWS_LAMBDA_EXEC_WRAPPER set, the program is judged too: missing, unrunnable or sound",
          "[diagnosis]") {
  Files files;
  harness::copy_file(harness::entrypoint(), files.emulator, 0755);
  std::string wrapper = files.dir / "wrapper";
  harness::copy_file(harness::entrypoint(), wrapper, 0755);
  const std::string cpu = harness::entrypoint_arch();
  const std::string wrapper_ok = message(wrapper, "ok, AWS_LAMBDA_EXEC_WRAPPER, a static " + cpu + " program\n");
  Strings env = files.env({"AWS_LAMBDA_EXEC_WRAPPER=" + wrapper});
  SECTION("a missing program: 127") {
    std::string missing = files.dir / "missing";
    Outcome outcome = harness::run_entrypoint({"--check", missing, "app.handler"}, env);
    CHECK(outcome.status == 127);
    CHECK(outcome.err == message(missing, "No such file or directory\n"));
    CHECK_THAT(outcome.out, Catch::Matchers::ContainsSubstring(wrapper_ok));
  }
  SECTION("a program other users cannot run: 126") {
    std::string closed = files.dir / "closed";
    harness::copy_file(harness::entrypoint(), closed, 0700);
    Outcome outcome = harness::run_entrypoint({"--check", closed, "app.handler"}, env);
    CHECK(outcome.status == 126);
    CHECK_THAT(outcome.err,
               Catch::Matchers::StartsWith(message(closed, "no execute permission for other users (mode 0700)")));
  }
  SECTION("a sound program: 0, a line for each") {
    std::string program = files.dir / "program";
    harness::copy_file(harness::entrypoint(), program, 0755);
    Outcome outcome = harness::run_entrypoint({"--check", program, "app.handler"}, env);
    CHECK(outcome.status == 0);
    CHECK(outcome.out == message(files.emulator, "ok, the emulator, a static " + cpu + " program\n") + wrapper_ok +
                             message(program, "ok, the program, a static " + cpu + " program\n") + code_ok);
  }
}

TEST_CASE(
    "under --check in the AWS form, AWS_LAMBDA_EXEC_WRAPPER is judged as the bootstrap will start it: every "
    "cause named, with its code",
    "[diagnosis]") {
  const std::string cpu = harness::entrypoint_arch();
  auto check_aws_form = [](const Files& files, const std::string& bootstrap, const std::string& wrapper) {
    return harness::run_entrypoint(
        {"--check", "--aws-form", "app.handler"},
        files.env({"LAMBDA_ENTRYPOINT_BOOTSTRAP=" + bootstrap, "AWS_LAMBDA_EXEC_WRAPPER=" + wrapper}));
  };
  for (const Diagnosed& d : diagnosed()) {
    DYNAMIC_SECTION(d.cause) {
      Files files;
      harness::copy_file(harness::entrypoint(), files.emulator, 0755);
      std::string bootstrap = files.dir / "bootstrap";
      harness::copy_file(harness::other_static_program(), bootstrap, 0755);
      std::string wrapper = d.make(files);
      Outcome outcome = check_aws_form(files, bootstrap, wrapper);
      CHECK(outcome.status == d.status);
      CHECK(outcome.err ==
            message(wrapper, d.reason_under_check(wrapper)) + "; it is named by AWS_LAMBDA_EXEC_WRAPPER\n");
      CHECK_THAT(outcome.out, Catch::Matchers::ContainsSubstring(
                                  message(bootstrap, "ok, the bootstrap, a static " + cpu + " program\n")));
    }
  }
  Files files;
  harness::copy_file(harness::entrypoint(), files.emulator, 0755);
  std::string bootstrap = files.dir / "bootstrap";
  harness::copy_file(harness::other_static_program(), bootstrap, 0755);
  SECTION("a wrapper that is not there: 127") {
    std::string missing = files.dir / "missing";
    Outcome outcome = check_aws_form(files, bootstrap, missing);
    CHECK(outcome.status == 127);
    CHECK(outcome.err == message(missing, "No such file or directory; it is named by AWS_LAMBDA_EXEC_WRAPPER\n"));
  }
  SECTION("a wrapper Lambda's user cannot run: 126") {
    std::string closed = files.add("closed", "#!" + bootstrap + "\n", 0700);
    Outcome outcome = check_aws_form(files, bootstrap, closed);
    CHECK(outcome.status == 126);
    CHECK_THAT(outcome.err,
               Catch::Matchers::StartsWith(message(closed, "no execute permission for other users (mode 0700)")));
  }
  SECTION("a sound wrapper: 0, its line after the bootstrap's, and its interpreter's") {
    std::string wrapper = files.add("wrapper", "#!" + bootstrap + "\n");
    Outcome outcome = check_aws_form(files, bootstrap, wrapper);
    CHECK(outcome.status == 0);
    CHECK(outcome.err.empty());
    CHECK(outcome.out == message(files.emulator, "ok, the emulator, a static " + cpu + " program\n") +
                             message(bootstrap, "ok, the bootstrap, a static " + cpu + " program\n") +
                             message(wrapper, "ok, AWS_LAMBDA_EXEC_WRAPPER, a script for " + bootstrap + "\n") +
                             message(bootstrap, "ok, a '#!' interpreter, a static " + cpu + " program\n") + code_ok);
  }
  SECTION("an empty AWS_LAMBDA_EXEC_WRAPPER counts as unset: nothing to judge") {
    Outcome outcome = check_aws_form(files, bootstrap, "");
    CHECK(outcome.status == 0);
    CHECK(outcome.out.find("AWS_LAMBDA_EXEC_WRAPPER") == std::string::npos);
  }
}

TEST_CASE(
    "a '#!' argument ending in a carriage return is 127, named as Windows line endings, under --check and locally",
    "[diagnosis]") {
  Files files;
  harness::copy_file(harness::entrypoint(), files.emulator, 0755);  // an emulator for this CPU, that passes
  std::string interpreter = files.dir / "interpreter";
  harness::copy_file(harness::entrypoint(), interpreter, 0755);
  std::string script = files.add("crlf-argument", "#!" + interpreter + " -e\r\necho hi\r\n");
  const std::string reason =
      "its '#!' line ends in a carriage return: the file has Windows line endings (CRLF); convert them to LF";
  Outcome checked = harness::run_entrypoint({"--check", script}, files.env());
  CHECK(checked.status == 127);
  CHECK(checked.err == message(script, reason) + "\n");
  Outcome local = harness::run_entrypoint({script, "app.handler"}, files.env());
  CHECK(local.status == 127);
  CHECK(local.err == message(script, reason) + "; the emulator was to run it\n");
}

TEST_CASE(
    "a loader that ends its output and then fails has not listed the libraries: --check waits for its exit, "
    "also when started with SIGCHLD ignored; nor has one that cannot be started",
    "[diagnosis][host-cpu]") {
  // The stand-in is built for this machine, and a loader must be for the binary's CPU.
  require_host_cpu("the stand-in loader is a program for this machine");
  Files files;
  harness::copy_file(harness::entrypoint(), files.emulator, 0755);
  // glibc's loader by its name, for --check to ask it; it says nothing, and
  // exits 1 a moment after its output has ended.
  std::string loader = files.dir / "ld-linux-x86-64.so.2";
  harness::copy_file(harness::standin("quiet-loader"), loader, 0755);
  std::string program = files.add("dynamic", elf_bytes::file(this_machine(), loader));
  // Also when this program is started with SIGCHLD ignored, which would
  // leave the loader's exit status to nobody; and when the loader is open
  // for writing, so that its execve fails (ETXTBSY) in the child --check
  // started for it.
  for (const std::string condition : {"as it is", "SIGCHLD ignored", "the loader busy"}) {
    INFO(condition);
    harness::Launch launch;
    if (condition == "SIGCHLD ignored") launch.before_exec = [] { signal(SIGCHLD, SIG_IGN); };
    int writer = condition == "the loader busy" ? open(loader.c_str(), O_WRONLY) : -1;
    Outcome outcome = harness::run_entrypoint({"--check", program}, files.env(), launch);
    if (writer >= 0) close(writer);
    CHECK(outcome.status == 0);
    CHECK(outcome.err.empty());
    CHECK(outcome.out ==
          message(files.emulator, "ok, the emulator, a static " + harness::entrypoint_arch() + " program\n") +
              message(program, "ok, the program, a dynamically linked " + harness::entrypoint_arch() +
                                   " program (its ELF interpreter is there)\n") +
              code_ok);
  }
}

namespace {

// A copy of a sound static program whose PT_GNU_STACK program header is made
// a PT_INTERP of size bytes at the file's end, where interpreter is put.
std::string with_own_interpreter(const std::string& program, const std::string& interpreter, size_t size) {
  std::string bytes = harness::read_file(program);
  auto header = elf_bytes::read_at<Elf64_Ehdr>(bytes, 0);
  for (size_t i = 0; i < header.e_phnum; ++i) {
    const size_t at = elf_bytes::program_header_offset(header, i);
    auto segment = elf_bytes::read_at<Elf64_Phdr>(bytes, at);
    if (segment.p_type != PT_GNU_STACK) continue;
    segment.p_type = PT_INTERP;
    segment.p_offset = bytes.size();
    segment.p_filesz = size;
    std::memcpy(bytes.data() + at, &segment, sizeof segment);
    return bytes + interpreter;
  }
  FAIL("no PT_GNU_STACK in " << program);
  return bytes;
}

}  // namespace

TEST_CASE(
    "an ELF interpreter's own PT_INTERP is not read by the kernel: a program whose interpreter has one that is "
    "missing, runs past the file's end, is too short or too long, or has no NUL starts, as the kernel starts it, in "
    "the cloud, locally and under --check; that interpreter run as a program is refused as the kernel refuses it",
    "[diagnosis][oracle][host-cpu]") {
  require_host_cpu("the oracle is this machine's kernel, which loads a program for another CPU through qemu-user");
  struct OwnInterpreter {
    const char* what;
    std::string bytes;  // at the file's end
    size_t size;        // its PT_INTERP's p_filesz
    int error;          // the kernel's, for the interpreter run as a program
  };
  const std::string missing = std::string("/nowhere/ld.so") + '\0';
  const OwnInterpreter cases[] = {
      {"missing", missing, missing.size(), ENOENT},
      {"running 5 bytes past the file's end", missing, missing.size() + 5, EIO},
      {"of a single byte, its NUL", std::string(1, '\0'), 1, ENOEXEC},
      {"of 4,097 bytes", "/" + std::string(4095, 'l') + '\0', 4097, ENOEXEC},
      {"whose last byte is no NUL", "/nowhere/ld.so", 14, ENOEXEC},
  };
  for (const OwnInterpreter& own : cases) {
    DYNAMIC_SECTION("its own PT_INTERP " << own.what) {
      Files files;
      std::string loader =
          files.add("ld.so", with_own_interpreter(harness::other_static_program(), own.bytes, own.size));
      std::string program = files.add("dynamic", elf_bytes::file(this_machine(), loader));
      // The kernel: execve() of the program succeeds and runs its interpreter
      // (which then ends as it ends: the program it was given to run is a
      // bare header); the interpreter alone is refused.
      harness::Outcome started = kernel_starts(program), refused = kernel_starts(loader);
      INFO("the kernel's start: exit " << started.status << ", " << started.err);
      REQUIRE(started.err.find(program) == std::string::npos);  // the harness's line of a failed execve()
      REQUIRE_THAT(refused.err, Catch::Matchers::ContainsSubstring(loader + ": " + std::strerror(own.error)));
      // lambda-entrypoint, the program.
      Outcome checked = harness::run_entrypoint({"--check", program}, files.env());
      CHECK(checked.status == 0);
      CHECK(checked.err.empty());
      CHECK_THAT(checked.out, Catch::Matchers::ContainsSubstring(message(
                                  program, "ok, the program, a dynamically linked " + harness::entrypoint_arch() +
                                               " program (its ELF interpreter is there)\n")));
      Outcome in_cloud = harness::run_entrypoint({program}, files.env({cloud}));
      CHECK(in_cloud.status == started.status);
      CHECK(in_cloud.err == started.err);
      // Locally, the emulator (a stand-in, which runs the runtime at once) is
      // started, not refused by the check before it.
      Outcome local = harness::run_entrypoint({program, "app.handler"}, files.env());
      CHECK(files.emulator_ran());
      CHECK(local.status == started.status);
      CHECK(local.err.find("lambda-entrypoint:") == std::string::npos);
      // lambda-entrypoint, the interpreter as a program: refused as the
      // kernel refuses it (127 for a file not there, 126 otherwise).
      Outcome alone = harness::run_entrypoint({"--check", loader}, files.env());
      CHECK(alone.status == (own.error == ENOENT ? 127 : 126));
      CHECK_THAT(alone.err, Catch::Matchers::StartsWith(message(loader, "")));
      if (own.error == ENOENT)
        CHECK_THAT(alone.err, Catch::Matchers::ContainsSubstring(
                                  "a dynamically linked program whose ELF interpreter /nowhere/ld.so is missing"));
    }
  }
}

TEST_CASE(
    "an ELF file of a type the kernel does not start (ENOEXEC), whose ELF interpreter is sound, is no program to "
    "--check and a start (126), and its interpreter goes unnamed",
    "[diagnosis][host-cpu]") {
  require_host_cpu("the kernel is asked directly, where the harness would hand the other CPU's file to qemu-user");
  Files files;
  std::string loader = files.dir / "ld.so";
  harness::copy_file(harness::other_static_program(), loader, 0755);
  // ET_NONE, ET_REL, ET_CORE, and one of the range kept for operating systems.
  for (unsigned type : {0u, 1u, 4u, 0xfe00u}) {
    INFO("e_type " << type);
    std::string program = files.add("typed", elf_bytes::file(this_machine(), loader, true, false, type));
    REQUIRE_THAT(kernel_starts(program).err, Catch::Matchers::ContainsSubstring(program + ": Exec format error"));
    for (const Strings& args : {Strings{program}, Strings{"--check", program}}) {
      Outcome outcome = harness::run_entrypoint(args, files.env({cloud}));
      CHECK(outcome.status == 126);
      CHECK_THAT(outcome.err, Catch::Matchers::ContainsSubstring(
                                  message(program, "neither a program (ELF) nor a script starting with '#!'")));
      CHECK(outcome.err.find(loader) == std::string::npos);
    }
  }
}

TEST_CASE(
    "a program's headers are judged as Linux reads them, wherever they lie: a table past the 1,024 bytes first read, "
    "ending at their last byte or one past, of 64 KiB and one entry more, cut short by the file's end, empty, of "
    "another entry size, and a type Linux does not start: --check and a start say what the kernel says",
    "[diagnosis]") {
  using elf_bytes::file;
  Files files;
  harness::copy_file(harness::entrypoint(), files.emulator, 0755);
  const unsigned cpu = this_machine();
  const std::string missing = "/nowhere/ld.so";  // a table read right names it: 127, as the kernel's ENOENT
  auto phnum = [](std::string bytes, unsigned count) {
    return bytes.replace(56, 2, std::string{static_cast<char>(count & 0xff), static_cast<char>(count >> 8)});
  };
  struct Headers {
    const char* what;
    std::string bytes;
    int status;  // 127: the loader looked for; 126: Exec format error
  };
  const std::vector<Headers> cases = {
      {"the table after the ELF header", file(cpu, missing), 127},
      {"the table ending at the 1,024th byte", file(cpu, missing, true, false, 2, 0, 0, 1024 - 64 - 56), 127},
      {"the table ending one byte past the 1,024th", file(cpu, missing, true, false, 2, 0, 0, 1024 - 64 - 55), 127},
      {"the table 2,000 bytes further", file(cpu, missing, true, false, 2, 0, 0, 2000), 127},
      {"a table of 64 KiB (1,170 entries), the PT_INTERP last", file(cpu, missing, true, false, 2, 0, 1169), 127},
      {"a table of 1,171 entries", phnum(file(cpu, missing, true, false, 2, 0, 1169), 1171), 126},
      {"the table 2,000 bytes further, cut short by the file's end",
       phnum(file(cpu, missing, true, false, 2, 0, 0, 2000), 2), 126},
      {"the table ending one byte past the 1,024th, cut short there",
       file(cpu, missing, true, false, 2, 0, 0, 1024 - 64 - 55).substr(0, 1024), 126},
      {"no program headers", phnum(file(cpu), 0), 126},
      {"entries one byte longer than Linux's", std::string(file(cpu, missing)).replace(54, 1, "\x39"), 126},
      {"a relocatable file (ET_REL)", file(cpu, missing, true, false, 1), 126},
      {"a shared object (ET_DYN)", file(cpu, missing, true, false, 3), 127},
  };
  const bool kernel_here = harness::entrypoint_arch() == harness::host_arch();
  for (const Headers& c : cases) {
    DYNAMIC_SECTION(c.what) {
      const std::string program = files.add("headers", c.bytes);
      if (kernel_here) {
        // The kernel's own word, where it runs this CPU's programs itself.
        const std::string said = kernel_starts(program).err;
        INFO("the kernel: " << said);
        REQUIRE_THAT(said, Catch::Matchers::ContainsSubstring(c.status == 127 ? "No such file or directory"
                                                                              : "Exec format error"));
      }
      std::vector<Strings> calls = {{"--check", program}};
      if (kernel_here) calls.push_back({program});
      for (const Strings& args : calls) {
        Outcome outcome = harness::run_entrypoint(args, files.env({cloud}));
        INFO(outcome.err);
        CHECK(outcome.status == c.status);
        if (c.status == 127)
          CHECK_THAT(outcome.err,
                     Catch::Matchers::ContainsSubstring("whose ELF interpreter " + missing + " is missing"));
        else CHECK(outcome.err.find(missing) == std::string::npos);
      }
    }
  }
}

TEST_CASE(
    "an ELF interpreter's path past the first 1,024 bytes of a program is read where it lies: one there is "
    "found, one missing is 127, one whose size runs past the file's end is 126, with stdin open or closed",
    "[diagnosis]") {
  Files files;
  harness::copy_file(harness::entrypoint(), files.emulator, 0755);
  // Any file will do as the interpreter --check finds: it does not start it.
  std::string present = files.dir / "ld.so";
  harness::copy_file(harness::entrypoint(), present, 0755);
  // Started with stdin closed, the files it opens get descriptor 0.
  harness::Launch stdin_closed;
  stdin_closed.before_exec = [] { close(STDIN_FILENO); };
  for (size_t gap : {size_t{905}, size_t{2000}, size_t{70000}}) {
    for (const harness::Launch& launch : {harness::Launch{}, stdin_closed}) {
      INFO("PT_INTERP at " << 64 + 56 + gap << (launch.before_exec ? ", stdin closed" : ", stdin open"));
      std::string found =
          files.add("far-found-" + std::to_string(gap), elf_bytes::file(this_machine(), present, true, false, 2, gap));
      Outcome ok = harness::run_entrypoint({"--check", found}, files.env(), launch);
      CHECK(ok.status == 0);
      CHECK_THAT(ok.out, Catch::Matchers::ContainsSubstring(
                             message(found, "ok, the program, a dynamically linked " + harness::entrypoint_arch() +
                                                " program (its ELF interpreter is there)")));
      std::string missing = files.add("far-missing-" + std::to_string(gap),
                                      elf_bytes::file(this_machine(), "/nowhere/ld.so", true, false, 2, gap));
      Outcome not_found = harness::run_entrypoint({"--check", missing}, files.env(), launch);
      CHECK(not_found.status == 127);
      CHECK_THAT(not_found.err, Catch::Matchers::ContainsSubstring("whose ELF interpreter /nowhere/ld.so is missing"));
      // Its size 5 bytes past the file's end, the path and its NUL within it:
      // the kernel's read of it comes back short, and it refuses the file.
      std::string cut_bytes = elf_bytes::file(this_machine(), "/nowhere/ld.so", true, false, 2, gap);
      cut_bytes[64 + 32] = static_cast<char>(cut_bytes[64 + 32] + 5);  // p_filesz
      std::string cut = files.add("far-cut-" + std::to_string(gap), cut_bytes);
      Outcome refused = harness::run_entrypoint({"--check", cut}, files.env(), launch);
      CHECK(refused.status == 126);
      CHECK_THAT(refused.err, Catch::Matchers::ContainsSubstring(
                                  message(cut, "an ELF file whose headers are cut short or point past its end")));
    }
  }
}

TEST_CASE(
    "under --check, each file is closed once judged: allowed one descriptor past stdin, stdout and stderr (or, stdin "
    "closed, descriptor 0 alone), it judges a program whose ELF interpreter's path lies past its first 1,024 bytes, "
    "and walks the code, as with many",
    "[diagnosis][host-cpu]") {
  require_host_cpu("qemu-user needs descriptors of its own");
  Files files;
  harness::copy_file(harness::entrypoint(), files.emulator, 0755);
  std::string present = files.dir / "ld.so";
  harness::copy_file(harness::entrypoint(), present, 0755);
  std::string far = files.add("far", elf_bytes::file(this_machine(), present, true, false, 2, 2000));
  const std::string expected =
      message(files.emulator, "ok, the emulator, a static " + harness::entrypoint_arch() + " program\n") +
      message(far, "ok, the program, a dynamically linked " + harness::entrypoint_arch() +
                       " program (its ELF interpreter is there)\n") +
      code_ok;
  // With stdin closed, descriptor 0 is the one past stdout and stderr: the
  // files it opens get it, and each must give it back.
  struct Limit {
    rlim_t files;
    bool stdin_closed;
  };
  for (Limit limit : {Limit{4, false}, Limit{5, false}, Limit{64, false}, Limit{3, true}, Limit{4, true}}) {
    INFO("open files limited to " << limit.files << (limit.stdin_closed ? ", stdin closed" : ""));
    harness::Launch limited;
    limited.before_exec = [limit] {
      const rlimit files_limit = {limit.files, limit.files};
      if (setrlimit(RLIMIT_NOFILE, &files_limit) != 0) _exit(99);
      if (limit.stdin_closed) close(STDIN_FILENO);
    };
    Outcome outcome = harness::run_entrypoint({"--check", far}, files.env(), limited);
    CHECK(outcome.status == 0);
    CHECK(outcome.err.empty());
    CHECK(outcome.out == expected);
  }
}

TEST_CASE(
    "an ELF interpreter's path ending at the last of the 1,024 bytes read of a program is read whole: 127, as "
    "the kernel says for a missing one",
    "[diagnosis]") {
  Files files;
  harness::copy_file(harness::entrypoint(), files.emulator, 0755);
  // A header (64 bytes), one program header (56) and the path with its NUL.
  std::string interpreter = "/nowhere";
  while (interpreter.size() < 1024 - 64 - 56 - 1) interpreter += "/x";
  interpreter.resize(1024 - 64 - 56 - 1);
  const std::string bytes = elf_bytes::file(this_machine(), interpreter);
  REQUIRE(bytes.size() == 1024);
  std::string program = files.add("dynamic", bytes);
  // A start too, where the kernel itself runs this CPU's programs (qemu in
  // binfmt_misc, for the other CPU, fails to map such a file its own way).
  std::vector<Strings> calls = {{"--check", program}};
  if (harness::entrypoint_arch() == harness::host_arch()) calls.push_back({program});
  for (const Strings& args : calls) {
    Outcome outcome = harness::run_entrypoint(args, files.env({cloud}));
    CHECK(outcome.status == 127);
    CHECK_THAT(outcome.err, Catch::Matchers::ContainsSubstring("whose ELF interpreter " + interpreter + " is missing"));
  }
}
