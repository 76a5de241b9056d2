#include "harness.hpp"

#include <arpa/inet.h>
#include <elf.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "emulator_env.hpp"

extern char** environ;

namespace harness {
namespace {

// Exit codes of the harness's own child when setting up fails, chosen apart
// from every code lambda-entrypoint or the stand-ins use.
constexpr int setup_failed = 250;

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "harness: %s: %s\n", what, std::strerror(errno));
  _exit(setup_failed);
}

int status_code(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

// Enters the sandbox: this process becomes PID 1 of a new PID namespace by
// forking once more; the caller's child waits and passes the status on.
void enter(const Sandbox& sandbox) {
  if (unshare(CLONE_NEWNS | CLONE_NEWPID) != 0) die("unshare (the scratch tests need root)");
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) die("mount --make-rprivate /");
  // With its mounts (MS_REC): a test may mount a volume into the image.
  if (mount(sandbox.root.c_str(), sandbox.root.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) die("bind root");
  std::string out = sandbox.root + "/out";
  if (mount(sandbox.records.c_str(), out.c_str(), nullptr, MS_BIND, nullptr) != 0) die("bind /out");
  // /proc, as docker mounts it: the binary reads real paths there.
  std::string proc = sandbox.root + "/proc";
  if (mkdir(proc.c_str(), 0555) != 0 && errno != EEXIST) die("mkdir /proc");
  if (sandbox.read_only &&
      mount(nullptr, sandbox.root.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0)
    die("remount root read-only");
  pid_t init = fork();
  if (init < 0) die("fork");
  if (init > 0) {
    int status = 0;
    while (waitpid(init, &status, 0) < 0 && errno == EINTR) {
    }
    _exit(status_code(status));
  }
  // In the new PID namespace, so that its /proc/self is this process's.
  if (sandbox.proc && mount("proc", proc.c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
    die("mount /proc");
  if (chdir(sandbox.root.c_str()) != 0 || chroot(".") != 0 || chdir("/") != 0) die("chroot");
  if (setgroups(0, nullptr) != 0 || setgid(sandbox.gid) != 0 || setuid(sandbox.uid) != 0) die("drop to uid");
}

// lambda-entrypoint walks the function's code (the task root, /opt and the
// working directory) under --check and, as root, before a local start. Run on
// the host, it would walk the host's /opt and the test runner's directory:
// here /opt is an empty file system of the process's own, and the working
// directory is / (which the walk passes over) unless the test chose one.
void keep_host_code_out() {
  if (unshare(CLONE_NEWNS) != 0) die("unshare (the tests need root)");
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) die("mount --make-rprivate /");
  if (mount("tmpfs", "/opt", "tmpfs", 0, "mode=0755") != 0) die("mount tmpfs on /opt");
}

// Reads the child's output until both pipes close. Past the launch's time
// limit the child's process group is killed; should something outside the
// group still hold a pipe, reading stops a few seconds later.
void drain(int out_fd, int err_fd, pid_t group, int time_limit_seconds, Outcome& outcome) {
  using Clock = std::chrono::steady_clock;
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&outcome.out, &outcome.err};
  int open_count = 2;
  auto deadline =
      time_limit_seconds > 0 ? Clock::now() + std::chrono::seconds(time_limit_seconds) : Clock::time_point::max();
  bool killed = false;
  while (open_count > 0) {
    int wait_ms = -1;
    if (deadline != Clock::time_point::max())
      wait_ms = static_cast<int>(std::max<long long>(
          0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count() + 1));
    int ready = poll(fds, 2, wait_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("poll failed");
    }
    if (ready == 0 && !killed) {
      kill(-group, SIGKILL);
      killed = true;
      outcome.err += "harness: killed after " + std::to_string(time_limit_seconds) + " s, the launch's time limit\n";
      deadline = Clock::now() + std::chrono::seconds(5);
      continue;
    }
    if (ready == 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[65536];
      ssize_t got = read(fds[i].fd, buffer, sizeof buffer);
      if (got > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
      }
    }
  }
  for (pollfd& entry : fds)
    if (entry.fd >= 0) close(entry.fd);
}

}  // namespace

void become_lambda_user(int failure_code) {
  if (setgroups(0, nullptr) != 0 || setgid(lambda_gid) != 0 || setuid(lambda_uid) != 0) _exit(failure_code);
}

std::string as_lambda_writing(const std::function<void(int report)>& step, int* status) {
  constexpr int could_not_become_lambda = 99;
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  pid_t child = fork();
  if (child < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (child == 0) {
    close(report[0]);
    int null_fd = open("/dev/null", O_RDWR);
    if (null_fd < 0 || dup2(null_fd, 1) < 0 || dup2(null_fd, 2) < 0 || chdir("/") != 0) _exit(could_not_become_lambda);
    become_lambda_user(could_not_become_lambda);
    step(report[1]);
    _exit(0);
  }
  close(report[1]);
  std::string text;
  char buffer[4096];
  for (ssize_t got; (got = read(report[0], buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<size_t>(got));
  close(report[0]);
  int child_status;
  waitpid(child, &child_status, 0);
  if (WIFEXITED(child_status) && WEXITSTATUS(child_status) == could_not_become_lambda)
    throw std::runtime_error("a child could not become Lambda's user (uid 993): run the tests as root");
  if (status != nullptr) *status = child_status;
  return text;
}

int as_lambda(const std::function<int()>& step, int fallback) {
  std::string text = as_lambda_writing([&](int report) {
    int result = step();
    (void)!::write(report, &result, sizeof result);
  });
  int result = fallback;
  if (text.size() == sizeof result) std::memcpy(&result, text.data(), sizeof result);
  return result;
}

int execve_as_lambda(const std::string& program, const std::string& records) {
  std::string env_entry = "STANDIN_RECORD_DIR=" + records;
  return as_lambda(
      [&] {
        char* const argv[] = {const_cast<char*>(program.c_str()), nullptr};
        char* const with_records[] = {const_cast<char*>(env_entry.c_str()), nullptr};
        char* const without[] = {nullptr};
        execve(program.c_str(), argv, records.empty() ? without : with_records);
        return errno;
      },
      0);
}

// Installs a seccomp filter, which the kernel keeps across execve.
void install_filter(sock_filter* filter, size_t count) {
  sock_fprog program = {static_cast<unsigned short>(count), filter};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) != 0)
    die("seccomp");
}

void fail_mmap_from(std::uint32_t bytes) {
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mmap, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[1]) + 4),  // the length's high half
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOMEM),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[1])),
      BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, bytes, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOMEM),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  install_filter(filter, sizeof filter / sizeof filter[0]);
}

void fail_new_processes() {
  const std::uint32_t creating[] = {
#ifdef SYS_fork
      SYS_fork,
#endif
#ifdef SYS_vfork
      SYS_vfork,
#endif
      SYS_clone, SYS_clone3};
  sock_filter filter[2 + 2 * std::size(creating)];
  size_t used = 0;
  filter[used++] = BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr));
  for (std::uint32_t number : creating) {
    filter[used++] = BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, number, 0, 1);
    filter[used++] = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EAGAIN);
  }
  filter[used++] = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  install_filter(filter, used);
}

Outcome launch(const Launch& launch) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  // A program for another CPU runs under qemu-user, which gives it the same
  // argv[0] (-0) and hands its execve calls to the kernel, so the native
  // stand-ins it starts run as they would anywhere.
  std::string program = launch.program;
  Strings arguments = launch.argv;
  std::string qemu = cpu_emulator(launch.sandbox != nullptr ? launch.sandbox->root + program : program);
  // qemu-user rebuilds the environment it gives the program in reverse order
  // (and keeps one entry per name): handing it the environment reversed
  // keeps the order the program sees the one the test chose.
  Strings environment = launch.env;
  if (!qemu.empty()) {
    arguments.insert(arguments.begin(), {qemu, "-0", arguments.empty() ? program : arguments.front(), program});
    arguments.erase(arguments.begin() + 4);
    program = qemu;
    std::reverse(environment.begin(), environment.end());
  }
  std::vector<char*> argv = pointers(arguments);
  std::vector<char*> envp = pointers(environment);
  // stdin: an empty file, open for writing too (a terminal is, where
  // /dev/null as O_RDONLY would refuse a write unseen), which nothing may
  // write: what lambda-entrypoint means for no one must not reach it.
  int stdin_fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (stdin_fd < 0) throw std::runtime_error("no file for stdin in /tmp");
  Outcome outcome;
  pid_t child = fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) {
    // A group of its own, which the time limit kills whole.
    setpgid(0, 0);
    if (dup2(out_pipe[1], STDOUT_FILENO) < 0 || dup2(err_pipe[1], STDERR_FILENO) < 0) die("dup2");
    // A known starting state, whatever the test runner left: stdin the empty
    // file, no other descriptors, no blocked or ignored signals.
    if (dup2(stdin_fd, STDIN_FILENO) < 0) die("dup2");
    for (int fd = 3; fd < 1024; ++fd) close(fd);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int number = 1; number < NSIG; ++number) signal(number, SIG_DFL);
    if (launch.sandbox != nullptr) enter(*launch.sandbox);
    else keep_host_code_out();
    if (chdir(launch.cwd.empty() ? "/" : launch.cwd.c_str()) != 0) die("chdir");
    if (launch.before_exec) launch.before_exec();
    execve(program.c_str(), argv.data(), envp.data());
    die(program.c_str());
  }
  setpgid(child, child);  // as the child does, so that the group exists before any wait
  close(out_pipe[1]);
  close(err_pipe[1]);
  outcome.pid = child;
  drain(out_pipe[0], err_pipe[0], child, launch.time_limit_seconds, outcome);
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("waitpid failed");
  }
  outcome.status = status_code(status);
  struct stat written;
  if (fstat(stdin_fd, &written) == 0 && written.st_size != 0)
    outcome.err += "harness: " + std::to_string(written.st_size) + " bytes were written to stdin\n";
  close(stdin_fd);
  return outcome;
}

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

std::string octal(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode));
  return text;
}

std::string message(const std::string& subject, const std::string& rest) {
  return "lambda-entrypoint: " + subject + ": " + rest;
}

Outcome run_entrypoint(const Strings& args, Strings env, Launch launch) {
  launch.program = entrypoint();
  launch.argv = {"lambda-entrypoint"};
  launch.argv.insert(launch.argv.end(), args.begin(), args.end());
  launch.env = std::move(env);
  return harness::launch(launch);
}

Strings emulator_additions(const std::string& runtime_api) {
  Strings added = {"AWS_LAMBDA_RUNTIME_API=" + runtime_api};
  for (const auto& [name, value] : emulator_env::function_variables) added.push_back(std::string(name) + "=" + value);
  return added;
}

Outcome docker(const Strings& args) {
  Launch launch;
  launch.program = setting("DOCKER");
  launch.argv = {"docker"};
  launch.argv.insert(launch.argv.end(), args.begin(), args.end());
  launch.env = current_environment();
  launch.env.push_back("DOCKER_BUILDKIT=1");
  launch.time_limit_seconds = 0;  // an image build takes what it takes
  return harness::launch(launch);
}

std::vector<Record> records(const std::string& directory, const std::string& role) {
  std::string content = read_file(directory + "/" + role);
  // Fields end in NUL, records in an "end" field. A stand-in writes its
  // record with one write() at the file's end, which a reader may see half
  // done (or the stand-in be killed in): a last record that stops short is
  // one not written yet, and is left out.
  struct Unfinished {};
  Strings fields;
  for (size_t start = 0, end; (end = content.find('\0', start)) != std::string::npos; start = end + 1)
    fields.push_back(content.substr(start, end - start));
  std::vector<Record> result;
  size_t i = 0;
  auto next = [&]() -> const std::string& {
    if (i >= fields.size()) throw Unfinished{};
    return fields[i++];
  };
  auto list = [&](Strings& into) {
    size_t count = std::stoul(next());
    for (size_t k = 0; k < count; ++k) into.push_back(next());
  };
  try {
    while (i < fields.size()) {
      if (next() != "record") throw std::runtime_error("malformed record in " + role);
      Record record;
      for (std::string key = next(); key != "end"; key = next()) {
        if (key == "argv") list(record.argv);
        else if (key == "env") list(record.env);
        else if (key == "cwd") record.cwd = next();
        else if (key == "uid") record.uid = static_cast<uid_t>(std::stoul(next()));
        else if (key == "gid") record.gid = static_cast<gid_t>(std::stoul(next()));
        else if (key == "pid") record.pid = static_cast<pid_t>(std::stol(next()));
        else if (key == "ppid") record.ppid = static_cast<pid_t>(std::stol(next()));
        else if (key == "blocked") record.blocked = next();
        else if (key == "ignored") record.ignored = next();
        else if (key == "fds") record.fds = next();
        else throw std::runtime_error("unknown field " + key + " in " + role);
      }
      result.push_back(std::move(record));
    }
  } catch (const Unfinished&) {
  }
  return result;
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/lambda-entrypoint-test.XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
  chmod(path_.c_str(), 0755);  // other users (the non-root tests) must reach inside
}

TempDir::~TempDir() { remove_tree(path_); }

void remove_tree(const std::string& path) {
  std::error_code error;
  std::filesystem::remove_all(path, error);
  if (error) std::fprintf(stderr, "could not remove %s: %s\n", path.c_str(), error.message().c_str());
}

void write_file(const std::string& path, const std::string& content, mode_t mode) {
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << content;
    if (!file) throw std::runtime_error("cannot write " + path);
  }
  if (chmod(path.c_str(), mode) != 0) throw std::runtime_error("cannot chmod " + path);
}

void copy_file(const std::string& from, const std::string& to, mode_t mode) {
  if (access(from.c_str(), R_OK) != 0) throw std::runtime_error("cannot read " + from);
  write_file(to, read_file(from), mode);
}

void make_dirs(const std::string& path, mode_t mode) {
  for (size_t slash = 1; slash != std::string::npos;) {
    slash = path.find('/', slash + 1);
    std::string prefix = path.substr(0, slash);
    if (mkdir(prefix.c_str(), mode) != 0 && errno != EEXIST) throw std::runtime_error("cannot mkdir " + prefix);
  }
}

Strings current_environment() {
  Strings result;
  for (char** entry = environ; *entry != nullptr; ++entry) result.emplace_back(*entry);
  return result;
}

std::uint64_t number_setting(const char* name, std::uint64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::strtoull(value, nullptr, 10) : fallback;
}

std::uint64_t case_count(const char* name, std::uint64_t native, std::uint64_t other_cpu) {
  return number_setting(name, entrypoint_arch() == host_arch() ? native : other_cpu);
}

bool more_cases(std::uint64_t case_index, std::uint64_t count, std::uint64_t disagreements) {
  static const bool stop_at_first = std::getenv("ORACLE_STOP_AT_FIRST") != nullptr;
  return case_index < count && !(stop_at_first && disagreements > 0);
}

std::string setting(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0')
    throw std::runtime_error(std::string(name) + " is not set: run the tests through ctest");
  return value;
}

namespace {
std::pair<std::string, std::string> under_test() {
  std::string value = setting("ENTRYPOINT_UNDER_TEST");
  size_t colon = value.find(':');
  if (colon == std::string::npos) throw std::runtime_error("ENTRYPOINT_UNDER_TEST must be ARCH:PATH");
  return {value.substr(0, colon), value.substr(colon + 1)};
}
}  // namespace

std::string entrypoint() { return under_test().second; }

std::string other_static_program() {
  std::string built = entrypoint();
  return built.substr(0, built.rfind('/')) + "/execvp-probe";
}

std::string host_arch() {
#if defined(__x86_64__)
  return "x86_64";
#elif defined(__aarch64__)
  return "aarch64";
#endif
}

bool kernel_runs(const std::string& cpu) {
  return cpu == host_arch() || read_file("/proc/sys/fs/binfmt_misc/qemu-" + cpu).rfind("enabled", 0) == 0;
}

std::string cpu_emulator(const std::string& file) {
#if defined(__x86_64__)
  constexpr int native = EM_X86_64;
#elif defined(__aarch64__)
  constexpr int native = EM_AARCH64;
#endif
  Elf64_Ehdr elf;
  std::ifstream stream(file, std::ios::binary);
  if (!stream.read(reinterpret_cast<char*>(&elf), sizeof elf) || std::memcmp(elf.e_ident, ELFMAG, SELFMAG) != 0)
    return "";
  if (elf.e_machine == native) return "";
  const char* cpu = elf.e_machine == EM_AARCH64 ? "aarch64" : elf.e_machine == EM_X86_64 ? "x86_64" : nullptr;
  if (cpu == nullptr) return "";
  return std::string("/usr/bin/qemu-") + cpu + "-static";
}

std::string entrypoint_arch() { return under_test().first; }

std::string standin(const std::string& role) { return std::string(STANDIN_DIR) + "/standin-" + role; }

std::vector<char*> pointers(const Strings& strings) {
  std::vector<char*> result;
  for (const std::string& s : strings) result.push_back(const_cast<char*>(s.c_str()));
  result.push_back(nullptr);
  return result;
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  bool found = fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
               getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0;
  if (fd >= 0) close(fd);
  if (!found) throw std::runtime_error(std::string("no free loopback port: ") + std::strerror(errno));
  return ntohs(address.sin_port);
}

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

}  // namespace harness
