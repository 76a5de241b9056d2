// The binary as PID 1 of an empty root that holds only static files: no
// /bin/sh, no libc, no PATH variable, as in a FROM scratch image. Every case
// runs in every setting: as root on a writable root, and as a non-root uid
// on a read-only root, as in the Lambda cloud.
#include <dirent.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <functional>
#include <iomanip>
#include <map>
#include <memory>
#include <sstream>

#include "elf_bytes.hpp"
#include "harness.hpp"
#include "host_cpu.hpp"

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

  // proc: /proc mounted, as docker mounts it (false: as in a bare chroot).
  Outcome run(const Setting& setting, Strings argv, Strings env, const std::string& cwd = "/var/task", bool proc = true,
              bool stdin_closed = false) const {
    harness::Sandbox sandbox{root.path(), records.path(), setting.read_only, setting.uid, setting.gid, proc};
    harness::Launch launch;
    launch.program = program.empty() ? argv.front() : program;
    launch.argv = std::move(argv);
    launch.env = std::move(env);
    launch.cwd = cwd;
    launch.sandbox = &sandbox;
    launch.before_exec = [stdin_closed, from = mmap_fails_from, files = open_files] {
      if (stdin_closed) close(STDIN_FILENO);
      if (from != 0) harness::fail_mmap_from(from);
      const rlimit limit = {files, files};
      if (files != 0 && setrlimit(RLIMIT_NOFILE, &limit) != 0) _exit(99);
    };
    return harness::launch(launch);
  }

  std::uint32_t mmap_fails_from = 0;  // set: every mmap() of as many bytes or more fails (harness::fail_mmap_from)
  rlim_t open_files = 0;              // set: the descriptors it may have open (RLIMIT_NOFILE)
  std::string program;                // set: the file started, in the root, where argv[0] is another name

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

TEST_CASE(
    "scratch: a program others may execute but not read (mode 0711) starts in the cloud and locally, as the kernel "
    "starts it for a user who cannot read its bytes",
    "[scratch]") {
  for (const Setting& setting : all_settings) {
    for (bool in_cloud : {true, false}) {
      DYNAMIC_SECTION(setting.name << (in_cloud ? ", in the cloud" : ", locally")) {
        Image image;
        REQUIRE(chmod((image.root / "usr/local/bin/handler").c_str(), 0711) == 0);
        Strings env = {"STANDIN_RECORD_DIR=/out"};
        if (in_cloud) env.push_back(cloud);
        Outcome outcome = image.run(setting, {"/lambda-entrypoint", "handler", "app.handler"}, env);
        CHECK(outcome.err.empty());
        CHECK(outcome.status == 0);
        CHECK(image.only("handler").uid == setting.uid);
      }
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

TEST_CASE(
    "scratch: /bin/sh -c missing from the image is named as a CMD in the shell form, in the cloud, locally and "
    "under --check; nothing else is",
    "[scratch]") {
  const std::string shell_form =
      "; the image's CMD or ENTRYPOINT is in the shell form, which needs a shell: write it as a JSON array";
  struct Call {
    const char* name;
    Strings words;  // after the program's own arguments: what docker passes
    bool shell_form;
  };
  const std::vector<Call> calls = {
      {"/bin/sh -c LINE", {"/bin/sh", "-c", "/usr/local/bin/handler app.handler"}, true},
      {"/bin/sh -c LINE ARG", {"/bin/sh", "-c", "/usr/local/bin/handler", "app.handler"}, true},
      {"/bin/sh SCRIPT, no -c", {"/bin/sh", "/var/task/run.sh", "app.handler"}, false},
      {"/bin/sh -c with nothing after it", {"/bin/sh", "-c"}, false},
      {"another missing program with -c", {"/bin/bash", "-c", "/usr/local/bin/handler app.handler"}, false},
  };
  for (const Setting& setting : all_settings) {
    for (const Call& call : calls) {
      DYNAMIC_SECTION(setting.name << ": " << call.name) {
        Image image;
        harness::copy_file(harness::entrypoint(), image.root / "usr/local/bin/aws-lambda-rie", 0755);
        const std::string named = call.words.front();
        const std::string line = "lambda-entrypoint: " + named + ": No such file or directory";
        const std::string tail = call.shell_form ? shell_form : "";
        Strings argv = plus({"/lambda-entrypoint"}, call.words);
        Outcome cloud_run = image.run(setting, argv, {cloud});
        CHECK(cloud_run.status == 127);
        CHECK(cloud_run.err == line + tail + "\n");
        Outcome local_run = image.run(setting, argv, {});
        CHECK(local_run.status == 127);
        CHECK(local_run.err == line + "; the emulator was to run it" + tail + "\n");
        Outcome checked = image.run(setting, plus({"/lambda-entrypoint", "--check"}, call.words), {});
        CHECK(checked.status == 127);
        CHECK(checked.err == line + tail + "\n");
      }
    }
  }
  SECTION("with /bin/sh in the image, /bin/sh -c runs as it is") {
    Image image;
    harness::make_dirs(image.root / "bin");
    harness::copy_file(harness::standin("handler"), image.root / "bin/sh", 0755);
    Outcome outcome =
        image.run(all_settings[0], {"/lambda-entrypoint", "/bin/sh", "-c", "x y"}, {"STANDIN_RECORD_DIR=/out", cloud});
    CHECK(outcome.status == 0);
    CHECK(outcome.err.empty());
    CHECK(image.only("handler").argv == Strings{"/bin/sh", "-c", "x y"});
  }
}

TEST_CASE(
    "scratch: --check judges every entry of /opt/extensions as Lambda starts it, and its verdict is the kernel's for "
    "Lambda's user",
    "[scratch]") {
  const std::string cpu = harness::entrypoint_arch();
  const unsigned machine = cpu == "aarch64" ? elf_bytes::aarch64 : elf_bytes::x86_64;
  const unsigned other_machine = cpu == "aarch64" ? elf_bytes::x86_64 : elf_bytes::aarch64;
#if defined(__x86_64__)
  const bool native = cpu == "x86_64";
#else
  const bool native = cpu == "aarch64";
#endif
  const std::string program = harness::read_file(harness::entrypoint());
  const std::string role = "; Lambda starts every file in /opt/extensions before the runtime, as its user\n";
  struct Extension {
    const char* name;
    std::function<void(const std::string& path)> make;
    int status;
    std::string line;   // after "lambda-entrypoint: /opt/extensions/NAME: "
    bool kernel_asked;  // whether the kernel here can say what Lambda's would
  };
  auto file = [](std::string content, mode_t mode) {
    return [content, mode](const std::string& path) { harness::write_file(path, content, mode); };
  };
  const std::vector<Extension> extensions = {
      {"sound-program", file(program, 0755), 0, "ok, an extension, a static " + cpu + " program\n", true},
      {"sound-script", file("#!/opt/tool --help\n", 0755), 0, "ok, an extension, a script for /opt/tool\n", true},
      {"root-only", file(program, 0700), 126,
       "no execute permission for other users (mode 0700); Lambda runs the function as a user who is neither its "
       "owner nor in its group: chmod o+rx" +
           role,
       true},
      {"no-execute-bit", file(program, 0644), 126,
       "no execute permission for other users (mode 0644); Lambda runs the function as a user who is neither its "
       "owner nor in its group: chmod o+rx" +
           role,
       true},
      {"missing-interpreter", file("#!/bin/bash\necho\n", 0755), 127,
       "its '#!' interpreter /bin/bash: No such file or directory" + role, true},
      {"crlf", file("#!/opt/tool\r\n", 0755), 127,
       "its '#!' line ends in a carriage return: the file has Windows line endings (CRLF); convert them to LF" + role,
       true},
      {"no-shebang", file("echo hi\n", 0755), 126, "neither a program (ELF) nor a script starting with '#!'" + role,
       true},
      {"empty", file("", 0755), 126, "neither a program (ELF) nor a script starting with '#!'" + role, true},
      {"missing-loader", file(elf_bytes::file(machine, "/lib/ld-musl-x.so.1"), 0755), 127,
       "a dynamically linked program whose ELF interpreter /lib/ld-musl-x.so.1 is missing: link it statically, or "
       "add its loader and libraries" +
           role,
       true},
      {"other-cpu", file(elf_bytes::file(other_machine), 0755), 126,
       std::string(other_machine == elf_bytes::aarch64 ? "an aarch64" : "an x86_64") + " program; this is an " + cpu +
           " machine" + role,
       false},
      {"link-to-program", [](const std::string& path) { REQUIRE(symlink("/opt/tool", path.c_str()) == 0); }, 0,
       "ok, an extension, a static " + cpu + " program\n", true},
      {"dangling-link", [](const std::string& path) { REQUIRE(symlink("/opt/none", path.c_str()) == 0); }, 127,
       "No such file or directory" + role, true},
      {"link-to-directory", [](const std::string& path) { REQUIRE(symlink("/var/task", path.c_str()) == 0); }, 126,
       "Permission denied (a directory)" + role, true},
      {"directory", [](const std::string& path) { harness::make_dirs(path); }, 0,
       "a directory, which Lambda does not start as an extension\n", false},
  };
  for (const Extension& extension : extensions) {
    DYNAMIC_SECTION(extension.name) {
      Image image;
      harness::copy_file(harness::entrypoint(), image.root / "usr/local/bin/aws-lambda-rie", 0755);
      harness::copy_file(harness::entrypoint(), image.root / "var/task/bootstrap", 0755);
      harness::make_dirs(image.root / "opt/extensions");
      harness::copy_file(harness::entrypoint(), image.root / "opt/tool", 0755);
      const std::string path = "/opt/extensions/" + std::string(extension.name);
      extension.make(image.root.path() + path);
      Outcome checked = image.run(all_settings[0], {"/lambda-entrypoint", "--check", "/var/task/bootstrap"}, {});
      INFO("out: " << checked.out << "err: " << checked.err);
      CHECK(checked.status == extension.status);
      const std::string line = "lambda-entrypoint: " + path + ": " + extension.line;
      CHECK_THAT(extension.status == 0 ? checked.out : checked.err, Catch::Matchers::ContainsSubstring(line));
      // The kernel here judges only files for its own CPU (one for the other
      // CPU it may start through qemu, where Lambda's would refuse it).
      if (!extension.kernel_asked || !native) continue;
      // The kernel's word: Lambda's user starts the extension with musl's
      // execvp (the binary's libc), which exits 127 or 126 where execve fails.
      const std::string built = harness::entrypoint();
      harness::copy_file(built.substr(0, built.rfind('/')) + "/execvp-probe", image.root / "execvp-probe", 0755);
      Outcome started = image.run(all_settings[1], {"/execvp-probe", path}, {});
      int kernel = started.status == 126 || started.status == 127 ? started.status : 0;
      CHECK(kernel == extension.status);
    }
  }
  SECTION("an image without /opt/extensions, or with it empty, has no line for them") {
    Image image;
    harness::copy_file(harness::entrypoint(), image.root / "usr/local/bin/aws-lambda-rie", 0755);
    harness::copy_file(harness::entrypoint(), image.root / "var/task/bootstrap", 0755);
    for (bool made : {false, true}) {
      if (made) harness::make_dirs(image.root / "opt/extensions");
      Outcome checked = image.run(all_settings[0], {"/lambda-entrypoint", "--check", "/var/task/bootstrap"}, {});
      CHECK(checked.status == 0);
      CHECK(checked.out.find("/opt/extensions") == std::string::npos);
    }
  }
  SECTION("started with its stdin closed, the directory may be opened as descriptor 0: it is judged all the same") {
    Image image;
    harness::copy_file(harness::entrypoint(), image.root / "usr/local/bin/aws-lambda-rie", 0755);
    harness::copy_file(harness::entrypoint(), image.root / "var/task/bootstrap", 0755);
    harness::make_dirs(image.root / "opt/extensions");
    harness::write_file(image.root / "opt/extensions/agent", "#!/bin/bash\n", 0755);
    Outcome checked = image.run(all_settings[0], {"/lambda-entrypoint", "--check", "/var/task/bootstrap"}, {},
                                "/var/task", true, true);
    CHECK(checked.status == 127);
    CHECK_THAT(checked.err, Catch::Matchers::ContainsSubstring("lambda-entrypoint: /opt/extensions/agent: its '#!' "
                                                               "interpreter /bin/bash: No such file or directory"));
  }
  SECTION("started with its stdin closed, a file it reads may be opened as descriptor 0: it is read all the same") {
    Image image;
    harness::copy_file(harness::entrypoint(), image.root / "usr/local/bin/aws-lambda-rie", 0755);
    harness::write_file(image.root / "var/task/bootstrap", "#!/bin/bash\n", 0755);
    const std::string line =
        "lambda-entrypoint: /var/task/bootstrap: its '#!' interpreter /bin/bash: No such file or directory";
    for (const Strings& argv : {Strings{"/lambda-entrypoint", "--check", "/var/task/bootstrap"},
                                Strings{"/lambda-entrypoint", "/var/task/bootstrap"}}) {
      INFO(argv[1]);
      Outcome outcome = image.run(all_settings[0], argv, {cloud}, "/var/task", true, true);
      CHECK(outcome.status == 127);
      CHECK_THAT(outcome.err, Catch::Matchers::ContainsSubstring(line));
    }
  }
  SECTION(
      "the first extension that cannot start, in the directory's order, sets the exit code, and each gets its line") {
    // Two that start and two that fail with different codes, in an order the
    // directory chooses: whichever comes last, the code is the first fault's.
    Image image;
    harness::copy_file(harness::entrypoint(), image.root / "usr/local/bin/aws-lambda-rie", 0755);
    harness::copy_file(harness::entrypoint(), image.root / "var/task/bootstrap", 0755);
    const std::map<std::string, int> codes = {{"a", 0}, {"b", 127}, {"c", 126}, {"d", 0}};
    harness::make_dirs(image.root / "opt/extensions");
    harness::copy_file(harness::entrypoint(), image.root / "opt/tool", 0755);
    harness::write_file(image.root / "opt/extensions/a", "#!/opt/tool\n", 0755);
    harness::write_file(image.root / "opt/extensions/b", "#!/bin/bash\n", 0755);
    harness::write_file(image.root / "opt/extensions/c", "#!/opt/tool\n", 0700);
    harness::write_file(image.root / "opt/extensions/d", "#!/opt/tool\n", 0755);
    int first_fault = 0;
    DIR* listing = opendir((image.root / "opt/extensions").c_str());
    REQUIRE(listing != nullptr);
    while (const dirent* entry = readdir(listing))
      if (codes.count(entry->d_name) != 0 && first_fault == 0) first_fault = codes.at(entry->d_name);
    closedir(listing);
    Outcome checked = image.run(all_settings[0], {"/lambda-entrypoint", "--check", "/var/task/bootstrap"}, {});
    CHECK(checked.status == first_fault);
    for (const char* name : {"b", "c"})
      CHECK_THAT(checked.err,
                 Catch::Matchers::ContainsSubstring("lambda-entrypoint: /opt/extensions/" + std::string(name) + ": "));
    for (const char* name : {"a", "d"})
      CHECK_THAT(checked.out, Catch::Matchers::ContainsSubstring("lambda-entrypoint: /opt/extensions/" +
                                                                 std::string(name) + ": ok"));
  }
}

TEST_CASE("scratch: --check as PID 1 judges a root-only bootstrap for Lambda's user, even as root", "[scratch]") {
  Image image;
  harness::copy_file(harness::other_static_program(), image.root / "var/runtime/bootstrap", 0700);
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
  const Strings check_npx = {"/lambda-entrypoint", "--check", "npx", "aws-lambda-ric", "index.handler"};
  const std::string npm_says =
      "lambda-entrypoint: /usr/local/bin/npx: npm starts the program it runs with /bin/sh -c, and ";
  const std::string instead =
      "; start the runtime client with node directly, e.g. node node_modules/.bin/aws-lambda-ric HANDLER\n";
  for (const Setting& setting : all_settings) {
    DYNAMIC_SECTION(setting.name) {
      Image image;
      // Every file --check judges is a program for the binary's own CPU.
      harness::copy_file(harness::entrypoint(), image.root / "usr/local/bin/aws-lambda-rie", 0755);
      harness::copy_file(harness::entrypoint(), image.root / "usr/local/bin/npx", 0755);
      Outcome outcome = image.run(setting, check_npx, {});
      CHECK(outcome.status == 127);
      CHECK(outcome.err == npm_says + "/bin/sh: No such file or directory" + instead);
      // With a shell in the image, the same image passes, with the note.
      harness::make_dirs(image.root / "bin");
      harness::copy_file(harness::entrypoint(), image.root / "bin/sh", 0755);
      Outcome with_shell = image.run(setting, check_npx, {});
      CHECK(with_shell.status == 0);
      CHECK_THAT(with_shell.out, Catch::Matchers::ContainsSubstring("lambda-entrypoint: /usr/local/bin/npx: note: "));
      // A shell that is a chain of '#!' scripts is judged as Linux follows
      // it, from the shell itself: five scripts start, a sixth is too deep,
      // and a fault at the fifth's interpreter is named as that fault.
      harness::copy_file(harness::entrypoint(), image.root / "bin/tool", 0755);
      auto chain = [&](int scripts, mode_t tool_mode) {
        chmod((image.root / "bin/tool").c_str(), tool_mode);
        std::string reason = "/bin/sh: ";
        for (int i = 1; i <= scripts; ++i) {
          std::string next = i == scripts ? "/bin/tool" : "/bin/s" + std::to_string(i + 1);
          harness::write_file(image.root.path() + (i == 1 ? "/bin/sh" : "/bin/s" + std::to_string(i)),
                              "#!" + next + "\n", 0755);
          if (i < 6) reason += "its '#!' interpreter " + next + ": ";
        }
        return reason;
      };
      for (int scripts = 1; scripts <= 5; ++scripts) {
        INFO(scripts << " scripts");
        chain(scripts, 0755);
        Outcome chained = image.run(setting, check_npx, {});
        CHECK(chained.status == 0);
        CHECK(chained.err.empty());
        std::string unrunnable = chain(scripts, 0754);
        Outcome faulty = image.run(setting, check_npx, {});
        CHECK(faulty.status == 126);
        CHECK(faulty.err == npm_says + unrunnable +
                                "no execute permission for other users (mode 0754); Lambda runs the function as a "
                                "user who is neither its owner nor in its group: chmod o+rx" +
                                instead);
      }
      std::string too_deep = chain(6, 0755);
      Outcome six = image.run(setting, check_npx, {});
      CHECK(six.status == 126);
      CHECK(six.err == npm_says + too_deep + "its '#!' interpreters nest deeper than Linux follows" + instead);
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
        "lambda-entrypoint: /var/task: the directories named above could not be walked here: what they hold is not "
        "judged\n");
}

// The emulator's Managed Instances mode (the stand-in plays it as the real
// one does: rie_test.cpp runs the same arrangements through the real one).
namespace {

const std::string install_bootstrap =
    "install this program as the first: COPY --from=lambda-entrypoint /lambda-entrypoint /var/runtime/bootstrap";
const std::string managed_mode = "the emulator's Managed Instances mode (AWS_LAMBDA_MAX_CONCURRENCY is set)";
const std::string self_bootstrap =
    "is this program itself, which the AWS form starts as the bootstrap, with no command: it would refuse every "
    "start; in the AWS form the bootstrap is the runtime (the emulator's Managed Instances mode starts it as it is): "
    "COPY the runtime there, not this program";

// The environment of a local start in that mode; the stand-in emulator runs
// a bootstrap for another CPU through qemu, as binfmt_misc would.
Strings managed_env(const std::string& concurrency = "2") {
  Strings env = {"STANDIN_RECORD_DIR=/out", "AWS_LAMBDA_MAX_CONCURRENCY=" + concurrency};
  if (std::string qemu = harness::cpu_emulator(harness::entrypoint()); !qemu.empty())
    env.push_back("STANDIN_CPU_EMULATOR=" + qemu);
  return env;
}

bool has_entry(const Record& record, const std::string& prefix) {
  for (const std::string& entry : record.env)
    if (entry.rfind(prefix, 0) == 0) return true;
  return false;
}

}  // namespace

TEST_CASE(
    "scratch: in the Managed Instances mode the binary as /var/runtime/bootstrap runs the command as uid 993, in the "
    "directory it was started in, without the variable that carried it, over generated commands",
    "[scratch][managed]") {
  harness::Random random(harness::number_setting("ORACLE_SEED", 20261203));
  const Strings pieces = {"a", "b c", "", "=", "x=y", "1:", "0:", "-v", "-", "app.handler", "\\", "'", "\t", "$HOME"};
  for (int round = 0; round < 40; ++round) {
    Strings command = {random.one_in(2) ? "/usr/local/bin/handler" : "handler"};
    for (size_t n = random.below(5); n > 0; --n) {
      std::string word;
      for (size_t k = random.below(3); k > 0; --k)
        word += *(pieces.begin() + static_cast<long>(random.below(pieces.size())));
      command.push_back(word);
    }
    const std::string cwd = random.pick({"/var/task", "/srv/app", "/"});
    const std::string concurrency = std::to_string(1 + random.below(64));
    DYNAMIC_SECTION("case " << round) {
      Image image;
      harness::make_dirs(image.root.path() + "/srv/app");
      harness::copy_file(harness::entrypoint(), image.root / "var/runtime/bootstrap", 0755);
      Strings argv = {"/lambda-entrypoint"};
      argv.insert(argv.end(), command.begin(), command.end());
      Outcome outcome = image.run(all_settings[0], argv, managed_env(concurrency), cwd);
      INFO("command: " << ::Catch::Detail::stringify(command) << " in " << cwd);
      CHECK(outcome.err.empty());
      CHECK(outcome.status == 0);
      Record emulator = image.only("emulator");
      CHECK(emulator.uid == 0);
      Record runtime = image.only("handler");
      CHECK(runtime.argv == command);
      CHECK(runtime.cwd == cwd);
      CHECK(runtime.uid == 993);
      CHECK(runtime.gid == 990);
      CHECK_FALSE(has_entry(runtime, "LAMBDA_ENTRYPOINT_COMMAND="));
      CHECK(has_entry(runtime, "AWS_LAMBDA_MAX_CONCURRENCY=" + concurrency));
    }
  }
}

TEST_CASE(
    "scratch: in the Managed Instances mode, --debug names the mode, and its command line carries "
    "LAMBDA_ENTRYPOINT_COMMAND as the emulator gets it",
    "[scratch][managed]") {
  Image image;
  harness::copy_file(harness::entrypoint(), image.root / "var/runtime/bootstrap", 0755);
  const Strings argv = {"/lambda-entrypoint", "handler", "a b", "'"};
  Outcome outcome = image.run(all_settings[0], argv, plus(managed_env(), {"LAMBDA_ENTRYPOINT_DEBUG=1"}), "/var/task");
  CHECK(outcome.status == 0);
  const std::string decision =
      "lambda-entrypoint: AWS_LAMBDA_RUNTIME_API is unset or empty: running under the emulator, in its Managed "
      "Instances mode (AWS_LAMBDA_MAX_CONCURRENCY is set) (command form)\n";
  REQUIRE_THAT(outcome.err, Catch::Matchers::StartsWith(decision));
  const std::string executing = "lambda-entrypoint: executing ";
  size_t start = outcome.err.find(executing, decision.size());
  REQUIRE(start != std::string::npos);
  std::string line = outcome.err.substr(start, outcome.err.find('\n', start) - start);
  std::string command = line.substr(line.find(" as: ") + 5);
  // bash reads the words back: the variable's value is the working
  // directory and this program's own argv, each as LENGTH:BYTES.
  harness::Launch shell;
  shell.program = "/bin/bash";
  shell.argv = {"bash", "-c", "printf '%s\\n' " + command};
  Outcome words = harness::launch(shell);
  REQUIRE(words.status == 0);
  std::string carried = "LAMBDA_ENTRYPOINT_COMMAND=";
  for (const std::string& word : plus({"/var/task"}, argv)) carried += std::to_string(word.size()) + ":" + word;
  CHECK_THAT(words.out, Catch::Matchers::ContainsSubstring("\n" + carried + "\n"));
  // The bootstrap it carries to still runs the command.
  CHECK(image.only("handler").argv == Strings(argv.begin() + 1, argv.end()));
}

TEST_CASE(
    "scratch: the AWS form whose bootstrap is this program is refused in every local mode and under --check, where "
    "every start would exit 142",
    "[scratch][managed]") {
  // Without /proc (a bare chroot) too, where this program knows itself by
  // the path it was started by; with stdin closed (its own file is then
  // opened as descriptor 0); started by a name without a slash (as execvp
  // finds it), which only /proc can tell it; and with argv[0] the path of
  // another file, stdin closed, where /proc still tells it.
  enum Start { plain, stdin_closed, bare_name, other_name };
  for (bool managed : {false, true}) {
    for (bool check : {false, true}) {
      for (bool proc : {true, false}) {
        for (Start start : {plain, stdin_closed, bare_name, other_name}) {
          if ((start == bare_name || start == other_name) && !proc) continue;
          DYNAMIC_SECTION((managed ? "Managed Instances" : "classic")
                          << (check ? ", --check" : ", a start") << (proc ? "" : ", no /proc")
                          << (start == stdin_closed ? ", stdin closed"
                              : start == bare_name  ? ", argv[0] bare"
                              : start == other_name ? ", argv[0] another file, stdin closed"
                                                    : "")) {
            Image image;
            harness::copy_file(harness::entrypoint(), image.root / "var/runtime/bootstrap", 0755);
            const char* started_as = start == bare_name    ? "lambda-entrypoint.sh"
                                     : start == other_name ? "/usr/local/bin/lambda-entrypoint.sh"
                                                           : "/lambda-entrypoint.sh";
            Strings argv = {started_as, "app.handler"};
            if (start == bare_name || start == other_name) image.program = "/lambda-entrypoint.sh";
            // The name that chooses the AWS form, on another program.
            if (start == other_name)
              harness::copy_file(harness::standin("handler"), image.root / "usr/local/bin/lambda-entrypoint.sh", 0755);
            if (check) argv.insert(argv.begin() + 1, "--check");
            Outcome outcome =
                image.run(all_settings[0], argv, managed ? managed_env() : Strings{"STANDIN_RECORD_DIR=/out"},
                          "/var/task", proc, start == stdin_closed || start == other_name);
            CHECK(outcome.status == 126);
            CHECK_THAT(outcome.err,
                       Catch::Matchers::ContainsSubstring(harness::message("/var/runtime/bootstrap", self_bootstrap)));
            CHECK(harness::records(image.records.path(), "emulator").empty());
          }
        }
      }
    }
  }
  SECTION("--check without a bootstrap in the Managed Instances mode asks for the runtime there, not this program") {
    Image image(false);  // the stand-in emulator is for this machine's CPU, not always the binary's
    harness::remove_tree(image.root / "var/runtime/bootstrap");
    Outcome outcome = image.run(all_settings[0], {"/lambda-entrypoint.sh", "--check", "app.handler"}, managed_env());
    CHECK(outcome.status == 127);
    CHECK_THAT(outcome.err,
               Catch::Matchers::ContainsSubstring("in the AWS form it is the runtime: COPY the runtime there"));
    CHECK(outcome.err.find("COPY --from=lambda-entrypoint") == std::string::npos);
  }
  // A file of this program's size is compared byte by byte, to its end: one
  // byte changed anywhere (first, either side of a 4,096-byte block, last)
  // makes another program, which the AWS form starts as the bootstrap.
  const std::string own = harness::read_file(harness::entrypoint());
  REQUIRE(own.size() > 8192);
  for (size_t changed : {size_t{0}, size_t{4095}, size_t{4096}, own.size() / 2, own.size() - 1}) {
    DYNAMIC_SECTION("--check, a bootstrap of this program's size with byte " << changed << " changed") {
      Image image(false);  // in the cloud: no emulator to judge, which is for this machine's CPU
      std::string other = own;
      other[changed] = static_cast<char>(other[changed] ^ 0x20);
      harness::write_file(image.root / "var/runtime/bootstrap", other, 0755);
      Outcome outcome = image.run(all_settings[0], {"/lambda-entrypoint.sh", "--check", "app.handler"},
                                  {"STANDIN_RECORD_DIR=/out", "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001"}, "/var/task");
      INFO("stderr: " << outcome.err);
      CHECK(outcome.err.find("is this program itself") == std::string::npos);
      if (changed == 0) {  // its ELF magic broken
        CHECK(outcome.status == 126);
        CHECK_THAT(outcome.err, Catch::Matchers::ContainsSubstring(harness::message(
                                    "/var/runtime/bootstrap", "neither a program (ELF) nor a script")));
      } else {
        CHECK(outcome.status == 0);
        CHECK_THAT(outcome.out,
                   Catch::Matchers::ContainsSubstring(harness::message("/var/runtime/bootstrap", "ok, the bootstrap")));
      }
    }
  }
  SECTION("started so, the bootstrap itself names both causes") {
    Image image;
    harness::copy_file(harness::entrypoint(), image.root / "var/runtime/bootstrap", 0755);
    Outcome outcome = image.run(all_settings[0], {"/var/runtime/bootstrap"},
                                {"AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001", "_HANDLER=app.handler"});
    CHECK(outcome.status == 142);
    CHECK_THAT(outcome.err, Catch::Matchers::ContainsSubstring("started with no argument at all"));
  }
}

// A file system of its own at dir, as a volume mounted into an image: tmpfs
// numbers the files of each anew, so two volumes' first files share their
// inode number. Seen in the sandbox, which binds the image's root with its
// mounts.
struct Volume {
  std::string dir;
  explicit Volume(std::string at) : dir(std::move(at)) {
    harness::make_dirs(dir);
    REQUIRE(mount("tmpfs", dir.c_str(), "tmpfs", 0, "mode=0755") == 0);
  }
  Volume(const Volume&) = delete;
  Volume& operator=(const Volume&) = delete;
  ~Volume() { umount2(dir.c_str(), MNT_DETACH); }
};

TEST_CASE(
    "scratch: a bootstrap on another file system with this program's inode number is another program, judged as "
    "the bootstrap",
    "[scratch][managed]") {
  Image image(false);  // in the cloud: no emulator to judge, which is for this machine's CPU
  Volume program_volume(image.root / "entry");
  Volume runtime_volume(image.root / "var/runtime");
  harness::copy_file(harness::entrypoint(), image.root / "entry/lambda-entrypoint.sh", 0755);
  // Another program: this one with a byte more at its end.
  harness::write_file(image.root / "var/runtime/bootstrap", harness::read_file(harness::entrypoint()) + '\0', 0755);
  struct stat program, bootstrap;
  REQUIRE(stat((image.root / "entry/lambda-entrypoint.sh").c_str(), &program) == 0);
  REQUIRE(stat((image.root / "var/runtime/bootstrap").c_str(), &bootstrap) == 0);
  REQUIRE(program.st_ino == bootstrap.st_ino);
  REQUIRE(program.st_dev != bootstrap.st_dev);
  Outcome outcome = image.run(all_settings[0], {"/entry/lambda-entrypoint.sh", "--check", "app.handler"},
                              {"STANDIN_RECORD_DIR=/out", "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001"});
  INFO("stderr: " << outcome.err);
  CHECK(outcome.status == 0);
  CHECK(outcome.err.find("is this program itself") == std::string::npos);
  CHECK_THAT(outcome.out,
             Catch::Matchers::ContainsSubstring(harness::message("/var/runtime/bootstrap", "ok, the bootstrap")));
}

TEST_CASE(
    "scratch: under --check, the descriptors a bootstrap of this program's size is compared by are given back: with "
    "two left, code two directories deep is walked; with one, the second is named",
    "[scratch][managed][host-cpu]") {
  require_host_cpu("qemu-user, which a binary for another CPU runs under, needs descriptors of its own");
  const std::string own = harness::read_file(harness::entrypoint());
  for (rlim_t files : {rlim_t{5}, rlim_t{4}}) {
    DYNAMIC_SECTION(files << " descriptors, three of them stdin, stdout and stderr") {
      Image image(false);
      std::string other = own;
      other[own.size() / 2] = static_cast<char>(other[own.size() / 2] ^ 0x20);
      harness::write_file(image.root / "var/runtime/bootstrap", other, 0755);
      harness::make_dirs(image.root / "var/task/lib");
      harness::write_file(image.root / "var/task/lib/app.py", "", 0644);
      image.open_files = files;
      Outcome outcome = image.run(all_settings[0], {"/lambda-entrypoint.sh", "--check", "app.handler"},
                                  {"STANDIN_RECORD_DIR=/out", "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001"});
      INFO("stderr: " << outcome.err);
      CHECK_THAT(outcome.out,
                 Catch::Matchers::ContainsSubstring(harness::message("/var/runtime/bootstrap", "ok, the bootstrap")));
      const bool walk_failed = (outcome.out + outcome.err).find("/var/task/lib") != std::string::npos;
      CHECK(walk_failed == (files == 4));
      if (files == 5) CHECK(outcome.status == 0);
    }
  }
}

TEST_CASE(
    "scratch: in the Managed Instances mode, without memory for the carried command, the start says so, 126, and "
    "starts nothing",
    "[scratch][managed][host-cpu]") {
  require_host_cpu("qemu-user, which a binary for another CPU runs under, takes its memory from the same limit");
  // The carried entry is the one allocation as large as the command: a word
  // of 100,000 bytes before the handler, with mappings of 65,536 bytes or
  // more failing.
  Image image;
  harness::copy_file(harness::entrypoint(), image.root / "var/runtime/bootstrap", 0755);
  image.mmap_fails_from = 65536;
  const Strings argv = {"/lambda-entrypoint", "/usr/local/bin/handler", std::string(100000, 'w'), "app.handler"};
  Outcome outcome = image.run(all_settings[0], argv, managed_env());
  CHECK(outcome.status == 126);
  CHECK(outcome.err == "lambda-entrypoint: out of memory\n");
  CHECK(harness::records(image.records.path(), "emulator").empty());
  CHECK(harness::records(image.records.path(), "handler").empty());
  image.mmap_fails_from = 0;  // and with the memory it needs, it runs
  Outcome fed = image.run(all_settings[0], argv, managed_env());
  CHECK(fed.err.empty());
  CHECK(fed.status == 0);
}

TEST_CASE(
    "scratch: in the Managed Instances mode a carried command at the kernel's limit on one string runs, and one byte "
    "more is refused before the emulator starts",
    "[scratch][managed]") {
  // LAMBDA_ENTRYPOINT_COMMAND=9:/var/task18:/lambda-entrypoint22:/usr/local/bin/handler6:WORD: 90 bytes and WORD.
  for (size_t length : {size_t{131071}, size_t{131072}}) {
    DYNAMIC_SECTION(length << " bytes and its NUL") {
      Image image;
      harness::copy_file(harness::entrypoint(), image.root / "var/runtime/bootstrap", 0755);
      const std::string word(length - 90, 'w');
      Outcome outcome =
          image.run(all_settings[0], {"/lambda-entrypoint", "/usr/local/bin/handler", word}, managed_env());
      if (length < 131072) {
        CHECK(outcome.err.empty());
        CHECK(outcome.status == 0);
        CHECK(image.only("handler").argv == Strings{"/usr/local/bin/handler", word});
      } else {
        CHECK(outcome.status == 126);
        CHECK_THAT(outcome.err, Catch::Matchers::StartsWith(harness::message(
                                    "LAMBDA_ENTRYPOINT_COMMAND", "would carry the command to the Managed Instances")));
        CHECK(harness::records(image.records.path(), "emulator").empty());
      }
    }
  }
}

TEST_CASE(
    "scratch: in the Managed Instances mode a command that is itself the bootstrap runs without the binary as one: a "
    "Go-style /var/task/bootstrap, the AWS form's /var/runtime/bootstrap, and that bootstrap with the handler",
    "[scratch][managed]") {
  SECTION("/var/task/bootstrap") {
    Image image;
    harness::remove_tree(image.root / "var/runtime/bootstrap");
    harness::copy_file(harness::standin("handler"), image.root / "var/task/bootstrap", 0755);
    Outcome outcome = image.run(all_settings[0], {"/lambda-entrypoint", "/var/task/bootstrap"}, managed_env(), "/");
    CHECK(outcome.err.empty());
    CHECK(outcome.status == 0);
    Record runtime = image.only("handler");
    CHECK(runtime.argv == Strings{"/var/task/bootstrap"});
    CHECK(runtime.cwd == "/var/task");  // the emulator's: only a carried command keeps its own
    CHECK(runtime.uid == 993);
    CHECK_FALSE(has_entry(runtime, "LAMBDA_ENTRYPOINT_COMMAND="));
  }
  // The AWS form, and the bootstrap with the handler, which the emulator
  // starts alone with the handler as _HANDLER.
  for (const Strings& argv : {Strings{"/lambda-entrypoint.sh", "app.handler"},
                              Strings{"/lambda-entrypoint", "/var/runtime/bootstrap", "app.handler"}}) {
    DYNAMIC_SECTION(argv[0] << " " << argv[1]) {
      Image image;
      Outcome outcome = image.run(all_settings[0], argv, managed_env());
      CHECK(outcome.err.empty());
      CHECK(outcome.status == 0);
      Record runtime = image.only("handler");
      CHECK(runtime.argv == Strings{"/var/runtime/bootstrap"});
      CHECK(has_entry(runtime, "_HANDLER=app.handler"));
      CHECK(runtime.uid == 993);
    }
  }
}

TEST_CASE(
    "scratch: in the Managed Instances mode, what cannot work is refused with its line before the emulator starts",
    "[scratch][managed]") {
  struct Refusal {
    const char* name;
    std::function<void(Image&)> arrange;
    Strings argv;
    std::string concurrency;
    size_t setting;
    std::string cwd;
    int status;
    std::string err;
  };
  auto ours = [](Image& image) {
    harness::copy_file(harness::entrypoint(), image.root / "var/runtime/bootstrap", 0755);
  };
  const std::string value_line =
      harness::message("AWS_LAMBDA_MAX_CONCURRENCY", "expected a whole number from 1 to 2147483647 in decimal digits");
  const Strings handler = {"/lambda-entrypoint", "/usr/local/bin/handler", "app.handler"};
  std::vector<Refusal> refusals = {
      {"no bootstrap", [](Image& image) { harness::remove_tree(image.root / "var/runtime/bootstrap"); }, handler, "2",
       0, "/var/task", 127,
       harness::message("/var/runtime/bootstrap",
                        "not found, nor /var/task/bootstrap or /opt/bootstrap, the first of which " + managed_mode +
                            " starts instead of its command; " + install_bootstrap)},
      {"another program as the bootstrap", [](Image&) {}, handler, "2", 0, "/var/task", 126,
       harness::message("/var/runtime/bootstrap",
                        managed_mode + " would start this, alone, instead of the command; " + install_bootstrap)},
      {"another program first, though the command is a later bootstrap",
       [](Image& image) { harness::copy_file(harness::standin("handler"), image.root / "var/task/bootstrap", 0755); },
       {"/lambda-entrypoint", "/var/task/bootstrap"},
       "2",
       0,
       "/var/task",
       126,
       harness::message("/var/runtime/bootstrap",
                        managed_mode + " would start this, alone, instead of the command; " + install_bootstrap)},
      {"a directory is no bootstrap: the next one is",
       [](Image& image) {
         harness::remove_tree(image.root / "var/runtime/bootstrap");
         harness::make_dirs(image.root / "var/runtime/bootstrap");
         harness::copy_file(harness::standin("handler"), image.root / "var/task/bootstrap", 0755);
       },
       handler, "2", 0, "/var/task", 126,
       harness::message("/var/task/bootstrap",
                        managed_mode + " would start this, alone, instead of the command; " + install_bootstrap)},
      {"the bootstrap, with more arguments than the handler",
       [](Image&) {},
       {"/lambda-entrypoint", "/var/runtime/bootstrap", "-v", "app.handler"},
       "2",
       0,
       "/var/task",
       126,
       harness::message("/var/runtime/bootstrap",
                        "is the command's own program, which " + managed_mode +
                            " starts alone, with the command's last word as _HANDLER: the words between would be "
                            "lost; pass them another way (a variable); a copy of this program there would replace "
                            "the runtime")},
      {"the AWS form, whose bootstrap is this program",
       ours,
       {"/lambda-entrypoint.sh", "app.handler"},
       "2",
       0,
       "/var/task",
       126,
       harness::message("/var/runtime/bootstrap", self_bootstrap)},
      {"the AWS form, without a bootstrap",
       [](Image& image) { harness::remove_tree(image.root / "var/runtime/bootstrap"); },
       {"/lambda-entrypoint.sh", "app.handler"},
       "2",
       0,
       "/var/task",
       127,
       harness::message("/var/runtime/bootstrap",
                        "No such file or directory; the emulator was to run it; it is the AWS form's bootstrap "
                        "(LAMBDA_ENTRYPOINT_BOOTSTRAP)")},
      {"a working directory uid 993 cannot enter",
       [&](Image& image) {
         ours(image);
         harness::make_dirs(image.root / "srv/app");
         REQUIRE(chmod((image.root / "srv").c_str(), 0750) == 0);
       },
       handler, "2", 0, "/srv/app", 126,
       harness::message("/srv/app",
                        "the working directory, which the Managed Instances bootstrap enters as uid 993, who cannot "
                        "search /srv (mode 0750); Lambda runs the function as a user who is neither its owner nor in "
                        "its group: chmod o+x, or start elsewhere (WORKDIR)")},
      {"not root", ours, handler, "2", 1, "/var/task", 126,
       harness::message("AWS_LAMBDA_MAX_CONCURRENCY",
                        "set, so the emulator's Managed Instances mode runs the function as uid 993, which takes root, "
                        "and this does not run as root; run the container as root, or unset it")},
      {"a program others cannot run",
       [&](Image& image) {
         ours(image);
         harness::copy_file(harness::standin("handler"), image.root / "var/task/private", 0700);
       },
       {"/lambda-entrypoint", "/var/task/private"},
       "2",
       0,
       "/var/task",
       126,
       harness::message("/var/task/private",
                        "no execute permission for other users (mode 0700); Lambda runs the function as a user who is "
                        "neither its owner nor in its group: chmod o+rx; the emulator was to run it")},
      {"a bootstrap others cannot run",
       [](Image& image) { harness::copy_file(harness::entrypoint(), image.root / "var/runtime/bootstrap", 0700); },
       handler, "2", 0, "/var/task", 126,
       harness::message("/var/runtime/bootstrap",
                        "no execute permission for other users (mode 0700); Lambda runs the function as a user who is "
                        "neither its owner nor in its group: chmod o+rx; it is the Managed Instances bootstrap, which "
                        "the emulator starts as Lambda's user")},
      {"with PATH unset, a name found only in /usr/sbin, which the emulator's PATH lacks",
       [&](Image& image) {
         ours(image);
         harness::make_dirs(image.root / "usr/sbin");
         harness::copy_file(harness::standin("handler"), image.root / "usr/sbin/sbin-handler", 0755);
       },
       {"/lambda-entrypoint", "sbin-handler"},
       "2",
       0,
       "/var/task",
       127,
       harness::message("sbin-handler",
                        "not found in the default PATH (PATH is unset): "
                        "/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin; the emulator was to run it")},
      {"no /var/task",
       [&](Image& image) {
         ours(image);
         harness::remove_tree(image.root / "var/task");
       },
       handler, "2", 0, "/", 127,
       harness::message("/var/task",
                        "No such file or directory; the Managed Instances bootstrap starts there: add it (WORKDIR "
                        "/var/task)")},
  };
  for (const char* value : {"", "0", "00", "-1", "+", "++2", "+-2", " 2", "2 ", "two", "2.0", "0x2", "2147483648"})
    refusals.push_back({"the value", ours, handler, value, 0, "/var/task", 142, value_line});
  for (const Refusal& refusal : refusals) {
    DYNAMIC_SECTION(refusal.name << " '" << refusal.concurrency << "'") {
      Image image;
      refusal.arrange(image);
      Outcome outcome =
          image.run(all_settings[refusal.setting], refusal.argv, managed_env(refusal.concurrency), refusal.cwd);
      CHECK(outcome.status == refusal.status);
      CHECK(outcome.err == refusal.err + "\n");
      CHECK(harness::records(image.records.path(), "emulator").empty());
    }
  }
}

TEST_CASE(
    "scratch: in the Managed Instances mode, a working directory uid 993 cannot search is named itself, by its mode, "
    "and one that user can search but not read is started in",
    "[scratch][managed]") {
  // The others' execute bit alone decides: the group's is not Lambda's user's.
  for (mode_t mode : {mode_t{0750}, mode_t{0700}, mode_t{0770}, mode_t{0704}, mode_t{0701}, mode_t{0711}}) {
    DYNAMIC_SECTION("mode 0" << std::oct << mode) {
      Image image;
      harness::copy_file(harness::entrypoint(), image.root / "var/runtime/bootstrap", 0755);
      harness::make_dirs(image.root / "srv/app");
      REQUIRE(chmod((image.root / "srv/app").c_str(), mode) == 0);
      Outcome outcome = image.run(all_settings[0], {"/lambda-entrypoint", "/usr/local/bin/handler", "app.handler"},
                                  managed_env(), "/srv/app");
      std::ostringstream shown;
      shown << std::oct << std::setfill('0') << std::setw(4) << mode;
      if ((mode & S_IXOTH) == 0) {
        CHECK(outcome.status == 126);
        CHECK(outcome.err == harness::message("/srv/app",
                                              "the working directory, which the Managed Instances bootstrap enters as "
                                              "uid 993, who cannot search /srv/app (mode " +
                                                  shown.str() +
                                                  "); Lambda runs the function as a user who is neither its owner nor "
                                                  "in its group: chmod o+x, or start elsewhere (WORKDIR)") +
                                 "\n");
        CHECK(harness::records(image.records.path(), "emulator").empty());
      } else {
        CHECK(outcome.status == 0);
        CHECK(outcome.err.find("the working directory") == std::string::npos);
        CHECK(image.only("emulator").cwd == "/srv/app");
      }
    }
  }
}

TEST_CASE(
    "scratch: in the Managed Instances mode, the command's own program as the bootstrap may be a chain of five '#!' "
    "scripts, as Linux runs it; a sixth is named as nesting too deep",
    "[scratch][managed]") {
  for (int scripts : {5, 6}) {
    DYNAMIC_SECTION(scripts << " scripts") {
      Image image;
      harness::remove_tree(image.root / "var/runtime/bootstrap");
      // /var/task/bootstrap -> /var/task/s1 -> ... -> the handler, a program.
      std::string interpreter = "/usr/local/bin/handler";
      for (int i = scripts - 1; i >= 1; --i) {
        const std::string script = "/var/task/s" + std::to_string(i);
        harness::write_file(image.root.path() + script, "#!" + interpreter + "\n", 0755);
        interpreter = script;
      }
      harness::write_file(image.root / "var/task/bootstrap", "#!" + interpreter + "\n", 0755);
      Outcome outcome = image.run(all_settings[0], {"/lambda-entrypoint", "/var/task/bootstrap"}, managed_env());
      INFO("stderr: " << outcome.err);
      if (scripts == 5) {
        CHECK(outcome.err.empty());
        CHECK(image.only("emulator").argv.size() > 0);
        // The stand-in emulator runs a bootstrap for another CPU through
        // qemu-user, which takes programs, not scripts.
        if (harness::entrypoint_arch() == harness::host_arch()) CHECK(outcome.status == 0);
      } else {
        CHECK(outcome.status == 126);
        CHECK_THAT(outcome.err,
                   Catch::Matchers::ContainsSubstring("its '#!' interpreters nest deeper than Linux follows"));
        CHECK(harness::records(image.records.path(), "emulator").empty());
      }
    }
  }
}

TEST_CASE(
    "scratch: in the Managed Instances mode, code uid 993 cannot read is a warning, as the real emulator serves such "
    "an "
    "image while nothing reads it, and the start goes on",
    "[scratch][managed]") {
  Image image;
  harness::copy_file(harness::entrypoint(), image.root / "var/runtime/bootstrap", 0755);
  harness::write_file(image.root / "var/task/app.py", "x = 1\n", 0600);
  Outcome outcome = image.run(all_settings[0], {"/lambda-entrypoint", "/usr/local/bin/handler", "app.handler"},
                              managed_env(), "/var/task");
  CHECK(outcome.status == 0);
  CHECK(outcome.err ==
        "lambda-entrypoint: warning: /var/task/app.py: other users cannot read it (mode 0600)\n"
        "lambda-entrypoint: warning: /var/task: Lambda runs the function as a user who is neither its owner nor in "
        "its group: RUN chmod -R o+rX /var/task as the last line that writes there, or COPY it with --chmod=755; the "
        "emulator runs the function as uid 993 here, which fails too once it reads them\n");
  CHECK(image.only("handler").uid == 993);
}

TEST_CASE(
    "scratch: in the Managed Instances mode with PATH unset, a name is looked up in the PATH the emulator gives the "
    "bootstrap (/opt/bin is in it, /usr/sbin is not), and the command runs",
    "[scratch][managed]") {
  Image image;
  harness::copy_file(harness::entrypoint(), image.root / "var/runtime/bootstrap", 0755);
  harness::make_dirs(image.root / "opt/bin");
  harness::copy_file(harness::standin("handler"), image.root / "opt/bin/opt-handler", 0755);
  Outcome outcome = image.run(all_settings[0], {"/lambda-entrypoint", "opt-handler", "app.handler"}, managed_env());
  CHECK(outcome.err.empty());
  CHECK(outcome.status == 0);
  Record runtime = image.only("handler");
  CHECK(runtime.argv == Strings{"opt-handler", "app.handler"});
  CHECK(runtime.uid == 993);
}

TEST_CASE(
    "scratch: --check with AWS_LAMBDA_MAX_CONCURRENCY judges its value and the bootstrap a local start would run, as "
    "root and as uid 993",
    "[scratch][managed]") {
  // Programs for the binary's own CPU, which --check requires: the lookup
  // probe built with it, as the program; no emulator in the image.
  const std::string probe = harness::entrypoint().substr(0, harness::entrypoint().rfind('/')) + "/execvp-probe";
  auto image_with_probe = [&] {
    auto image = std::make_unique<Image>(false);
    harness::copy_file(probe, image->root / "usr/local/bin/probe", 0755);
    return image;
  };
  for (const Setting& setting : all_settings) {
    DYNAMIC_SECTION(setting.name) {
      const Strings check = {"/lambda-entrypoint", "--check", "/usr/local/bin/probe", "app.handler"};
      SECTION("this program as the bootstrap") {
        std::unique_ptr<Image> owned = image_with_probe();
        Image& image = *owned;
        harness::copy_file(harness::entrypoint(), image.root / "var/runtime/bootstrap", 0755);
        Outcome outcome = image.run(setting, check, managed_env());
        CHECK(outcome.status == 0);
        CHECK_THAT(outcome.out, Catch::Matchers::ContainsSubstring(harness::message(
                                    "/var/runtime/bootstrap",
                                    "ok, the Managed Instances bootstrap: this program, which runs the command\n")));
      }
      SECTION("the command itself as the bootstrap, alone or with the handler, not with more") {
        std::unique_ptr<Image> owned = image_with_probe();
        Image& image = *owned;
        harness::remove_tree(image.root / "var/runtime/bootstrap");
        harness::copy_file(probe, image.root / "var/task/bootstrap", 0755);
        for (const Strings& words : {Strings{}, Strings{"app.handler"}, Strings{"-v", "app.handler"}}) {
          Strings command = {"/lambda-entrypoint", "--check", "bootstrap"};
          command.insert(command.end(), words.begin(), words.end());
          INFO(words.size() << " words after the program");
          Outcome outcome = image.run(setting, command, plus(managed_env(), {"PATH=/var/task"}));
          if (words.size() < 2) {
            CHECK(outcome.status == 0);
            CHECK_THAT(outcome.out,
                       Catch::Matchers::ContainsSubstring(harness::message(
                           "/var/task/bootstrap", "ok, the Managed Instances bootstrap: the command itself\n")));
          } else {
            CHECK(outcome.status == 126);
            CHECK_THAT(outcome.err, Catch::Matchers::ContainsSubstring(
                                        harness::message("/var/task/bootstrap", "is the command's own program")));
          }
        }
      }
      SECTION("in the AWS form, its bootstrap, the runtime itself, as the Managed Instances bootstrap") {
        std::unique_ptr<Image> owned = image_with_probe();
        Image& image = *owned;
        harness::copy_file(probe, image.root / "var/runtime/bootstrap", 0755);
        Outcome outcome = image.run(setting, {"/lambda-entrypoint.sh", "--check", "app.handler"}, managed_env());
        CHECK(outcome.status == 0);
        CHECK(outcome.err.empty());
        CHECK_THAT(outcome.out,
                   Catch::Matchers::ContainsSubstring(harness::message(
                       "/var/runtime/bootstrap", "ok, the Managed Instances bootstrap: the command itself\n")));
      }
      SECTION("the command itself as the bootstrap, behind an exec wrapper: served without it, with a warning") {
        std::unique_ptr<Image> owned = image_with_probe();
        Image& image = *owned;
        harness::remove_tree(image.root / "var/runtime/bootstrap");
        harness::copy_file(probe, image.root / "var/task/bootstrap", 0755);
        Outcome outcome = image.run(setting, {"/lambda-entrypoint", "--check", "/var/task/bootstrap", "app.handler"},
                                    plus(managed_env(), {"AWS_LAMBDA_EXEC_WRAPPER=/usr/local/bin/probe"}));
        CHECK(outcome.status == 0);
        CHECK_THAT(outcome.out,
                   Catch::Matchers::ContainsSubstring(harness::message(
                       "/var/task/bootstrap", "ok, the Managed Instances bootstrap: the command itself\n")));
        CHECK(outcome.err ==
              "lambda-entrypoint: warning: AWS_LAMBDA_EXEC_WRAPPER: not applied here: " + managed_mode +
                  " starts /var/task/bootstrap, the command's own program, itself; in the cloud the wrapper starts "
                  "it\n");
      }
      SECTION("another program as the bootstrap") {
        std::unique_ptr<Image> owned = image_with_probe();
        Image& image = *owned;
        Outcome outcome = image.run(setting, check, managed_env());
        CHECK(outcome.status == 126);
        CHECK(outcome.err == harness::message("/var/runtime/bootstrap", managed_mode +
                                                                            " would start this, alone, instead of the "
                                                                            "command; " +
                                                                            install_bootstrap) +
                                 "\n");
      }
      SECTION("no bootstrap") {
        std::unique_ptr<Image> owned = image_with_probe();
        Image& image = *owned;
        harness::remove_tree(image.root / "var/runtime/bootstrap");
        Outcome outcome = image.run(setting, check, managed_env());
        CHECK(outcome.status == 127);
        CHECK_THAT(outcome.err,
                   Catch::Matchers::StartsWith(harness::message("/var/runtime/bootstrap", "not found, nor")));
      }
      SECTION("without the variable, no bootstrap is looked at") {
        std::unique_ptr<Image> owned = image_with_probe();
        Image& image = *owned;
        harness::remove_tree(image.root / "var/runtime/bootstrap");
        Outcome outcome = image.run(setting, check, {});
        CHECK(outcome.status == 0);
        CHECK(outcome.out.find("Managed Instances") == std::string::npos);
      }
      SECTION("a value the clients stop on") {
        std::unique_ptr<Image> owned = image_with_probe();
        Image& image = *owned;
        Outcome outcome = image.run(setting, check, managed_env("many"));
        CHECK(outcome.status == 142);
        CHECK_THAT(outcome.err,
                   Catch::Matchers::StartsWith(harness::message("AWS_LAMBDA_MAX_CONCURRENCY", "expected")));
      }
    }
  }
}

TEST_CASE(
    "scratch: in the cloud, AWS_LAMBDA_MAX_CONCURRENCY (any value), AWS_LAMBDA_INITIALIZATION_TYPE and every _LAMBDA_ "
    "variable reach the runtime untouched",
    "[scratch][managed]") {
  for (const Setting& setting : all_settings) {
    for (const char* value : {"2", "", "many", "0"}) {
      DYNAMIC_SECTION(setting.name << ", AWS_LAMBDA_MAX_CONCURRENCY='" << value << "'") {
        Image image;
        harness::copy_file(harness::entrypoint(), image.root / "var/runtime/bootstrap", 0755);
        Strings env = {"STANDIN_RECORD_DIR=/out",
                       cloud,
                       std::string("AWS_LAMBDA_MAX_CONCURRENCY=") + value,
                       "AWS_LAMBDA_INITIALIZATION_TYPE=lambda-managed-instances",
                       "_LAMBDA_TELEMETRY_LOG_FD_PROVIDER_SOCKET=/tmp/telemetry.sock",
                       "_LAMBDA_TELEMETRY_LOG_FD=3",
                       "_AWS_XRAY_DAEMON_PORT=2000",
                       "_HANDLER=app.handler",
                       "LAMBDA_TASK_ROOT=/var/task",
                       "LAMBDA_RUNTIME_DIR=/var/runtime"};
        Outcome outcome = image.run(setting, {"/lambda-entrypoint", "handler", "app.handler"}, env);
        CHECK(outcome.err.empty());
        CHECK(outcome.status == 0);
        Record runtime = image.only("handler");
        CHECK(runtime.argv == Strings{"handler", "app.handler"});
        CHECK(runtime.env == env);
        CHECK(runtime.uid == setting.uid);
      }
    }
  }
}

TEST_CASE(
    "scratch: in the AWS form, AWS's Python base images' bootstrap has its code's bytecode judged by "
    "/var/lang/bin/python3, when that bootstrap can start",
    "[scratch]") {
  Image image;
  // Programs for the binary's own CPU: the emulator, the bootstrap, and a
  // program that answers no question as the interpreter (the line that says
  // so names the interpreter asked).
  harness::copy_file(harness::entrypoint(), image.root / "usr/local/bin/aws-lambda-rie", 0755);
  harness::copy_file(harness::other_static_program(), image.root / "var/runtime/bootstrap", 0755);
  harness::make_dirs(image.root / "var/lang/bin");
  harness::copy_file(harness::other_static_program(), image.root / "var/lang/bin/python3", 0755);
  const std::string asked =
      harness::message("/var/lang/bin/python3", "note: it gave no answer on the bytecode of the function's code");
  // Without bootstrap.py beside the bootstrap, it is not a Python runtime.
  Outcome other = image.run(all_settings[0], {"/lambda-entrypoint.sh", "--check", "app.handler"}, {});
  CHECK(other.status == 0);
  CHECK_THAT(other.out, !Catch::Matchers::ContainsSubstring("/var/lang/bin/python3"));
  harness::write_file(image.root / "var/runtime/bootstrap.py", "", 0644);
  Outcome python = image.run(all_settings[0], {"/lambda-entrypoint.sh", "--check", "app.handler"}, {});
  CHECK(python.status == 0);
  CHECK_THAT(python.out, Catch::Matchers::ContainsSubstring(asked));
  // A bootstrap that cannot start (Lambda's user may not execute it) starts
  // no Python: its failure is told, and no bytecode is judged.
  REQUIRE(chmod((image.root / "var/runtime/bootstrap").c_str(), 0700) == 0);
  Outcome unstartable = image.run(all_settings[0], {"/lambda-entrypoint.sh", "--check", "app.handler"}, {});
  CHECK(unstartable.status == 126);
  CHECK_THAT(unstartable.err, Catch::Matchers::StartsWith(harness::message(
                                  "/var/runtime/bootstrap", "no execute permission for other users (mode 0700)")));
  CHECK_THAT(unstartable.out, !Catch::Matchers::ContainsSubstring("/var/lang/bin/python3"));
  REQUIRE(chmod((image.root / "var/runtime/bootstrap").c_str(), 0755) == 0);
  // Another bootstrap than AWS's is not that runtime.
  harness::copy_file(harness::other_static_program(), image.root / "var/task/bootstrap", 0755);
  Outcome elsewhere = image.run(all_settings[0], {"/lambda-entrypoint.sh", "--check", "app.handler"},
                                {"LAMBDA_ENTRYPOINT_BOOTSTRAP=/var/task/bootstrap"});
  CHECK(elsewhere.status == 0);
  CHECK_THAT(elsewhere.out, !Catch::Matchers::ContainsSubstring("/var/lang/bin/python3"));
  // Nor is it without an interpreter there.
  REQUIRE(unlink((image.root / "var/lang/bin/python3").c_str()) == 0);
  Outcome none = image.run(all_settings[0], {"/lambda-entrypoint.sh", "--check", "app.handler"}, {});
  CHECK(none.status == 0);
  CHECK_THAT(none.out, !Catch::Matchers::ContainsSubstring("/var/lang/bin/python3"));
}
