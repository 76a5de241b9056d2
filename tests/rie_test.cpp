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

using harness::docker;
using harness::Outcome;
using harness::Strings;

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* event = R"({"hello":"world","n":[1,2,3]})";
constexpr const char* invocations = "/2015-03-31/functions/function/invocations";
const Strings platforms = {"amd64", "arm64"};

std::string rie_cpu(const std::string& platform) { return platform == "amd64" ? "x86_64" : "arm64"; }

// The folder that holds the real emulator's release files; the test is
// skipped, saying why, where none is given.
std::string real_emulator_dir() {
  const char* dir = std::getenv("LAMBDA_ENTRYPOINT_RIE_DIR");
  if (dir == nullptr || *dir == '\0')
    SKIP(
        "LAMBDA_ENTRYPOINT_RIE_DIR is unset: point it at a folder holding AWS's aws-lambda-rie-x86_64 and "
        "aws-lambda-rie-arm64 to run the tests through the real emulator");
  return dir;
}

// AWS's release file of the real emulator for a platform; it must run.
std::string real_emulator(const std::string& platform) {
  std::string path = real_emulator_dir() + "/aws-lambda-rie-" + rie_cpu(platform);
  INFO("the real emulator: " << path);
  REQUIRE(access(path.c_str(), X_OK) == 0);
  return path;
}

// A loopback port nobody listens on now.
int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0);
  close(fd);
  return ntohs(address.sin_port);
}

struct HttpAnswer {
  int status = 0;  // 0: no answer
  std::string body;
};

// One POST to 127.0.0.1:port; no answer where nothing listens there.
HttpAnswer post(int port, const std::string& path, const std::string& body) {
  HttpAnswer answer;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout = {90, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return answer;
  }
  std::string request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body;
  std::string raw;
  if (write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
    char buffer[65536];
    for (ssize_t got; (got = read(fd, buffer, sizeof buffer)) > 0;) raw.append(buffer, static_cast<size_t>(got));
  }
  close(fd);
  size_t end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || end == std::string::npos) return answer;
  answer.status = std::atoi(raw.c_str() + 9);
  answer.body = raw.substr(end + 4);
  return answer;
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
  Outcome built = docker({"build", "-q", "--platform", "linux/" + platform, "-t", tag, context.path()});
  INFO(built.err);
  REQUIRE(built.status == 0);
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
  Outcome built = docker({"build", "-q", "-t", image, context.path()});
  INFO(built.err);
  REQUIRE(built.status == 0);

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
