// The real static binary, run as a subprocess with recording stand-ins for
// the handler, the exec wrapper and aws-lambda-rie.
#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <csignal>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <set>

#include "elf_bytes.hpp"
#include "harness.hpp"
#include "host_cpu.hpp"

using harness::message;
using harness::Outcome;
using harness::Record;
using harness::Strings;

namespace {

constexpr const char* cloud = "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001";
// What the Lambda cloud sets for every container function, and what the
// program fills in where they are unset or empty.
constexpr const char* task_root = "LAMBDA_TASK_ROOT=/var/task";
constexpr const char* runtime_dir = "LAMBDA_RUNTIME_DIR=/var/runtime";

// A directory with the stand-ins installed under bin/ and a place for their
// records; every run gets the record directory and the emulator's path.
struct Scene {
  harness::TempDir dir;
  std::string bin = dir / "bin";
  std::string records = dir / "records";
  std::string handler = bin + "/handler";
  std::string wrapper = bin + "/wrapper";
  std::string emulator = bin + "/aws-lambda-rie";
  Strings base_env;

  Scene() {
    harness::make_dirs(bin);
    harness::make_dirs(records, 0777);
    harness::copy_file(harness::standin("handler"), handler, 0755);
    harness::copy_file(harness::standin("wrapper"), wrapper, 0755);
    harness::copy_file(harness::standin("emulator"), emulator, 0755);
    base_env = {"STANDIN_RECORD_DIR=" + records, "LAMBDA_ENTRYPOINT_EMULATOR=" + emulator};
  }

  Strings env(Strings extra = {}) const {
    Strings result = base_env;
    result.insert(result.end(), extra.begin(), extra.end());
    return result;
  }

  Outcome run(const Strings& args, Strings env, harness::Launch launch = {}) const {
    return harness::run_entrypoint(args, std::move(env), std::move(launch));
  }

  std::vector<Record> all(const std::string& role) const { return harness::records(records, role); }

  Record only(const std::string& role) const {
    std::vector<Record> found = all(role);
    REQUIRE(found.size() == 1);
    return found.front();
  }
};

Strings plus(Strings env, Strings extra) {
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

// The suffix AWS gives the emulator's release file for the CPU of the binary under test.
std::string emulator_cpu() { return harness::entrypoint_arch() == "aarch64" ? "arm64" : "x86_64"; }

}  // namespace

TEST_CASE("cloud mode executes PROGRAM in place, with argv and the cloud's environment exactly as given",
          "[blackbox]") {
  Scene scene;
  Strings env = scene.env({cloud, "FOO=bar baz", task_root, "_HANDLER=b c", runtime_dir});
  Outcome outcome = scene.run({scene.handler, "a", "b c"}, env);
  CHECK(outcome.status == 0);
  CHECK(outcome.out.empty());
  CHECK(outcome.err.empty());
  Record handler = scene.only("handler");
  CHECK(handler.argv == Strings{scene.handler, "a", "b c"});
  CHECK(handler.env == env);
  CHECK(handler.pid == outcome.pid);  // execve, not a child: no extra process
  CHECK(scene.all("emulator").empty());
}

TEST_CASE("local mode runs the emulator, which runs the runtime with AWS_LAMBDA_RUNTIME_API", "[blackbox]") {
  Scene scene;
  Strings env = scene.env({"A=1"});
  Outcome outcome = scene.run({scene.handler, "-m", "awslambdaric", "app.handler"}, env);
  CHECK(outcome.status == 0);
  CHECK(outcome.err.empty());
  Record emulator = scene.only("emulator");
  CHECK(emulator.argv == Strings{scene.emulator, scene.handler, "-m", "awslambdaric", "app.handler"});
  CHECK(emulator.env == plus(env, {"_HANDLER=app.handler", task_root, runtime_dir}));
  CHECK(emulator.pid == outcome.pid);
  Record handler = scene.only("handler");
  CHECK(handler.argv == Strings{scene.handler, "-m", "awslambdaric", "app.handler"});
  CHECK(handler.env ==
        plus(plus(env, {"_HANDLER=app.handler", task_root, runtime_dir}), harness::emulator_additions()));
  CHECK(handler.ppid == outcome.pid);
}

TEST_CASE("empty AWS_LAMBDA_RUNTIME_API means local", "[blackbox]") {
  Scene scene;
  Outcome outcome = scene.run({scene.handler}, scene.env({"AWS_LAMBDA_RUNTIME_API="}));
  CHECK(outcome.status == 0);
  CHECK(scene.only("emulator").argv == Strings{scene.emulator, scene.handler});
}

TEST_CASE("overriding CMD changes only the handler", "[blackbox]") {
  Scene scene;
  for (std::string handler : {"first.handler", "second.handler"}) {
    Outcome outcome = scene.run({scene.handler, "-m", "awslambdaric", handler}, scene.env({cloud}));
    CHECK(outcome.status == 0);
  }
  std::vector<Record> runs = scene.all("handler");
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].argv == Strings{scene.handler, "-m", "awslambdaric", "first.handler"});
  CHECK(runs[1].argv == Strings{scene.handler, "-m", "awslambdaric", "second.handler"});
}

TEST_CASE("the program's exit status, every one of 0-255, is the exit status", "[blackbox]") {
  Scene scene;
  for (int status = 0; status < 256; ++status) {
    Outcome outcome = scene.run({scene.handler}, scene.env({cloud, "STANDIN_EXIT_STATUS=" + std::to_string(status)}));
    REQUIRE(outcome.status == status);
  }
}

TEST_CASE("a PROGRAM without a slash is found through PATH, never in the current directory unless PATH says so",
          "[blackbox]") {
  Scene scene;
  harness::Launch in_bin;
  in_bin.cwd = scene.bin;

  SECTION("found in PATH, run with argv[0] as given") {
    Outcome outcome = scene.run({"handler", "x"}, scene.env({cloud, "PATH=/nonexistent:" + scene.bin}));
    CHECK(outcome.status == 0);
    Record handler = scene.only("handler");
    CHECK(handler.argv == Strings{"handler", "x"});
  }
  SECTION("locally, the emulator is handed the name found through PATH, and looks it up there itself") {
    // Names of every kind of character a program's name has: one letter, a
    // digit alone and within, dots, a dash and an underscore.
    for (const std::string name : {"handler", "h", "0", "handler0", "python3.12", "node-22_x"}) {
      INFO(name);
      if (name != "handler") harness::copy_file(scene.handler, scene.bin + "/" + name, 0755);
      Outcome outcome = scene.run({name, "x"}, scene.env({"PATH=" + scene.bin}));
      CHECK(outcome.status == 0);
      CHECK(scene.only("emulator").argv == Strings{scene.emulator, name, "x"});
      CHECK(scene.only("handler").argv == Strings{name, "x"});
      harness::remove_tree(scene.records + "/emulator");
      harness::remove_tree(scene.records + "/handler");
    }
  }
  SECTION(
      "locally, a name found through a relative PATH entry is handed on as the path found, which the emulator runs") {
    Outcome outcome = scene.run({"handler", "x"}, scene.env({"PATH=/nonexistent:."}), in_bin);
    CHECK(outcome.status == 0);
    CHECK(scene.only("emulator").argv == Strings{scene.emulator, "./handler", "x"});
  }
  SECTION("not looked up in the current directory") {
    Outcome outcome = scene.run({"handler"}, scene.env({cloud, "PATH=/nonexistent"}), in_bin);
    CHECK(outcome.status == 127);
    CHECK(outcome.err == message("handler", "not found in PATH=/nonexistent\n"));
    CHECK(scene.all("handler").empty());
  }
  SECTION("an empty PATH entry means the current directory, as POSIX says") {
    Outcome outcome = scene.run({"handler"}, scene.env({cloud, "PATH=/nonexistent:"}), in_bin);
    CHECK(outcome.status == 0);
    CHECK(scene.only("handler").argv == Strings{"handler"});
  }
  SECTION("a file that cannot run is skipped for a later one that can") {
    harness::TempDir first;
    harness::write_file(first / "handler", "not executable", 0644);
    Outcome outcome = scene.run({"handler"}, scene.env({cloud, "PATH=" + first.path() + ":" + scene.bin}));
    CHECK(outcome.status == 0);
    CHECK(scene.only("handler").argv == Strings{"handler"});
  }
  SECTION("when only a file that cannot run is found, that is what is reported, with 126") {
    harness::TempDir first;
    harness::write_file(first / "prog", "not executable", 0644);
    Outcome outcome = scene.run({"prog"}, scene.env({cloud, "PATH=/nonexistent:" + first.path()}));
    CHECK(outcome.status == 126);
    CHECK(outcome.err == message(first / "prog", "no execute permission for this user (mode 0644)\n"));
  }
}

TEST_CASE("with PATH unset, Docker's default PATH is searched and named in the error", "[blackbox]") {
  Scene scene;
  Outcome outcome = scene.run({"no-such-program-here"}, scene.env({cloud}));
  CHECK(outcome.status == 127);
  CHECK(outcome.err == message("no-such-program-here",
                               "not found in the default PATH (PATH is unset): "
                               "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"));
}

TEST_CASE("an empty PATH means the current directory alone, as execvp and every shell read it", "[blackbox]") {
  Scene scene;
  harness::Launch in_bin;
  in_bin.cwd = scene.bin;
  Outcome outcome = scene.run({"no-such-program-here"}, scene.env({cloud, "PATH="}));
  CHECK(outcome.status == 127);
  CHECK(outcome.err == message("no-such-program-here", "not found in PATH=''\n"));
  // scene.bin holds the handler: found there as the working directory, not in a default PATH.
  outcome = scene.run({"handler"}, scene.env({cloud, "PATH="}), in_bin);
  CHECK(outcome.status == 0);
  CHECK(scene.only("handler").argv == Strings{"handler"});
  outcome = scene.run({"ls"}, scene.env({cloud, "PATH="}), in_bin);
  CHECK(outcome.status == 127);
}

TEST_CASE("a missing PROGRAM exits 127 naming it", "[blackbox]") {
  Scene scene;
  SECTION("in the cloud") {
    Outcome outcome = scene.run({"/nonexistent/prog", "a"}, scene.env({cloud}));
    CHECK(outcome.status == 127);
    CHECK(outcome.err == message("/nonexistent/prog", "No such file or directory\n"));
  }
  SECTION("locally it is found missing before the emulator starts, not at the first invocation") {
    Outcome outcome = scene.run({"/nonexistent/prog"}, scene.env());
    CHECK(outcome.status == 127);
    CHECK(outcome.err == message("/nonexistent/prog", "No such file or directory; the emulator was to run it\n"));
    CHECK(scene.all("emulator").empty());
  }
}

TEST_CASE("locally with AWS_LAMBDA_EXEC_WRAPPER, the program it starts is checked first, with --check's exit code",
          "[blackbox]") {
  Scene scene;
  REQUIRE(chmod(scene.dir.path().c_str(), 0755) == 0);  // for --check, which judges as Lambda's user
  std::string unrunnable = scene.dir / "unrunnable";
  harness::write_file(unrunnable, "#!/bin/sh\n", 0644);
  const Strings wrapped = scene.env({"AWS_LAMBDA_EXEC_WRAPPER=" + scene.wrapper, "PATH=" + scene.bin});
  // --check judges the emulator and the wrapper for the CPU under test: programs for it stand in for them.
  std::string for_this_cpu = scene.dir / "sound";
  harness::copy_file(harness::entrypoint(), for_this_cpu, 0755);
  const Strings judged = {"AWS_LAMBDA_EXEC_WRAPPER=" + for_this_cpu, "LAMBDA_ENTRYPOINT_EMULATOR=" + for_this_cpu,
                          "PATH=" + scene.bin};
  for (const std::string& program : {std::string("/nonexistent/prog"), std::string("no-such-program"), unrunnable,
                                     scene.bin, scene.dir / "records"}) {
    INFO("the program " << program);
    Outcome checked = scene.run({"--check", program, "app.handler"}, judged);
    Outcome outcome = scene.run({program, "app.handler"}, wrapped);
    CHECK((checked.status == 126 || checked.status == 127));
    INFO("--check said: " << checked.err);
    CHECK(outcome.status == checked.status);
    CHECK_THAT(outcome.err, Catch::Matchers::StartsWith("lambda-entrypoint: " + program + ": "));
    CHECK(scene.all("emulator").empty());
  }
  Outcome sound = scene.run({"handler", "app.handler"}, wrapped);
  CHECK(sound.status == 0);
  CHECK(scene.only("emulator").argv == Strings{scene.emulator, scene.wrapper, "handler", "app.handler"});
}

TEST_CASE("a missing emulator exits 127, lists where it was looked for, and says how to mount it", "[blackbox]") {
  Scene scene;
  Outcome outcome = scene.run({scene.handler}, {"STANDIN_RECORD_DIR=" + scene.records,
                                                "LAMBDA_ENTRYPOINT_EMULATOR=/nonexistent/aws-lambda-rie"});
  CHECK(outcome.status == 127);
  const std::string cpu = emulator_cpu();
  CHECK(outcome.err ==
        message("/nonexistent/aws-lambda-rie",
                "not found, and neither is /nonexistent/aws-lambda-rie-" + cpu +
                    ", /aws-lambda/aws-lambda-rie or "
                    "/aws-lambda/aws-lambda-rie-" +
                    cpu +
                    "; AWS_LAMBDA_RUNTIME_API is unset or empty, so this runs "
                    "locally under the Runtime Interface Emulator: mount the directory that holds aws-lambda-rie at "
                    "/aws-lambda (docker run -v ~/.aws-lambda-rie:/aws-lambda -p 9000:8080 IMAGE), add it to the "
                    "image, point LAMBDA_ENTRYPOINT_EMULATOR at it, or set AWS_LAMBDA_RUNTIME_API to run the program "
                    "directly\n"));
  CHECK(scene.all("handler").empty());
}

TEST_CASE("the emulator under AWS's name for this CPU is found beside the configured path", "[blackbox]") {
  Scene scene;
  std::string suffixed = scene.emulator + "-" + emulator_cpu();
  REQUIRE(rename(scene.emulator.c_str(), suffixed.c_str()) == 0);
  Outcome outcome = scene.run({scene.handler, "app.handler"}, scene.env());
  INFO(outcome.err);
  CHECK(outcome.status == 0);
  CHECK(scene.only("emulator").argv == Strings{suffixed, scene.handler, "app.handler"});
  CHECK(scene.only("handler").argv == Strings{scene.handler, "app.handler"});
}

TEST_CASE("an emulator that cannot run is passed over for one that can, and reported with 126 when alone",
          "[blackbox]") {
  Scene scene;
  std::string suffixed = scene.emulator + "-" + emulator_cpu();
  harness::copy_file(scene.emulator, suffixed, 0755);
  chmod(scene.emulator.c_str(), 0644);
  Outcome passed_over = scene.run({scene.handler}, scene.env());
  CHECK(passed_over.status == 0);
  CHECK(scene.only("emulator").argv == Strings{suffixed, scene.handler});

  unlink(suffixed.c_str());
  Outcome alone = scene.run({scene.handler}, scene.env());
  CHECK(alone.status == 126);
  CHECK(alone.err == message(scene.emulator,
                             "no execute permission for this user (mode 0644); it is the Runtime "
                             "Interface Emulator (LAMBDA_ENTRYPOINT_EMULATOR)\n"));

  // Two that cannot run: the first place looked in is the one reported.
  harness::copy_file(scene.emulator, suffixed, 0644);
  Outcome both = scene.run({scene.handler}, scene.env());
  CHECK(both.status == 126);
  CHECK(both.err == alone.err);
}

TEST_CASE(
    "parity: a bare environment gains LAMBDA_TASK_ROOT, LAMBDA_RUNTIME_DIR and _HANDLER in both modes, and "
    "LAMBDA_ENTRYPOINT_NO_PARITY=1 leaves it bare",
    "[blackbox]") {
  Scene scene;
  for (bool in_cloud : {true, false}) {
    for (bool parity : {true, false}) {
      DYNAMIC_SECTION((in_cloud ? "in the cloud" : "locally") << (parity ? ", parity" : ", no parity")) {
        Strings env = scene.env();
        if (in_cloud) env.push_back(cloud);
        if (!parity) env.push_back("LAMBDA_ENTRYPOINT_NO_PARITY=1");
        Outcome outcome = scene.run({scene.handler, "-m", "awslambdaric", "app.handler"}, env);
        CHECK(outcome.status == 0);
        Strings expected = env;
        if (parity) expected.insert(expected.end(), {"_HANDLER=app.handler", task_root, runtime_dir});
        // The emulator sets _HANDLER by its own rule, which parity follows.
        if (!in_cloud) expected = plus(expected, harness::emulator_additions());
        if (!in_cloud && !parity) expected.push_back("_HANDLER=app.handler");
        CHECK(scene.only("handler").env == expected);
      }
    }
  }
}

TEST_CASE("an emulator that cannot run exits 126", "[blackbox]") {
  Scene scene;
  chmod(scene.emulator.c_str(), 0644);
  Outcome outcome = scene.run({scene.handler}, scene.env());
  CHECK(outcome.status == 126);
  CHECK(outcome.err == message(scene.emulator,
                               "no execute permission for this user (mode 0644); it is the Runtime "
                               "Interface Emulator (LAMBDA_ENTRYPOINT_EMULATOR)\n"));
}

TEST_CASE("found but not runnable exits 126 naming the reason, and for E2BIG the kernel's limit", "[blackbox]") {
  Scene scene;
  harness::TempDir files;
  SECTION("no execute permission") {
    harness::write_file(files / "plain", "#!/bin/sh\n", 0644);
    Outcome outcome = scene.run({files / "plain"}, scene.env({cloud}));
    CHECK(outcome.status == 126);
    CHECK(outcome.err == message(files / "plain", "no execute permission for this user (mode 0644)\n"));
  }
  SECTION("a directory") {
    Outcome outcome = scene.run({files.path()}, scene.env({cloud}));
    CHECK(outcome.status == 126);
    CHECK(outcome.err == message(files.path(), "Permission denied (a directory)\n"));
  }
  SECTION("a script without #!") {
    harness::write_file(files / "script", "echo hello\n", 0755);
    Outcome outcome = scene.run({files / "script"}, scene.env({cloud}));
    CHECK(outcome.status == 126);
    CHECK(outcome.err == message(files / "script", "neither a program (ELF) nor a script starting with '#!'\n"));
  }
  SECTION("a binary for a CPU no Lambda runs, named by its ELF machine number") {
    // RISC-V: neither this machine nor qemu-user, which runs the aarch64 binary here, executes it.
    harness::write_file(files / "foreign", elf_bytes::file(elf_bytes::riscv), 0755);
    Outcome outcome = scene.run({files / "foreign"}, scene.env({cloud}));
    CHECK(outcome.status == 126);
    CHECK(outcome.err == message(files / "foreign", "a program for another CPU (ELF machine 243); this is an " +
                                                        harness::entrypoint_arch() + " machine\n"));
  }
  SECTION("arguments and environment past the kernel's limit") {
    // With an 8 MiB stack limit the kernel takes at most 2 MiB of arguments
    // and environment. Locally the emulator flags, already in the
    // environment, are added to the arguments: a call that just fits can
    // then no longer be passed on.
    harness::Launch limited;
    limited.before_exec = [] {
      rlimit stack = {8 << 20, 8 << 20};
      setrlimit(RLIMIT_STACK, &stack);
    };
    Strings env = scene.env({"LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=--log-level " + std::string(100000, 'x')});
    for (int i = 0; i < 30; ++i) env.push_back("FILL" + std::to_string(i) + "=" + std::string(64000, 'x'));
    Outcome outcome = scene.run({scene.handler}, env, limited);
    CHECK(outcome.status == 126);
    CHECK_THAT(outcome.err, Catch::Matchers::StartsWith(message(scene.emulator, "Argument list too long")));
    CHECK_THAT(outcome.err,
               Catch::Matchers::ContainsSubstring("the arguments and environment together exceed the kernel's limit"));
    CHECK(scene.all("emulator").empty());
  }
}

TEST_CASE("AWS form: the handler is exported as _HANDLER and the bootstrap runs with no arguments", "[blackbox]") {
  Scene scene;
  Strings aws = {"LAMBDA_ENTRYPOINT_BOOTSTRAP=" + scene.handler};

  SECTION("chosen by --aws-form, in the cloud") {
    Strings env = scene.env(plus(aws, {cloud}));
    Outcome outcome = scene.run({"--aws-form", "app.handler"}, env);
    CHECK(outcome.status == 0);
    Record handler = scene.only("handler");
    CHECK(handler.argv == Strings{scene.handler});
    CHECK(handler.env == plus(env, {"_HANDLER=app.handler", task_root, runtime_dir}));
  }
  SECTION("chosen by LAMBDA_ENTRYPOINT_AWS_FORM, locally") {
    Strings env = scene.env(plus(aws, {"LAMBDA_ENTRYPOINT_AWS_FORM=1", "_HANDLER=stale"}));
    Outcome outcome = scene.run({"app.handler"}, env);
    CHECK(outcome.status == 0);
    Strings expected_env = env;
    expected_env.back() = "_HANDLER=app.handler";
    expected_env.insert(expected_env.end(), {task_root, runtime_dir});
    Record emulator = scene.only("emulator");
    CHECK(emulator.argv == Strings{scene.emulator, scene.handler});
    CHECK(emulator.env == expected_env);
    Record handler = scene.only("handler");
    CHECK(handler.argv == Strings{scene.handler});
    CHECK(handler.env == plus(expected_env, harness::emulator_additions()));
  }
  SECTION("chosen by being installed as lambda-entrypoint.sh") {
    harness::Launch as_script;
    std::string script = scene.dir / "lambda-entrypoint.sh";
    harness::copy_file(harness::entrypoint(), script, 0755);
    as_script.program = script;
    as_script.argv = {script, "app.handler"};
    as_script.env = scene.env(plus(aws, {cloud}));
    Outcome outcome = harness::launch(as_script);
    CHECK(outcome.status == 0);
    Record handler = scene.only("handler");
    CHECK(handler.argv == Strings{scene.handler});
    CHECK(handler.env == plus(as_script.env, {"_HANDLER=app.handler", task_root, runtime_dir}));
  }
  SECTION("AWS_LAMBDA_EXEC_WRAPPER is left to the bootstrap, never applied twice") {
    Strings env = scene.env(plus(aws, {cloud, "AWS_LAMBDA_EXEC_WRAPPER=" + scene.wrapper}));
    Outcome outcome = scene.run({"--aws-form", "app.handler"}, env);
    CHECK(outcome.status == 0);
    CHECK(scene.all("wrapper").empty());
    CHECK(scene.only("handler").argv == Strings{scene.handler});
  }
}

TEST_CASE("AWS form: any argument count but one exits 142 with AWS's own message", "[blackbox]") {
  Scene scene;
  for (Strings args : {Strings{"--aws-form"}, Strings{"--aws-form", "a", "b"}}) {
    Outcome outcome = scene.run(args, scene.env({cloud, "LAMBDA_ENTRYPOINT_BOOTSTRAP=" + scene.handler}));
    CHECK(outcome.status == 142);
    CHECK(outcome.err == "entrypoint requires the handler name to be the first argument\n");
  }
  CHECK(scene.all("handler").empty());
}

TEST_CASE("misuse exits 142 with one line saying what is wrong and how to call it", "[blackbox]") {
  Scene scene;
  const std::string usage = "; usage: lambda-entrypoint [OPTION...] [--] PROGRAM [ARG...] (see --help)\n";
  struct Misuse {
    Strings args;
    std::string line;
  };
  for (const Misuse& m : std::vector<Misuse>{
           {{},
            "lambda-entrypoint: no PROGRAM to run; usage: lambda-entrypoint [OPTION...] [--] PROGRAM [ARG...] (see "
            "--help); started with no argument at all: as a bootstrap (/var/runtime/bootstrap) this program runs "
            "only a command carried to it in LAMBDA_ENTRYPOINT_COMMAND, and the AWS form needs the runtime itself "
            "there\n"},
           {{"--"}, "lambda-entrypoint: no PROGRAM to run" + usage},
           {{"--nope", scene.handler}, message("--nope", "unknown option" + usage)},
           {{"-q", scene.handler}, message("-q", "unknown option" + usage)},
           {{"--emulator"}, message("--emulator", "needs a value" + usage)},
           {{"--debug=yes", scene.handler}, message("--debug=yes", "expected 1, 0, true or false" + usage)},
           {{"--version", scene.handler}, message("--version", "only accepted as the sole argument" + usage)},
       }) {
    Outcome outcome = scene.run(m.args, scene.env({cloud}));
    CHECK(outcome.status == 142);
    CHECK(outcome.err == m.line);
  }
  CHECK(scene.all("handler").empty());
}

TEST_CASE("emulator flags from LAMBDA_ENTRYPOINT_EMULATOR_FLAGS reach the emulator before the runtime", "[blackbox]") {
  Scene scene;
  Strings env = scene.env({"LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=--log-level debug  --runtime-api-address=127.0.0.1:9999"});
  Outcome outcome = scene.run({scene.handler, "app.handler"}, env);
  CHECK(outcome.status == 0);
  CHECK(scene.only("emulator").argv == Strings{scene.emulator, "--log-level", "debug",
                                               "--runtime-api-address=127.0.0.1:9999", scene.handler, "app.handler"});
  CHECK(scene.only("handler").env == plus(plus(env, {"_HANDLER=app.handler", task_root, runtime_dir}),
                                          harness::emulator_additions("127.0.0.1:9999")));
}

TEST_CASE("a word in the emulator flags that is no emulator flag exits 142: it would become the program",
          "[blackbox]") {
  Scene scene;
  for (const std::string& word : {scene.wrapper, std::string("--new-flag"), std::string("--loglevel=debug")}) {
    Outcome outcome = scene.run({scene.handler}, scene.env({"LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=" + word}));
    CHECK(outcome.status == 142);
    CHECK_THAT(outcome.err, Catch::Matchers::StartsWith(message(word, "not a flag aws-lambda-rie takes")));
    CHECK_THAT(outcome.err, Catch::Matchers::ContainsSubstring("--enable-init-caching"));
  }
  CHECK(scene.all("emulator").empty());
}

TEST_CASE("a runtime argument the emulator would take exits 142 locally and passes in the cloud", "[blackbox]") {
  Scene scene;
  Outcome local = scene.run({scene.handler, "--log-level=debug"}, scene.env());
  CHECK(local.status == 142);
  CHECK(local.err == message("--log-level=debug",
                             "aws-lambda-rie takes this argument as its own flag wherever it stands (it has no "
                             "'--'), so the program would never see it; pass it another way, e.g. in an environment "
                             "variable\n"));
  CHECK(scene.all("emulator").empty());
  Outcome in_cloud = scene.run({scene.handler, "--log-level=debug"}, scene.env({cloud}));
  CHECK(in_cloud.status == 0);
  CHECK(scene.only("handler").argv == Strings{scene.handler, "--log-level=debug"});
}

TEST_CASE("AWS_LAMBDA_EXEC_WRAPPER runs around PROGRAM in the command form", "[blackbox]") {
  Scene scene;
  SECTION("in the cloud") {
    Strings env = scene.env({cloud, "AWS_LAMBDA_EXEC_WRAPPER=" + scene.wrapper});
    Outcome outcome = scene.run({scene.handler, "app.handler"}, env);
    CHECK(outcome.status == 0);
    Record wrapper = scene.only("wrapper");
    CHECK(wrapper.argv == Strings{scene.wrapper, scene.handler, "app.handler"});
    CHECK(wrapper.pid == outcome.pid);
    CHECK(scene.only("handler").argv == Strings{scene.handler, "app.handler"});
  }
  SECTION("locally, inside the emulator, as in the cloud") {
    Strings env = scene.env({"AWS_LAMBDA_EXEC_WRAPPER=" + scene.wrapper});
    Outcome outcome = scene.run({scene.handler, "app.handler"}, env);
    CHECK(outcome.status == 0);
    CHECK(scene.only("emulator").argv == Strings{scene.emulator, scene.wrapper, scene.handler, "app.handler"});
    CHECK(scene.only("wrapper").argv == Strings{scene.wrapper, scene.handler, "app.handler"});
    CHECK(scene.only("handler").argv == Strings{scene.handler, "app.handler"});
  }
  SECTION("a wrapper that does not exist exits 127") {
    Outcome outcome = scene.run({scene.handler}, scene.env({cloud, "AWS_LAMBDA_EXEC_WRAPPER=/nonexistent/wrapper.sh"}));
    CHECK(outcome.status == 127);
    CHECK(outcome.err ==
          message("/nonexistent/wrapper.sh", "No such file or directory; it is named by AWS_LAMBDA_EXEC_WRAPPER\n"));
  }
  SECTION("a wrapper that is not executable exits 126") {
    chmod(scene.wrapper.c_str(), 0644);
    Outcome outcome = scene.run({scene.handler}, scene.env({cloud, "AWS_LAMBDA_EXEC_WRAPPER=" + scene.wrapper}));
    CHECK(outcome.status == 126);
    CHECK(outcome.err == message(scene.wrapper,
                                 "no execute permission for this user (mode 0644); it is named by "
                                 "AWS_LAMBDA_EXEC_WRAPPER\n"));
  }
}

TEST_CASE("nothing else changes: argv bytes, environment, directory, descriptors, signal mask, ignored signals",
          "[blackbox]") {
  Scene scene;
  harness::TempDir work;
  harness::Launch setup;
  setup.cwd = work.path();
  setup.before_exec = [] {
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGUSR1);
    sigprocmask(SIG_BLOCK, &blocked, nullptr);
    signal(SIGUSR2, SIG_IGN);
    int fd = open("/dev/null", O_RDONLY);  // no O_CLOEXEC: it must reach the program
    dup2(fd, 7);
    close(fd);
  };
  Strings args = {scene.handler,  "",  " ",  "a  b", "'\"$HOME`\\", "line\nbreak", "tab\there",
                  "\xff\xfe\x80", "=", "--", "-",    "--debug"};
  Strings extra = {"EMPTY=", "EQUALS=a=b=c", "NEWLINE=x\ny", "BYTES=\xc3\x28", task_root, runtime_dir, "_HANDLER=h"};
  // qemu-user, which runs a binary for another CPU here, keeps one environment
  // entry per name before the binary starts, and catches every signal itself,
  // so that an ignored one is back to its default after an execve: those two
  // can only be checked natively.
  bool native = harness::cpu_emulator(harness::entrypoint()).empty();
  if (native) extra.insert(extra.end(), {"DUP=1", "DUP=2"});
  for (bool in_cloud : {true, false}) {
    DYNAMIC_SECTION((in_cloud ? "in the cloud" : "locally")) {
      Strings env = scene.env(extra);
      if (in_cloud) env.push_back(cloud);
      Outcome outcome = scene.run(args, env, setup);
      REQUIRE(outcome.status == 0);
      CHECK(outcome.err.empty());
      Record first = scene.only(in_cloud ? "handler" : "emulator");
      Strings expected_argv = args;
      if (!in_cloud) expected_argv.insert(expected_argv.begin(), scene.emulator);
      CHECK(first.argv == expected_argv);
      CHECK(first.env == env);
      CHECK(first.cwd == work.path());
      CHECK(first.blocked == std::to_string(SIGUSR1));
      if (native) CHECK(first.ignored == std::to_string(SIGUSR2));
      CHECK(first.fds == "0,1,2,7");
    }
  }
}

TEST_CASE("silent on success, while LAMBDA_ENTRYPOINT_DEBUG prints the decision and a command a shell reads back",
          "[blackbox]") {
  Scene scene;
  Strings args = {scene.handler, "it's", "two words", "new\nline", "\x01\xff"};
  Strings lambda = {cloud, task_root, runtime_dir, "_HANDLER=app.handler"};  // as the cloud sets them: none is added
  Outcome quiet = scene.run(args, scene.env(lambda));
  CHECK(quiet.status == 0);
  CHECK(quiet.out.empty());
  CHECK(quiet.err.empty());

  Outcome loud = scene.run(args, scene.env(plus(lambda, {"LAMBDA_ENTRYPOINT_DEBUG=1"})));
  CHECK(loud.status == 0);
  CHECK(loud.out.empty());
  const std::string decision = "lambda-entrypoint: AWS_LAMBDA_RUNTIME_API is set: running directly (command form)\n";
  const std::string executing = "lambda-entrypoint: executing " + scene.handler + " as: ";
  REQUIRE_THAT(loud.err, Catch::Matchers::StartsWith(decision + executing));
  std::string command = loud.err.substr(decision.size() + executing.size());
  REQUIRE(command.back() == '\n');
  command.pop_back();
  CHECK(command.find('\n') == std::string::npos);  // one line, whatever the arguments hold

  // bash reads the printed command back into the very same bytes.
  harness::Launch shell;
  shell.program = "/bin/bash";
  shell.argv = {"bash", "-c", "printf '%s\\0' " + command};
  Outcome echoed = harness::launch(shell);
  REQUIRE(echoed.status == 0);
  std::string expected;
  for (const std::string& a : args) expected += a + '\0';
  CHECK(echoed.out == expected);

  SECTION("in the AWS form, locally, it shows the variables it sets and the emulator") {
    Outcome aws = scene.run({"--aws-form", "my handler"},
                            scene.env({"LAMBDA_ENTRYPOINT_DEBUG=1", "LAMBDA_ENTRYPOINT_BOOTSTRAP=" + scene.handler}));
    CHECK(aws.status == 0);
    CHECK(aws.err ==
          "lambda-entrypoint: AWS_LAMBDA_RUNTIME_API is unset or empty: running under the emulator "
          "(AWS form)\nlambda-entrypoint: executing " +
              scene.emulator + " as: _HANDLER='my handler' " + task_root + " " + runtime_dir + " " + scene.emulator +
              " " + scene.handler + "\n");
  }
}

TEST_CASE(
    "the --debug command shows every byte as it is but the control bytes (below 0x20, and 0x7f), which are escaped "
    "in bash's $'...', where 0x7f and above are escaped too",
    "[blackbox]") {
  const std::string plain = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-";
  auto hex = [](unsigned char c) {
    const char* digits = "0123456789abcdef";
    return std::string("\\x") + digits[c >> 4] + digits[c & 15];
  };
  auto escaped = [&](unsigned char c) -> std::string {  // within $'...'
    if (c == '\n') return "\\n";
    if (c == '\t') return "\\t";
    if (c == '\\' || c == '\'') return std::string("\\") + static_cast<char>(c);
    if (c < 0x20 || c >= 0x7f) return hex(c);
    return std::string(1, static_cast<char>(c));
  };
  // Each byte but NUL between two letters, alone and beside a control byte.
  Scene scene;
  Strings args = {scene.handler};
  std::string expected = scene.handler;
  for (int byte = 1; byte < 256; ++byte) {
    const auto c = static_cast<unsigned char>(byte);
    const std::string word = std::string("a") + static_cast<char>(c) + "z";
    args.push_back(word);
    if (plain.find(static_cast<char>(c)) != std::string::npos) expected += " " + word;
    else if (c < 0x20 || c == 0x7f) expected += " $'a" + escaped(c) + "z'";
    else expected += " 'a" + (c == '\'' ? std::string("'\\''") : std::string(1, static_cast<char>(c))) + "z'";
    args.push_back(word + "\x01");
    expected += " $'a" + escaped(c) + "z\\x01'";
  }
  Strings lambda = {cloud, task_root, runtime_dir, "_HANDLER=app.handler", "LAMBDA_ENTRYPOINT_DEBUG=1"};
  Outcome loud = scene.run(args, scene.env(lambda));
  CHECK(loud.status == 0);
  CHECK(loud.err ==
        "lambda-entrypoint: AWS_LAMBDA_RUNTIME_API is set: running directly (command form)\n"
        "lambda-entrypoint: executing " +
            scene.handler + " as: " + expected + "\n");
}

TEST_CASE(
    "a message reaches stderr in one write(), not to be interleaved with another process's; one longer than 4,096 "
    "bytes in writes of 4,096",
    "[blackbox]") {
  // stderr is a packet socket here, which keeps each write() apart.
  const std::string prefix = "lambda-entrypoint: ", suffix = ": No such file or directory\n";
  for (size_t length : {size_t{60}, size_t{4095}, size_t{4096}, size_t{4097}}) {
    DYNAMIC_SECTION("a line of " << length << " bytes") {
      std::string path = "/nonexistent";
      while (path.size() < length - prefix.size() - suffix.size())
        path += path.size() % 200 == 0 ? '/' : 'a';  // names within NAME_MAX
      // The launch closes every inherited descriptor: the child connects to
      // a listening socket (an abstract name) and makes it its stderr.
      sockaddr_un address{};
      address.sun_family = AF_UNIX;
      const std::string name = "lambda-entrypoint-test-" + std::to_string(getpid());
      std::memcpy(address.sun_path + 1, name.data(), name.size());
      const auto address_size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
      int listening = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
      REQUIRE(listening >= 0);
      REQUIRE(bind(listening, reinterpret_cast<const sockaddr*>(&address), address_size) == 0);
      REQUIRE(listen(listening, 1) == 0);
      harness::Launch to_packets;
      to_packets.before_exec = [&address, address_size] {
        int end = socket(AF_UNIX, SOCK_SEQPACKET, 0);
        if (end < 0 || connect(end, reinterpret_cast<const sockaddr*>(&address), address_size) != 0 ||
            dup2(end, STDERR_FILENO) < 0)
          _exit(99);
        close(end);
      };
      Outcome outcome = harness::run_entrypoint({path}, {cloud}, to_packets);
      CHECK(outcome.status == 127);
      int packets = accept4(listening, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      close(listening);
      REQUIRE(packets >= 0);
      std::vector<std::string> writes;
      char buffer[16384];
      for (ssize_t got; (got = recv(packets, buffer, sizeof buffer, 0)) > 0;)
        writes.emplace_back(buffer, static_cast<size_t>(got));
      close(packets);
      const std::string line = prefix + path + suffix;
      REQUIRE(line.size() == length);
      if (length <= 4096) CHECK(writes == std::vector<std::string>{line});
      else CHECK(writes == std::vector<std::string>{line.substr(0, 4096), line.substr(4096)});
    }
  }
}

TEST_CASE("the --debug command, pasted into dash, runs the same program, whatever a shell reads in its name",
          "[blackbox]") {
  // Names a shell reads, bare, as other than a command: assignments and
  // reserved words; and their neighbours, which it does not.
  // The first are quoted in the line; their neighbours, which include names
  // that start with a digit at either end of 0 to 9, are written bare.
  const Strings read_by_shell = {"x=y",  "A=1",  "_x=",  "x=y=z", "if",  "then", "do",    "done", "case",
                                 "esac", "elif", "else", "fi",    "for", "in",   "until", "while"};
  const Strings neighbours = {"1=2", "0=x", "9x=y", "x-y=z", "plain", "iff", "x.y=z"};
  Strings names = read_by_shell;
  names.insert(names.end(), neighbours.begin(), neighbours.end());
  harness::TempDir dir, records;
  REQUIRE(chmod(dir.path().c_str(), 0755) == 0);
  for (const std::string& name : names) {
    const bool quoted = std::find(read_by_shell.begin(), read_by_shell.end(), name) != read_by_shell.end();
    for (bool parity : {true, false}) {  // without it, the command's name is the line's first word
      INFO("a program named " << name << (parity ? "" : ", without parity"));
      harness::copy_file(harness::standin("handler"), dir / name, 0755);
      Strings env = {"PATH=" + dir.path(), "STANDIN_RECORD_DIR=" + records.path(), cloud, "LAMBDA_ENTRYPOINT_DEBUG=1"};
      if (!parity) env.push_back("LAMBDA_ENTRYPOINT_NO_PARITY=1");
      Outcome ran = harness::run_entrypoint({name, "arg", "x=1"}, env);
      REQUIRE(ran.status == 0);
      std::vector<Record> direct = harness::records(records.path(), "handler");
      harness::remove_tree(records / "handler");
      const std::string as = " as: ";
      size_t start = ran.err.find(as);
      REQUIRE(start != std::string::npos);
      std::string command = ran.err.substr(start + as.size(), ran.err.find('\n', start) - start - as.size());
      if (quoted) CHECK(command.find("'" + name + "' arg") != std::string::npos);
      else CHECK(command.find('\'') == std::string::npos);
      harness::Launch shell;
      shell.program = "/bin/dash";
      shell.argv = {"dash", "-c", command};
      shell.env = {"PATH=" + dir.path(), "STANDIN_RECORD_DIR=" + records.path()};
      Outcome pasted = harness::launch(shell);
      CHECK(pasted.status == 0);
      std::vector<Record> through_shell = harness::records(records.path(), "handler");
      harness::remove_tree(records / "handler");
      REQUIRE(direct.size() == 1);
      REQUIRE(through_shell.size() == 1);
      CHECK(through_shell[0].argv == direct[0].argv);
      for (const char* entry : {"_HANDLER=x=1", "LAMBDA_TASK_ROOT=/var/task"})
        CHECK(std::count(through_shell[0].env.begin(), through_shell[0].env.end(), entry) == (parity ? 1 : 0));
    }
  }
}

TEST_CASE("the --version option prints the version and the CPU, and only as the sole argument", "[blackbox]") {
  Scene scene;
  Outcome version = scene.run({"--version"}, scene.env());
  CHECK(version.status == 0);
  CHECK(version.out == "lambda-entrypoint " + std::string(PROJECT_VERSION) + " (" + harness::entrypoint_arch() + ")\n");
  Outcome as_argument = scene.run({scene.handler, "--version"}, scene.env({cloud}));
  CHECK(as_argument.status == 0);
  CHECK(as_argument.out.empty());
  CHECK(scene.only("handler").argv == Strings{scene.handler, "--version"});
}

namespace {

// One entry of the options table: its option names (without "=VALUE"), its
// variable (empty for an option alone) and its default (empty: none shown).
struct OptionRow {
  std::set<std::string> options;
  std::string variable;
  std::string default_value;
  bool operator==(const OptionRow& other) const {
    return options == other.options && variable == other.variable && default_value == other.default_value;
  }
};

std::string before_equals(const std::string& word) { return word.substr(0, word.find('=')); }

// The words between backticks in a cell of the README's table.
Strings quoted_words(const std::string& cell) {
  Strings words;
  for (size_t open = cell.find('`'); open != std::string::npos; open = cell.find('`', open + 1)) {
    size_t close = cell.find('`', open + 1);
    if (close == std::string::npos) break;
    words.push_back(cell.substr(open + 1, close - open - 1));
    open = close;
  }
  return words;
}

// The table under "## Options and variables": its rows after the header.
std::vector<OptionRow> readme_option_rows(const std::string& readme) {
  std::vector<OptionRow> rows;
  size_t at = readme.find("## Options and variables");
  size_t table = readme.find("\n| option |", at);
  size_t end = readme.find("\n\n", table + 1);
  if (at == std::string::npos || table == std::string::npos) return rows;
  std::string lines = readme.substr(table + 1, end - table - 1);
  size_t start = lines.find('\n', lines.find('\n') + 1);  // past the header and its rule
  for (size_t next; start != std::string::npos && start < lines.size(); start = next) {
    next = lines.find('\n', start + 1);
    std::string line = lines.substr(start + 1, next == std::string::npos ? std::string::npos : next - start - 1);
    Strings cells;
    for (size_t bar = 0, following; (following = line.find('|', bar + 1)) != std::string::npos; bar = following)
      cells.push_back(line.substr(bar + 1, following - bar - 1));
    if (cells.size() < 4) continue;
    OptionRow row;
    for (const std::string& word : quoted_words(cells[0])) row.options.insert(before_equals(word));
    Strings variables = quoted_words(cells[1]);
    if (!variables.empty()) row.variable = before_equals(variables.front());
    Strings defaults = quoted_words(cells[2]);
    // A default the help prints is a path; "on when installed as ..." is told, not printed.
    if (!defaults.empty() && defaults.front().rfind('/', 0) == 0) row.default_value = defaults.front();
    rows.push_back(row);
  }
  return rows;
}

// The entries of --help's lists: "  --name[=VALUE][, VARIABLE=VALUE]" or
// "  -h, --help", each followed by lines of help, one of which may be
// "(default: VALUE)".
std::vector<OptionRow> help_option_rows(const std::string& help) {
  std::vector<OptionRow> rows;
  size_t start = 0;
  for (size_t next; start < help.size(); start = next + 1) {
    next = help.find('\n', start);
    if (next == std::string::npos) next = help.size();
    std::string line = help.substr(start, next - start);
    if (line.rfind("  -", 0) == 0) {
      OptionRow row;
      for (size_t word = 2, comma; word < line.size(); word = comma + 2) {
        comma = line.find(", ", word);
        if (comma == std::string::npos) comma = line.size();
        std::string name = before_equals(line.substr(word, comma - word));
        if (name.rfind('-', 0) == 0) row.options.insert(name);
        else row.variable = name;
      }
      rows.push_back(row);
    } else if (!rows.empty() && line.find("(default: ") != std::string::npos) {
      size_t value = line.find("(default: ") + 10;
      rows.back().default_value = line.substr(value, line.rfind(')') - value);
    }
  }
  return rows;
}

std::string shown(const OptionRow& row) {
  std::string text;
  for (const std::string& option : row.options) text += option + " ";
  return text + "/ " + (row.variable.empty() ? "no variable" : row.variable) + " / " +
         (row.default_value.empty() ? "no default" : row.default_value);
}

}  // namespace

TEST_CASE(
    "every option --help lists has its row in the README's table, with its variable and default, and the other "
    "way round",
    "[blackbox]") {
  Scene scene;
  Outcome help = scene.run({"--help"}, {});
  CHECK(help.status == 0);
  CHECK(help.err.empty());
  std::string readme = harness::read_file(SOURCE_DIR "/README.md");
  std::vector<OptionRow> in_help = help_option_rows(help.out);
  std::vector<OptionRow> in_readme = readme_option_rows(readme);
  // Every setting, --check, -h/--help and --version.
  CHECK(in_help.size() == 9);
  for (const OptionRow& row : in_help) {
    INFO("--help lists " << shown(row) << "; the README's table has no such row");
    CHECK(std::find(in_readme.begin(), in_readme.end(), row) != in_readme.end());
  }
  for (const OptionRow& row : in_readme) {
    INFO("the README's table has " << shown(row) << "; --help lists no such entry");
    CHECK(std::find(in_help.begin(), in_help.end(), row) != in_help.end());
  }
  // The variables the help names in its prose are in the README too.
  for (const char* variable :
       {"AWS_LAMBDA_RUNTIME_API", "AWS_LAMBDA_EXEC_WRAPPER", "_HANDLER", "AWS_LAMBDA_MAX_CONCURRENCY"}) {
    INFO(variable);
    CHECK(help.out.find(variable) != std::string::npos);
    CHECK(readme.find(std::string("`") + variable) != std::string::npos);
  }
  // The one more line of a Managed Instances image, the same in both.
  const std::string copy_line = "COPY --from=lambda-entrypoint /lambda-entrypoint /var/runtime/bootstrap\n";
  CHECK(help.out.find("  " + copy_line) != std::string::npos);
  CHECK(readme.find("\n" + copy_line) != std::string::npos);
}

TEST_CASE("every Dockerfile in docker/examples is in the README as it is", "[blackbox]") {
  std::string readme = harness::read_file(SOURCE_DIR "/README.md");
  std::string examples = SOURCE_DIR "/docker/examples";
  DIR* dir = opendir(examples.c_str());
  REQUIRE(dir != nullptr);
  int count = 0;
  for (dirent* entry; (entry = readdir(dir)) != nullptr;) {
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    std::string dockerfile = harness::read_file(examples + "/" + name + "/Dockerfile");
    INFO(name);
    REQUIRE(!dockerfile.empty());
    CHECK(readme.find("(`docker/examples/" + name + "`)") != std::string::npos);
    CHECK(readme.find("```dockerfile\n" + dockerfile + "```") != std::string::npos);
    ++count;
  }
  closedir(dir);
  CHECK(count == 5);
}

TEST_CASE("the changelog's newest version is the project's version", "[blackbox]") {
  std::string changelog = harness::read_file(SOURCE_DIR "/CHANGELOG.md");
  std::string newest;
  for (size_t at = changelog.find("\n## ["); at != std::string::npos && newest.empty();
       at = changelog.find("\n## [", at + 1)) {
    std::string heading = changelog.substr(at + 5, changelog.find(']', at) - at - 5);
    if (heading != "Unreleased") newest = heading;
  }
  CHECK(newest == PROJECT_VERSION);
}

TEST_CASE(
    "started with no argument, a LAMBDA_ENTRYPOINT_COMMAND this program did not write is refused with 142, and a "
    "carried working directory that cannot be entered is named with its cause",
    "[blackbox][managed]") {
  for (const char* value : {"", "x", "1:", "2:/", "1:/", "3:/ab", "1:/2:le3:ab", "01:/x"}) {
    INFO("LAMBDA_ENTRYPOINT_COMMAND=" << value);
    Outcome outcome = harness::run_entrypoint({}, {cloud, std::string("LAMBDA_ENTRYPOINT_COMMAND=") + value});
    CHECK(outcome.status == 142);
    CHECK(outcome.err == message("LAMBDA_ENTRYPOINT_COMMAND", "not a command this program carried") + "\n");
  }
  harness::TempDir dir;
  struct Directory {
    std::string path;
    int status;
    std::string reason;
  };
  for (const Directory& d : {Directory{dir / "missing", 127, "No such file or directory"},
                             Directory{dir / "file", 127, "Not a directory"}}) {
    harness::write_file(dir / "file", "", 0644);
    std::string target = d.path == dir / "file" ? d.path + "/below" : d.path;
    std::string value = std::to_string(target.size()) + ":" + target + "2:le7:/bin/sh";
    Outcome outcome = harness::run_entrypoint({}, {cloud, "LAMBDA_ENTRYPOINT_COMMAND=" + value});
    CHECK(outcome.status == d.status);
    CHECK(outcome.err ==
          message(target, d.reason + "; the working directory carried in LAMBDA_ENTRYPOINT_COMMAND") + "\n");
  }
  // Carried well, the command runs there, and the variable does not reach it.
  std::string inside = dir / "inside";
  harness::make_dirs(inside, 0755);
  std::string script = "test \"$(pwd)\" = '" + inside + "' && test -z \"${LAMBDA_ENTRYPOINT_COMMAND+set}\" && exit 7";
  std::string value =
      std::to_string(inside.size()) + ":" + inside + "2:le7:/bin/sh2:-c" + std::to_string(script.size()) + ":" + script;
  Outcome outcome = harness::run_entrypoint({}, {cloud, "PATH=/usr/bin:/bin", "LAMBDA_ENTRYPOINT_COMMAND=" + value});
  CHECK(outcome.err.empty());
  CHECK(outcome.status == 7);
}

// The harness itself: a mutant that makes the binary wait forever (on a FIFO,
// say) must fail its test within the launch's time limit.
TEST_CASE("the harness kills a start that outlasts its time limit, with all it started, and fails it with 137",
          "[blackbox][host-cpu]") {
  require_host_cpu("the harness, which is the same for either binary, is tested once");
  harness::TempDir dir;
  harness::Launch hanging;
  hanging.program = "/bin/sh";
  hanging.argv = {"sh", "-c", "sleep 100 & echo $! > " + dir / "pid" + "; wait"};
  // Long enough for the shell to start and write the pid on a busy machine.
  hanging.time_limit_seconds = 5;
  Outcome outcome = harness::launch(hanging);
  CHECK(outcome.status == 128 + SIGKILL);
  CHECK(outcome.err == "harness: killed after 5 s, the launch's time limit\n");
  // The sleep it left behind is gone too, or a zombie waiting for init: it
  // closes its descriptors, which ends the launch, a moment before it
  // becomes one, so it is given a few seconds.
  std::string sleeper = harness::read_file(dir / "pid");
  REQUIRE(!sleeper.empty());
  const std::string stat_path = "/proc/" + sleeper.substr(0, sleeper.size() - 1) + "/stat";
  bool ended = false;
  for (int tries = 0; tries < 100 && !ended; ++tries) {
    std::string stat = harness::read_file(stat_path);
    ended = stat.empty() || stat.find(") Z ") != std::string::npos;
    if (!ended) usleep(50000);
  }
  CHECK(ended);
}

// The harness itself: a stand-in's record is read while it may be half
// written (a start is watched for it), and must then count as not there yet.
TEST_CASE(
    "the harness takes a stand-in's record only once it is whole: the file cut at any byte gives the records "
    "finished before the cut, and no error",
    "[blackbox][host-cpu]") {
  require_host_cpu("the harness, which is the same for either binary, is tested once");
  harness::TempDir written, cut;
  std::vector<size_t> ends;  // where each record ends in the file
  for (const Strings& argv : {Strings{"handler", "end", "record"}, Strings{"handler", "", "end"}}) {
    harness::Launch standin;
    standin.program = harness::standin("handler");
    standin.argv = argv;
    standin.env = {"STANDIN_RECORD_DIR=" + written.path(), "WORD=end", "end"};
    REQUIRE(harness::launch(standin).status == 0);
    ends.push_back(harness::read_file(written / "handler").size());
  }
  const std::string whole = harness::read_file(written / "handler");
  const std::vector<harness::Record> both = harness::records(written.path(), "handler");
  REQUIRE(both.size() == 2);
  CHECK(both[0].argv == Strings{"handler", "end", "record"});
  CHECK(both[1].argv == Strings{"handler", "", "end"});
  CHECK(both[1].env == Strings{"STANDIN_RECORD_DIR=" + written.path(), "WORD=end", "end"});
  for (size_t size = 0; size <= whole.size(); ++size) {
    std::ofstream(cut / "handler", std::ios::binary | std::ios::trunc) << whole.substr(0, size);
    std::vector<harness::Record> found = harness::records(cut.path(), "handler");
    INFO("the first " << size << " of " << whole.size() << " bytes");
    REQUIRE(found.size() ==
            static_cast<size_t>(std::count_if(ends.begin(), ends.end(), [&](size_t end) { return end <= size; })));
    for (size_t k = 0; k < found.size(); ++k) REQUIRE(found[k].argv == both[k].argv);
  }
}
