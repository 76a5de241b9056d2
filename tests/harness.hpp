// Runs the real lambda-entrypoint binary as a subprocess, optionally as PID 1
// in an empty root, and reads what the recording stand-ins saw.
#pragma once

#include <sys/types.h>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace harness {

using Strings = std::vector<std::string>;

// What one stand-in recorded when it started.
struct Record {
  Strings argv;
  Strings env;
  std::string cwd;
  uid_t uid = 0;
  gid_t gid = 0;
  pid_t pid = 0;
  pid_t ppid = 0;
  std::string blocked;  // signal numbers, comma-separated
  std::string ignored;
  std::string fds;
};

// An empty root to run in: a fresh PID and mount namespace whose root is
// `root` (bind-mounted, read-only if asked), with `records` mounted at /out.
struct Sandbox {
  std::string root;
  std::string records;
  bool read_only = false;
  uid_t uid = 0;
  gid_t gid = 0;
  bool proc = true;  // /proc mounted, as docker mounts it; false: as in a bare chroot
};

struct Launch {
  std::string program;  // the file to execute
  Strings argv;         // argv[0] included
  Strings env;
  std::string cwd;                    // empty: the test's own
  std::function<void()> before_exec;  // runs in the child just before execve
  const Sandbox* sandbox = nullptr;   // null: run in place
  // A start that takes longer is killed, with all it started (its process
  // group), and fails with 137 and a line saying so: a start that hangs
  // fails its test in seconds, not at ctest's timeout. 0: no limit.
  int time_limit_seconds = 60;
};

struct Outcome {
  int status = -1;  // the exit code, or 128 + the signal that ended it
  pid_t pid = 0;    // the child's pid, as the caller sees it
  std::string out;
  std::string err;
};

Outcome launch(const Launch& launch);

// Lambda's user: uid 993, gid 990, and no other groups.
constexpr uid_t lambda_uid = 993;
constexpr gid_t lambda_gid = 990;

// In a child about to execute: becomes Lambda's user, or exits with
// failure_code where it cannot (not root), so that nothing runs as another.
void become_lambda_user(int failure_code);

// Runs step in a child that has become Lambda's user, with its output
// discarded and / its working directory; returns what the step writes to
// the descriptor it is given (closed on exec), and sets status, where given,
// to the child's wait status. Throws where the child cannot become that user.
std::string as_lambda_writing(const std::function<void(int report)>& step, int* status = nullptr);

// As as_lambda_writing(), for a step that reports one int: returns it, or
// fallback when it reports nothing (an exec that succeeded).
int as_lambda(const std::function<int()>& step, int fallback);

// execve's errno when Lambda's user starts program (with
// STANDIN_RECORD_DIR=records where records is given, for its stand-ins);
// 0 when it starts.
int execve_as_lambda(const std::string& program, const std::string& records = "");

// In a child about to execute: every mmap() of at least bytes fails with
// ENOMEM from then on (a seccomp filter, which the kernel keeps across
// execve), as where memory has run out; exits with the harness's own code
// where it cannot. A static program for this machine maps nothing else; a
// program under qemu-user would fail itself.
void fail_mmap_from(std::uint32_t bytes);
// In a child about to execute: no process can be made from then on (fork,
// vfork and clone fail with EAGAIN, as where a limit on processes is met);
// as fail_mmap_from(), for a static program for this machine.
void fail_new_processes();

// A line of the binary's about a file or an argument, as it writes them:
// "lambda-entrypoint: SUBJECT: REST".
std::string message(const std::string& subject, const std::string& rest);

// Runs the binary under test as "lambda-entrypoint ARGS..." with exactly env;
// launch may add a working directory or a before_exec step.
Outcome run_entrypoint(const Strings& args, Strings env, Launch launch = {});

// What the emulator stand-in adds to the runtime's environment, as
// aws-lambda-rie does, with its Runtime API at this address.
Strings emulator_additions(const std::string& runtime_api = "127.0.0.1:9001");

// Runs the container engine's client ($DOCKER) with BuildKit on.
Outcome docker(const Strings& args);

// Every record a stand-in role ("handler", "wrapper", "emulator") appended in
// directory, in order; one still being written is left out.
std::vector<Record> records(const std::string& directory, const std::string& role);

// A fresh directory under $TMPDIR (or /tmp), removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void write_file(const std::string& path, const std::string& content, mode_t mode);
void copy_file(const std::string& from, const std::string& to, mode_t mode);
void make_dirs(const std::string& path, mode_t mode = 0755);
void remove_tree(const std::string& path);

// The environment of the test process, as "NAME=value" strings.
Strings current_environment();

// The seeded choices of the generated cases: a number below n, a chance of
// one in n, one of some values; the same seed makes the same choices.
class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  size_t below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(engine_); }
  bool one_in(size_t n) { return below(n) == 0; }
  template <typename T>
  T pick(std::initializer_list<T> values) {
    return *(values.begin() + below(values.size()));
  }
  std::mt19937_64& engine() { return engine_; }

 private:
  std::mt19937_64 engine_;
};

// A mode as ls -l's octal: "0755".
std::string octal(mode_t mode);

// A number from the environment of the test run, or fallback when unset or empty.
std::uint64_t number_setting(const char* name, std::uint64_t fallback);

// How many cases an oracle runs: the setting name, or where it is unset, its
// count for a binary of this machine's CPU (native) or for one of another
// CPU, which runs under qemu (other_cpu). An oracle's rules are compiled
// from the same source for both CPUs: the other CPU's run is there for what
// differs with the CPU (the compiler, musl's port, the ELF machine), which
// any case that reaches the code shows, and runs fewer cases, each many times
// slower under qemu.
std::uint64_t case_count(const char* name, std::uint64_t native, std::uint64_t other_cpu);

// Whether an oracle goes on to its case number case_index of count: always
// within the count, but where ORACLE_STOP_AT_FIRST is set (the mutation run,
// to which one disagreement is the whole verdict) not after the first.
bool more_cases(std::uint64_t case_index, std::uint64_t count, std::uint64_t disagreements);

// Required environment variable of the test run; fails the test without it.
std::string setting(const char* name);

// The binary under test and the CPU it is built for, from
// ENTRYPOINT_UNDER_TEST=ARCH:PATH; and a recording stand-in for a role.
std::string entrypoint();
std::string entrypoint_arch();
// A static program for the same CPU that is not this program (a bootstrap
// of the AWS form must not be): the execvp probe built beside it.
std::string other_static_program();
std::string standin(const std::string& role);

// The CPU the tests run on; whether the kernel here starts programs for a
// CPU, natively or through qemu registered in binfmt_misc.
std::string host_arch();
bool kernel_runs(const std::string& cpu);

// The qemu-user program that runs a file built for another CPU than the
// tests' own, or "" when it runs natively. launch() uses it by itself.
std::string cpu_emulator(const std::string& file);

// The bytes of a file; empty when it cannot be read.
std::string read_file(const std::string& path);

// argv or envp for execve: the strings' pointers, then a null one.
std::vector<char*> pointers(const Strings& strings);

// A loopback port nobody listens on now.
int free_port();

struct HttpAnswer {
  int status = 0;  // 0: no answer
  std::string body;
};

// One POST to 127.0.0.1:port; no answer where nothing listens there.
HttpAnswer post(int port, const std::string& path, const std::string& body);

}  // namespace harness
