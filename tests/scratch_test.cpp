// The binary as PID 1 of an empty root that holds only static files: no
// /bin/sh, no libc, no PATH variable, as in a FROM scratch image. Every case
// runs in every setting: as root on a writable root, and as a non-root uid
// on a read-only root, as in the Lambda cloud.
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include "elf_bytes.hpp"
#include "harness.hpp"

using harness::Outcome;
using harness::Record;
using harness::Strings;

namespace {

constexpr const char* cloud = "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001";
// An image's bare environment gains _HANDLER (here app.handler, from the
// command or the AWS form's argument) and what the Lambda cloud always sets.
const Strings parity = {"_HANDLER=app.handler", "LAMBDA_TASK_ROOT=/var/task", "LAMBDA_RUNTIME_DIR=/var/runtime"};

struct Setting {
  const char* name;
  bool read_only;
  uid_t uid;
  gid_t gid;
};

constexpr Setting all_settings[] = {
    {"root, writable root", false, 0, 0},
    {"uid 993, read-only root", true, 993, 990},
};

// An image's files: the entrypoint at / (also as lambda-entrypoint.sh), the
// emulator and a handler where images put them, and /out for the records.
struct Image {
  harness::TempDir root;
  harness::TempDir records;

  explicit Image(bool with_emulator = true) {
    for (const char* dir : {"/usr/local/bin", "/var/runtime", "/var/task", "/out"})
      harness::make_dirs(root.path() + dir);
    harness::copy_file(harness::entrypoint(), root / "lambda-entrypoint", 0755);
    harness::copy_file(harness::entrypoint(), root / "lambda-entrypoint.sh", 0755);
    harness::copy_file(harness::standin("handler"), root / "usr/local/bin/handler", 0755);
    harness::copy_file(harness::standin("handler"), root / "var/runtime/bootstrap", 0755);
    if (with_emulator) harness::copy_file(harness::standin("emulator"), root / "usr/local/bin/aws-lambda-rie", 0755);
    // A binary for another CPU needs qemu-user, a static program too.
    if (std::string qemu = harness::cpu_emulator(harness::entrypoint()); !qemu.empty()) {
      harness::make_dirs(root.path() + qemu.substr(0, qemu.rfind('/')));
      harness::copy_file(qemu, root.path() + qemu, 0755);
    }
    chmod(records.path().c_str(), 0777);
  }

  Outcome run(const Setting& setting, Strings argv, Strings env) const {
    harness::Sandbox sandbox{root.path(), records.path(), setting.read_only, setting.uid, setting.gid};
    harness::Launch launch;
    launch.program = argv.front();
    launch.argv = std::move(argv);
    launch.env = std::move(env);
    launch.cwd = "/var/task";
    launch.sandbox = &sandbox;
    return harness::launch(launch);
  }

  Record only(const std::string& role) const {
    std::vector<Record> found = harness::records(records.path(), role);
    REQUIRE(found.size() == 1);
    return found.front();
  }
};

Strings plus(Strings env, Strings extra) {
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

}  // namespace

TEST_CASE("scratch: the command form in the cloud runs the program as PID 1, found through the default PATH",
          "[scratch]") {
  for (const Setting& setting : all_settings) {
    DYNAMIC_SECTION(setting.name) {
      Image image;
      Strings env = {"STANDIN_RECORD_DIR=/out", cloud};
      Outcome outcome = image.run(setting, {"/lambda-entrypoint", "handler", "app.handler"}, env);
      CHECK(outcome.err.empty());
      CHECK(outcome.status == 0);
      Record handler = image.only("handler");
      CHECK(handler.argv == Strings{"handler", "app.handler"});
      CHECK(handler.env == plus(env, parity));
      CHECK(handler.pid == 1);
      CHECK(handler.uid == setting.uid);
      CHECK(handler.gid == setting.gid);
      CHECK(handler.cwd == "/var/task");
    }
  }
}

TEST_CASE("scratch: the command form locally runs the default emulator as PID 1 around the runtime", "[scratch]") {
  for (const Setting& setting : all_settings) {
    DYNAMIC_SECTION(setting.name) {
      Image image;
      Strings env = {"STANDIN_RECORD_DIR=/out"};
      Outcome outcome = image.run(setting, {"/lambda-entrypoint", "handler", "app.handler"}, env);
      CHECK(outcome.err.empty());
      CHECK(outcome.status == 0);
      Record emulator = image.only("emulator");
      CHECK(emulator.argv == Strings{"/usr/local/bin/aws-lambda-rie", "/usr/local/bin/handler", "app.handler"});
      CHECK(emulator.pid == 1);
      CHECK(emulator.uid == setting.uid);
      Record handler = image.only("handler");
      CHECK(handler.argv == Strings{"/usr/local/bin/handler", "app.handler"});
      CHECK(handler.env == plus(plus(env, parity), harness::emulator_additions()));
      CHECK(handler.ppid == 1);
    }
  }
}

TEST_CASE("scratch: the AWS form in the cloud runs /var/runtime/bootstrap as PID 1 with _HANDLER", "[scratch]") {
  for (const Setting& setting : all_settings) {
    DYNAMIC_SECTION(setting.name) {
      Image image;
      Strings env = {"STANDIN_RECORD_DIR=/out", cloud};
      Outcome outcome = image.run(setting, {"/lambda-entrypoint.sh", "app.handler"}, env);
      CHECK(outcome.err.empty());
      CHECK(outcome.status == 0);
      Record bootstrap = image.only("handler");
      CHECK(bootstrap.argv == Strings{"/var/runtime/bootstrap"});
      CHECK(bootstrap.env == plus(env, parity));
      CHECK(bootstrap.pid == 1);
      CHECK(bootstrap.uid == setting.uid);
    }
  }
}

TEST_CASE("scratch: the AWS form locally runs the emulator around /var/runtime/bootstrap", "[scratch]") {
  for (const Setting& setting : all_settings) {
    DYNAMIC_SECTION(setting.name) {
      Image image;
      Strings env = {"STANDIN_RECORD_DIR=/out"};
      Outcome outcome = image.run(setting, {"/lambda-entrypoint.sh", "app.handler"}, env);
      CHECK(outcome.err.empty());
      CHECK(outcome.status == 0);
      Record emulator = image.only("emulator");
      CHECK(emulator.argv == Strings{"/usr/local/bin/aws-lambda-rie", "/var/runtime/bootstrap"});
      CHECK(emulator.pid == 1);
      Record bootstrap = image.only("handler");
      CHECK(bootstrap.argv == Strings{"/var/runtime/bootstrap"});
      CHECK(bootstrap.env == plus(plus(env, parity), harness::emulator_additions()));
    }
  }
}

TEST_CASE("scratch: an image without the emulator, run locally, exits 127 and says what to do", "[scratch]") {
  for (const Setting& setting : all_settings) {
    DYNAMIC_SECTION(setting.name) {
      Image image(false);
      Outcome outcome = image.run(setting, {"/lambda-entrypoint", "handler"}, {"STANDIN_RECORD_DIR=/out"});
      CHECK(outcome.status == 127);
      CHECK_THAT(outcome.err,
                 Catch::Matchers::StartsWith("lambda-entrypoint: /usr/local/bin/aws-lambda-rie: not found, and "
                                             "neither is /usr/local/bin/aws-lambda-rie-"));
      CHECK_THAT(outcome.err, Catch::Matchers::ContainsSubstring(
                                  "(docker run -v ~/.aws-lambda-rie:/aws-lambda -p 9000:8080 IMAGE)"));
      CHECK(harness::records(image.records.path(), "handler").empty());
    }
  }
}

TEST_CASE("scratch: an image without the emulator runs locally with it mounted where AWS's documentation puts it",
          "[scratch]") {
  const std::string cpu = harness::entrypoint_arch() == "aarch64" ? "arm64" : "x86_64";
  for (const std::string& name : {std::string("aws-lambda-rie"), "aws-lambda-rie-" + cpu}) {
    for (const Setting& setting : all_settings) {
      DYNAMIC_SECTION(name << ", " << setting.name) {
        Image image(false);
        harness::make_dirs(image.root / "aws-lambda");
        harness::copy_file(harness::standin("emulator"), image.root / "aws-lambda/" + name, 0755);
        Outcome outcome =
            image.run(setting, {"/lambda-entrypoint", "handler", "app.handler"}, {"STANDIN_RECORD_DIR=/out"});
        CHECK(outcome.err.empty());
        CHECK(outcome.status == 0);
        CHECK(image.only("emulator").argv == Strings{"/aws-lambda/" + name, "/usr/local/bin/handler", "app.handler"});
        CHECK(image.only("handler").argv == Strings{"/usr/local/bin/handler", "app.handler"});
      }
    }
  }
}

TEST_CASE("scratch: the handler's exit status is PID 1's exit status", "[scratch]") {
  for (const Setting& setting : all_settings) {
    DYNAMIC_SECTION(setting.name) {
      Image image;
      Outcome outcome = image.run(setting, {"/lambda-entrypoint", "handler"},
                                  {"STANDIN_RECORD_DIR=/out", cloud, "STANDIN_EXIT_STATUS=3"});
      CHECK(outcome.status == 3);
    }
  }
}

TEST_CASE("scratch: as PID 1, a program that cannot start is named with its cause", "[scratch]") {
  const bool binfmt_aarch64 = harness::read_file("/proc/sys/fs/binfmt_misc/qemu-aarch64").rfind("enabled", 0) == 0;
  const unsigned machine = harness::entrypoint_arch() == "aarch64" ? elf_bytes::aarch64 : elf_bytes::x86_64;
  struct Broken {
    const char* name;
    std::string content;
    mode_t mode;
    int status_as_root, status_as_user;
    std::string reason_as_root, reason_as_user;
  };
  const std::string loader =
      "a dynamically linked program whose ELF interpreter /lib64/ld-linux-x86-64.so.2 is "
      "missing: link it statically, or add its loader and libraries";
  const std::string crlf =
      "its '#!' line ends in a carriage return: the file has Windows line endings (CRLF); "
      "convert them to LF";
  const std::string bash = "its '#!' interpreter /bin/bash: No such file or directory";
  std::vector<Broken> cases = {
      {"bash.sh", "#!/bin/bash\necho\n", 0755, 127, 127, bash, bash},
      {"crlf.sh", "#!/bin/sh\r\necho\r\n", 0755, 127, 127, crlf, crlf},
      {"private", harness::read_file(harness::standin("handler")), 0700, 0, 126, "",
       "no execute permission for this user (mode 0700)"},
  };
  // Under qemu in binfmt_misc, this machine would start an aarch64 file that an aarch64 one refuses.
  if (!(machine == elf_bytes::aarch64 && binfmt_aarch64))
    cases.push_back(
        {"dynamic", elf_bytes::file(machine, "/lib64/ld-linux-x86-64.so.2"), 0755, 127, 127, loader, loader});
  for (const Broken& broken : cases) {
    for (const Setting& setting : all_settings) {
      DYNAMIC_SECTION(broken.name << ", " << setting.name) {
        Image image;
        harness::write_file(image.root / "var/task/" + broken.name, broken.content, broken.mode);
        std::string path = "/var/task/" + std::string(broken.name);
        Outcome outcome = image.run(setting, {"/lambda-entrypoint", path}, {"STANDIN_RECORD_DIR=/out", cloud});
        bool as_root = setting.uid == 0;
        CHECK(outcome.status == (as_root ? broken.status_as_root : broken.status_as_user));
        std::string reason = as_root ? broken.reason_as_root : broken.reason_as_user;
        CHECK(outcome.err == (reason.empty() ? "" : "lambda-entrypoint: " + path + ": " + reason + "\n"));
      }
    }
  }
}

TEST_CASE("scratch: --check as PID 1 judges a root-only bootstrap for Lambda's user, even as root", "[scratch]") {
  Image image;
  harness::copy_file(harness::entrypoint(), image.root / "var/runtime/bootstrap", 0700);
  harness::copy_file(harness::entrypoint(), image.root / "usr/local/bin/aws-lambda-rie", 0755);
  Outcome outcome = image.run(all_settings[0], {"/lambda-entrypoint.sh", "--check", "app.handler"}, {});
  CHECK(outcome.status == 126);
  CHECK(outcome.out == "lambda-entrypoint: /usr/local/bin/aws-lambda-rie: ok, the emulator, a static " +
                           harness::entrypoint_arch() +
                           " program\n"
                           "lambda-entrypoint: /var/task: ok, the function's code, readable by other users (files: 0, "
                           "directories: 1)\n");
  CHECK(outcome.err ==
        "lambda-entrypoint: /var/runtime/bootstrap: no execute permission for other users (mode 0700); "
        "Lambda runs the function as a user who is neither its owner nor in its group: chmod o+rx; it "
        "is the AWS form's bootstrap (LAMBDA_ENTRYPOINT_BOOTSTRAP)\n");
}

TEST_CASE("scratch: --check fails npx in an image without /bin/sh, which npm needs to start the client: 127",
          "[scratch]") {
  for (const Setting& setting : all_settings) {
    DYNAMIC_SECTION(setting.name) {
      Image image;
      // Every file --check judges is a program for the binary's own CPU.
      harness::copy_file(harness::entrypoint(), image.root / "usr/local/bin/aws-lambda-rie", 0755);
      harness::copy_file(harness::entrypoint(), image.root / "usr/local/bin/npx", 0755);
      Outcome outcome =
          image.run(setting, {"/lambda-entrypoint", "--check", "npx", "aws-lambda-ric", "index.handler"}, {});
      CHECK(outcome.status == 127);
      CHECK(outcome.err ==
            "lambda-entrypoint: /usr/local/bin/npx: npm starts the program it runs with /bin/sh -c, and /bin/sh: No "
            "such file or directory; start the runtime client with node directly, e.g. node "
            "node_modules/.bin/aws-lambda-ric HANDLER\n");
      // With a shell in the image, the same image passes, with the note.
      harness::make_dirs(image.root / "bin");
      harness::copy_file(harness::entrypoint(), image.root / "bin/sh", 0755);
      Outcome with_shell =
          image.run(setting, {"/lambda-entrypoint", "--check", "npx", "aws-lambda-ric", "index.handler"}, {});
      CHECK(with_shell.status == 0);
      CHECK_THAT(with_shell.out, Catch::Matchers::ContainsSubstring("lambda-entrypoint: /usr/local/bin/npx: note: "));
    }
  }
}

TEST_CASE("scratch: locally, code only root can read gets a warning as root, and none as uid 993", "[scratch]") {
  for (const Setting& setting : all_settings) {
    DYNAMIC_SECTION(setting.name) {
      Image image;
      harness::write_file(image.root / "var/task/app.py", "code\n", 0600);
      Outcome outcome = image.run(setting, {"/lambda-entrypoint", "/usr/local/bin/handler", "app.handler"},
                                  {"STANDIN_RECORD_DIR=/out"});
      CHECK(outcome.status == 0);
      image.only("emulator");  // it started, whatever the warning said
      if (setting.uid == 0) {
        CHECK(outcome.err ==
              "lambda-entrypoint: warning: /var/task/app.py: other users cannot read it (mode 0600)\n"
              "lambda-entrypoint: warning: /var/task: Lambda runs the function as a user who is neither its owner nor "
              "in its group: RUN chmod -R o+rX /var/task as the last line that writes there, or COPY it with "
              "--chmod=755; it works here only because this runs as root\n");
      } else {
        // As another user the runtime meets the error itself, and says so.
        CHECK(outcome.err.empty());
      }
    }
  }
}

TEST_CASE("scratch: --check as uid 993 names a directory it cannot walk, though other users could", "[scratch]") {
  // Group 990 may not enter it, others may: the walk cannot vouch for it.
  Image image;
  harness::copy_file(harness::entrypoint(), image.root / "usr/local/bin/aws-lambda-rie", 0755);
  harness::copy_file(harness::entrypoint(), image.root / "var/task/bootstrap", 0755);
  harness::make_dirs(image.root / "var/task/odd");
  REQUIRE(chown((image.root / "var/task/odd").c_str(), 0, 990) == 0);
  REQUIRE(chmod((image.root / "var/task/odd").c_str(), 0705) == 0);
  Outcome outcome = image.run(all_settings[1], {"/lambda-entrypoint", "--check", "/var/task/bootstrap"}, {});
  CHECK(outcome.status == 126);
  CHECK(outcome.err ==
        "lambda-entrypoint: /var/task/odd: cannot be walked here: Permission denied\n"
        "lambda-entrypoint: /var/task: Lambda runs the function as a user who is neither its owner nor in its group: "
        "RUN chmod -R o+rX /var/task as the last line that writes there, or COPY it with --chmod=755\n");
}
