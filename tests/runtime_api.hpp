// A stand-in for the Lambda service's Runtime API, on a loopback port, for
// real runtime clients: it hands the runtime one event, records what the
// runtime posts back, and holds every later request for an event, as the
// service does between invocations.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace harness {

class RuntimeApi {
 public:
  // What the runtime posted: to .../invocation/{id}/response or /error, or
  // to /runtime/init/error.
  struct Post {
    std::string path;
    std::string body;
  };

  explicit RuntimeApi(std::string event);
  ~RuntimeApi();
  RuntimeApi(const RuntimeApi&) = delete;
  RuntimeApi& operator=(const RuntimeApi&) = delete;

  // Where it listens, as AWS_LAMBDA_RUNTIME_API names it: 127.0.0.1:PORT.
  std::string address() const;
  // The id the event is handed out with.
  static constexpr const char* request_id = "8476a536-e9f4-11e8-9739-2dfe598c3fcd";

  // The first post, waiting up to timeout, or until give_up says to stop
  // (asked about twice a second); nothing when none came.
  std::optional<Post> first_post(std::chrono::seconds timeout, const std::function<bool()>& give_up);
  // How many times the runtime asked for an event.
  int event_requests() const { return event_requests_; }

 private:
  void serve();
  // Answers the complete requests at the front of a connection's buffer.
  bool answer(int fd, std::string& buffer);

  std::string event_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> event_requests_{0};
  std::mutex mutex_;
  std::condition_variable posted_;
  std::vector<Post> posts_;
  std::thread server_;
};

}  // namespace harness
