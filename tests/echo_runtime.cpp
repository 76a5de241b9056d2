// A minimal Lambda runtime for the tests: it speaks the Runtime API at
// $AWS_LAMBDA_RUNTIME_API (host:port) over plain HTTP/1.1, one connection
// per request, and answers every event with the event itself:
//
//   GET  /2018-06-01/runtime/invocation/next          the event, and its id
//   POST /2018-06-01/runtime/invocation/<id>/response  the same bytes back
//
// Built static for both CPUs, so that it runs in a scratch image under the
// real emulator. It exits 1 when the Runtime API cannot be reached or
// answers what it cannot read. With AWS_LAMBDA_MAX_CONCURRENCY it serves
// that many invocations at once (main()).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Response {
  std::string head;  // status line and headers, lowercased names kept as sent
  std::string body;
};

int connect_to(const std::string& address) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) return -1;
  sockaddr_in peer = {};
  peer.sin_family = AF_INET;
  peer.sin_port = htons(static_cast<uint16_t>(std::atoi(address.c_str() + colon + 1)));
  std::string host = address.substr(0, colon);
  if (host == "localhost") host = "127.0.0.1";
  if (inet_pton(AF_INET, host.c_str(), &peer.sin_addr) != 1) return -1;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&peer), sizeof peer) != 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  return fd;
}

bool send_all(int fd, const std::string& bytes) {
  for (size_t done = 0; done < bytes.size();) {
    ssize_t sent = write(fd, bytes.data() + done, bytes.size() - done);
    if (sent <= 0) return false;
    done += static_cast<size_t>(sent);
  }
  return true;
}

// A header's value (names compared without case), or "" when absent.
std::string header(const std::string& head, const std::string& name) {
  std::string lower_head = head;
  for (char& c : lower_head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string lower_name = "\r\n" + name + ":";
  for (char& c : lower_name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t at = lower_head.find(lower_name);
  if (at == std::string::npos) return "";
  size_t start = at + lower_name.size();
  size_t end = head.find("\r\n", start);
  std::string value = head.substr(start, end - start);
  while (!value.empty() && value.front() == ' ') value.erase(0, 1);
  return value;
}

// The body of a chunked response, or "" when it is cut short.
std::string unchunked(const std::string& raw) {
  std::string body;
  for (size_t at = 0;;) {
    size_t line_end = raw.find("\r\n", at);
    if (line_end == std::string::npos) return body;
    size_t size = std::strtoul(raw.c_str() + at, nullptr, 16);
    if (size == 0) return body;
    body += raw.substr(line_end + 2, size);
    at = line_end + 2 + size + 2;
  }
}

// One request on a connection of its own; the answer is read to its end.
bool request(const std::string& address, const std::string& method, const std::string& path, const std::string& body,
             Response& response) {
  int fd = connect_to(address);
  if (fd < 0) return false;
  std::string message = method + " " + path + " HTTP/1.1\r\nHost: " + address +
                        "\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  std::string raw;
  bool sent = send_all(fd, message);
  char buffer[65536];
  for (ssize_t got; sent && (got = read(fd, buffer, sizeof buffer)) > 0;) raw.append(buffer, static_cast<size_t>(got));
  close(fd);
  size_t end = raw.find("\r\n\r\n");
  if (!sent || end == std::string::npos) return false;
  response.head = raw.substr(0, end);
  std::string rest = raw.substr(end + 4);
  if (header(response.head, "Transfer-Encoding") == "chunked") {
    response.body = unchunked(rest);
  } else {
    std::string length = header(response.head, "Content-Length");
    response.body = length.empty() ? rest : rest.substr(0, std::strtoul(length.c_str(), nullptr, 10));
  }
  return response.head.rfind("HTTP/1.1 2", 0) == 0;
}

// One worker: events in turn, each answered with itself. An event whose body
// starts with {"hold":N is held until N events are in hand at once, across
// the workers (at most 30 s), and answered with {"alone":true} when they
// never were: what proves invocations run at the same time.
std::atomic<int> in_hand{0};

int serve(const std::string& api) {
  for (;;) {
    Response event;
    if (!request(api, "GET", "/2018-06-01/runtime/invocation/next", "", event)) {
      std::fprintf(stderr, "echo-runtime: no event from %s\n", api.c_str());
      return 1;
    }
    std::string id = header(event.head, "Lambda-Runtime-Aws-Request-Id");
    std::string answer = event.body;
    if (event.body.rfind("{\"hold\":", 0) == 0) {
      int wanted = std::atoi(event.body.c_str() + 8);
      ++in_hand;
      auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (in_hand.load() < wanted && std::chrono::steady_clock::now() < give_up)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      if (in_hand.load() < wanted) answer = R"({"alone":true})";
    }
    Response accepted;
    if (id.empty() || !request(api, "POST", "/2018-06-01/runtime/invocation/" + id + "/response", answer, accepted)) {
      std::fprintf(stderr, "echo-runtime: the response to %s was not taken\n", id.c_str());
      return 1;
    }
  }
}

}  // namespace

// As many workers as AWS_LAMBDA_MAX_CONCURRENCY says (one where it is unset
// or below 2, as aws-lambda-go does), each on the Runtime API on its own.
int main() {
  const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (api == nullptr || *api == '\0') {
    std::fprintf(stderr, "echo-runtime: AWS_LAMBDA_RUNTIME_API is not set\n");
    return 1;
  }
  const char* concurrency = std::getenv("AWS_LAMBDA_MAX_CONCURRENCY");
  int workers = concurrency != nullptr ? std::atoi(concurrency) : 1;
  std::vector<std::thread> others;
  for (int i = 1; i < workers; ++i) others.emplace_back([api] { std::exit(serve(api)); });
  return serve(api);
}
