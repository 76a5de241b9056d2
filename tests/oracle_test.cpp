// The kernel as the oracle of --check: seeded random image trees (chains of
// '#!' scripts ending in a program, links on the way, modes and owners of
// every file and directory, lines around the 128 and 256 bytes Linux has
// read), each judged by the real binary under --check as root, as an image
// build runs it, and then really started by the kernel as Lambda's user
// (uid 993, gid 990, no supplementary groups). The two must agree on the
// exit class: 127 when the kernel says ENOENT or ENOTDIR, 126 for any other
// errno; after an execve that succeeded, what the interpreters will meet, as
// the arguments the kernel handed on show it: 127 for an argument ending in
// a carriage return, 126 for a script Lambda's user cannot read; else 0.
// ORACLE_SEED=<seed> replays a run, ORACLE_CASES=<n> sets how many cases.
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>

#include "elf_bytes.hpp"
#include "harness.hpp"
#include "host_cpu.hpp"

using harness::Strings;

namespace {

using harness::lambda_gid;
using harness::lambda_uid;

std::string host_arch() {
#if defined(__aarch64__)
  return "aarch64";
#else
  return "x86_64";
#endif
}

// The exit class a run gets from what the kernel reported.
int exit_class(int error) { return error == 0 ? 0 : error == ENOENT || error == ENOTDIR ? 127 : 126; }

// One file of a case, written twice: the bytes --check judges (a program for
// the CPU under test) and the bytes the kernel here starts (one for this
// machine's CPU), alike in everything else.
struct File {
  std::string path;
  std::string judged, started;
  mode_t mode;
  uid_t uid;
  gid_t gid;
  bool fifo = false;
};

struct Case {
  std::string description;
  std::string program;
  std::vector<std::string> directories;  // with their modes and owners below
  std::vector<mode_t> directory_modes;
  std::vector<uid_t> directory_owners;
  std::vector<File> files;
  std::vector<std::pair<std::string, std::string>> links;  // path, target
};

class Generator : public harness::Random {
 public:
  Generator(std::uint64_t seed, std::string root) : Random(seed), root_(std::move(root)) {}

  Case make() {
    Case c;
    size_t depth = pick({0, 0, 1, 1, 2, 3, 4, 5, 5, 6, 7});
    // Each file in a directory of its own, so that each directory's mode counts.
    std::vector<std::string> paths;
    for (size_t i = 0; i <= depth; ++i) {
      std::string directory = root_ + "/d" + std::to_string(i);
      add_directory(c, directory);
      paths.push_back(directory + "/f" + std::to_string(i));
    }
    // What each script names: the next file, or a link to it.
    for (size_t i = 0; i < depth; ++i) {
      std::string target = paths[i + 1];
      if (one_in(5)) target = link_to(c, target, "i" + std::to_string(i));
      c.files.push_back(script(target, paths[i], c.description));
    }
    c.files.push_back(leaf(paths[depth], c.description));
    c.files.insert(c.files.end(), loaders_.begin(), loaders_.end());
    loaders_.clear();
    c.program = paths[0];
    if (one_in(3)) c.program = link_to(c, c.program, "p");
    return c;
  }

 private:
  std::string root_;
  int link_count_ = 0;
  std::vector<File> loaders_;  // the files a leaf names as its ELF interpreter

  mode_t file_mode() {
    if (one_in(2)) return pick<mode_t>({0755, 0775, 0555, 0705});
    return pick<mode_t>({0711, 0700, 0744, 0701, 0704, 0644, 0604, 0000, 0750, 0715, 0751, 0777, 0745});
  }
  mode_t directory_mode() {
    if (one_in(2)) return 0755;
    return pick<mode_t>({0711, 0700, 0751, 0710, 0705, 0701, 0744, 0777, 0750, 0715});
  }
  // Owners and groups other than Lambda's user's own: --check judges for a
  // user who is neither (docs/choices.md), as Lambda's is for the
  // files of an image built as root.
  uid_t owner() { return pick<uid_t>({0, 0, 0, 1234}); }
  gid_t group() { return pick<gid_t>({0, 0, 4321}); }

  void add_directory(Case& c, const std::string& path) {
    c.directories.push_back(path);
    c.directory_modes.push_back(directory_mode());
    c.directory_owners.push_back(owner());
    c.description += " directory " + path + " mode " + harness::octal(c.directory_modes.back()) + " uid " +
                     std::to_string(c.directory_owners.back()) + ";";
  }

  // A link (absolute or relative, in a directory of links, sometimes through
  // a second link) to target; now and then dangling or a loop instead.
  std::string link_to(Case& c, const std::string& target, const std::string& name) {
    std::string directory = root_ + "/l" + name;
    add_directory(c, directory);
    std::string path = directory + "/" + name;
    std::string to = one_in(2) ? target : "../" + target.substr(root_.size() + 1);
    if (one_in(12)) to = one_in(2) ? root_ + "/nowhere" : path;
    if (one_in(4)) {
      std::string second = directory + "/" + name + "2";
      c.links.push_back({second, to});
      to = name + "2";
    }
    c.links.push_back({path, to});
    c.description += " link " + path + " -> " + to + ";";
    return path;
  }

  // A '#!' script naming interpreter: blanks, an argument, a carriage return,
  // a NUL, no newline, and lengths around the 128 and 256 bytes Linux has
  // read; or, at times, naming none.
  File script(std::string interpreter, const std::string& path, std::string& description) {
    // At times a line that names no interpreter at all (blanks at most).
    const bool nameless = one_in(25);
    if (nameless) interpreter.clear();
    // "/./" steps lengthen the interpreter's path without changing the file it names.
    if (!nameless && one_in(3)) {
      size_t wanted = pick<size_t>({120, 126, 127, 128, 250, 252, 253, 254, 255, 256, 260});
      size_t slash = interpreter.rfind('/');
      while (interpreter.size() + 2 <= wanted) interpreter.insert(slash, "/.");
    }
    std::string line = "#!";
    if (one_in(4)) line += pick<const char*>({" ", "\t", "  "});
    line += interpreter;
    // A NUL ends what Linux hands on: the interpreter's path (empty, where
    // the line names none), or the argument.
    if (one_in(12)) line += std::string(1, '\0') + pick<const char*>({"", " x", "\r"});
    if (!nameless && one_in(3)) {
      std::string argument(pick<size_t>({1, 5, 100, 120, 240, 300}), 'a');
      if (one_in(6)) argument.insert(below(argument.size() + 1), 1, '\0');
      line += " " + argument;
    }
    if (one_in(8)) line += pick<const char*>({" ", "\t "});
    // A carriage return, alone or before blanks (which Linux trims, unless
    // the line ends a file shorter than its buffer).
    if (one_in(10)) line += pick<const char*>({"\r", "\r", "\r ", "\r\t "});
    if (!one_in(6)) line += "\n";
    if (one_in(3)) line += std::string(pick<size_t>({10, 300}), '#');
    description += " script " + path + " of " + std::to_string(line.size()) + " bytes;";
    return file(path, line, line, description);
  }

  // What a chain ends in: mostly a program for the CPU under test, else what
  // users meet in its place.
  File leaf(const std::string& path, std::string& description) {
    // Read once: the same two programs end every chain.
    static const std::string program_judged = harness::read_file(harness::entrypoint());
    static const std::string program_started = harness::read_file(harness::standin("handler"));
    std::string judged = program_judged, started = program_started;
    switch (below(12)) {
      case 0: judged = started = elf_bytes::file(elf_bytes::riscv); break;
      case 1: {
        unsigned judged_cpu = harness::entrypoint_arch() == "aarch64" ? elf_bytes::aarch64 : elf_bytes::x86_64;
        unsigned started_cpu = host_arch() == "aarch64" ? elf_bytes::aarch64 : elf_bytes::x86_64;
        // Its PT_INTERP in the first 1,024 bytes, or lying past them; or
        // without the NUL that must end it; or cut short by the file's end.
        size_t gap = pick<size_t>({0, 0, 850, 900, 1100});
        // Its program headers after the ELF header, ending past the first
        // 1,024 bytes or lying far past them; or running past the file's
        // end, or none.
        size_t table_gap = pick<size_t>({0, 0, 0, 905, 2000});
        // Its loader missing, or a script, which the kernel does not load
        // as one (shorter or longer than an ELF header).
        std::string loader = root_ + "/no-such-loader.so";
        if (one_in(3)) {
          loader = root_ + "/loader.sh";
          std::string text = "#!/bin/sh\n" + std::string(pick<size_t>({0, 100}), '#') + "\n";
          loaders_.push_back(file(loader, text, text, description));
        }
        judged = elf_bytes::file(judged_cpu, loader, true, false, 2, gap, 0, table_gap);
        started = elf_bytes::file(started_cpu, loader, true, false, 2, gap, 0, table_gap);
        const size_t filesz = 64 + table_gap + 32;  // PT_INTERP's p_filesz
        const size_t fault = below(8);
        if (fault == 0) judged.back() = started.back() = 'x';
        if (fault == 1)
          judged[filesz] = started[filesz] = static_cast<char>(judged[filesz] + 5);    // 5 bytes past the end
        if (fault == 2 || fault == 3) judged[56] = started[56] = fault == 2 ? 41 : 0;  // e_phnum
        description += " a program whose program headers lie " + std::to_string(table_gap) +
                       " bytes further and its PT_INTERP " + std::to_string(gap) + " bytes after them" +
                       (fault == 0   ? ", without its NUL;"
                        : fault == 1 ? ", cut short by the end of the file;"
                        : fault == 2 ? ", 41 program headers, past the end of the file;"
                        : fault == 3 ? ", no program headers;"
                                     : ";");
        break;
      }
      case 2: judged = started = ""; break;
      case 3: judged = started = "echo no '#!' line\n"; break;
      case 4: judged = started = std::string("\177ELF\2\1", 6); break;
      case 5: {
        File fifo = file(path, "", "", description);
        fifo.fifo = true;
        description += " a FIFO;";
        return fifo;
      }
      default: break;
    }
    return file(path, judged, started, description);
  }

  File file(const std::string& path, std::string judged, std::string started, std::string& description) {
    File f{path, std::move(judged), std::move(started), file_mode(), owner(), group()};
    description += " " + path + " mode " + harness::octal(f.mode) + " uid " + std::to_string(f.uid) + " gid " +
                   std::to_string(f.gid) + ";";
    return f;
  }
};

void write(const Case& c, bool started) {
  for (size_t i = 0; i < c.directories.size(); ++i) harness::make_dirs(c.directories[i]);
  for (const File& f : c.files) {
    unlink(f.path.c_str());
    if (f.fifo) {
      REQUIRE(mkfifo(f.path.c_str(), f.mode) == 0);
    } else {
      harness::write_file(f.path, started ? f.started : f.judged, f.mode);
    }
    REQUIRE(chown(f.path.c_str(), f.uid, f.gid) == 0);
    REQUIRE(chmod(f.path.c_str(), f.mode) == 0);
  }
  for (const auto& [path, target] : c.links) {
    unlink(path.c_str());
    REQUIRE(symlink(target.c_str(), path.c_str()) == 0);
  }
  for (size_t i = 0; i < c.directories.size(); ++i) {
    REQUIRE(chown(c.directories[i].c_str(), c.directory_owners[i], lambda_gid + 1) == 0);
    REQUIRE(chmod(c.directories[i].c_str(), c.directory_modes[i]) == 0);
  }
}

// --check in the cloud, judged beside Lambda's user's own starts: a sound
// emulator for the CPU under test (--check judges the local start too, and
// runs nothing: any program for that CPU will do), and a directory every
// user's stand-ins record into.
struct CheckedInCloud {
  harness::TempDir tools, records;
  Strings env;

  CheckedInCloud() {
    REQUIRE(chmod(tools.path().c_str(), 0755) == 0);
    harness::copy_file(harness::entrypoint(), tools / "aws-lambda-rie", 0755);
    env = {"AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001", "LAMBDA_ENTRYPOINT_EMULATOR=" + tools / "aws-lambda-rie"};
    REQUIRE(chmod(records.path().c_str(), 0777) == 0);
  }
};

// What Lambda's user meets starting the program: execve's errno, else what
// the interpreters meet after it, read off the arguments the kernel gave the
// program at the end of the chain (innermost script first): an argument
// ending in '\r' (what the interpreter looks for or parses is not there:
// 127), or a script it cannot read (126). 0 when nothing fails.
int started_as_lambda(const Case& c, const std::string& records) {
  if (int error = harness::execve_as_lambda(c.program, records)) return error;
  std::vector<harness::Record> started = harness::records(records, "handler");
  REQUIRE(started.size() == 1);
  const Strings& argv = started[0].argv;
  for (size_t i = 1; i < argv.size(); ++i) {
    if (!argv[i].empty() && argv[i].back() == '\r') return ENOENT;
    int readable = harness::as_lambda(
        [&] {
          int fd = open(argv[i].c_str(), O_RDONLY | O_NONBLOCK);
          if (fd >= 0) close(fd);
          return fd < 0 && errno == EACCES ? EACCES : 0;
        },
        -1);
    if (readable != 0) return readable;
  }
  return 0;
}

}  // namespace

TEST_CASE("run as root, --check gives the exit class the kernel gives Lambda's user, over generated trees",
          "[oracle]") {
  std::uint64_t seed = harness::number_setting("ORACLE_SEED", std::random_device{}());
  std::uint64_t cases = harness::case_count("ORACLE_CASES", 2500, 1500);
  std::printf("oracle: seed %llu, %llu cases (ORACLE_SEED=%llu replays this run)\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(cases),
              static_cast<unsigned long long>(seed));
  const CheckedInCloud checked;
  const Strings& env = checked.env;
  const harness::TempDir& records = checked.records;
  std::uint64_t disagreements = 0;
  for (std::uint64_t i = 0; harness::more_cases(i, cases, disagreements); ++i) {
    harness::TempDir dir;
    REQUIRE(chmod(dir.path().c_str(), 0755) == 0);
    Generator generate(seed + i, dir.path());
    Case c = generate.make();
    write(c, false);
    harness::Outcome judged = harness::run_entrypoint({"--check", c.program}, env);
    write(c, true);
    int error = started_as_lambda(c, records.path());
    harness::remove_tree(records / "handler");
    if (judged.status != exit_class(error)) {
      ++disagreements;
      if (disagreements <= 20)
        std::printf("oracle: disagreement in case %llu:%s program %s; kernel: %s; --check %d: %s\n",
                    static_cast<unsigned long long>(seed + i), c.description.c_str(), c.program.c_str(),
                    std::strerror(error), judged.status, judged.err.c_str());
    }
  }
  std::printf("oracle: %llu disagreements\n", static_cast<unsigned long long>(disagreements));
  CHECK(disagreements == 0);
}

TEST_CASE(
    "under --check, links on the program's way are followed as Linux follows them for Lambda's user: through 40, "
    "the directory behind them judged; 41 are a loop, as the kernel says",
    "[oracle][host-cpu]") {
  require_host_cpu("the stand-in at the end of the links is a program for this machine");
  const CheckedInCloud checked;
  for (int links : {1, 39, 40, 41}) {
    for (mode_t mode : {0700, 0755}) {
      DYNAMIC_SECTION(links << " links to a directory of mode " << harness::octal(mode)) {
        // link1 -> link2 -> ... -> linkN -> code/, each a name in the same directory.
        harness::TempDir dir;
        harness::make_dirs(dir / "code");
        harness::copy_file(harness::standin("handler"), dir / "code/bootstrap", 0755);
        for (int i = 1; i <= links; ++i)
          REQUIRE(symlink(i == links ? "code" : ("link" + std::to_string(i + 1)).c_str(),
                          (dir / ("link" + std::to_string(i))).c_str()) == 0);
        REQUIRE(chmod((dir / "code").c_str(), mode) == 0);
        const std::string program = dir / "link1/bootstrap";
        int error = harness::execve_as_lambda(program, checked.records.path());
        harness::remove_tree(checked.records / "handler");
        CHECK(error == (links > 40 ? ELOOP : mode == 0700 ? EACCES : 0));  // what Linux does, not a guess
        harness::Outcome judged = harness::run_entrypoint({"--check", program}, checked.env);
        CHECK(judged.status == exit_class(error));
        if (error == EACCES)
          CHECK_THAT(judged.err, Catch::Matchers::StartsWith(harness::message(
                                     program, "the directory " + dir / "code" +
                                                  " on its path cannot be searched by other users (mode 0700)")));
        if (error == ELOOP) CHECK(judged.err == harness::message(program, "Symbolic link loop\n"));
        chmod((dir / "code").c_str(), 0755);  // for the directory to be removed
      }
    }
  }
}

// The function's code: seeded random trees at the task root (files, ELF
// programs, scripts, directories and links, in and out of the tree, with
// modes and owners), walked by --check as root and then read by Lambda's
// user itself. What that user meets is a fault where an entry cannot be
// opened (a file) or listed and searched (a directory), unless a file it
// cannot read is a program the kernel starts for it: really started, it
// must exit 0. A link is judged by what it leads to; one to a directory is
// not followed, as the walk does not follow it (docs/check.md, "The
// function's code"): its own case below.
namespace {

struct CodeCase {
  std::string description;
  std::string task_root;  // as LAMBDA_TASK_ROOT gives it
  std::vector<std::string> directories;
  std::vector<mode_t> directory_modes;
  std::vector<uid_t> directory_owners;
  std::vector<File> files;
  std::vector<std::pair<std::string, std::string>> links;
};

class CodeGenerator : public harness::Random {
 public:
  CodeGenerator(std::uint64_t seed, std::string root) : Random(seed), root_(std::move(root)) {}

  CodeCase make() {
    CodeCase c;
    std::string task = root_ + "/task";
    directory(c, task);
    std::vector<std::string> places = {task};
    // An out-of-tree directory for links to lead through.
    directory(c, root_ + "/elsewhere");
    file(c, root_ + "/elsewhere/data");
    size_t entries = below(9);
    for (size_t i = 0; i < entries; ++i) {
      std::string at = places[below(places.size())] + "/e" + std::to_string(i);
      switch (below(6)) {
        case 0:
          directory(c, at);
          places.push_back(at);
          break;
        case 1: link(c, at, places); break;
        default: file(c, at); break;
      }
    }
    c.task_root = task;
    if (one_in(4)) {
      c.task_root = root_ + "/task-link";
      c.links.push_back({c.task_root, one_in(2) ? task : "task"});
      c.description += " task root " + c.task_root + " -> task;";
    }
    if (one_in(5)) c.task_root += pick<const char*>({"/", "//"});
    return c;
  }

 private:
  std::string root_;

  void directory(CodeCase& c, const std::string& path) {
    mode_t mode = one_in(2) ? 0755 : pick<mode_t>({0700, 0711, 0744, 0750, 0705, 0701, 0704, 0751, 0775, 0555});
    uid_t uid = pick<uid_t>({0, 0, 1234});
    c.directories.push_back(path);
    c.directory_modes.push_back(mode);
    c.directory_owners.push_back(uid);
    c.description += " directory " + path + " mode " + harness::octal(mode) + " uid " + std::to_string(uid) + ";";
  }

  void file(CodeCase& c, const std::string& path) {
    static const std::string program = harness::read_file(harness::standin("handler"));
    std::string bytes = "code\n";
    std::string kind = "text";
    switch (below(5)) {
      case 0: bytes = program, kind = "an ELF program"; break;
      case 1: bytes = "#!/bin/cat\n", kind = "a script for /bin/cat"; break;
      case 2: bytes = "", kind = "empty"; break;
      default: break;
    }
    mode_t mode = one_in(2) ? 0644 : pick<mode_t>({0600, 0711, 0755, 0700, 0640, 0604, 0701, 0000, 0444, 0001});
    File f{path, bytes, bytes, mode, pick<uid_t>({0, 0, 1234}), pick<gid_t>({0, 0, 4321})};
    if (one_in(12)) f.fifo = true, kind = "a FIFO";
    c.files.push_back(f);
    c.description +=
        " " + path + " (" + kind + ") mode " + harness::octal(mode) + " uid " + std::to_string(f.uid) + ";";
  }

  void link(CodeCase& c, const std::string& path, const std::vector<std::string>& places) {
    std::string target;
    switch (below(5)) {
      case 0: target = root_ + "/elsewhere/data"; break;
      case 1: target = root_ + "/elsewhere"; break;
      case 2: target = root_ + "/nowhere"; break;
      case 3: target = places[below(places.size())]; break;
      default: target = c.files.empty() ? root_ + "/elsewhere/data" : c.files[below(c.files.size())].path; break;
    }
    // Relative now and then: from the link's directory, up to the root and down.
    if (one_in(2)) {
      std::string up;
      for (size_t i = root_.size(); i < path.size(); ++i)
        if (path[i] == '/' && i > root_.size()) up += "../";
      target = up + target.substr(root_.size() + 1);
    }
    c.links.push_back({path, target});
    c.description += " link " + path + " -> " + target + ";";
  }
};

void write(const CodeCase& c) {
  for (const std::string& directory : c.directories) harness::make_dirs(directory);
  for (const File& f : c.files) {
    if (f.fifo) REQUIRE(mkfifo(f.path.c_str(), f.mode) == 0);
    else harness::write_file(f.path, f.started, f.mode);
    REQUIRE(chown(f.path.c_str(), f.uid, f.gid) == 0);
    REQUIRE(chmod(f.path.c_str(), f.mode) == 0);
  }
  for (const auto& [path, target] : c.links) REQUIRE(symlink(target.c_str(), path.c_str()) == 0);
  for (size_t i = c.directories.size(); i-- > 0;) {
    REQUIRE(chown(c.directories[i].c_str(), c.directory_owners[i], lambda_gid + 1) == 0);
    REQUIRE(chmod(c.directories[i].c_str(), c.directory_modes[i]) == 0);
  }
}

// The exit of a child that could not become Lambda's user.
constexpr int could_not_become_lambda = 99;

// Whether Lambda's user, who cannot read a file, can start it: really started, it exits 0.
bool starts_unread(const std::string& path) {
  pid_t child = fork();
  if (child == 0) {
    int null_fd = open("/dev/null", O_RDWR);
    if (null_fd >= 0) dup2(null_fd, 0), dup2(null_fd, 1), dup2(null_fd, 2);
    char* const argv[] = {const_cast<char*>(path.c_str()), nullptr};
    char* const envp[] = {nullptr};
    execve(path.c_str(), argv, envp);
    _exit(127);
  }
  int status;
  waitpid(child, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// What Lambda's user meets reading the code at path, as it lists and
// opens it (run as that user): the paths at fault, a line each.
void read_as_lambda(const std::string& path, bool top, dev_t device, std::string& faults) {
  struct stat status;
  if (lstat(path.c_str(), &status) != 0) return;  // in a directory it cannot search: that one is at fault
  bool link = S_ISLNK(status.st_mode);
  if (link && stat(path.c_str(), &status) != 0) {
    if (errno == EACCES) faults += path + "\n";
    return;  // dangling, or a loop: it names nothing to read
  }
  if (top) device = status.st_dev;
  if (S_ISREG(status.st_mode)) {
    int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) close(fd);
    else if (!starts_unread(path)) faults += path + "\n";
    return;
  }
  if (!S_ISDIR(status.st_mode) || (link && !top) || status.st_dev != device) return;
  DIR* directory = opendir(path.c_str());
  if (directory == nullptr || access(path.c_str(), X_OK) != 0) faults += path + "\n";
  if (directory == nullptr) return;
  std::vector<std::string> names;
  while (dirent* entry = readdir(directory))
    if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0) names.push_back(entry->d_name);
  closedir(directory);
  for (const std::string& name : names) read_as_lambda(path + "/" + name, false, device, faults);
}

// The paths a walk's output names as faults: "lambda-entrypoint: PATH: ..."
// lines, less the fix and the count of those left untold.
std::vector<std::string> named_faults(const std::string& err) {
  std::vector<std::string> named;
  size_t start = 0;
  for (size_t end; (end = err.find('\n', start)) != std::string::npos; start = end + 1) {
    std::string line = err.substr(start, end - start);
    const std::string prefix = "lambda-entrypoint: ";
    if (line.compare(0, prefix.size(), prefix) != 0) continue;
    line.erase(0, prefix.size());
    size_t colon = line.find(": ");
    if (colon == std::string::npos || line.find("Lambda runs the function as a user", colon) == colon + 2) continue;
    named.push_back(line.substr(0, colon));
  }
  return named;
}

bool within(const std::string& path, const std::string& directory) {
  return path.size() > directory.size() && path.compare(0, directory.size(), directory) == 0 &&
         path[directory.size()] == '/';
}

std::string without_trailing_slashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

}  // namespace

TEST_CASE("run as root, --check names the code Lambda's user cannot read, as that user meets it, over generated trees",
          "[oracle]") {
  std::uint64_t seed = harness::number_setting("ORACLE_SEED", std::random_device{}());
  std::uint64_t cases = harness::number_setting("ORACLE_CODE_CASES", 1000);
  std::printf("oracle: code: seed %llu, %llu cases (ORACLE_SEED=%llu replays this run)\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(cases),
              static_cast<unsigned long long>(seed));
  harness::TempDir tools;
  REQUIRE(chmod(tools.path().c_str(), 0755) == 0);
  harness::copy_file(harness::entrypoint(), tools / "aws-lambda-rie", 0755);
  harness::copy_file(harness::entrypoint(), tools / "bootstrap", 0755);
  std::uint64_t disagreements = 0;
  for (std::uint64_t i = 0; harness::more_cases(i, cases, disagreements); ++i) {
    harness::TempDir dir;
    REQUIRE(chmod(dir.path().c_str(), 0755) == 0);
    CodeGenerator generate(seed + i, dir.path());
    CodeCase c = generate.make();
    write(c);
    // From /, or from the task root as the emulator starts the runtime (the walk does not walk it twice).
    harness::Launch from;
    if (generate.one_in(3)) from.cwd = dir / "task";
    harness::Outcome judged = harness::run_entrypoint(
        {"--check", tools / "bootstrap"},
        {"LAMBDA_TASK_ROOT=" + c.task_root, "LAMBDA_ENTRYPOINT_EMULATOR=" + tools / "aws-lambda-rie"}, from);
    std::string top = without_trailing_slashes(c.task_root);
    int status;
    std::string met = harness::as_lambda_writing(
        [&](int report) {
          std::string faults;
          read_as_lambda(top, true, 0, faults);
          (void)!::write(report, faults.data(), faults.size());
        },
        &status);
    REQUIRE((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    std::vector<std::string> kernel;
    for (size_t start = 0, end; (end = met.find('\n', start)) != std::string::npos; start = end + 1)
      kernel.push_back(met.substr(start, end - start));
    std::vector<std::string> named = named_faults(judged.err);
    std::string why;
    if (judged.status != (kernel.empty() ? 0 : 126)) why = "exit " + std::to_string(judged.status);
    for (const std::string& path : kernel)
      if (std::find(named.begin(), named.end(), path) == named.end()) why += " unnamed: " + path;
    for (const std::string& path : named) {
      bool inside_fault =
          std::any_of(kernel.begin(), kernel.end(), [&](const std::string& f) { return within(path, f); });
      if (std::find(kernel.begin(), kernel.end(), path) == kernel.end() && !inside_fault) why += " named: " + path;
    }
    if (!why.empty()) {
      ++disagreements;
      if (disagreements <= 20)
        std::printf("oracle: code: disagreement in case %llu:%s%s; Lambda's user met:\n%s--check said:\n%s\n",
                    static_cast<unsigned long long>(seed + i), c.description.c_str(), why.c_str(), met.c_str(),
                    judged.err.c_str());
    }
  }
  std::printf("oracle: code: %llu disagreements\n", static_cast<unsigned long long>(disagreements));
  CHECK(disagreements == 0);
}

// Looking a name up in PATH: seeded random PATHs (directories with modes,
// empty, relative, missing and file entries) and candidates (scripts of
// every mode, directories and FIFOs by the name, links to them, dangling
// links), each looked up by the real binary (in the cloud, as root and as
// Lambda's user, and under --check), by musl's own execvp (the binary's libc,
// tests/execvp_probe.cpp) and by dash's command -v, as each user. The binary
// runs the file execvp runs, or fails with its exit class; --check's verdict
// is the execvp of Lambda's user; and where dash finds a file, it is that
// one. Each candidate is a '#!' script for the recording stand-in, which the
// kernel hands the script's path: so the record tells which file ran.
namespace {

struct LookupCase {
  std::string description;
  std::string search_path;
  std::vector<std::string> directories;
  std::vector<mode_t> directory_modes;
  std::vector<File> files;
  std::vector<std::string> subdirectories;  // a directory by the name looked up
  std::vector<std::pair<std::string, std::string>> links;
};

class LookupGenerator : public harness::Random {
 public:
  LookupGenerator(std::uint64_t seed, std::string root, std::string interpreter)
      : Random(seed), root_(std::move(root)), interpreter_(std::move(interpreter)) {}

  LookupCase make() {
    LookupCase c;
    size_t count = 1 + below(4);
    std::vector<std::string> entries;
    for (size_t i = 0; i < count; ++i) {
      std::string directory = root_ + "/p" + std::to_string(i);
      mode_t mode = one_in(2) ? 0755 : pick<mode_t>({0700, 0711, 0744, 0701, 0750, 0705});
      c.directories.push_back(directory);
      c.directory_modes.push_back(mode);
      c.description += " directory " + directory + " mode " + harness::octal(mode) + ";";
      candidate(c, directory + "/tool");
      entries.push_back(one_in(6) ? "p" + std::to_string(i) : directory);  // relative: from the working directory
    }
    switch (below(8)) {
      case 0: entries.insert(entries.begin() + static_cast<long>(below(entries.size() + 1)), ""); break;
      case 1: entries.insert(entries.begin(), root_ + "/missing"); break;
      case 2: entries.insert(entries.begin(), root_ + "/p0/tool"); break;  // an entry that may be a file
      default: break;
    }
    for (size_t i = 0; i < entries.size(); ++i) c.search_path += (i == 0 ? "" : ":") + entries[i];
    c.description += " PATH=" + c.search_path + ";";
    return c;
  }

 private:
  std::string root_, interpreter_;

  void candidate(LookupCase& c, const std::string& path) {
    switch (below(9)) {
      case 0: c.description += " no " + path + ";"; return;
      case 1:
        c.subdirectories.push_back(path);
        c.description += " directory " + path + ";";
        return;
      case 2: {
        std::string target = pick<const char*>({"../p0/tool", "/nowhere", "../p1/tool"});
        c.links.push_back({path, target});
        c.description += " link " + path + " -> " + target + ";";
        return;
      }
      default: break;
    }
    std::string script = "#!" + interpreter_ + "\n";
    mode_t mode = one_in(2) ? 0755 : pick<mode_t>({0700, 0711, 0744, 0644, 0701, 0750, 0705, 0745, 0000, 0001});
    File f{path, script, script, mode, pick<uid_t>({0, 1234}), pick<gid_t>({0, 4321})};
    if (one_in(10)) f.fifo = true;
    c.files.push_back(f);
    c.description += std::string(" ") + (f.fifo ? "FIFO " : "script ") + path + " mode " + harness::octal(mode) + ";";
  }
};

void write(const LookupCase& c) {
  for (const std::string& directory : c.directories) harness::make_dirs(directory);
  for (const std::string& directory : c.subdirectories) harness::make_dirs(directory);
  for (const File& f : c.files) {
    if (f.fifo) REQUIRE(mkfifo(f.path.c_str(), f.mode) == 0);
    else harness::write_file(f.path, f.started, f.mode);
    REQUIRE(chown(f.path.c_str(), f.uid, f.gid) == 0);
    REQUIRE(chmod(f.path.c_str(), f.mode) == 0);
  }
  for (const auto& [path, target] : c.links) REQUIRE(symlink(target.c_str(), path.c_str()) == 0);
  for (size_t i = 0; i < c.directories.size(); ++i) REQUIRE(chmod(c.directories[i].c_str(), c.directory_modes[i]) == 0);
}

// What one lookup came to: the file that ran (the script the stand-in was
// handed, its links resolved) or was named, or "" and the exit class.
struct Found {
  std::string file;
  int status = 0;
  bool operator==(const Found& other) const { return file == other.file && status == other.status; }
};

std::string said(const Found& found) {
  return found.file.empty() ? "exit " + std::to_string(found.status) : found.file;
}

// A path as the file it names, from the working directory cwd.
std::string resolved(const std::string& path, const std::string& cwd) {
  char real[PATH_MAX];
  std::string full = path[0] == '/' ? path : cwd + "/" + path;
  return realpath(full.c_str(), real) != nullptr ? real : full;
}

Found run_as(const std::string& program, const Strings& argv, const Strings& env, const std::string& cwd,
             const std::string& records, bool as_lambda_user, std::string* out = nullptr) {
  harness::Launch launch;
  launch.program = program;
  launch.argv = argv;
  launch.env = env;
  launch.env.push_back("STANDIN_RECORD_DIR=" + records);
  launch.cwd = cwd;
  if (as_lambda_user) launch.before_exec = [] { harness::become_lambda_user(could_not_become_lambda); };
  harness::Outcome outcome = harness::launch(launch);
  REQUIRE(outcome.status != could_not_become_lambda);
  if (out != nullptr) *out = outcome.out;
  std::vector<harness::Record> ran = harness::records(records, "handler");
  harness::remove_tree(records + "/handler");
  if (ran.empty()) return {"", outcome.status};
  REQUIRE(ran[0].argv.size() >= 2);
  return {resolved(ran[0].argv[1], cwd), 0};
}

// What --check said of the program: the file its ok line names, or its exit code.
Found checked(const harness::Outcome& outcome, const std::string& cwd) {
  const std::string prefix = "lambda-entrypoint: ", ok = ": ok, the program, ";
  for (size_t start = 0, end; (end = outcome.out.find('\n', start)) != std::string::npos; start = end + 1) {
    std::string line = outcome.out.substr(start, end - start);
    size_t at = line.find(ok);
    if (line.compare(0, prefix.size(), prefix) == 0 && at != std::string::npos)
      return {resolved(line.substr(prefix.size(), at - prefix.size()), cwd), 0};
  }
  return {"", outcome.status};
}

bool readable_by_lambda(const std::string& path) {
  return harness::as_lambda(
             [&] {
               int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK);
               if (fd >= 0) close(fd);
               return fd >= 0 ? 1 : 0;
             },
             -1) == 1;
}

}  // namespace

TEST_CASE("a name without a slash is found as musl's execvp and dash find it, as root and as Lambda's user",
          "[oracle]") {
  std::uint64_t seed = harness::number_setting("ORACLE_SEED", std::random_device{}());
  std::uint64_t cases = harness::case_count("ORACLE_LOOKUP_CASES", 1000, 250);
  std::printf("oracle: lookup: seed %llu, %llu cases (ORACLE_SEED=%llu replays this run)\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(cases),
              static_cast<unsigned long long>(seed));
  harness::TempDir tools;
  REQUIRE(chmod(tools.path().c_str(), 0755) == 0);
  std::string entrypoint = tools / "lambda-entrypoint", probe = tools / "execvp-probe";
  std::string interpreter = tools / "standin-handler", emulator = tools / "aws-lambda-rie";
  harness::copy_file(harness::entrypoint(), entrypoint, 0755);
  harness::copy_file(harness::entrypoint(), emulator, 0755);
  std::string built = harness::entrypoint();
  harness::copy_file(built.substr(0, built.rfind('/')) + "/execvp-probe", probe, 0755);
  harness::copy_file(harness::standin("handler"), interpreter, 0755);
  harness::TempDir records;
  REQUIRE(chmod(records.path().c_str(), 0777) == 0);
  std::uint64_t disagreements = 0;
  for (std::uint64_t i = 0; harness::more_cases(i, cases, disagreements); ++i) {
    harness::TempDir dir;
    REQUIRE(chmod(dir.path().c_str(), 0755) == 0);
    LookupGenerator generate(seed + i, dir.path(), interpreter);
    LookupCase c = generate.make();
    write(c);
    const Strings path = {"PATH=" + c.search_path};
    const Strings cloud = {"PATH=" + c.search_path, "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001"};
    std::string why;
    Found lambda_execvp;
    for (bool as_lambda_user : {false, true}) {
      const char* user = as_lambda_user ? " as Lambda's user" : " as root";
      Found execvp = run_as(probe, {"execvp-probe", "tool"}, path, dir.path(), records.path(), as_lambda_user);
      Found ours = run_as(entrypoint, {"lambda-entrypoint", "tool"}, cloud, dir.path(), records.path(), as_lambda_user);
      std::string dash_said;
      Found dash = run_as("/bin/dash", {"dash", "-c", "command -v tool"}, path, dir.path(), records.path(),
                          as_lambda_user, &dash_said);
      if (!(ours == execvp)) why += std::string(user) + ": ran " + said(ours) + ", execvp " + said(execvp) + ";";
      // dash passes over a loop of links, where execvp stops (musl's and
      // glibc's alike): it is compared where both found a file.
      if (dash.status == 0 && !dash_said.empty()) {
        std::string dash_file = resolved(dash_said.substr(0, dash_said.find('\n')), dir.path());
        if (!execvp.file.empty() && ours.file != dash_file)
          why += std::string(user) + ": ran " + said(ours) + ", dash " + dash_file + ";";
      } else if (!ours.file.empty()) {
        why += std::string(user) + ": ran " + ours.file + ", dash found nothing;";
      }
      if (as_lambda_user) lambda_execvp = execvp;
    }
    // --check, run as root, must give the verdict of Lambda's user's execvp
    // and what the interpreter meets after it: a script it cannot read.
    Found expected = lambda_execvp;
    if (!expected.file.empty() && !readable_by_lambda(expected.file)) expected = {"", 126};
    // --check judges the scripts' interpreter as a program for the CPU under test.
    harness::copy_file(harness::entrypoint(), interpreter, 0755);
    harness::Launch in_case;
    in_case.cwd = dir.path();
    Found judged =
        checked(harness::run_entrypoint({"--check", "tool"},
                                        {cloud[0], cloud[1], "LAMBDA_ENTRYPOINT_EMULATOR=" + emulator}, in_case),
                dir.path());
    harness::copy_file(harness::standin("handler"), interpreter, 0755);
    if (!(judged == expected)) why += " --check: " + said(judged) + ", Lambda's user: " + said(expected) + ";";
    if (!why.empty()) {
      ++disagreements;
      if (disagreements <= 20)
        std::printf("oracle: lookup: disagreement in case %llu:%s%s\n", static_cast<unsigned long long>(seed + i),
                    c.description.c_str(), why.c_str());
    }
  }
  std::printf("oracle: lookup: %llu disagreements\n", static_cast<unsigned long long>(disagreements));
  CHECK(disagreements == 0);
}

// The choices kept apart from the oracles (docs/check.md, "The function's
// code"), each pinned where the kernel says otherwise.
TEST_CASE("kept apart from the oracle: a file Lambda's user owns is judged as any other user's", "[oracle]") {
  harness::TempDir dir;
  REQUIRE(chmod(dir.path().c_str(), 0755) == 0);
  std::string program = dir / "bootstrap", emulator = dir / "aws-lambda-rie";
  harness::copy_file(harness::standin("handler"), program, 0700);
  REQUIRE(chown(program.c_str(), lambda_uid, lambda_gid) == 0);
  harness::copy_file(harness::entrypoint(), emulator, 0755);
  // The kernel starts it for its owner...
  int error = harness::as_lambda(
      [&] {
        char* const argv[] = {const_cast<char*>(program.c_str()), nullptr};
        char* const envp[] = {nullptr};
        execve(program.c_str(), argv, envp);
        return errno;
      },
      0);
  CHECK(error == 0);
  // ...but an image's files are root's, and a uid baked into an image is not one to rely on.
  harness::Outcome judged = harness::run_entrypoint({"--check", program}, {"LAMBDA_ENTRYPOINT_EMULATOR=" + emulator});
  CHECK(judged.status == 126);
  CHECK_THAT(judged.err, Catch::Matchers::ContainsSubstring(program + ": no execute permission for other users"));
}

TEST_CASE("kept apart from the oracle: a link to a directory in the code is not judged by what it leads to",
          "[oracle]") {
  harness::TempDir dir, tools;
  REQUIRE(chmod(dir.path().c_str(), 0755) == 0);
  REQUIRE(chmod(tools.path().c_str(), 0755) == 0);
  harness::copy_file(harness::entrypoint(), tools / "bootstrap", 0755);
  harness::copy_file(harness::entrypoint(), tools / "aws-lambda-rie", 0755);
  harness::make_dirs(dir / "task");
  harness::make_dirs(dir / "closed");
  REQUIRE(chmod((dir / "closed").c_str(), 0700) == 0);
  REQUIRE(symlink((dir / "closed").c_str(), (dir / "task/vendor").c_str()) == 0);
  // Lambda's user cannot list what the link leads to...
  std::string vendor = dir / "task/vendor";
  int listed = harness::as_lambda(
      [&] {
        int fd = open(vendor.c_str(), O_RDONLY | O_DIRECTORY);
        if (fd >= 0) close(fd);
        return fd >= 0 ? 1 : 0;
      },
      -1);
  CHECK(listed == 0);
  // ...but the walk does not follow links to directories, which may lead anywhere (/, /proc).
  harness::Outcome judged = harness::run_entrypoint(
      {"--check", tools / "bootstrap"},
      {"LAMBDA_TASK_ROOT=" + dir / "task", "LAMBDA_ENTRYPOINT_EMULATOR=" + tools / "aws-lambda-rie"});
  CHECK(judged.status == 0);
  CHECK(judged.err.empty());
}

TEST_CASE("in PATH, a link through a directory Lambda's user cannot search is passed over, even to a loop",
          "[oracle]") {
  harness::TempDir dir;
  REQUIRE(chmod(dir.path().c_str(), 0755) == 0);
  harness::make_dirs(dir / "a");
  harness::make_dirs(dir / "b");
  harness::make_dirs(dir / "closed");
  REQUIRE(symlink("loop", (dir / "closed/loop").c_str()) == 0);
  REQUIRE(chmod((dir / "closed").c_str(), 0700) == 0);
  // The link is the candidate itself (a/tool), or the PATH entry, met in
  // the middle of the candidate's path (c/tool).
  REQUIRE(symlink("../closed/loop", (dir / "a/tool").c_str()) == 0);
  REQUIRE(symlink("closed/loop", (dir / "c").c_str()) == 0);
  harness::copy_file(harness::entrypoint(), dir / "b/tool", 0755);
  harness::copy_file(harness::entrypoint(), dir / "aws-lambda-rie", 0755);
  std::string path = dir / "a:" + dir / "c:" + dir / "b";
  // Lambda's user meets the closed directory before the loop, and goes on.
  for (const char* candidate : {"a/tool", "c/tool"}) {
    int error = harness::as_lambda(
        [&] {
          std::string file = dir / candidate;
          return access(file.c_str(), X_OK) == 0 ? 0 : errno;
        },
        -1);
    CHECK(error == EACCES);
  }
  harness::Outcome judged = harness::run_entrypoint(
      {"--check", "tool"}, {"PATH=" + path, "LAMBDA_ENTRYPOINT_EMULATOR=" + dir / "aws-lambda-rie"});
  CHECK_THAT(judged.out, Catch::Matchers::ContainsSubstring(harness::message(dir / "b/tool", "ok, the program")));
}
