// A recording stand-in for what lambda-entrypoint executes: the handler, an
// exec wrapper, or aws-lambda-rie (STANDIN_ROLE, fixed at build time).
//
// It appends what it was started with (argv, environment, working directory,
// ids, signal mask and ignored signals, open descriptors) to the file
// $STANDIN_RECORD_DIR/<role>, then plays its role:
//   handler   exits with $STANDIN_EXIT_STATUS (default 0);
//   wrapper   executes its arguments, as a wrapper script's `exec "$@"` does
//             (a name in PATH, or where it is unset in dash's default);
//   emulator  behaves like aws-lambda-rie where it matters: it skips its own
//             flags wherever they stand, runs the rest as the runtime with AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001
//             (or --runtime-api-address) and, where unset or empty, the
//             function's variables (emulator_env.hpp) set and _HANDLER set
//             by its rule: AWS_LAMBDA_FUNCTION_HANDLER, else the container's
//             _HANDLER, else the last of two or more words. Where the
//             real one would serve invocations, it runs the runtime once and
//             exits with its status; with STANDIN_EMULATOR_SERVE=1 it stays
//             up after that until SIGTERM or SIGINT, then exits 0, as the
//             real one does. With AWS_LAMBDA_MAX_CONCURRENCY present (its
//             Managed Instances mode) it ignores the command's program and
//             runs, as the real one does, the first of /var/runtime/bootstrap,
//             /var/task/bootstrap and /opt/bootstrap with no arguments, in
//             /var/task, as uid 993 and gid 990, with the container's
//             variables but those starting with '_' and the mode's own
//             (its default PATH where the container has none)
//             (managed_env(): what the tests read of it, not all the real one
//             sets); a program for another CPU through $STANDIN_CPU_EMULATOR,
//             where that is set.
//
// Built static, so it runs in an empty root. The record is NUL-separated:
// see tests/harness.cpp for the reader.

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "emulator_env.hpp"

#ifndef STANDIN_ROLE
#error "STANDIN_ROLE must be handler, wrapper or emulator"
#endif

extern char** environ;

namespace {

constexpr std::string_view role = STANDIN_ROLE;

void add(std::string& record, std::string_view field) {
  record.append(field);
  record.push_back('\0');
}

std::string signal_list(bool (*selected)(int)) {
  std::string list;
  for (int number = 1; number < NSIG; ++number)
    if (selected(number)) list += (list.empty() ? "" : ",") + std::to_string(number);
  return list;
}

void write_record(int argc, char** argv) {
  const char* directory = std::getenv("STANDIN_RECORD_DIR");
  if (directory == nullptr) return;
  std::string record;
  add(record, "record");
  add(record, "argv");
  add(record, std::to_string(argc));
  for (int i = 0; i < argc; ++i) add(record, argv[i]);
  size_t env_count = 0;
  while (environ[env_count] != nullptr) ++env_count;
  add(record, "env");
  add(record, std::to_string(env_count));
  for (size_t i = 0; i < env_count; ++i) add(record, environ[i]);
  char cwd[4096];
  add(record, "cwd");
  add(record, getcwd(cwd, sizeof cwd) != nullptr ? cwd : "?");
  add(record, "uid");
  add(record, std::to_string(getuid()));
  add(record, "gid");
  add(record, std::to_string(getgid()));
  add(record, "pid");
  add(record, std::to_string(getpid()));
  add(record, "ppid");
  add(record, std::to_string(getppid()));
  add(record, "blocked");
  add(record, signal_list([](int number) {
        sigset_t mask;
        sigprocmask(SIG_BLOCK, nullptr, &mask);
        return sigismember(&mask, number) == 1;
      }));
  add(record, "ignored");
  add(record, signal_list([](int number) {
        struct sigaction action;
        return sigaction(number, nullptr, &action) == 0 && action.sa_handler == SIG_IGN;
      }));
  std::string fds;
  for (int fd = 0; fd < 1024; ++fd)
    if (fcntl(fd, F_GETFD) != -1) fds += (fds.empty() ? "" : ",") + std::to_string(fd);
  add(record, "fds");
  add(record, fds);
  add(record, "end");  // a reader takes a record without it for one being written

  std::string path = std::string(directory) + "/" + std::string(role);
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
  if (fd < 0 || write(fd, record.data(), record.size()) != static_cast<ssize_t>(record.size())) {
    std::fprintf(stderr, "standin-%s: cannot write %s\n", role.data(), path.c_str());
    std::exit(90);
  }
  close(fd);
}

int status_code(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

volatile sig_atomic_t stop_requested = 0;

// The value of an environment variable, or "" when it is unset.
std::string env_value(const std::vector<std::string>& env, const std::string& name) {
  for (const std::string& entry : env)
    if (entry.rfind(name + "=", 0) == 0) return entry.substr(name.size() + 1);
  return "";
}

// Sets a variable where it stands, or adds it at the end, as the real
// emulator's map of variables does.
void set_env(std::vector<std::string>& env, const std::string& name, const std::string& value) {
  for (std::string& entry : env)
    if (entry.rfind(name + "=", 0) == 0) return void(entry = name + "=" + value);
  env.push_back(name + "=" + value);
}

// The Managed Instances mode's runtime environment: the container's but
// the variables starting with '_', and those of the mode's own that the
// tests read, as the real one sets them.
std::vector<std::string> managed_env(const std::vector<std::string>& container, const std::string& runtime_api,
                                     const std::string& handler) {
  std::vector<std::string> env;
  for (const std::string& entry : container)
    if (entry[0] != '_') env.push_back(entry);
  const char* concurrency = std::getenv("AWS_LAMBDA_MAX_CONCURRENCY");
  int workers = std::atoi(concurrency);
  set_env(env, "AWS_LAMBDA_MAX_CONCURRENCY", std::to_string(workers > 0 ? workers : 1));
  set_env(env, "AWS_LAMBDA_INITIALIZATION_TYPE", "lambda-managed-instances");
  set_env(env, "AWS_LAMBDA_RUNTIME_API", runtime_api);
  set_env(env, "LAMBDA_TASK_ROOT", "/var/task");
  set_env(env, "LAMBDA_RUNTIME_DIR", "/var/runtime");
  set_env(env, "_HANDLER", handler);
  // Its default for a function whose configuration sets no PATH.
  if (std::none_of(container.begin(), container.end(), [](const std::string& e) { return e.rfind("PATH=", 0) == 0; }))
    env.push_back("PATH=/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin");
  return env;
}

// Whether a file is an ELF program for the CPU this stand-in runs on.
bool for_this_cpu(const std::string& path) {
#if defined(__x86_64__)
  constexpr unsigned char machine = 62;
#else
  constexpr unsigned char machine = 183;
#endif
  unsigned char header[20] = {};
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  bool read_all = fd >= 0 && read(fd, header, sizeof header) == static_cast<ssize_t>(sizeof header);
  if (fd >= 0) close(fd);
  return read_all && header[18] == machine && header[19] == 0;
}

// The Managed Instances mode's bootstrap, or "" for none.
std::string managed_bootstrap() {
  for (const char* path : {"/var/runtime/bootstrap", "/var/task/bootstrap", "/opt/bootstrap"}) {
    struct stat status;
    if (stat(path, &status) == 0 && !S_ISDIR(status.st_mode)) return path;
  }
  return "";
}

// The file the real emulator runs for its command's first word (Go's
// exec.LookPath): a name without a slash is looked up in its own PATH, and
// one found through a relative entry (empty means ".") is not run at all:
// "" then. A name found nowhere is left as it is, to fail.
std::string looked_up(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (name.find('/') != std::string::npos || path == nullptr) return name;
  for (std::string_view entries = path;;) {
    size_t colon = std::min(entries.find(':'), entries.size());
    std::string directory(entries.substr(0, colon));
    if (directory.empty()) directory = ".";
    std::string candidate = directory + "/" + name;
    struct stat status;
    if (stat(candidate.c_str(), &status) == 0 && S_ISREG(status.st_mode) && (status.st_mode & 0111) != 0)
      return directory[0] == '/' ? candidate : "";
    if (colon == entries.size()) return name;
    entries.remove_prefix(colon + 1);
  }
}

int emulate(int argc, char** argv) {
  const std::vector<std::string> valued = {"--log-level", "--runtime-interface-emulator-address",
                                           "--runtime-api-address"};
  std::string runtime_api = "127.0.0.1:9001";
  std::vector<char*> command;
  for (int i = 1; i < argc; ++i) {
    std::string_view word = argv[i];
    if (word == "--enable-init-caching") continue;
    bool skipped = false;
    for (const std::string& flag : valued) {
      if (word == flag || word.substr(0, flag.size() + 1) == flag + "=") {
        std::string_view value = word.size() > flag.size() ? word.substr(flag.size() + 1) : "";
        if (word == flag && i + 1 < argc) value = argv[++i];
        if (flag == "--runtime-api-address") runtime_api = value;
        skipped = true;
      }
    }
    if (!skipped) command.push_back(argv[i]);
  }
  if (command.empty()) {
    std::fprintf(stderr, "standin-emulator: no runtime to run\n");
    return 91;
  }
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) env.emplace_back(*entry);
  set_env(env, "AWS_LAMBDA_RUNTIME_API", runtime_api);
  for (const auto& [name, value] : emulator_env::function_variables)
    if (env_value(env, name).empty()) set_env(env, name, value);
  {
    std::string handler = env_value(env, "AWS_LAMBDA_FUNCTION_HANDLER");
    if (handler.empty()) handler = env_value(env, "_HANDLER");
    if (handler.empty() && command.size() >= 2) handler = command.back();
    if (!handler.empty()) set_env(env, "_HANDLER", handler);
  }
  const bool managed = std::getenv("AWS_LAMBDA_MAX_CONCURRENCY") != nullptr;
  std::string bootstrap = managed_bootstrap();
  if (managed) {
    std::vector<std::string> container;
    for (char** entry = environ; *entry != nullptr; ++entry) container.emplace_back(*entry);
    // Its handler: AWS_LAMBDA_FUNCTION_HANDLER where set, else the container's
    // _HANDLER, and where that is empty, the last of two or more words.
    const char* named = std::getenv("AWS_LAMBDA_FUNCTION_HANDLER");
    if (named == nullptr) named = std::getenv("_HANDLER");
    std::string handler = named != nullptr ? named : "";
    if (handler.empty() && command.size() >= 2) handler = command.back();
    env = managed_env(container, runtime_api, handler);
    if (bootstrap.empty()) {
      std::fprintf(stderr, "standin-emulator: Runtime.InvalidEntrypoint\n");
      return 93;
    }
    command = {bootstrap.data()};
  }
  const char* cpu_emulator = std::getenv("STANDIN_CPU_EMULATOR");
  if (managed && cpu_emulator != nullptr && !for_this_cpu(bootstrap))
    command.insert(command.begin(), const_cast<char*>(cpu_emulator));
  std::vector<char*> envp;
  for (std::string& entry : env) envp.push_back(entry.data());
  envp.push_back(nullptr);
  command.push_back(nullptr);

  pid_t child = fork();
  if (child == 0) {
    if (managed && chdir("/var/task") != 0) {
      std::fprintf(stderr, "standin-emulator: Runtime.InvalidWorkingDir\n");
      _exit(94);
    }
    if (managed && (setgroups(0, nullptr) != 0 || setgid(990) != 0 || setuid(993) != 0)) {
      std::fprintf(stderr, "standin-emulator: operation not permitted\n");
      _exit(95);
    }
    std::string program = managed ? command[0] : looked_up(command[0]);
    if (program.empty()) {
      std::fprintf(stderr, "standin-emulator: %s: found relative to the current directory\n", command[0]);
      _exit(127);
    }
    execve(program.c_str(), command.data(), envp.data());
    std::fprintf(stderr, "standin-emulator: %s: %s\n", command[0], std::strerror(errno));
    _exit(127);
  }
  int status = 0;
  waitpid(child, &status, 0);
  const char* serve = std::getenv("STANDIN_EMULATOR_SERVE");
  if (serve == nullptr || std::string_view(serve) != "1") return status_code(status);

  struct sigaction action = {};
  action.sa_handler = [](int) { stop_requested = 1; };
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  while (!stop_requested) pause();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  write_record(argc, argv);
  if (role == "wrapper") {
    if (argc < 2) return 92;
    // As a wrapper script's shell looks the name up: where PATH is unset,
    // in dash's default (Docker's), not in glibc's "/bin:/usr/bin".
    if (std::getenv("PATH") == nullptr && std::strchr(argv[1], '/') == nullptr) {
      for (const char* directory : {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"})
        execv((std::string(directory) + "/" + argv[1]).c_str(), argv + 1);
      errno = ENOENT;
    } else {
      execvp(argv[1], argv + 1);
    }
    std::fprintf(stderr, "standin-wrapper: %s: %s\n", argv[1], std::strerror(errno));
    return 127;
  }
  if (role == "emulator") return emulate(argc, argv);
  const char* status = std::getenv("STANDIN_EXIT_STATUS");
  return status != nullptr ? std::atoi(status) : 0;
}
