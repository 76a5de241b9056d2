// The real aws-lambda-rie, AWS's release files for both CPUs, in a real
// engine: scratch images holding lambda-entrypoint and a small static
// runtime that echoes each event (echo_runtime.cpp) are invoked over HTTP
// through it, in every way an image meets it (baked in, mounted under both
// names, the AWS form, emulator flags, SAM's arrangement, a read-only root as
// a non-root user), and the emulator stand-in the other tests use is held to
// what the real one gives a runtime.
//
// The emulator is found in $LAMBDA_ENTRYPOINT_RIE_DIR, a folder with AWS's
// release names (aws-lambda-rie-x86_64, aws-lambda-rie-arm64). Where that is
// unset, these tests are skipped, with the reason; where it names files that
// cannot run, they fail. arm64 images run under qemu, registered in
// binfmt_misc by the engine's setup.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <chrono>
#include <cstdlib>
#include <set>
#include <thread>

#include "harness.hpp"
#include "node_example.hpp"
#include "real_emulator.hpp"

using harness::docker;
using harness::free_port;
using harness::HttpAnswer;
using harness::Outcome;
using harness::post;
using harness::Strings;

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* event = R"({"hello":"world","n":[1,2,3]})";
constexpr const char* invocations = "/2015-03-31/functions/function/invocations";
const Strings platforms = {"amd64", "arm64"};

// Builds the image tag from the Dockerfile and files in context, for
// platform; the test stops with the build's log where it fails.
void build_image(const std::string& tag, const harness::TempDir& context, const std::string& platform = "amd64") {
  Outcome built = docker({"build", "-q", "--platform", "linux/" + platform, "-t", tag, context.path()});
  INFO(built.err);
  REQUIRE(built.status == 0);
}

// A container on the host's network, removed at the end of the test.
class Container {
 public:
  Container(const Strings& options, const std::string& image, const Strings& after_image = {}) {
    docker({"rm", "-f", name_});
    Strings args = {"run", "-d", "--name", name_, "--network", "host"};
    args.insert(args.end(), options.begin(), options.end());
    args.push_back(image);
    args.insert(args.end(), after_image.begin(), after_image.end());
    Outcome started = docker(args);
    INFO(started.err);
    REQUIRE(started.status == 0);
  }
  ~Container() { docker({"rm", "-f", name_}); }
  Container(const Container&) = delete;
  Container& operator=(const Container&) = delete;

  bool running() const {
    Outcome state = docker({"inspect", "--format", "{{.State.Running}}", name_});
    return state.status == 0 && state.out == "true\n";
  }
  std::string exit_code() const { return docker({"inspect", "--format", "{{.State.ExitCode}}", name_}).out; }
  std::string logs() const {
    Outcome logs = docker({"logs", name_});
    return logs.out + logs.err;
  }
  const std::string& name() const { return name_; }

  // Invokes the function on this port, waiting for the emulator to listen
  // (arm64 starts slowly under qemu) while the container runs.
  HttpAnswer invoke(int port, const std::string& body = event) const {
    auto give_up = Clock::now() + std::chrono::seconds(90);
    for (;;) {
      HttpAnswer answer = post(port, invocations, body);
      if (answer.status != 0 || !running() || Clock::now() > give_up) return answer;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }

 private:
  std::string name_ = "lambda-entrypoint-test-rie";
};

// The emulator's flags that keep it off the ports other tests may hold.
std::string own_ports(int invoke_port) {
  return "--runtime-interface-emulator-address 127.0.0.1:" + std::to_string(invoke_port) +
         " --runtime-api-address 127.0.0.1:" + std::to_string(free_port());
}

// A scratch image for a platform: lambda-entrypoint at / (also as
// /lambda-entrypoint.sh), the echo runtime as /var/task/bootstrap and
// /var/runtime/bootstrap, and the real emulator at its default path when
// baked_in. Built once per run and platform.
std::string echo_image(const std::string& platform, bool baked_in) {
  std::string tag = "lambda-entrypoint-test:rie-" + platform + (baked_in ? "-baked" : "");
  harness::TempDir context;
  harness::copy_file(ECHO_RUNTIME_DIR "/echo-runtime-" + std::string(platform == "amd64" ? "x86_64" : "aarch64"),
                     context / "echo-runtime", 0755);
  std::string dockerfile = "FROM --platform=linux/" + platform + " lambda-entrypoint:test" +
                           (platform == "amd64" ? "" : "-arm64") +
                           " AS binary\n"
                           "FROM scratch\n"
                           "COPY --from=binary /lambda-entrypoint /lambda-entrypoint\n"
                           "COPY --from=binary /lambda-entrypoint /lambda-entrypoint.sh\n"
                           "COPY echo-runtime /var/task/bootstrap\n"
                           "COPY echo-runtime /var/runtime/bootstrap\n";
  if (baked_in) {
    harness::copy_file(real_emulator(platform), context / "aws-lambda-rie", 0755);
    dockerfile += "COPY aws-lambda-rie /usr/local/bin/aws-lambda-rie\n";
  }
  dockerfile += "ENTRYPOINT [\"/lambda-entrypoint\", \"/var/task/bootstrap\"]\nCMD [\"app.handler\"]\n";
  harness::write_file(context / "Dockerfile", dockerfile, 0644);
  build_image(tag, context, platform);
  return tag;
}

// The real emulator in a folder of its own under a name, for a volume.
struct MountedEmulator {
  harness::TempDir dir;
  MountedEmulator(const std::string& platform, const std::string& name) {
    harness::copy_file(real_emulator(platform), dir / name, 0755);
  }
};

void check_echoed(const Container& container, const HttpAnswer& answer) {
  INFO("container logs:\n" << container.logs());
  CHECK(answer.status == 200);
  CHECK(answer.body == event);
}

}  // namespace

TEST_CASE("through the real emulator baked in at the default path, on both CPUs, the runtime answers", "[rie]") {
  real_emulator_dir();
  for (const std::string& platform : platforms) {
    DYNAMIC_SECTION(platform) {
      std::string image = echo_image(platform, true);
      Container container({"--platform", "linux/" + platform}, image);
      check_echoed(container, container.invoke(8080));
      // The runtime stays up under the emulator: a second event takes the same way.
      check_echoed(container, container.invoke(8080));
    }
  }
}

TEST_CASE("through the real emulator mounted at /aws-lambda, under its plain name and its CPU's release name",
          "[rie]") {
  real_emulator_dir();
  for (const std::string& platform : platforms) {
    for (const std::string& name : {std::string("aws-lambda-rie"), "aws-lambda-rie-" + rie_cpu(platform)}) {
      DYNAMIC_SECTION(platform << ", as /aws-lambda/" << name) {
        MountedEmulator emulator(platform, name);
        int port = free_port();
        Container container({"--platform", "linux/" + platform, "-v", emulator.dir.path() + ":/aws-lambda:ro", "-e",
                             "LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=" + own_ports(port)},
                            echo_image(platform, false));
        check_echoed(container, container.invoke(port));
      }
    }
  }
}

TEST_CASE("through the real emulator, the AWS form runs /var/runtime/bootstrap with _HANDLER", "[rie]") {
  real_emulator_dir();
  for (const std::string& platform : platforms) {
    DYNAMIC_SECTION(platform) {
      MountedEmulator emulator(platform, "aws-lambda-rie");
      int port = free_port();
      Container container({"--platform", "linux/" + platform, "-v", emulator.dir.path() + ":/aws-lambda:ro", "-e",
                           "LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=" + own_ports(port), "-e", "LAMBDA_ENTRYPOINT_DEBUG=1",
                           "--entrypoint", "/lambda-entrypoint.sh"},
                          echo_image(platform, false), {"function.handler"});
      check_echoed(container, container.invoke(port));
      CHECK_THAT(container.logs(),
                 Catch::Matchers::ContainsSubstring("lambda-entrypoint: executing /aws-lambda/aws-lambda-rie as: "
                                                    "_HANDLER=function.handler"));
    }
  }
}

TEST_CASE("through the real emulator, LAMBDA_ENTRYPOINT_EMULATOR_FLAGS reach it: its log level and its port", "[rie]") {
  real_emulator_dir();
  for (const std::string& platform : platforms) {
    DYNAMIC_SECTION(platform) {
      std::string image = echo_image(platform, true);
      SECTION("--log-level debug shows in its log") {
        int port = free_port();
        Container container({"--platform", "linux/" + platform, "-e",
                             "LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=--log-level debug " + own_ports(port)},
                            image);
        check_echoed(container, container.invoke(port));
        CHECK_THAT(container.logs(), Catch::Matchers::ContainsSubstring("[DEBUG]"));
      }
      SECTION("without it, its log has no debug lines") {
        int port = free_port();
        Container container(
            {"--platform", "linux/" + platform, "-e", "LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=" + own_ports(port)}, image);
        check_echoed(container, container.invoke(port));
        CHECK(container.logs().find("[DEBUG]") == std::string::npos);
      }
      SECTION("--runtime-interface-emulator-address 0.0.0.0:PORT moves where it is invoked") {
        int port = free_port();
        Container container(
            {"--platform", "linux/" + platform, "-e",
             "LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=--runtime-interface-emulator-address 0.0.0.0:" + std::to_string(port) +
                 " --runtime-api-address 127.0.0.1:" + std::to_string(free_port())},
            image);
        check_echoed(container, container.invoke(port));
      }
    }
  }
}

TEST_CASE("through the real emulator as sam local invoke runs it, lambda-entrypoint runs the runtime directly",
          "[rie]") {
  real_emulator_dir();
  for (const std::string& platform : platforms) {
    DYNAMIC_SECTION(platform) {
      // SAM mounts its emulator at /var/rapid and makes it the entrypoint, with
      // the image's ENTRYPOINT and CMD after its own flags.
      MountedEmulator emulator(platform, "aws-lambda-rie");
      int port = free_port();
      Container container(
          {"--platform", "linux/" + platform, "-v", emulator.dir.path() + ":/var/rapid:ro", "-e",
           "LAMBDA_ENTRYPOINT_DEBUG=1", "--entrypoint", "/var/rapid/aws-lambda-rie"},
          echo_image(platform, false),
          {"--log-level", "error", "--runtime-interface-emulator-address", "127.0.0.1:" + std::to_string(port),
           "--runtime-api-address", "127.0.0.1:" + std::to_string(free_port()), "/lambda-entrypoint",
           "/var/task/bootstrap", "app.handler"});
      check_echoed(container, container.invoke(port));
      CHECK_THAT(container.logs(), Catch::Matchers::ContainsSubstring(
                                       "lambda-entrypoint: AWS_LAMBDA_RUNTIME_API is set: running directly"));
    }
  }
}

TEST_CASE("through the real emulator on a read-only root as uid 993, and docker stop returns within 3 s", "[rie]") {
  real_emulator_dir();
  for (const std::string& platform : platforms) {
    DYNAMIC_SECTION(platform) {
      int port = free_port();
      Container container({"--platform", "linux/" + platform, "--read-only", "--tmpfs", "/tmp", "--user", "993:990",
                           "-e", "LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=" + own_ports(port)},
                          echo_image(platform, true));
      check_echoed(container, container.invoke(port));
      auto asked = Clock::now();
      Outcome stopped = docker({"stop", "-t", "10", container.name()});
      auto took = Clock::now() - asked;
      CHECK(stopped.status == 0);
      // Without SIGTERM reaching the emulator, docker would wait the whole 10 s.
      CHECK(took < std::chrono::seconds(3));
    }
  }
}

TEST_CASE("through the real emulator, a runtime missing from the image is named at docker run, before it listens",
          "[rie]") {
  real_emulator_dir();
  for (const std::string& platform : platforms) {
    DYNAMIC_SECTION(platform) {
      int port = free_port();
      Container container({"--platform", "linux/" + platform, "-e",
                           "LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=" + own_ports(port), "--entrypoint", "/lambda-entrypoint"},
                          echo_image(platform, true), {"/var/task/missing", "app.handler"});
      auto give_up = Clock::now() + std::chrono::seconds(60);
      while (container.running() && Clock::now() < give_up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      REQUIRE(!container.running());
      CHECK(container.exit_code() == "127\n");
      // The project's own line, and nothing from the emulator, which never started.
      CHECK(container.logs() ==
            "lambda-entrypoint: /var/task/missing: No such file or directory; the emulator was to run it\n");
      CHECK(post(port, invocations, event).status == 0);
    }
  }
}

TEST_CASE("through the real emulator mounted at /aws-lambda, the README's Node example answers", "[rie][client]") {
  real_emulator_dir();
  MountedEmulator emulator("amd64", "aws-lambda-rie");
  int port = free_port();
  Container container(
      {"-v", emulator.dir.path() + ":/aws-lambda:ro", "-e", "LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=" + own_ports(port)},
      node_example());
  HttpAnswer answer = container.invoke(port);
  INFO("container logs:\n" << container.logs());
  CHECK(answer.status == 200);
  CHECK(answer.body == std::string(R"({"received":)") + event + "}");
}

TEST_CASE("the emulator stand-in gives the runtime what the real emulator gives it, variable by variable", "[rie]") {
  real_emulator_dir();
  // A recording runtime (the handler stand-in) behind lambda-entrypoint,
  // started once by each emulator, mounted as /aws-lambda/aws-lambda-rie.
  harness::TempDir context;
  harness::copy_file(harness::standin("handler"), context / "recording-runtime", 0755);
  harness::write_file(context / "Dockerfile",
                      "FROM --platform=linux/amd64 lambda-entrypoint:test AS binary\n"
                      "FROM scratch\n"
                      "COPY --from=binary /lambda-entrypoint /lambda-entrypoint\n"
                      "COPY recording-runtime /var/task/bootstrap\n"
                      "ENTRYPOINT [\"/lambda-entrypoint\", \"/var/task/bootstrap\", \"--flag\", \"app.handler\"]\n",
                      0644);
  std::string image = "lambda-entrypoint-test:rie-recording";
  build_image(image, context);

  // The same addresses for both, so that the variables naming them compare.
  const std::string api = "127.0.0.1:" + std::to_string(free_port());
  const int port = free_port();
  auto recorded = [&](const std::string& emulator_file, bool real) {
    harness::TempDir emulator, records;
    chmod(records.path().c_str(), 0777);
    harness::copy_file(emulator_file, emulator / "aws-lambda-rie", 0755);
    // A variable the emulator would set, already set: whether it is kept.
    Container container(
        {"-v", emulator.path() + ":/aws-lambda:ro", "-v", records.path() + ":/out", "-e", "STANDIN_RECORD_DIR=/out",
         "-e", "AWS_LAMBDA_FUNCTION_NAME=mine", "-e", "AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "-e",
         "LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=--runtime-interface-emulator-address 127.0.0.1:" + std::to_string(port) +
             " --runtime-api-address " + api},
        image);
    // The real one starts the runtime at the first invocation; the stand-in at once.
    if (real) container.invoke(port);
    auto give_up = Clock::now() + std::chrono::seconds(30);
    while (harness::records(records.path(), "handler").empty() && Clock::now() < give_up)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::vector<harness::Record> found = harness::records(records.path(), "handler");
    INFO("container logs:\n" << container.logs());
    REQUIRE(found.size() == 1);
    return found.front();
  };
  harness::Record real = recorded(real_emulator("amd64"), true);
  harness::Record standin = recorded(harness::standin("emulator"), false);

  CHECK(standin.argv == real.argv);
  std::set<std::string> real_env(real.env.begin(), real.env.end());
  std::set<std::string> standin_env(standin.env.begin(), standin.env.end());
  for (const std::string& entry : real_env) {
    INFO("the real emulator gives the runtime " << entry << "; the stand-in does not");
    CHECK(standin_env.count(entry) == 1);
  }
  for (const std::string& entry : standin_env) {
    INFO("the stand-in gives the runtime " << entry << "; the real emulator does not");
    CHECK(real_env.count(entry) == 1);
  }
}

// The emulator's Lambda Managed Instances mode, chosen by the presence of
// AWS_LAMBDA_MAX_CONCURRENCY: it starts /var/runtime/bootstrap,
// /var/task/bootstrap or /opt/bootstrap (the first there) as uid 993,
// whatever its command says.
namespace {

// A scratch image for a platform: lambda-entrypoint at / and as
// /lambda-entrypoint.sh, then the Dockerfile lines given (the binary's stage
// is "binary", the echo runtime "echo" in the context). Built once per run
// and tag.
std::string scratch_image(const std::string& platform, const std::string& tag, const std::string& lines) {
  std::string name = "lambda-entrypoint-test:managed-" + tag + "-" + platform;
  harness::TempDir context;
  harness::copy_file(ECHO_RUNTIME_DIR "/echo-runtime-" + std::string(platform == "amd64" ? "x86_64" : "aarch64"),
                     context / "echo", 0755);
  harness::write_file(context / "Dockerfile",
                      "FROM --platform=linux/" + platform + " lambda-entrypoint:test" +
                          (platform == "amd64" ? "" : "-arm64") +
                          " AS binary\n"
                          "FROM scratch\n"
                          "COPY --from=binary /lambda-entrypoint /lambda-entrypoint\n"
                          "COPY --from=binary /lambda-entrypoint /lambda-entrypoint.sh\n" +
                          lines,
                      0644);
  build_image(name, context, platform);
  return name;
}

// The README's one more line of an image whose command is not itself a bootstrap.
constexpr const char* bootstrap_line = "COPY --from=binary /lambda-entrypoint /var/runtime/bootstrap\n";
constexpr const char* echo_line = "COPY echo /var/task/echo\n";

// docker run's options for the mode: the emulator mounted, on its own ports.
Strings managed_options(const std::string& platform, const MountedEmulator& emulator, int port,
                        const std::string& concurrency = "2") {
  return {"--platform", "linux/" + platform,
          "-v",         emulator.dir.path() + ":/aws-lambda:ro",
          "-e",         "AWS_LAMBDA_MAX_CONCURRENCY=" + concurrency,
          "-e",         "LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=" + own_ports(port)};
}

// Two invocations sent at once, each held by the runtime until both are in
// its hands: both answered with their own event, which a runtime serving one
// at a time cannot do.
void check_in_flight_together(const Container& container, int port) {
  check_echoed(container, container.invoke(port));  // up and answering
  HttpAnswer first;
  std::thread other([&] { first = post(port, invocations, R"({"hold":2,"n":1})"); });
  HttpAnswer second = post(port, invocations, R"({"hold":2,"n":2})");
  other.join();
  INFO("container logs:\n" << container.logs());
  CHECK(first.status == 200);
  CHECK(first.body == R"({"hold":2,"n":1})");
  CHECK(second.status == 200);
  CHECK(second.body == R"({"hold":2,"n":2})");
}

// The container ends by itself with this code and this line alone in its
// log: refused before the emulator started, which never listened.
void check_refused(const Container& container, int port, const std::string& code, const std::string& line) {
  auto give_up = Clock::now() + std::chrono::seconds(60);
  while (container.running() && Clock::now() < give_up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  REQUIRE(!container.running());
  CHECK(container.exit_code() == code + "\n");
  CHECK(container.logs() == line + "\n");
  CHECK(post(port, invocations, event).status == 0);
}

}  // namespace

TEST_CASE(
    "in the emulator's Managed Instances mode, each arrangement answers, two invocations in flight together: the "
    "command form with the binary as /var/runtime/bootstrap, the AWS form, a Go-style /var/task/bootstrap",
    "[rie][managed]") {
  real_emulator_dir();
  struct Arrangement {
    const char* name;
    const char* lines;
  };
  const Arrangement arrangements[] = {
      {"python-form",
       "WORKDIR /var/task\nENTRYPOINT [\"/lambda-entrypoint\", \"/var/task/echo\", \"-m\", \"awslambdaric\"]\n"
       "CMD [\"app.handler\"]\n"},
      {"node-form",
       "WORKDIR /var/task\nENTRYPOINT [\"/lambda-entrypoint\", \"/var/task/echo\", "
       "\"/var/task/node_modules/.bin/aws-lambda-ric\"]\nCMD [\"index.handler\"]\n"},
      {"aws-form",
       "COPY echo /var/runtime/bootstrap\nWORKDIR /var/task\nENTRYPOINT [\"/lambda-entrypoint.sh\"]\nCMD "
       "[\"function.handler\"]\n"},
      {"go-bootstrap", "COPY echo /var/task/bootstrap\nENTRYPOINT [\"/lambda-entrypoint\", \"/var/task/bootstrap\"]\n"},
      // The bootstrap and the handler: the emulator starts the bootstrap alone, with _HANDLER.
      {"bootstrap-and-handler",
       "COPY echo /var/runtime/bootstrap\nWORKDIR /var/task\nENTRYPOINT [\"/lambda-entrypoint\", "
       "\"/var/runtime/bootstrap\"]\nCMD [\"app.handler\"]\n"},
      // Code uid 993 cannot read, which nothing reads: a warning, and the emulator serves it.
      {"code-others-cannot-read",
       "COPY --chmod=0600 echo /var/task/app.py\nWORKDIR /var/task\nENTRYPOINT [\"/lambda-entrypoint\", "
       "\"/var/task/echo\", \"-m\", \"awslambdaric\"]\nCMD [\"app.handler\"]\n"},
  };
  for (const std::string& platform : platforms) {
    for (const Arrangement& arrangement : arrangements) {
      DYNAMIC_SECTION(platform << ", " << arrangement.name) {
        std::string lines = arrangement.lines;
        // The forms whose program is not itself a bootstrap take the README's one more line.
        if (lines.find("/var/task/echo") != std::string::npos) lines = std::string(bootstrap_line) + echo_line + lines;
        std::string image = scratch_image(platform, arrangement.name, lines);
        MountedEmulator emulator(platform, "aws-lambda-rie");
        int port = free_port();
        Container container(managed_options(platform, emulator, port), image);
        check_in_flight_together(container, port);
        // The same image without the variable: the classic mode, one at a time.
        if (std::string(arrangement.name) == "python-form") {
          int classic_port = free_port();
          Container classic({"--platform", "linux/" + platform, "-v", emulator.dir.path() + ":/aws-lambda:ro", "-e",
                             "LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=" + own_ports(classic_port)},
                            image);
          check_echoed(classic, classic.invoke(classic_port));
        }
      }
    }
  }
}

TEST_CASE("in the emulator's Managed Instances mode, the README's Node example with its one more line answers",
          "[rie][managed][client]") {
  real_emulator_dir();
  // The line as the README gives it: the binary from the lambda-entrypoint image.
  harness::TempDir context;
  harness::write_file(
      context / "Dockerfile",
      "FROM " + node_example() + "\nCOPY --from=lambda-entrypoint /lambda-entrypoint /var/runtime/bootstrap\n", 0644);
  std::string image = "lambda-entrypoint-test:managed-node-example";
  build_image(image, context);
  MountedEmulator emulator("amd64", "aws-lambda-rie");
  int port = free_port();
  Container container(managed_options("amd64", emulator, port), image);
  HttpAnswer answer = container.invoke(port);
  INFO("container logs:\n" << container.logs());
  CHECK(answer.status == 200);
  CHECK(answer.body == std::string(R"({"received":)") + event + "}");
}

TEST_CASE(
    "in the emulator's Managed Instances mode, the runtime gets the command's words, the image's working directory and "
    "uid 993, and no LAMBDA_ENTRYPOINT_COMMAND",
    "[rie][managed]") {
  real_emulator_dir();
  harness::TempDir context;
  harness::copy_file(harness::standin("handler"), context / "recording-runtime", 0755);
  harness::write_file(context / "Dockerfile",
                      std::string("FROM --platform=linux/amd64 lambda-entrypoint:test AS binary\n"
                                  "FROM scratch\n"
                                  "COPY --from=binary /lambda-entrypoint /lambda-entrypoint\n") +
                          bootstrap_line +
                          "COPY recording-runtime /srv/app/runtime\n"
                          "COPY recording-runtime /var/task/placeholder\n"
                          "WORKDIR /srv/app\n"
                          "ENTRYPOINT [\"/lambda-entrypoint\", \"./runtime\", \"a b\", \"\", \"--flag=x\"]\n"
                          "CMD [\"app.handler\"]\n",
                      0644);
  std::string image = "lambda-entrypoint-test:managed-recording";
  build_image(image, context);
  harness::TempDir records;
  chmod(records.path().c_str(), 0777);
  MountedEmulator emulator("amd64", "aws-lambda-rie");
  int port = free_port();
  Strings options = managed_options("amd64", emulator, port);
  options.insert(options.end(), {"-v", records.path() + ":/out", "-e", "STANDIN_RECORD_DIR=/out", "-e", "KEPT=yes"});
  Container container(options, image);
  // The emulator starts the runtime at once in this mode, without an invocation.
  auto give_up = Clock::now() + std::chrono::seconds(60);
  while (harness::records(records.path(), "handler").empty() && Clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::vector<harness::Record> found = harness::records(records.path(), "handler");
  INFO("container logs:\n" << container.logs());
  REQUIRE(!found.empty());
  const harness::Record& runtime = found.front();
  CHECK(runtime.argv == Strings{"./runtime", "a b", "", "--flag=x", "app.handler"});
  CHECK(runtime.cwd == "/srv/app");
  CHECK(runtime.uid == 993);
  CHECK(runtime.gid == 990);
  std::set<std::string> env(runtime.env.begin(), runtime.env.end());
  CHECK(env.count("KEPT=yes") == 1);
  CHECK(env.count("AWS_LAMBDA_MAX_CONCURRENCY=2") == 1);
  CHECK(env.count("AWS_LAMBDA_INITIALIZATION_TYPE=lambda-managed-instances") == 1);
  CHECK(env.count("_HANDLER=app.handler") == 1);
  for (const std::string& entry : runtime.env) CHECK(entry.rfind("LAMBDA_ENTRYPOINT_COMMAND", 0) != 0);
}

TEST_CASE(
    "in the emulator's Managed Instances mode, what cannot work is refused with its line before the emulator starts",
    "[rie][managed]") {
  real_emulator_dir();
  const std::string command =
      std::string(echo_line) + "ENTRYPOINT [\"/lambda-entrypoint\", \"/var/task/echo\", \"-m\", \"x\"]\nCMD [\"h\"]\n";
  const std::string install =
      "install this program as the first: COPY --from=lambda-entrypoint /lambda-entrypoint /var/runtime/bootstrap";
  struct Refusal {
    const char* name;
    std::string lines;
    Strings options;
    std::string concurrency;
    std::string code;
    std::string line;
  };
  const std::vector<Refusal> refusals = {
      {"no-bootstrap",
       command,
       {},
       "2",
       "127",
       harness::message("/var/runtime/bootstrap",
                        "not found, nor /var/task/bootstrap or /opt/bootstrap, the first of which the emulator's "
                        "Managed Instances mode (AWS_LAMBDA_MAX_CONCURRENCY is set) starts instead of its command; " +
                            install)},
      {"another-bootstrap",
       "COPY echo /var/task/bootstrap\n" + command,
       {},
       "2",
       "126",
       harness::message("/var/task/bootstrap",
                        "the emulator's Managed Instances mode (AWS_LAMBDA_MAX_CONCURRENCY is set) would start this, "
                        "alone, instead of the command; " +
                            install)},
      {"a-bootstrap-with-more-than-the-handler",
       "COPY echo /var/task/bootstrap\nENTRYPOINT [\"/lambda-entrypoint\", \"/var/task/bootstrap\", \"-v\", "
       "\"app.handler\"]\n",
       {},
       "2",
       "126",
       harness::message("/var/task/bootstrap",
                        "is the command's own program, which the emulator's Managed Instances mode "
                        "(AWS_LAMBDA_MAX_CONCURRENCY is set) starts alone, with the command's last word as _HANDLER: "
                        "the words between would be lost; pass them another way (a variable); a copy of this program "
                        "there would replace the runtime")},
      {"not-root",
       bootstrap_line + command,
       {"--user", "993:990"},
       "2",
       "126",
       harness::message("AWS_LAMBDA_MAX_CONCURRENCY",
                        "set, so the emulator's Managed Instances mode runs the function as uid 993, which takes root, "
                        "and this does not run as root; run the container as root, or unset it")},
      {"program-others-cannot-run",
       std::string(bootstrap_line) + "COPY --chmod=0700 echo /var/task/private\n" +
           "ENTRYPOINT [\"/lambda-entrypoint\", \"/var/task/private\"]\n",
       {},
       "2",
       "126",
       harness::message("/var/task/private",
                        "no execute permission for other users (mode 0700); Lambda runs the function as a user who is "
                        "neither its owner nor in its group: chmod o+rx; the emulator was to run it")},
      {"no-task-directory",
       std::string(bootstrap_line) + "COPY echo /srv/echo\nENTRYPOINT [\"/lambda-entrypoint\", \"/srv/echo\"]\n",
       {},
       "2",
       "127",
       harness::message("/var/task",
                        "No such file or directory; the Managed Instances bootstrap starts there: add it "
                        "(WORKDIR /var/task)")},
      {"not-a-number",
       bootstrap_line + command,
       {},
       "two",
       "142",
       harness::message("AWS_LAMBDA_MAX_CONCURRENCY",
                        "expected a whole number from 1 to 2147483647 in decimal digits")},
      {"empty",
       bootstrap_line + command,
       {},
       "",
       "142",
       harness::message("AWS_LAMBDA_MAX_CONCURRENCY",
                        "expected a whole number from 1 to 2147483647 in decimal digits")},
  };
  // Where the emulator, started directly on the same image without this program's checks, fails too.
  const std::set<std::string> emulator_fails = {"no-bootstrap", "not-root", "no-task-directory"};
  for (const std::string& platform : platforms) {
    for (const Refusal& refusal : refusals) {
      DYNAMIC_SECTION(platform << ", " << refusal.name) {
        std::string image = scratch_image(platform, refusal.name, refusal.lines);
        if (emulator_fails.count(refusal.name) != 0) {
          MountedEmulator emulator(platform, "aws-lambda-rie");
          int port = free_port();
          Strings options = managed_options(platform, emulator, port, refusal.concurrency);
          options.insert(options.end(), refusal.options.begin(), refusal.options.end());
          options.insert(options.end(), {"--entrypoint", "/aws-lambda/aws-lambda-rie"});
          Strings flags = {"--runtime-interface-emulator-address", "127.0.0.1:" + std::to_string(port),
                           "--runtime-api-address", "127.0.0.1:" + std::to_string(free_port()), "/var/task/echo"};
          Container direct(options, image, flags);
          HttpAnswer answer = direct.invoke(port);
          INFO("the emulator alone:\n" << direct.logs());
          // Nothing, or its own error ({"errorType":"Runtime.InvalidEntrypoint"}, with 200): never the event.
          CHECK(answer.body != event);
        }
        MountedEmulator emulator(platform, "aws-lambda-rie");
        int port = free_port();
        Strings options = managed_options(platform, emulator, port, refusal.concurrency);
        options.insert(options.end(), refusal.options.begin(), refusal.options.end());
        Container container(options, image);
        check_refused(container, port, refusal.code, refusal.line);
      }
    }
  }
}

TEST_CASE("in the emulator's Managed Instances mode, docker stop still ends it within 3 s", "[rie][managed]") {
  real_emulator_dir();
  for (const std::string& platform : platforms) {
    DYNAMIC_SECTION(platform) {
      std::string image = scratch_image(
          platform, "stop",
          std::string(bootstrap_line) + echo_line + "ENTRYPOINT [\"/lambda-entrypoint\", \"/var/task/echo\", \"h\"]\n");
      MountedEmulator emulator(platform, "aws-lambda-rie");
      int port = free_port();
      Container container(managed_options(platform, emulator, port), image);
      check_echoed(container, container.invoke(port));
      auto asked = Clock::now();
      Outcome stopped = docker({"stop", "-t", "10", container.name()});
      auto took = Clock::now() - asked;
      CHECK(stopped.status == 0);
      CHECK(took < std::chrono::seconds(3));
    }
  }
}
