// A real runtime client, in a real engine: docker/examples/node built as the
// README shows it (the current aws-lambda-ric from npm, node 22), invoked
// through a Runtime API stand-in on loopback, in every way the image starts:
// in the cloud, locally under the emulator mounted where AWS's documentation
// puts it, in the AWS form, under SAM's arrangement, on a read-only root as
// a non-root user. Without the parity rule, the same runs fail for the reason
// the rule removes.
#include <sys/stat.h>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <chrono>

#include "harness.hpp"
#include "node_example.hpp"
#include "runtime_api.hpp"

using harness::docker;
using harness::Outcome;
using harness::RuntimeApi;
using harness::Strings;

const std::string& node_example() {
  static const std::string tag = [] {
    std::string name = "lambda-entrypoint-test:node-example";
    Outcome built = docker({"build", "--network", "host", "-q", "-t", name, SOURCE_DIR "/docker/examples/node"});
    INFO(built.err);
    REQUIRE(built.status == 0);
    return name;
  }();
  return tag;
}

namespace {

constexpr const char* event = R"({"hello":"world","n":[1,2,3]})";
constexpr const char* answer = R"({"received":{"hello":"world","n":[1,2,3]}})";
const std::string response_path = std::string("/2018-06-01/runtime/invocation/") + RuntimeApi::request_id + "/response";
// What Lambda sets for every container function (but _HANDLER, which it may
// leave unset for an image), as docker run options.
const Strings lambda_environment = {"-e", "LAMBDA_TASK_ROOT=/var/task",
                                    "-e", "LAMBDA_RUNTIME_DIR=/var/runtime",
                                    "-e", "AWS_LAMBDA_FUNCTION_NAME=example",
                                    "-e", "AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
                                    "-e", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=1024",
                                    "-e", "AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/example",
                                    "-e", "AWS_LAMBDA_LOG_STREAM_NAME=2026/11/21/[$LATEST]0123456789abcdef"};

// The emulator stand-in as aws-lambda-rie in a directory of its own, for a
// volume, as AWS's documentation has users keep the real one.
struct EmulatorDirectory {
  harness::TempDir dir;
  EmulatorDirectory() { harness::copy_file(harness::standin("emulator"), dir / "aws-lambda-rie", 0755); }
};

struct Invocation {
  std::optional<RuntimeApi::Post> post;
  std::string exit_code;  // "" while the container still runs
  std::string logs;       // what the container printed, stdout and stderr
  int event_requests = 0;
};

// Starts the image on the host's network with these docker run options and
// arguments after the image, hands the runtime one event through a Runtime
// API stand-in at api, and returns what it posted back (waiting at most a
// minute, or until the container exits) with the container's logs.
Invocation invoke(RuntimeApi& api, const Strings& options, const Strings& after_image = {}) {
  const std::string name = "lambda-entrypoint-test-client";
  docker({"rm", "-f", name});
  Strings args = {"run", "-d", "--name", name, "--network", "host"};
  args.insert(args.end(), options.begin(), options.end());
  args.push_back(node_example());
  args.insert(args.end(), after_image.begin(), after_image.end());
  Outcome started = docker(args);
  INFO(started.err);
  REQUIRE(started.status == 0);

  auto stopped = [&] {
    Outcome running = docker({"inspect", "--format", "{{.State.Running}}", name});
    return running.status != 0 || running.out != "true\n";
  };
  Invocation result;
  result.post = api.first_post(std::chrono::seconds(60), stopped);
  result.event_requests = api.event_requests();
  Outcome state = docker({"inspect", "--format", "{{.State.Running}} {{.State.ExitCode}}", name});
  if (state.out.rfind("false ", 0) == 0) result.exit_code = state.out.substr(6, state.out.size() - 7);
  Outcome logs = docker({"logs", name});
  result.logs = logs.out + logs.err;
  docker({"rm", "-f", name});
  return result;
}

void check_answered(const Invocation& invocation) {
  INFO("container logs:\n" << invocation.logs);
  REQUIRE(invocation.post.has_value());
  CHECK(invocation.post->path == response_path);
  CHECK(invocation.post->body == answer);
}

// The client stopped before asking for its first event, because this
// variable was not set.
void check_stopped_without(const Invocation& invocation, const std::string& variable) {
  INFO("container logs:\n" << invocation.logs);
  CHECK(!invocation.post.has_value());
  CHECK(invocation.event_requests == 0);
  CHECK(invocation.exit_code != "");
  CHECK(invocation.exit_code != "0");
  CHECK_THAT(invocation.logs, Catch::Matchers::ContainsSubstring(variable + " environment variable is not set"));
}

Strings plus(Strings list, const Strings& more) {
  list.insert(list.end(), more.begin(), more.end());
  return list;
}

// docker run options for the cloud: the Runtime API, and Lambda's variables.
Strings in_the_cloud(const RuntimeApi& api) {
  return plus({"-e", "AWS_LAMBDA_RUNTIME_API=" + api.address()}, lambda_environment);
}

// docker run options for a local run: the emulator mounted where AWS's
// documentation puts it. The stand-in points the runtime at the Runtime API
// stand-in, where the real one serves its own.
Strings locally(const RuntimeApi& api, const EmulatorDirectory& emulator) {
  return {"-v", emulator.dir.path() + ":/aws-lambda:ro", "-e",
          "LAMBDA_ENTRYPOINT_EMULATOR_FLAGS=--runtime-api-address=" + api.address()};
}

}  // namespace

TEST_CASE("the Node example answers an event in the cloud, where Lambda may leave _HANDLER unset", "[client]") {
  RuntimeApi api(event);
  check_answered(invoke(api, in_the_cloud(api)));
}

TEST_CASE("the Node example answers an event locally, under the emulator mounted at /aws-lambda", "[client]") {
  RuntimeApi api(event);
  EmulatorDirectory emulator;
  check_answered(invoke(api, locally(api, emulator)));
}

TEST_CASE("the Node example answers an event in the AWS form, its bootstrap the client itself", "[client]") {
  for (bool in_cloud : {true, false}) {
    DYNAMIC_SECTION((in_cloud ? "in the cloud" : "locally")) {
      RuntimeApi api(event);
      EmulatorDirectory emulator;
      Strings options =
          plus({"--entrypoint", "/lambda-entrypoint"}, in_cloud ? in_the_cloud(api) : locally(api, emulator));
      check_answered(invoke(api, options,
                            {"--aws-form", "--bootstrap=/var/task/node_modules/.bin/aws-lambda-ric", "index.handler"}));
    }
  }
}

TEST_CASE("the Node example answers on a read-only root as uid 993, in both modes", "[client]") {
  for (bool in_cloud : {true, false}) {
    DYNAMIC_SECTION((in_cloud ? "in the cloud" : "locally")) {
      RuntimeApi api(event);
      EmulatorDirectory emulator;
      // Lambda's root is read-only but for /tmp, and its user is not root.
      Strings options = {"--read-only", "--tmpfs", "/tmp", "--user", "993:990"};
      check_answered(invoke(api, plus(options, in_cloud ? in_the_cloud(api) : locally(api, emulator))));
    }
  }
}

TEST_CASE(
    "under sam local invoke's arrangement (the image's ENTRYPOINT and CMD as the emulator's command), "
    "the Node example answers",
    "[client]") {
  RuntimeApi api(event);
  EmulatorDirectory emulator;
  harness::TempDir records;
  chmod(records.path().c_str(), 0777);
  Invocation invocation =
      invoke(api,
             {"-v", emulator.dir.path() + ":/var/rapid:ro", "-v", records.path() + ":/out", "-e",
              "STANDIN_RECORD_DIR=/out", "--entrypoint", "/var/rapid/aws-lambda-rie"},
             {"--log-level", "error", "--runtime-api-address=" + api.address(), "/lambda-entrypoint", "node",
              "/var/task/node_modules/.bin/aws-lambda-ric", "index.handler"});
  check_answered(invocation);
  // lambda-entrypoint saw AWS_LAMBDA_RUNTIME_API and ran the client directly: one emulator, not two.
  CHECK(harness::records(records.path(), "emulator").size() == 1);
}

TEST_CASE(
    "without the parity rule, the current client stops before its first event, for the reason the rule "
    "removes",
    "[client]") {
  SECTION("locally, where the emulator sets no LAMBDA_TASK_ROOT") {
    RuntimeApi api(event);
    EmulatorDirectory emulator;
    check_stopped_without(invoke(api, plus(locally(api, emulator), {"-e", "LAMBDA_ENTRYPOINT_NO_PARITY=1"})),
                          "LAMBDA_TASK_ROOT");
  }
  SECTION("in the cloud, where Lambda may set no _HANDLER for an image") {
    RuntimeApi api(event);
    check_stopped_without(invoke(api, plus(in_the_cloud(api), {"-e", "LAMBDA_ENTRYPOINT_NO_PARITY=1"})), "_HANDLER");
  }
}

TEST_CASE("the Node example's code passes --check's walk as npm left it", "[client]") {
  Outcome checked = docker({"run", "--rm", "--entrypoint", "/lambda-entrypoint", node_example(), "--check", "node",
                            "/var/task/node_modules/.bin/aws-lambda-ric", "index.handler"});
  INFO(checked.err);
  CHECK(checked.status == 0);
  CHECK_THAT(checked.out,
             Catch::Matchers::ContainsSubstring(
                 "lambda-entrypoint: /var/task: ok, the function's code, readable by other users (files: "));
}
