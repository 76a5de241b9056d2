// lambda-entrypoint in a real container engine: the image docker/Dockerfile
// builds (lambda-entrypoint:test, made by tests/container/engine), and
// scratch images that take the binary from it with COPY --from, as users do,
// next to the recording stand-ins.
#include <elf.h>
#include <sys/stat.h>
#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <chrono>
#include <functional>
#include <regex>
#include <sstream>
#include <thread>

#include "elf_bytes.hpp"
#include "harness.hpp"

using harness::docker;
using harness::Outcome;
using harness::Record;
using harness::Strings;

namespace {

constexpr const char* cloud = "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001";

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// A field of an image or container, as docker inspect --format prints it.
std::string inspect(const std::string& object, const std::string& format) {
  Outcome inspected = docker({"inspect", "--format", format, object});
  REQUIRE(inspected.status == 0);
  return trimmed(inspected.out);
}

// A scratch image for a platform: the binary from the distributable image of
// that platform, the (native) stand-ins where images keep such programs, and
// the Dockerfile's own last lines.
struct Image {
  std::string tag;

  Image(const std::string& name, const std::string& tail, bool with_emulator = true,
        const std::string& platform = "amd64")
      : tag("lambda-entrypoint-test:" + name + "-" + platform) {
    harness::TempDir context;
    harness::copy_file(harness::standin("handler"), context / "handler", 0755);
    harness::copy_file(harness::standin("emulator"), context / "emulator", 0755);
    std::string distributable = platform == "amd64" ? "lambda-entrypoint:test" : "lambda-entrypoint:test-" + platform;
    std::string dockerfile =
        "FROM scratch\n"
        "COPY --from=" +
        distributable +
        " /lambda-entrypoint /lambda-entrypoint\n"
        "COPY handler /var/task/handler\n"
        "COPY handler /var/runtime/bootstrap\n" +
        std::string(with_emulator ? "COPY emulator /usr/local/bin/aws-lambda-rie\n" : "") +
        "ENV STANDIN_RECORD_DIR=/out\n"
        "WORKDIR /var/task\n" +
        tail;
    harness::write_file(context / "Dockerfile", dockerfile, 0644);
    Outcome built = docker({"build", "-q", "--platform", "linux/" + platform, "-t", tag, context.path()});
    INFO(built.err);
    REQUIRE(built.status == 0);
  }
};

Outcome run_tool(Strings argv) {
  harness::Launch launch;
  launch.program = "/bin/" + argv.front();
  launch.argv = std::move(argv);
  return harness::launch(launch);
}

// The files of an image's layers, as docker save gives them, unpacked under
// into/rootfs.
Strings image_files(const std::string& tag, const harness::TempDir& into) {
  REQUIRE(docker({"save", "-o", into / "image.tar", tag}).status == 0);
  REQUIRE(run_tool({"tar", "-xf", into / "image.tar", "-C", into.path()}).status == 0);
  harness::make_dirs(into / "rootfs");
  std::string manifest = harness::read_file(into / "manifest.json");
  std::smatch layers;
  REQUIRE(std::regex_search(manifest, layers, std::regex("\"Layers\":\\[([^\\]]*)\\]")));
  Strings files;
  std::string list = layers[1];
  std::regex quoted("\"([^\"]+)\"");
  for (auto it = std::sregex_iterator(list.begin(), list.end(), quoted); it != std::sregex_iterator(); ++it) {
    std::string layer = into / (*it)[1].str();
    Outcome listed = run_tool({"tar", "-tf", layer});
    REQUIRE(listed.status == 0);
    REQUIRE(run_tool({"tar", "-xf", layer, "-C", into / "rootfs"}).status == 0);
    std::istringstream lines(listed.out);
    for (std::string line; std::getline(lines, line);) files.push_back(line);
  }
  return files;
}

const std::string standard_tail =
    "ENTRYPOINT [\"/lambda-entrypoint\", \"/var/task/handler\"]\n"
    "CMD [\"app.handler\"]\n";

// A directory for the stand-ins' records, mounted at /out.
struct Records {
  harness::TempDir dir;
  Records() { chmod(dir.path().c_str(), 0777); }
  std::string volume() const { return dir.path() + ":/out"; }
  std::vector<Record> of(const std::string& role) const { return harness::records(dir.path(), role); }
  Record only(const std::string& role) const {
    std::vector<Record> found = of(role);
    REQUIRE(found.size() == 1);
    return found.front();
  }
};

// docker run --rm of an image with the records mounted, in the cloud (with
// AWS_LAMBDA_RUNTIME_API) or locally, with more docker run options first.
Outcome run_image(const Image& image, const Records& records, bool in_cloud, Strings options = {}) {
  Strings args = {"run", "--rm", "-v", records.volume()};
  args.insert(args.end(), options.begin(), options.end());
  if (in_cloud) args.insert(args.end(), {"-e", cloud});
  args.push_back(image.tag);
  return docker(args);
}

bool has(const Strings& env, const std::string& entry) { return std::find(env.begin(), env.end(), entry) != env.end(); }

bool has_name(const Strings& env, const std::string& name) {
  return std::any_of(env.begin(), env.end(), [&](const std::string& e) { return e.rfind(name + "=", 0) == 0; });
}

}  // namespace

TEST_CASE("local mode (no AWS_LAMBDA_RUNTIME_API) runs the emulator as PID 1, which runs the handler", "[container]") {
  Image image("standard", standard_tail);
  Records records;
  Outcome run = run_image(image, records, false);
  INFO(run.err);
  CHECK(run.status == 0);
  Record emulator = records.only("emulator");
  CHECK(emulator.argv == Strings{"/usr/local/bin/aws-lambda-rie", "/var/task/handler", "app.handler"});
  CHECK(emulator.pid == 1);
  CHECK(!has_name(emulator.env, "AWS_LAMBDA_RUNTIME_API"));
  Record handler = records.only("handler");
  CHECK(handler.argv == Strings{"/var/task/handler", "app.handler"});
  CHECK(has(handler.env, cloud));
  CHECK(has(handler.env, "_HANDLER=app.handler"));
}

TEST_CASE("cloud mode (-e AWS_LAMBDA_RUNTIME_API) runs the handler directly as PID 1", "[container]") {
  Image image("standard", standard_tail);
  Records records;
  Outcome run =
      docker({"run", "--rm", "-v", records.volume(), "-e", "AWS_LAMBDA_RUNTIME_API=169.254.100.1:9001", image.tag});
  INFO(run.err);
  CHECK(run.status == 0);
  CHECK(records.of("emulator").empty());
  Record handler = records.only("handler");
  CHECK(handler.argv == Strings{"/var/task/handler", "app.handler"});
  CHECK(handler.pid == 1);
  CHECK(handler.cwd == "/var/task");
  CHECK(has(handler.env, "AWS_LAMBDA_RUNTIME_API=169.254.100.1:9001"));
  CHECK(has(handler.env, "_HANDLER=app.handler"));  // from CMD, as the emulator would give it
  CHECK(has(handler.env, "LAMBDA_TASK_ROOT=/var/task"));
}

TEST_CASE("a CMD override changes only the handler", "[container]") {
  Image image("standard", standard_tail);
  Records records;
  Outcome run = docker({"run", "--rm", "-v", records.volume(), "-e", cloud, image.tag, "other.handler"});
  CHECK(run.status == 0);
  CHECK(records.only("handler").argv == Strings{"/var/task/handler", "other.handler"});
}

TEST_CASE("an --entrypoint override runs what it names", "[container]") {
  Image image("standard", standard_tail);
  Records records;
  Outcome run = docker({"run", "--rm", "-v", records.volume(), "-e", cloud, "--entrypoint", "/lambda-entrypoint",
                        image.tag, "/var/runtime/bootstrap", "x y"});
  CHECK(run.status == 0);
  CHECK(records.only("handler").argv == Strings{"/var/runtime/bootstrap", "x y"});
}

TEST_CASE("an image with no CMD and no program exits 142", "[container]") {
  Image image("no-cmd", "ENTRYPOINT [\"/lambda-entrypoint\"]\n");
  Records records;
  Outcome run = docker({"run", "--rm", "-v", records.volume(), image.tag});
  CHECK(run.status == 142);
  CHECK_THAT(run.err, Catch::Matchers::StartsWith("lambda-entrypoint: no PROGRAM to run; usage: "));
  CHECK(records.of("handler").empty());
}

TEST_CASE("the AWS form, installed as /lambda-entrypoint.sh, exports _HANDLER and runs the bootstrap", "[container]") {
  Image image("aws-form",
              "COPY --from=lambda-entrypoint:test /lambda-entrypoint /lambda-entrypoint.sh\n"
              "ENTRYPOINT [\"/lambda-entrypoint.sh\"]\n"
              "CMD [\"function.handler\"]\n");
  Records records;
  Outcome run = docker({"run", "--rm", "-v", records.volume(), "-e", cloud, image.tag});
  CHECK(run.status == 0);
  Record bootstrap = records.only("handler");
  CHECK(bootstrap.argv == Strings{"/var/runtime/bootstrap"});
  CHECK(has(bootstrap.env, "_HANDLER=function.handler"));
  CHECK(bootstrap.pid == 1);
}

TEST_CASE("an image without the emulator exits 127 locally, with the places looked at and the fix in docker logs",
          "[container]") {
  Image image("no-emulator", standard_tail, false);
  std::string name = "lambda-entrypoint-test-no-emulator";
  docker({"rm", "-f", name});
  Outcome run = docker({"run", "--name", name, image.tag});
  CHECK(run.status == 127);
  Outcome logs = docker({"logs", name});
  docker({"rm", "-f", name});
  CHECK(logs.err ==
        "lambda-entrypoint: /usr/local/bin/aws-lambda-rie: not found, and neither is "
        "/usr/local/bin/aws-lambda-rie-x86_64, /aws-lambda/aws-lambda-rie or "
        "/aws-lambda/aws-lambda-rie-x86_64; AWS_LAMBDA_RUNTIME_API is unset or empty, so this runs "
        "locally under the Runtime Interface Emulator: mount the directory that holds aws-lambda-rie at "
        "/aws-lambda (docker run -v ~/.aws-lambda-rie:/aws-lambda -p 9000:8080 IMAGE), add it to the "
        "image, point LAMBDA_ENTRYPOINT_EMULATOR at it, or set AWS_LAMBDA_RUNTIME_API to run the "
        "program directly\n");
}

TEST_CASE("an image without the emulator runs locally with AWS's release file for its CPU mounted at /aws-lambda",
          "[container]") {
  for (const std::string platform : {"amd64", "arm64"}) {
    DYNAMIC_SECTION(platform) {
      Image image("no-emulator", standard_tail, false, platform);
      harness::TempDir mounted;
      std::string name = platform == "amd64" ? "aws-lambda-rie-x86_64" : "aws-lambda-rie-arm64";
      harness::copy_file(harness::standin("emulator"), mounted / name, 0755);
      Records records;
      Outcome run = run_image(image, records, false, {"-v", mounted.path() + ":/aws-lambda:ro"});
      INFO(run.err);
      CHECK(run.status == 0);
      CHECK(records.only("emulator").argv == Strings{"/aws-lambda/" + name, "/var/task/handler", "app.handler"});
      CHECK(records.only("handler").argv == Strings{"/var/task/handler", "app.handler"});
    }
  }
}

TEST_CASE("a read-only root and a non-root user change nothing", "[container]") {
  Image image("standard", standard_tail);
  for (bool in_cloud : {true, false}) {
    DYNAMIC_SECTION((in_cloud ? "in the cloud" : "locally")) {
      Records records;
      Outcome run = run_image(image, records, in_cloud, {"--read-only", "--user", "993:990"});
      INFO(run.err);
      CHECK(run.status == 0);
      Record handler = records.only("handler");
      CHECK(handler.uid == 993);
      CHECK(handler.gid == 990);
      CHECK(handler.argv == Strings{"/var/task/handler", "app.handler"});
    }
  }
}

TEST_CASE("the handler's exit status is what docker run returns", "[container]") {
  Image image("standard", standard_tail);
  Records records;
  for (int status : {0, 1, 3, 126, 127, 142, 255}) {
    Outcome run = docker({"run", "--rm", "-v", records.volume(), "-e", cloud, "-e",
                          "STANDIN_EXIT_STATUS=" + std::to_string(status), image.tag});
    CHECK(run.status == status);
  }
}

TEST_CASE("docker stop of a local-mode container is prompt: the emulator gets SIGTERM and exits 0", "[container]") {
  Image image("standard", standard_tail);
  Records records;
  std::string name = "lambda-entrypoint-test-stop";
  docker({"rm", "-f", name});
  Outcome started =
      docker({"run", "-d", "--name", name, "-v", records.volume(), "-e", "STANDIN_EMULATOR_SERVE=1", image.tag});
  REQUIRE(started.status == 0);
  // Once the handler has run, the emulator is serving.
  for (int i = 0; i < 200 && records.of("handler").empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE(records.of("handler").size() == 1);

  auto begin = std::chrono::steady_clock::now();
  Outcome stopped = docker({"stop", "-t", "30", name});
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  std::string code = inspect(name, "{{.State.ExitCode}}");
  docker({"rm", "-f", name});
  CHECK(stopped.status == 0);
  CHECK(code == "0");  // 137 would mean SIGTERM went unheard and the engine had to kill it
  INFO("docker stop took " << seconds << " s");
  CHECK(seconds < 15);  // the grace period is 30 s
}

TEST_CASE("the distributable image holds exactly one file, /lambda-entrypoint, its ENTRYPOINT", "[container]") {
  CHECK(inspect("lambda-entrypoint:test", "{{json .Config.Entrypoint}}") == "[\"/lambda-entrypoint\"]");
  harness::TempDir saved;
  CHECK(image_files("lambda-entrypoint:test", saved) == Strings{"lambda-entrypoint"});
}

TEST_CASE("built for linux/arm64, the image is an arm64 image of one static aarch64 executable", "[container]") {
  CHECK(inspect("lambda-entrypoint:test-arm64", "{{.Os}}/{{.Architecture}}") == "linux/arm64");
  harness::TempDir saved;
  REQUIRE(image_files("lambda-entrypoint:test-arm64", saved) == Strings{"lambda-entrypoint"});
  std::string binary = harness::read_file(saved / "rootfs/lambda-entrypoint");
  auto header = elf_bytes::read_at<Elf64_Ehdr>(binary, 0);
  CHECK(header.e_machine == EM_AARCH64);
  CHECK(header.e_type == ET_EXEC);
  // A program has headers to look through: none would make the loop below prove nothing.
  REQUIRE(header.e_phnum > 0);
  int loaded = 0;
  for (unsigned i = 0; i < header.e_phnum; ++i) {
    auto segment = elf_bytes::read_at<Elf64_Phdr>(binary, elf_bytes::program_header_offset(header, i));
    CHECK(segment.p_type != PT_INTERP);
    CHECK(segment.p_type != PT_DYNAMIC);
    loaded += segment.p_type == PT_LOAD;
  }
  CHECK(loaded >= 1);
}

TEST_CASE("the arm64 image runs here, its binary under binfmt's qemu, in both modes", "[container]") {
  Image image("standard", standard_tail, true, "arm64");
  for (bool in_cloud : {true, false}) {
    DYNAMIC_SECTION((in_cloud ? "in the cloud" : "locally")) {
      Records records;
      Outcome run = run_image(image, records, in_cloud);
      INFO(run.err);
      CHECK(run.status == 0);
      Record handler = records.only("handler");
      CHECK(handler.argv == Strings{"/var/task/handler", "app.handler"});
      CHECK(has(handler.env, cloud));
      if (in_cloud) CHECK(handler.pid == 1);
      else
        CHECK(records.only("emulator").argv ==
              Strings{"/usr/local/bin/aws-lambda-rie", "/var/task/handler", "app.handler"});
    }
  }
}

namespace {

// A scratch image built as a user would write it, with --check as its last
// RUN line: the build's outcome, its log in err. files go into the context;
// the stages amd64-binary and arm64-binary hold the binary for each CPU.
Outcome build_checked(const std::string& name, const std::string& lines, const std::string& platform,
                      const std::vector<std::pair<std::string, std::string>>& files = {},
                      const std::string& checked = "\"/var/task/bootstrap\", \"app.handler\"") {
  harness::TempDir context;
  for (const auto& [file, content] : files) harness::write_file(context / file, content, 0755);
  harness::write_file(context / "Dockerfile",
                      "FROM --platform=linux/amd64 lambda-entrypoint:test AS amd64-binary\n"
                      "FROM --platform=linux/arm64 lambda-entrypoint:test-arm64 AS arm64-binary\n"
                      "FROM scratch\n"
                      "COPY --from=" +
                          platform + "-binary /lambda-entrypoint /lambda-entrypoint\n" + lines +
                          "RUN [\"/lambda-entrypoint\", \"--check\", " + checked + "]\n",
                      0644);
  // --no-cache: the log must show the check itself, not a cached result.
  return docker({"build", "--progress=plain", "--no-cache", "--platform", "linux/" + platform, "-t",
                 "lambda-entrypoint-test:check-" + name, context.path()});
}

}  // namespace

TEST_CASE("a --check RUN line fails the build of a broken image, with the cause in the build log", "[container]") {
  struct Broken {
    const char* name;
    std::string lines;
    std::string platform;
    std::vector<std::pair<std::string, std::string>> files;
    std::string cause;
  };
  const std::vector<Broken> cases = {
      {"glibc",
       "COPY true /var/task/bootstrap\n",
       "amd64",
       {{"true", harness::read_file("/usr/bin/true")}},
       "/var/task/bootstrap: a dynamically linked program whose ELF interpreter /lib64/ld-linux-x86-64.so.2 is "
       "missing: link it statically, or add its loader and libraries"},
      {"bash",
       "COPY run.sh /var/task/bootstrap\n",
       "amd64",
       {{"run.sh", "#!/bin/bash\nexec app\n"}},
       "/var/task/bootstrap: its '#!' interpreter /bin/bash: No such file or directory"},
      {"crlf",
       "COPY run.sh /var/task/bootstrap\n",
       "amd64",
       {{"run.sh", "#!/bin/sh\r\nexec app\r\n"}},
       "/var/task/bootstrap: its '#!' line ends in a carriage return: the file has Windows line endings (CRLF)"},
      {"arm64-in-amd64",
       "COPY --from=arm64-binary /lambda-entrypoint /var/task/bootstrap\n",
       "amd64",
       {},
       "/var/task/bootstrap: an aarch64 program; this is an x86_64 machine"},
      {"amd64-in-arm64",
       "COPY --from=amd64-binary /lambda-entrypoint /var/task/bootstrap\n",
       "arm64",
       {},
       "/var/task/bootstrap: an x86_64 program; this is an aarch64 machine"},
      {"root-only",
       "COPY --chmod=0700 --from=amd64-binary /lambda-entrypoint /var/task/bootstrap\n",
       "amd64",
       {},
       "/var/task/bootstrap: no execute permission for other users (mode 0700); Lambda runs the function as a user "
       "who is neither its owner nor in its group: chmod o+rx"},
      {"extension-for-amd64-in-arm64",
       "COPY --from=arm64-binary /lambda-entrypoint /var/task/bootstrap\n"
       "COPY --from=amd64-binary /lambda-entrypoint /opt/extensions/agent\n",
       "arm64",
       {},
       "/opt/extensions/agent: an x86_64 program; this is an aarch64 machine; Lambda starts every file in "
       "/opt/extensions before the runtime, as its user"},
      {"extension-crlf",
       "COPY --from=amd64-binary /lambda-entrypoint /var/task/bootstrap\n"
       "COPY --from=amd64-binary /lambda-entrypoint /bin/sh\n"
       "COPY agent.sh /opt/extensions/agent\n",
       "amd64",
       {{"agent.sh", "#!/bin/sh\r\nexec agent\r\n"}},
       "/opt/extensions/agent: its '#!' line ends in a carriage return: the file has Windows line endings (CRLF)"},
      {"extension-without-execute-bit",
       "COPY --from=amd64-binary /lambda-entrypoint /var/task/bootstrap\n"
       "COPY --chmod=0644 --from=amd64-binary /lambda-entrypoint /opt/extensions/agent\n",
       "amd64",
       {},
       "/opt/extensions/agent: no execute permission for other users (mode 0644)"},
      {"emulator-for-arm64",
       "COPY --from=amd64-binary /lambda-entrypoint /var/task/bootstrap\n"
       "COPY --from=arm64-binary /lambda-entrypoint /usr/local/bin/aws-lambda-rie\n",
       "amd64",
       {},
       "/usr/local/bin/aws-lambda-rie: an aarch64 program; this is an x86_64 machine; it is the Runtime Interface "
       "Emulator (LAMBDA_ENTRYPOINT_EMULATOR)"},
  };
  for (const Broken& broken : cases) {
    DYNAMIC_SECTION(broken.name) {
      Outcome built = build_checked(broken.name, broken.lines, broken.platform, broken.files);
      INFO(built.err);
      CHECK(built.status != 0);
      CHECK_THAT(built.err, Catch::Matchers::ContainsSubstring("lambda-entrypoint: " + broken.cause));
    }
  }
}

namespace {

using Files = std::vector<std::pair<std::string, std::string>>;

// A file of this machine (or of the loader tests' fixtures) in an image:
// its COPY line, its bytes in the build context.
void add_file(std::string& lines, Files& files, const std::string& from, const std::string& to) {
  std::string name = "file" + std::to_string(files.size());
  files.push_back({name, harness::read_file(from)});
  lines += "COPY " + name + " " + to + "\n";
}

// One of the system's dynamic programs as /var/task/bootstrap, with every
// file its loader loads, as ldd lists them (at the same paths); with
// drop_one, all but its first library other than libc.so.6, named in dropped.
std::string with_libraries(const std::string& program, Files& files, bool drop_one = false,
                           std::string* dropped = nullptr) {
  Outcome listed = run_tool({"ldd", program});
  REQUIRE(listed.status == 0);
  std::string lines;
  add_file(lines, files, program, "/var/task/bootstrap");
  std::istringstream listing(listed.out);
  for (std::string line; std::getline(listing, line);) {
    // "\tNAME => PATH (0x...)", or the loader's "\tPATH (0x...)"
    size_t arrow = line.find(" => "), start = arrow == std::string::npos ? line.find('/') : arrow + 4;
    size_t end = line.rfind(" (0x");
    if (start == std::string::npos || end == std::string::npos || line.compare(start, 1, "/") != 0) continue;
    std::string path = line.substr(start, end - start);
    const std::string name = path.substr(path.rfind('/') + 1);
    if (drop_one && arrow != std::string::npos && name != "libc.so.6") {
      *dropped = name;
      drop_one = false;
      continue;
    }
    add_file(lines, files, path, path);
  }
  return lines;
}

// A root with a CPU's glibc loader and C library where Debian keeps them.
std::string with_glibc(const std::string& cpu, Files& files) {
  std::string lines;
  const bool native = cpu == harness::host_arch();
  const std::string cross = "/usr/" + cpu + "-linux-gnu/lib/";
  const std::string loader = cpu == "x86_64" ? "/lib64/ld-linux-x86-64.so.2" : "/lib/ld-linux-aarch64.so.1";
  const std::string libc = "/lib/" + cpu + "-linux-gnu/libc.so.6";
  add_file(lines, files, native ? loader : cross + loader.substr(loader.rfind('/') + 1), loader);
  add_file(lines, files, native ? libc : cross + "libc.so.6", libc);
  return lines;
}

std::string fixture(const std::string& cpu, const std::string& name) {
  return std::string(LOADER_FIXTURES) + "/" + cpu + "/" + name;
}

}  // namespace

TEST_CASE(
    "a --check RUN line fails the build of an image whose runtime's loader lacks a library or a version, naming it, "
    "and passes the sound image",
    "[container]") {
  struct Build {
    const char* name;
    std::string platform;
    std::function<std::string(Files&)> make;  // the image's lines after its binary
    std::string line;                         // after "lambda-entrypoint: "; DROPPED: the library left out
  };
  std::string dropped;
  const std::string lists = "its loader, asked to list its libraries, says ";
  const std::string copy =
      ": copy that library into the image, beside its others or into a directory of LD_LIBRARY_PATH";
  const std::string ok = "/var/task/bootstrap: ok, the program, a dynamically linked ";
  const std::string listed = " program (its ELF interpreter and the libraries it lists are there)";
  auto glibc_app = [](const std::string& cpu, const std::string& program, const std::string& library,
                      const std::string& at, const std::string& extra = "") {
    return [=](Files& files) {
      std::string lines = with_glibc(cpu, files) + extra;
      add_file(lines, files, fixture(cpu, program), "/var/task/bootstrap");
      if (!library.empty()) add_file(lines, files, library, at);
      return lines;
    };
  };
  // The loader tests' musl program in a musl root, with its library at at (none when library is empty).
  auto musl_app = [](const std::string& library, const std::string& at) {
    return [=](Files& files) {
      std::string lines;
      add_file(lines, files, "/usr/lib/x86_64-linux-musl/libc.so", "/lib/ld-musl-x86_64.so.1");
      add_file(lines, files, fixture("x86_64", "app-musl"), "/var/task/bootstrap");
      if (!library.empty()) add_file(lines, files, library, at);
      return lines;
    };
  };
  const std::string newer =
      " not found (required by /var/task/bootstrap)': it was built against newer libraries than the image holds; "
      "build it against the image's, or copy the newer ones in";
  const std::vector<Build> builds = {
      {"python3", "amd64", [](Files& files) { return with_libraries("/usr/bin/python3", files); },
       ok + "x86_64" + listed},
      {"python3-without-a-library", "amd64",
       [&](Files& files) { return with_libraries("/usr/bin/python3", files, true, &dropped); },
       "/var/task/bootstrap: " + lists + "'DROPPED => not found'" + copy},
      {"openssl", "amd64", [](Files& files) { return with_libraries("/usr/bin/openssl", files); },
       ok + "x86_64" + listed},
      {"openssl-without-a-library", "amd64",
       [&](Files& files) { return with_libraries("/usr/bin/openssl", files, true, &dropped); },
       "/var/task/bootstrap: " + lists + "'DROPPED => not found'" + copy},
      {"runpath-origin", "amd64",
       glibc_app("x86_64", "app-runpath", fixture("x86_64", "libf.so.1"), "/var/task/lib/libf.so.1"),
       ok + "x86_64" + listed},
      {"runpath-origin-without-lib", "amd64", glibc_app("x86_64", "app-runpath", "", ""),
       "/var/task/bootstrap: " + lists + "'libf.so.1 => not found'" + copy},
      {"library-path", "amd64",
       glibc_app("x86_64", "app", fixture("x86_64", "libf.so.1"), "/opt/lib/libf.so.1",
                 "ENV LD_LIBRARY_PATH=/opt/lib\n"),
       ok + "x86_64" + listed},
      {"library-path-unset", "amd64", glibc_app("x86_64", "app", fixture("x86_64", "libf.so.1"), "/opt/lib/libf.so.1"),
       "/var/task/bootstrap: " + lists + "'libf.so.1 => not found'" + copy},
      {"library-for-arm64", "amd64", glibc_app("x86_64", "app", fixture("aarch64", "libf.so.1"), "/usr/lib/libf.so.1"),
       "/var/task/bootstrap: " + lists +
           "'libf.so.1 => not found': it is there, as /usr/lib/libf.so.1, but it is built for another CPU: copy in its "
           "x86_64 build"},
      {"newer-version-needed", "amd64",
       glibc_app("x86_64", "app-versioned", fixture("x86_64", "v1/libv.so.1"), "/usr/lib/libv.so.1"),
       "/var/task/bootstrap: " + lists + "'/var/task/bootstrap: /usr/lib/libv.so.1: version `V2'\\''" + newer},
      {"glibc-newer-than-the-image", "amd64",
       [](Files& files) {
         // The system's true with its need of GLIBC_2.34 made one of GLIBC_2.99,
         // as if built on a glibc newer than the image's.
         std::string lines = with_glibc("x86_64", files);
         std::string program = harness::read_file("/usr/bin/true");
         size_t at = program.find(std::string("GLIBC_2.34") + '\0');
         REQUIRE(at != std::string::npos);
         program.replace(at, 10, "GLIBC_2.99");
         files.push_back({"true", program});
         return lines + "COPY true /var/task/bootstrap\n";
       },
       "/var/task/bootstrap: " + lists +
           "'/var/task/bootstrap: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.99'\\''" + newer},
      {"glibc-of-the-image", "amd64",
       [](Files& files) {
         std::string lines = with_glibc("x86_64", files);
         add_file(lines, files, "/usr/bin/true", "/var/task/bootstrap");
         return lines;
       },
       ok + "x86_64" + listed},
      {"version-there", "amd64",
       glibc_app("x86_64", "app-versioned", fixture("x86_64", "v2/libv.so.1"), "/usr/lib/libv.so.1"),
       ok + "x86_64" + listed},
      {"musl", "amd64", musl_app(fixture("x86_64", "libf.so.1"), "/usr/local/lib/libf.so.1"), ok + "x86_64" + listed},
      {"musl-without-lib", "amd64", musl_app("", ""),
       "/var/task/bootstrap: " + lists +
           "'Error loading shared library libf.so.1: No such file or directory (needed by /var/task/bootstrap)'" +
           copy},
      {"musl-library-for-arm64", "amd64", musl_app(fixture("aarch64", "libf.so.1"), "/usr/lib/libf.so.1"),
       "/var/task/bootstrap: its library /usr/lib/libf.so.1, as its loader finds it, cannot serve: it is built for "
       "another CPU: copy in its x86_64 build"},
      {"extension-without-lib", "amd64",
       [](Files& files) {
         std::string lines =
             with_glibc("x86_64", files) + "COPY --from=amd64-binary /lambda-entrypoint /var/task/bootstrap\n";
         add_file(lines, files, fixture("x86_64", "app"), "/opt/extensions/agent");
         return lines;
       },
       "/opt/extensions/agent: " + lists + "'libf.so.1 => not found'" + copy +
           "; Lambda starts every file in /opt/extensions before the runtime, as its user"},
      {"arm64", "arm64", glibc_app("aarch64", "app", fixture("aarch64", "libf.so.1"), "/usr/lib/libf.so.1"),
       ok + "aarch64" + listed},
      {"arm64-without-lib", "arm64", glibc_app("aarch64", "app", "", ""),
       "/var/task/bootstrap: " + lists + "'libf.so.1 => not found'" + copy},
  };
  for (const Build& build : builds) {
    DYNAMIC_SECTION(build.name) {
      Files files;
      dropped.clear();
      std::string lines = build.make(files);
      std::string line = build.line;
      if (size_t at = line.find("DROPPED"); at != std::string::npos) {
        REQUIRE(!dropped.empty());
        line.replace(at, 7, dropped);
      }
      Outcome built = build_checked(std::string("libraries-") + build.name, lines, build.platform, files);
      INFO(built.err);
      const bool sound = line.rfind(ok, 0) == 0;
      CHECK((built.status == 0) == sound);
      CHECK_THAT(built.err, Catch::Matchers::ContainsSubstring("lambda-entrypoint: " + line));
    }
  }
}

TEST_CASE("a CMD in the shell form, or a JSON array missing a comma, in an image without /bin/sh is named as such: 127",
          "[container]") {
  const std::string shell_form =
      "; the image's CMD or ENTRYPOINT is in the shell form, which needs a shell: write it as a JSON array\n";
  struct Form {
    const char* name;
    const char* cmd;
  };
  for (const Form& form : {Form{"shell-form", "CMD /var/task/handler app.handler\n"},
                           Form{"missing-comma", "CMD [\"/var/task/handler\" \"app.handler\"]\n"}}) {
    DYNAMIC_SECTION(form.name) {
      Image image(form.name, std::string("ENTRYPOINT [\"/lambda-entrypoint\"]\n") + form.cmd);
      // What docker made of the CMD: the shell's three words.
      CHECK_THAT(inspect(image.tag, "{{json .Config.Cmd}}"), Catch::Matchers::StartsWith("[\"/bin/sh\",\"-c\","));
      Records records;
      for (bool in_cloud : {true, false}) {
        Outcome outcome = run_image(image, records, in_cloud);
        CHECK(outcome.status == 127);
        CHECK_THAT(outcome.err, Catch::Matchers::StartsWith("lambda-entrypoint: /bin/sh: No such file or directory"));
        CHECK_THAT(outcome.err, Catch::Matchers::EndsWith(shell_form));
      }
      CHECK(records.of("handler").empty());
    }
  }
}

TEST_CASE("a --check RUN line passes a sound image without the emulator, with a note", "[container]") {
  for (const std::string platform : {"amd64", "arm64"}) {
    DYNAMIC_SECTION(platform) {
      Outcome built =
          build_checked("sound-" + platform,
                        "COPY --from=" + platform + "-binary /lambda-entrypoint /var/task/bootstrap\n", platform);
      INFO(built.err);
      CHECK(built.status == 0);
      CHECK_THAT(built.err, Catch::Matchers::ContainsSubstring(
                                "lambda-entrypoint: /usr/local/bin/aws-lambda-rie: no emulator in the "
                                "image, which an image for the cloud may leave out"));
      CHECK_THAT(built.err, Catch::Matchers::ContainsSubstring(
                                "lambda-entrypoint: /var/task/bootstrap: ok, the program, a static " +
                                std::string(platform == "amd64" ? "x86_64" : "aarch64") + " program"));
    }
  }
}

TEST_CASE(
    "a --check RUN line passes an image whose extension is sound, and tells a directory in /opt/extensions "
    "as skipped",
    "[container]") {
  for (const std::string platform : {"amd64", "arm64"}) {
    DYNAMIC_SECTION(platform) {
      Outcome built =
          build_checked("extension-" + platform,
                        "COPY --from=" + platform + "-binary /lambda-entrypoint /var/task/bootstrap\n" +
                            "COPY --from=" + platform + "-binary /lambda-entrypoint /opt/extensions/agent\n" +
                            "COPY --from=" + platform + "-binary /lambda-entrypoint /opt/extensions/lib/x\n",
                        platform);
      INFO(built.err);
      CHECK(built.status == 0);
      CHECK_THAT(built.err, Catch::Matchers::ContainsSubstring(
                                "lambda-entrypoint: /opt/extensions/agent: ok, an extension, a static " +
                                std::string(platform == "amd64" ? "x86_64" : "aarch64") + " program"));
      CHECK_THAT(
          built.err,
          Catch::Matchers::ContainsSubstring(
              "lambda-entrypoint: /opt/extensions/lib: a directory, which Lambda does not start as an extension"));
    }
  }
}

TEST_CASE("a --check RUN line fails the build of a shell-less image that starts its runtime with npx, naming why",
          "[container]") {
  const std::string npx = "COPY --from=amd64-binary /lambda-entrypoint /usr/local/bin/npx\n";
  const std::string checked = "\"npx\", \"aws-lambda-ric\", \"index.handler\"";
  Outcome built = build_checked("npx-without-shell", npx, "amd64", {}, checked);
  INFO(built.err);
  CHECK(built.status != 0);
  CHECK_THAT(built.err, Catch::Matchers::ContainsSubstring(
                            "lambda-entrypoint: /usr/local/bin/npx: npm starts the program it runs with /bin/sh -c, "
                            "and /bin/sh: No such file or directory; start the runtime client with node directly"));
  // The same image with a shell builds, and the build log carries the note.
  Outcome with_shell = build_checked("npx-with-shell", npx + "COPY --from=amd64-binary /lambda-entrypoint /bin/sh\n",
                                     "amd64", {}, checked);
  INFO(with_shell.err);
  CHECK(with_shell.status == 0);
  CHECK_THAT(with_shell.err, Catch::Matchers::ContainsSubstring("lambda-entrypoint: /usr/local/bin/npx: note: npm "
                                                                "stays resident as the runtime's parent"));
}

TEST_CASE("a --check RUN line fails the build of an image whose handler file only root can read, and passes it 0644",
          "[container]") {
  const std::string program = "COPY --from=amd64-binary /lambda-entrypoint /var/task/bootstrap\n";
  const std::vector<std::pair<std::string, std::string>> files = {{"app.py", "def handler(event, context): pass\n"}};
  Outcome root_only =
      build_checked("code-0600", program + "COPY --chmod=0600 app.py /var/task/app.py\n", "amd64", files);
  INFO(root_only.err);
  CHECK(root_only.status != 0);
  CHECK_THAT(root_only.err,
             Catch::Matchers::ContainsSubstring("lambda-entrypoint: /var/task/app.py: other users cannot read it "
                                                "(mode 0600)"));
  CHECK_THAT(root_only.err, Catch::Matchers::ContainsSubstring("RUN chmod -R o+rX /var/task as the last line"));
  Outcome readable =
      build_checked("code-0644", program + "COPY --chmod=0644 app.py /var/task/app.py\n", "amd64", files);
  INFO(readable.err);
  CHECK(readable.status == 0);
  CHECK_THAT(readable.err, Catch::Matchers::ContainsSubstring(
                               "lambda-entrypoint: /var/task: ok, the function's code, readable by other users (files: "
                               "2, directories: 1)"));
}

TEST_CASE("locally, code only root can read gets a warning in the logs of a root run, and none as --user 993:990",
          "[container]") {
  Image image("code-warning", "COPY --chmod=0600 handler /var/task/app.py\n" + standard_tail);
  const std::string warning = "lambda-entrypoint: warning: /var/task/app.py: other users cannot read it (mode 0600)";
  Records as_root;
  Outcome root = run_image(image, as_root, false);
  CHECK(root.status == 0);
  CHECK_THAT(root.err, Catch::Matchers::ContainsSubstring(warning));
  as_root.only("handler");  // the function started all the same
  Records as_user;
  Outcome user = run_image(image, as_user, false, {"--user", "993:990"});
  CHECK(user.status == 0);
  CHECK(user.err.find("warning") == std::string::npos);
  as_user.only("handler");
}
