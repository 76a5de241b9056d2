#include "runtime_api.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <stdexcept>
#include <tuple>

namespace harness {
namespace {

constexpr const char* next_path = "/2018-06-01/runtime/invocation/next";

void send_all(int fd, const std::string& data) {
  for (size_t done = 0; done < data.size();) {
    ssize_t sent = send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return;  // the client went away
    done += static_cast<size_t>(sent);
  }
}

std::string response(const std::string& status, const std::string& headers, const std::string& body) {
  return "HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\n" + headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// A header's value from a request's header block, or "".
std::string header(const std::string& head, const std::string& name) {
  std::string folded = lower(head);
  size_t at = folded.find("\r\n" + lower(name) + ":");
  if (at == std::string::npos) return "";
  size_t start = head.find_first_not_of(' ', at + name.size() + 3);
  return head.substr(start, head.find("\r\n", start) - start);
}

// The body of a chunked request starting at `from`, and where the request
// ends; nothing while it is incomplete.
std::optional<std::pair<std::string, size_t>> chunked_body(const std::string& buffer, size_t from) {
  std::string body;
  for (size_t at = from;;) {
    size_t line_end = buffer.find("\r\n", at);
    if (line_end == std::string::npos) return std::nullopt;
    size_t size = std::stoul(buffer.substr(at, line_end - at), nullptr, 16);
    size_t data = line_end + 2;
    if (buffer.size() < data + size + 2) return std::nullopt;
    if (size == 0) return std::make_pair(body, data + 2);
    body.append(buffer, data, size);
    at = data + size + 2;
  }
}

}  // namespace

RuntimeApi::RuntimeApi(std::string event) : event_(std::move(event)) {
  listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listener_ < 0 || bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listener_, 16) != 0 || getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
    throw std::runtime_error("the Runtime API stand-in cannot listen on loopback");
  port_ = ntohs(address.sin_port);
  server_ = std::thread([this] { serve(); });
}

RuntimeApi::~RuntimeApi() {
  stopping_ = true;
  server_.join();
  close(listener_);
}

std::string RuntimeApi::address() const { return "127.0.0.1:" + std::to_string(port_); }

std::optional<RuntimeApi::Post> RuntimeApi::first_post(std::chrono::seconds timeout,
                                                       const std::function<bool()>& give_up) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock<std::mutex> lock(mutex_);
  while (posts_.empty() && std::chrono::steady_clock::now() < deadline) {
    posted_.wait_for(lock, std::chrono::milliseconds(500));
    if (!posts_.empty()) break;
    lock.unlock();
    bool stop = give_up();
    lock.lock();
    if (stop) break;
  }
  if (posts_.empty()) return std::nullopt;
  return posts_.front();
}

void RuntimeApi::serve() {
  struct Connection {
    int fd;
    std::string buffer;
  };
  std::vector<Connection> connections;
  while (!stopping_) {
    std::vector<pollfd> fds = {{listener_, POLLIN, 0}};
    for (const Connection& c : connections) fds.push_back({c.fd, POLLIN, 0});
    if (poll(fds.data(), fds.size(), 100) <= 0) continue;
    if (fds[0].revents & POLLIN) {
      int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client >= 0) connections.push_back({client, ""});
    }
    for (size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      Connection& c = connections[i - 1];
      char chunk[65536];
      ssize_t got = recv(c.fd, chunk, sizeof chunk, 0);
      if (got > 0) c.buffer.append(chunk, static_cast<size_t>(got));
      if (got == 0 || (got < 0 && errno != EINTR) || !answer(c.fd, c.buffer)) {
        close(c.fd);
        c.fd = -1;
      }
    }
    connections.erase(
        std::remove_if(connections.begin(), connections.end(), [](const Connection& c) { return c.fd < 0; }),
        connections.end());
  }
  for (const Connection& c : connections) close(c.fd);
}

bool RuntimeApi::answer(int fd, std::string& buffer) {
  for (;;) {
    size_t head_end = buffer.find("\r\n\r\n");
    if (head_end == std::string::npos) return true;
    std::string head = buffer.substr(0, head_end + 2);
    size_t body_start = head_end + 4;
    std::string body;
    size_t request_end;
    if (lower(header(head, "Transfer-Encoding")) == "chunked") {
      auto chunked = chunked_body(buffer, body_start);
      if (!chunked) return true;
      std::tie(body, request_end) = *chunked;
    } else {
      std::string length = header(head, "Content-Length");
      size_t size = length.empty() ? 0 : std::stoul(length);
      if (buffer.size() < body_start + size) return true;
      body = buffer.substr(body_start, size);
      request_end = body_start + size;
    }
    buffer.erase(0, request_end);

    std::string method = head.substr(0, head.find(' '));
    size_t path_start = method.size() + 1;
    std::string path = head.substr(path_start, head.find(' ', path_start) - path_start);
    if (method == "GET" && path == next_path) {
      // The first request gets the event; later ones wait, as the service
      // makes an idle runtime wait, until the test ends.
      if (event_requests_++ == 0) {
        auto deadline = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch() + std::chrono::minutes(5))
                            .count();
        send_all(fd, response("200 OK",
                              std::string("Lambda-Runtime-Aws-Request-Id: ") + request_id + "\r\n" +
                                  "Lambda-Runtime-Deadline-Ms: " + std::to_string(deadline) + "\r\n" +
                                  "Lambda-Runtime-Invoked-Function-Arn: "
                                  "arn:aws:lambda:us-east-1:123456789012:function:test\r\n"
                                  "Lambda-Runtime-Trace-Id: Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0\r\n",
                              event_));
      }
      continue;
    }
    if (method == "POST" && path.rfind("/2018-06-01/runtime/", 0) == 0) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        posts_.push_back({path, body});
      }
      posted_.notify_all();
      send_all(fd, response("202 Accepted", "", "{\"status\":\"OK\"}"));
      continue;
    }
    send_all(fd, response("404 Not Found", "", "{}"));
  }
}

}  // namespace harness
