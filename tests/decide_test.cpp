// The decision, driven directly: arguments and environment in, a plan or a
// complaint out, over a table with a case for every rule of the contract.
#include "../src/decide.hpp"
#include "../src/carry.hpp"
#include "../src/command.hpp"
#include "../src/errors.hpp"
#include "../src/inspect.hpp"
#include "../src/listing.hpp"
#include "../src/node_client.hpp"
#include "../src/python_client.hpp"
#include "../src/readable.hpp"

#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "decide_cases.hpp"
#include "elf_bytes.hpp"
#include "inspect_cases.hpp"

namespace {

// Keeps the C strings a decision points into alive.
struct Input {
  Strings args;
  Strings env;
  std::vector<char*> argv;
  std::vector<char*> envp;

  Input(Strings a, Strings e) : args(std::move(a)), env(std::move(e)) {
    for (std::string& s : args) argv.push_back(s.data());
    argv.push_back(nullptr);
    for (std::string& s : env) envp.push_back(s.data());
    envp.push_back(nullptr);
  }
  Decision decide() { return ::decide(static_cast<int>(args.size()), argv.data(), envp.data()); }
};

Strings argv_of(const Plan& plan) {
  std::vector<char*> argv(argv_size(plan) + 1, reinterpret_cast<char*>(1));
  // The bytes fill_argv() is promised, and a guard past them that it must leave alone.
  const size_t promised = plan.emulator_flags.size() + 1, guard = 16;
  std::string words(promised + guard, '\x7f');
  fill_argv(plan, words.data(), argv.data());
  REQUIRE(argv.back() == nullptr);
  CHECK(words.substr(promised) == std::string(guard, '\x7f'));
  return Strings(argv.begin(), argv.end() - 1);
}

Strings env_of(const Plan& plan, Input& input) {
  if (plan.assignment_count == 0) return input.env;  // run() passes envp through untouched
  std::vector<char*> out(env_size(input.envp.data()) + plan.assignment_count + 1, reinterpret_cast<char*>(1));
  std::string entries(assignments_size(plan), '\x7f');
  fill_env(plan, input.envp.data(), entries.data(), out.data());
  REQUIRE(std::find(out.begin(), out.end(), nullptr) != out.end());
  Strings result;
  // The bytes asked for are the bytes the assignments' entries fill, exactly.
  size_t used = 0;
  const auto inside = [&](const char* e) {
    auto at = reinterpret_cast<std::uintptr_t>(e), start = reinterpret_cast<std::uintptr_t>(entries.data());
    return at >= start && at < start + entries.size();
  };
  for (char** e = out.data(); *e != nullptr; ++e) {
    result.emplace_back(*e);
    if (inside(*e)) used += std::strlen(*e) + 1;
  }
  CHECK(used == entries.size());
  return result;
}

}  // namespace

TEST_CASE("decide() over the table of cases", "[decide]") {
  for (const Case& c : cases()) {
    DYNAMIC_SECTION(c.behaviour) {
      Input input(c.args, c.env);
      Decision decision = input.decide();
      const Expected& expected = c.expected;
      REQUIRE(decision.action == expected.action);
      if (expected.action == Action::complain) {
        CHECK(decision.complaint.exit_code == expected.exit_code);
        const Complaint& complaint = decision.complaint;
        std::string subject = complaint.short_option[0] != '\0'     ? std::string(complaint.short_option)
                              : complaint.subject.data() != nullptr ? std::string(complaint.subject)
                                                                    : std::string();
        CHECK(subject == expected.subject);
        CHECK_THAT(complaint.reason, Catch::Matchers::ContainsSubstring(expected.reason));
      }
      if (expected.action != Action::run) continue;
      const Plan& plan = decision.plan;
      CHECK(argv_of(plan) == expected.argv);
      CHECK(runtime_index(plan) == expected.runtime_index);
      CHECK(plan.debug == expected.debug);
      if (expected.env) CHECK(env_of(plan, input) == *expected.env);
      if (expected.search_path) CHECK(std::string(plan.search_path) == *expected.search_path);
    }
  }
}

TEST_CASE("every setting's option and variable share the LAMBDA_ENTRYPOINT_ prefix", "[decide]") {
  for (const SettingInfo& setting : settings) {
    std::string variable(setting.variable);
    std::string option = setting.option;
    CHECK(variable.rfind("LAMBDA_ENTRYPOINT_", 0) == 0);
    // The variable spells the option: --emulator-flags is LAMBDA_ENTRYPOINT_EMULATOR_FLAGS.
    std::string spelled;
    for (char c : option) spelled += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CHECK(variable == "LAMBDA_ENTRYPOINT_" + spelled);
  }
}

TEST_CASE("with every variable already set, the cloud's command form assigns nothing and builds no argv", "[decide]") {
  Input input({"le", "node", "node_modules/.bin/aws-lambda-ric", "index.handler"},
              {"_HANDLER=index.handler", cloud, "LAMBDA_TASK_ROOT=/var/task", "LAMBDA_RUNTIME_DIR=/var/runtime"});
  Decision decision = input.decide();
  REQUIRE(decision.action == Action::run);
  CHECK(decision.plan.assignment_count == 0);
  CHECK(decision.plan.emulator == nullptr);
  CHECK(decision.plan.lead == nullptr);  // run() executes its own argv's tail
}

TEST_CASE("the emulator is looked for where configured, with AWS's CPU suffix, then where AWS mounts it", "[decide]") {
#if defined(__x86_64__)
  const std::string cpu = "x86_64";
#else
  const std::string cpu = "arm64";
#endif
  // The PATH_MAX bytes promised, and a guard past them that must be left alone.
  constexpr size_t guard = 16;
  char suffixed[PATH_MAX + guard];
  std::memset(suffixed, '#', sizeof suffixed);
  EmulatorCandidates candidates;
  emulator_candidates("/usr/local/bin/aws-lambda-rie", suffixed, candidates);
  CHECK(Strings(candidates, candidates + emulator_candidate_count) ==
        Strings{"/usr/local/bin/aws-lambda-rie", "/usr/local/bin/aws-lambda-rie-" + cpu, "/aws-lambda/aws-lambda-rie",
                "/aws-lambda/aws-lambda-rie-" + cpu});
  // The suffixed name with its NUL in PATH_MAX bytes, at the limit: it is
  // tried; one byte more, or longer names, have no room for the suffix and
  // are tried as they are.
  const size_t at_limit = PATH_MAX - 1 - ("-" + cpu).size();
  for (size_t length : {at_limit - 1, at_limit, at_limit + 1, at_limit + 2, size_t{PATH_MAX - 1}}) {
    INFO("a configured name of " << length << " bytes");
    std::string configured(length, 'x');
    emulator_candidates(configured.c_str(), suffixed, candidates);
    CHECK(std::string(candidates[1]) == (length <= at_limit ? configured + "-" + cpu : configured));
    CHECK(std::string(suffixed + PATH_MAX, guard) == std::string(guard, '#'));
  }
}

TEST_CASE("the emulator flags' words are counted from none, whatever the count held before", "[decide]") {
  const std::pair<const char*, size_t> cases[] = {{"", 0},
                                                  {" ", 0},
                                                  {"--enable-init-caching", 1},
                                                  {"--log-level debug", 2},
                                                  {" --log-level=debug\t", 1},
                                                  {"--log-level debug --runtime-api-address 127.0.0.1:9001", 4}};
  for (const auto& [flags, words] : cases) {
    for (size_t held : {size_t{0}, size_t{1}, size_t{7}}) {
      INFO("flags '" << flags << "', the count holding " << held);
      size_t count = held;
      string_view culprit;
      CHECK(check_emulator_flags(flags, count, culprit) == nullptr);
      CHECK(count == words);
    }
  }
}

TEST_CASE("failures map to the shell's exit codes", "[decide]") {
  CHECK(exit_code_for(ENOENT) == 127);
  CHECK(exit_code_for(ENOTDIR) == 127);
  CHECK(exit_code_for(ENAMETOOLONG) == 127);
  CHECK(exit_code_for(EACCES) == 126);
  CHECK(exit_code_for(EISDIR) == 126);
  CHECK(exit_code_for(ENOEXEC) == 126);
  CHECK(exit_code_for(E2BIG) == 126);
  CHECK(exit_code_for(ETXTBSY) == 126);
}

TEST_CASE("decide() may be called again and again, with the same result", "[decide]") {
  Input first({"le", "--debug", "--emulator=/a", "prog"}, {});
  Input second({"le", "other"}, {cloud});
  for (int round = 0; round < 3; ++round) {
    Decision a = first.decide();
    Decision b = second.decide();
    REQUIRE(a.action == Action::run);
    REQUIRE(b.action == Action::run);
    CHECK(argv_of(a.plan) == Strings{"/a", "prog"});
    CHECK(argv_of(b.plan) == Strings{"other"});
  }
}

TEST_CASE("inspect() over the table of files", "[inspect]") {
  for (const InspectCase& c : inspect_cases()) {
    DYNAMIC_SECTION(c.behaviour) {
      Head head = inspect(c.bytes);
      CHECK(head.kind == c.kind);
      CHECK(head.machine == c.machine);
      CHECK(std::string(head.interpreter) == c.interpreter);
      CHECK(std::string(head.argument) == c.argument);
      CHECK(head.carriage_return == c.carriage_return);
      CHECK(head.line_too_long == c.line_too_long);
      CHECK(head.interpreter_offset == c.interpreter_offset);
      CHECK(head.interpreter_size == c.interpreter_size);
      CHECK(head.table_offset == c.table_offset);
      CHECK(head.table_size == c.table_size);
    }
  }
}

TEST_CASE(
    "inspect() of a program's ELF interpreter reads no PT_INTERP of its own, whatever it says; headers cut short "
    "are unreadable still, and a '#!' line is read as ever",
    "[inspect]") {
  using namespace elf_bytes;
  const std::string sound = file(x86_64, "/lib/ld.so");  // PT_INTERP's p_offset at 72, its p_filesz at 96
  struct Loaded {
    const char* what;
    std::string bytes;
    unsigned machine;
  };
  const Loaded loaded_as_they_are[] = {
      {"a sound one", sound, x86_64},
      {"one pointing past the bytes", std::string(sound).replace(72, 1, "\xff"), x86_64},
      {"one of 4,097 bytes", std::string(sound).replace(96, 2, std::string("\x01\x10", 2)), x86_64},
      {"one of a single byte", std::string(sound).replace(96, 1, "\x01"), x86_64},
      {"an empty one", std::string(sound).replace(96, 1, std::string(1, '\0')), x86_64},
      {"one whose last byte is no NUL", std::string(sound).replace(96, 1, "\x0a"), x86_64},
      {"a 32-bit big-endian file's", file(ppc64, "/lib/ld.so", false, true), ppc64},
  };
  for (const Loaded& c : loaded_as_they_are) {
    DYNAMIC_SECTION("its own PT_INTERP " << c.what) {
      Head head = inspect(c.bytes, true);
      CHECK(head.kind == Head::elf);
      CHECK(head.machine == c.machine);
      CHECK(head.interpreter.empty());
      CHECK(head.interpreter_offset == 0);
      CHECK(head.interpreter_size == 0);
    }
  }
  const std::pair<const char*, std::string> cut_short[] = {
      {"an ELF header cut short", file(x86_64).substr(0, 30)},
      {"the magic alone", "\177ELF"},
  };
  for (const auto& [what, bytes] : cut_short) {
    DYNAMIC_SECTION(what) { CHECK(inspect(bytes, true).kind == Head::unreadable); }
  }
  // Linux loads no other interpreter than it starts as a program.
  const std::pair<const char*, std::string> no_program[] = {
      {"no program headers", std::string(sound).replace(56, 1, std::string(1, '\0'))},
      {"program headers of another size", std::string(sound).replace(54, 1, "\x37")},
      {"a relocatable file", file(x86_64, "/lib/ld.so", true, false, 1)},
  };
  for (const auto& [what, bytes] : no_program) {
    DYNAMIC_SECTION(what) { CHECK(inspect(bytes, true).kind == Head::other); }
  }
  // Linux reads an interpreter's program headers wherever they lie, too.
  struct ToBeRead {
    const char* what;
    std::string bytes;
    uint64_t table_offset;
  };
  const ToBeRead to_be_read[] = {
      {"program headers past the bytes", std::string(sound).replace(32, 1, "\xf0"), 240},
      {"a program header cut short", sound.substr(0, 64 + 3), 64},
  };
  for (const ToBeRead& c : to_be_read) {
    DYNAMIC_SECTION(c.what) {
      Head head = inspect(c.bytes, true);
      CHECK(head.kind == Head::elf);
      CHECK(head.table_size == 56);
      CHECK(head.table_offset == c.table_offset);
    }
  }
  for (const char* script : {"#!/bin/sh\n", "#!/usr/bin/env node\r\n", "echo\n"}) {
    DYNAMIC_SECTION(script) {
      Head as_program = inspect(script), as_interpreter = inspect(script, true);
      CHECK(as_interpreter.kind == as_program.kind);
      CHECK(as_interpreter.interpreter == as_program.interpreter);
      CHECK(as_interpreter.argument == as_program.argument);
      CHECK(as_interpreter.carriage_return == as_program.carriage_return);
    }
  }
}

TEST_CASE(
    "inspect() given the program header table, read where the bytes said it lies, takes the PT_INTERP from it: its "
    "path in the bytes or past them, after an empty entry too, and none for an ELF interpreter",
    "[inspect]") {
  using namespace elf_bytes;
  // A table 2,000 bytes past the header, and the PT_INTERP's path after it.
  const std::string far = file(x86_64, "/lib/ld.so", true, false, 2, 0, 0, 2000);
  Head head = inspect(far.substr(0, 1024), false, far.substr(2064, 56));
  CHECK(head.kind == Head::elf);
  CHECK(head.table_size == 0);
  CHECK(head.interpreter.empty());
  CHECK(head.interpreter_offset == 2120);
  CHECK(head.interpreter_size == 11);
  CHECK(head.program);
  // The table moved off, its entries pointing into the bytes still.
  for (size_t empty_entries : {0, 1}) {
    DYNAMIC_SECTION(empty_entries << " empty entries first") {
      const std::string sound = file(x86_64, "/lib/ld.so", true, false, 2, 0, empty_entries);
      const std::string table = sound.substr(64, 56 * (empty_entries + 1));
      const std::string moved = std::string(sound).replace(32, 1, "\xf0");
      Head found = inspect(moved, false, table);
      CHECK(found.kind == Head::elf);
      CHECK(found.interpreter == "/lib/ld.so");
      CHECK(found.interpreter_size == 0);
      CHECK(found.table_size == 0);
      Head loaded = inspect(moved, true, table);
      CHECK(loaded.kind == Head::elf);
      CHECK(loaded.interpreter.empty());
      CHECK(loaded.interpreter_size == 0);
    }
  }
}

TEST_CASE("the CPUs Lambda runs are named, others are not", "[inspect]") {
  const std::pair<unsigned, const char*> named[] = {{elf_bytes::x86_64, "an x86_64 program"},
                                                    {elf_bytes::aarch64, "an aarch64 program"},
                                                    {elf_bytes::i386, "a 32-bit x86 program"},
                                                    {40, "a 32-bit ARM program"}};
  for (const auto& [machine, name] : named) {
    INFO("ELF machine " << machine);
    REQUIRE(program_for(machine) != nullptr);
    CHECK(std::string(program_for(machine)) == name);
    // The machine numbers either side of it (none of them named) are not.
    CHECK(program_for(machine - 1) == nullptr);
    CHECK(program_for(machine + 1) == nullptr);
  }
  CHECK(program_for(0) == nullptr);
  CHECK(program_for(elf_bytes::riscv) == nullptr);
}

TEST_CASE(
    "the program a '#!/usr/bin/env' line looks up is its whole argument, or after -S its first word that is "
    "no assignment; what env looks up otherwise, or not at all, is not judged",
    "[inspect]") {
  const std::pair<const char*, const char*> cases[] = {
      {"bash", "bash"},
      {"b", "b"},
      {"/usr/bin/python3", "/usr/bin/python3"},
      {"python3 -u", "python3 -u"},  // one word, as the kernel hands it on
      {"-S python3 -u", "python3"},
      {"-Spython3", "python3"},
      {"-S A=1 B=2 node --x", "node"},
      {"-S  \tnode", "node"},
      {"", ""},
      {"A=1", ""},  // only assignments: env runs the script itself
      {"A=1 bash", ""},
      {"-S", ""},
      {"-S A=1", ""},
      {"-S -i python3", ""},
      {"-S PATH=/opt/bin python3", ""},
      {"-i bash", ""},
      {"-", ""},
  };
  for (const auto& [argument, program] : cases) {
    INFO("'" << argument << "'");
    CHECK(std::string(env_operand(argument)) == program);
  }
}

TEST_CASE("npm's own commands are told by their name or the CLI file their link names, nothing else", "[inspect]") {
  struct NpmCase {
    const char* path;
    bool npm;
  };
  const NpmCase cases[] = {
      {"npx", true},
      {"npm", true},
      {"/usr/local/bin/npx", true},
      {"/usr/bin/npm", true},
      {"../lib/node_modules/npm/bin/npx-cli.js", true},
      {"../share/nodejs/npm/bin/npm-cli.js", true},
      {"node", false},
      {"/var/task/node_modules/.bin/aws-lambda-ric", false},
      {"/usr/local/bin/npxx", false},
      {"/usr/local/bin/xnpm", false},
      {"/opt/npx/node", false},
      {"npx-cli.jsx", false},
      {"", false},
  };
  for (const NpmCase& c : cases) {
    INFO(c.path);
    CHECK(is_npm_command(c.path) == c.npm);
  }
}

TEST_CASE("the errors the program can print have musl's own words, and any other musl's words for the unknown",
          "[errors]") {
  const std::pair<int, const char*> expected[] = {
      {EPERM, "Operation not permitted"},
      {ENOENT, "No such file or directory"},
      {EIO, "I/O error"},
      {E2BIG, "Argument list too long"},
      {ENOEXEC, "Exec format error"},
      {EBADF, "Bad file descriptor"},
      {EAGAIN, "Resource temporarily unavailable"},
      {ENOMEM, "Out of memory"},
      {EACCES, "Permission denied"},
      {EFAULT, "Bad address"},
      {ENOTDIR, "Not a directory"},
      {EISDIR, "Is a directory"},
      {EINVAL, "Invalid argument"},
      {ENFILE, "Too many open files in system"},
      {EMFILE, "No file descriptors available"},
      {ETXTBSY, "Text file busy"},
      {ENAMETOOLONG, "Filename too long"},
      {ELOOP, "Symbolic link loop"},
      {EOVERFLOW, "Value too large for data type"},
      {ESTALE, "Stale file handle"},
  };
  // musl's libc.a holds its strerror() table: each of these words must be
  // one of its entries, whole.
  std::ifstream archive(MUSL_LIBC, std::ios::binary);
  REQUIRE(archive);
  std::string libc{std::istreambuf_iterator<char>(archive), std::istreambuf_iterator<char>()};
  for (const auto& [error, words] : expected) {
    INFO(error << ": " << words);
    CHECK(libc.find(std::string(1, '\0') + words + '\0') != std::string::npos);
    CHECK(std::string(error_text(error)) == words);
  }
  CHECK(std::string(error_text(0)) == "No error information");
  CHECK(std::string(error_text(ENOSYS)) == "No error information");
  CHECK(std::string(error_text(9999)) == "No error information");
  CHECK(std::string(error_text(-1)) == "No error information");
}

TEST_CASE("an entry of the function's code is judged by the bits for others alone, by its type", "[readable]") {
  struct ReadableCase {
    const char* behaviour;
    mode_t mode;
    bool through_link;
    const char* fault;     // nullptr: nothing lacks
    bool program = false;  // its bytes are an ELF program
  };
  const ReadableCase cases[] = {
      {"a file others can read", S_IFREG | 0644, false, nullptr},
      {"a file only others can read", S_IFREG | 0004, false, nullptr},
      {"a file only its owner can read", S_IFREG | 0600, false, "other users cannot read it"},
      {"a file its group can read, others not", S_IFREG | 0640, false, "other users cannot read it"},
      {"a file others can run but not read", S_IFREG | 0711, false, "other users cannot read it"},
      {"a directory others can list and search", S_IFDIR | 0755, false, nullptr},
      {"a directory only others can list and search", S_IFDIR | 0005, false, nullptr},
      {"a directory only its owner can enter", S_IFDIR | 0700, false,
       "a directory other users can neither list nor search"},
      {"a directory others can search but not list", S_IFDIR | 0711, false, "a directory other users cannot list"},
      {"a directory others can list but not search", S_IFDIR | 0744, false, "a directory other users cannot search"},
      {"a link to a file others cannot read", S_IFREG | 0600, true, "a link to a file other users cannot read"},
      {"a link to a file others can read", S_IFREG | 0644, true, nullptr},
      {"a link to a directory, which is not followed", S_IFDIR | 0700, true, nullptr},
      {"an ELF program others may execute but not read starts", S_IFREG | 0711, false, nullptr, true},
      {"an ELF program only others may execute starts", S_IFREG | 0001, false, nullptr, true},
      {"an ELF program others may neither read nor execute is a fault", S_IFREG | 0710, false,
       "other users cannot read it", true},
      {"a file others may execute but not read that is no ELF program is a fault", S_IFREG | 0711, false,
       "other users cannot read it"},
      {"a link to an ELF program others may execute but not read starts", S_IFREG | 0711, true, nullptr, true},
      {"a FIFO is not code", S_IFIFO | 0600, false, nullptr},
      {"a socket is not code", S_IFSOCK | 0600, false, nullptr},
      {"a device is not code", S_IFCHR | 0600, false, nullptr},
  };
  for (const ReadableCase& c : cases) {
    INFO(c.behaviour);
    const char* fault = unreadable_because(c.mode, c.through_link, c.program);
    CHECK(std::string(fault != nullptr ? fault : "nothing") == std::string(c.fault != nullptr ? c.fault : "nothing"));
  }
}

TEST_CASE("an ELF file is a program when it is ET_EXEC or names an interpreter, not a library", "[inspect]") {
  using elf_bytes::file;
  CHECK(inspect(file(elf_bytes::x86_64)).program);
  CHECK(inspect(file(elf_bytes::aarch64, "/lib/ld-linux-aarch64.so.1", true, false, 3)).program);
  CHECK(inspect(file(elf_bytes::ppc64, "", true, true)).program);
  CHECK_FALSE(inspect(file(elf_bytes::x86_64, "", true, false, 3)).program);  // a library, or a static PIE
  CHECK_FALSE(inspect(file(elf_bytes::i386, "", false, false, 1)).program);   // ET_REL: an object file
  CHECK_FALSE(inspect("#!/bin/sh\n").program);
}

TEST_CASE(
    "a library is for another CPU when its class, byte order or machine is not the 64-bit little-endian CPU's; "
    "fewer than 20 bytes say nothing",
    "[inspect]") {
  using namespace elf_bytes;
  const std::string library = file(x86_64, "", true, false, 3);
  for (unsigned machine : {x86_64, aarch64}) {
    INFO("this CPU's e_machine: " << machine);
    const unsigned other = machine == x86_64 ? aarch64 : x86_64;
    CHECK_FALSE(built_for_other_cpu(file(machine, "", true, false, 3), machine));
    CHECK(built_for_other_cpu(file(other, "", true, false, 3), machine));
    CHECK(built_for_other_cpu(file(machine, "", false, false, 3), machine));     // 32-bit: x32, arm64 ILP32
    CHECK(built_for_other_cpu(file(machine, "", true, true, 3), machine));       // big-endian, e_machine read so
    CHECK(built_for_other_cpu(file(machine << 8, "", true, true, 3), machine));  // big-endian, read the other way
    CHECK(built_for_other_cpu(file(machine + 1, "", true, false, 3), machine));
    CHECK(built_for_other_cpu(file(machine - 1, "", true, false, 3), machine));
    for (char value : {'\0', '\3'}) {
      CHECK(built_for_other_cpu(std::string(file(machine, "", true, false, 3)).replace(4, 1, 1, value), machine));
      CHECK(built_for_other_cpu(std::string(file(machine, "", true, false, 3)).replace(5, 1, 1, value), machine));
    }
    // e_machine ends at byte 20.
    CHECK_FALSE(built_for_other_cpu(file(machine, "", true, false, 3).substr(0, 20), machine));
    CHECK(built_for_other_cpu(file(other, "", true, false, 3).substr(0, 20), machine));
    CHECK_FALSE(built_for_other_cpu(file(other, "", true, false, 3).substr(0, 19), machine));
  }
  CHECK_FALSE(built_for_other_cpu(std::string(library).replace(3, 1, "X"), aarch64));
  CHECK_FALSE(built_for_other_cpu("", aarch64));
  CHECK_FALSE(built_for_other_cpu("#!/bin/sh\n", aarch64));
}

TEST_CASE("a path is within a tree when it is the tree or below it, trailing slashes aside", "[readable]") {
  CHECK(is_within("/var/task", "/var/task"));
  CHECK(is_within("/var/task/app", "/var/task"));
  CHECK(is_within("/var/task/app/", "/var/task/"));
  CHECK(is_within("/var/task", "/var/task/"));
  CHECK(is_within("/opt/layer", "/opt"));
  CHECK(is_within("/anything", "/"));
  CHECK_FALSE(is_within("/var/taskforce", "/var/task"));
  CHECK_FALSE(is_within("/var", "/var/task"));
  CHECK_FALSE(is_within("/srv/app", "/var/task"));
  CHECK_FALSE(is_within("/optional", "/opt"));
}

TEST_CASE("each switch option takes what its variable takes: 1 or true on, 0 or false off, empty unset, else refused",
          "[decide]") {
  const Strings values = {"1", "true", "0", "false", "", "yes", "TRUE", "01", " 1"};
  const Strings variable_values = {"", "1", "0"};
  for (Setting s : {aws_form_setting, no_parity_setting, debug_setting}) {
    std::string option = std::string("--") + settings[s].option;
    std::string variable(settings[s].variable);
    for (const std::string& value : values) {
      for (const std::string& from_variable : variable_values) {
        std::string argument = option + "=" + value;
        INFO(argument << " with " << variable << "=" << from_variable);
        Strings env = {cloud};
        if (!from_variable.empty()) env.push_back(variable + "=" + from_variable);
        Input input({"le", argument, "h"}, env);
        Decision decision = input.decide();
        bool on_by_option = value == "1" || value == "true";
        bool off_by_option = value == "0" || value == "false";
        if (!value.empty() && !on_by_option && !off_by_option) {
          REQUIRE(decision.action == Action::complain);
          CHECK(std::string(decision.complaint.subject) == argument);
          CHECK(std::string(decision.complaint.reason) == "expected 1, 0, true or false");
          continue;
        }
        bool on = on_by_option || (!off_by_option && from_variable == "1");
        REQUIRE(decision.action == Action::run);
        const Plan& plan = decision.plan;
        if (s == aws_form_setting) CHECK(plan.aws_form == on);
        if (s == debug_setting) CHECK(plan.debug == on);
        if (s == no_parity_setting) CHECK((plan.assignment_count == 0) == on);
      }
    }
  }
}

TEST_CASE("every long option is taken by each unambiguous prefix and refused by an ambiguous one", "[decide]") {
  const Strings options = {"aws-form", "bootstrap", "emulator", "emulator-flags", "no-parity",
                           "debug",    "help",      "version",  "check"};
  for (const std::string& option : options) {
    for (size_t length = 1; length <= option.size(); ++length) {
      const std::string prefix = option.substr(0, length);
      // What the prefix must name, worked out here from the list alone: the
      // option it spells, else the only one it begins, else none.
      Strings begun;
      for (const std::string& other : options)
        if (other.compare(0, prefix.size(), prefix) == 0) begun.push_back(other);
      bool exact = std::find(options.begin(), options.end(), prefix) != options.end();
      const std::string named = exact ? prefix : begun.size() == 1 ? begun.front() : "";
      DYNAMIC_SECTION("--" << prefix << " (" << (named.empty() ? "ambiguous" : named) << ")") {
        const std::string given = "--" + prefix;
        if (named.empty()) {
          Input input({"le", given + "=x", "prog"}, {cloud});
          Decision decision = input.decide();
          REQUIRE(decision.action == Action::complain);
          // Named as ambiguous where some option begins so (--emul=), else unknown.
          CHECK(
              std::string(decision.complaint.reason) ==
              (begun.empty() ? "unknown option" : "ambiguous: more than one option begins so, give more of its name"));
          CHECK(decision.complaint.exit_code == 142);
          CHECK(std::string(decision.complaint.subject) == given + "=x");
          continue;
        }
        // Each option shows it was taken in what it changes.
        if (named == "aws-form") {
          Input input({"le", given, "h"}, {cloud});
          Decision d = input.decide();
          REQUIRE(d.action == Action::run);
          CHECK(argv_of(d.plan) == Strings{runtime_bootstrap});
        } else if (named == "bootstrap") {
          Input input({"le", "--aws-form", given + "=/boot", "h"}, {cloud});
          Decision d = input.decide();
          REQUIRE(d.action == Action::run);
          CHECK(argv_of(d.plan) == Strings{"/boot"});
        } else if (named == "emulator") {
          Input input({"le", given, "/rie", "prog"}, {});
          Decision d = input.decide();
          REQUIRE(d.action == Action::run);
          CHECK(argv_of(d.plan) == Strings{"/rie", "prog"});
        } else if (named == "emulator-flags") {
          Input input({"le", given + "=--log-level=debug", "prog"}, {});
          Decision d = input.decide();
          REQUIRE(d.action == Action::run);
          CHECK(argv_of(d.plan) == Strings{rie, "--log-level=debug", "prog"});
        } else if (named == "no-parity") {
          Input input({"le", given, "prog", "app.handler"}, {cloud});
          Decision d = input.decide();
          REQUIRE(d.action == Action::run);
          CHECK(d.plan.assignment_count == 0);
        } else if (named == "debug") {
          Input input({"le", given, "prog"}, {cloud});
          Decision d = input.decide();
          REQUIRE(d.action == Action::run);
          CHECK(d.plan.debug);
        } else if (named == "help") {
          Input input({"le", given, "prog"}, {cloud});
          CHECK(input.decide().action == Action::help);
        } else if (named == "check") {
          Input input({"le", given, "prog"}, {cloud});
          CHECK(input.decide().action == Action::check);
        } else {
          // --version, shortened or not, prints the version as the sole
          // argument and is refused where it is not.
          Input alone({"le", given}, {cloud});
          CHECK(alone.decide().action == Action::version);
          Input input({"le", given, "prog"}, {cloud});
          Decision d = input.decide();
          REQUIRE(d.action == Action::complain);
          CHECK(std::string(d.complaint.subject) == "--version");
        }
      }
    }
  }
}

TEST_CASE(
    "AWS_LAMBDA_MAX_CONCURRENCY: locally and under --check, a whole number from 1 to 2147483647 chooses the Managed "
    "Instances mode and any other value is refused; in the cloud any value passes untouched",
    "[decide][managed]") {
  const Strings taken = {"1", "2", "02", "+2", "+02", "64", "2147483647", "0002147483647"};
  const Strings refused_values = {"",    "0",   "00",  "-1", "++2",        "+",
                                  "+-2", "-0",  " 2",  "2 ", "2.0",        "2x",
                                  "abc", "0x2", "1e3", "２", "2147483648", "99999999999999999999999"};
  for (bool is_check : {false, true}) {
    for (bool aws_form : {false, true}) {
      Strings args = {"le"};
      if (is_check) args.push_back("--check");
      if (aws_form) args.push_back("--aws-form");
      args.push_back(aws_form ? "app.handler" : "/var/task/bootstrap");
      for (const std::string& value : taken) {
        INFO((is_check ? "--check, " : "") << (aws_form ? "AWS form, " : "") << "value '" << value << "'");
        Input input(args, {"AWS_LAMBDA_MAX_CONCURRENCY=" + value});
        Decision decision = input.decide();
        REQUIRE(decision.action == (is_check ? Action::check : Action::run));
        CHECK(decision.plan.managed_instances);
        // The bootstrap carries this program's own arguments.
        CHECK(decision.plan.argc == static_cast<int>(args.size()));
        CHECK(decision.plan.argv == input.argv.data());
      }
      for (const std::string& value : refused_values) {
        INFO((is_check ? "--check, " : "") << (aws_form ? "AWS form, " : "") << "value '" << value << "'");
        Input input(args, {"AWS_LAMBDA_MAX_CONCURRENCY=" + value});
        Decision decision = input.decide();
        REQUIRE(decision.action == Action::complain);
        CHECK(decision.complaint.exit_code == 142);
        CHECK(std::string(decision.complaint.subject) == "AWS_LAMBDA_MAX_CONCURRENCY");
        CHECK_THAT(decision.complaint.reason,
                   Catch::Matchers::ContainsSubstring("a whole number from 1 to 2147483647"));
      }
    }
  }
  for (const std::string& value : refused_values) {
    INFO("in the cloud, value '" << value << "'");
    Strings env = {cloud,
                   "AWS_LAMBDA_MAX_CONCURRENCY=" + value,
                   "AWS_LAMBDA_INITIALIZATION_TYPE=lambda-managed-instances",
                   "_LAMBDA_TELEMETRY_LOG_FD_PROVIDER_SOCKET=/tmp/s",
                   "_HANDLER=h",
                   task_root,
                   runtime_dir};
    Input input({"le", "/var/task/bootstrap", "h"}, env);
    Decision decision = input.decide();
    REQUIRE(decision.action == Action::run);
    CHECK_FALSE(decision.plan.managed_instances);
    CHECK(env_of(decision.plan, input) == env);
  }
  // Its presence alone chooses the mode; without it, none.
  Input absent({"le", "prog"}, {"AWS_LAMBDA_MAX_CONCURRENCYX=2", "XAWS_LAMBDA_MAX_CONCURRENCY=2"});
  CHECK_FALSE(absent.decide().plan.managed_instances);
}

TEST_CASE(
    "started with no argument and LAMBDA_ENTRYPOINT_COMMAND set, it resumes the command carried there; with "
    "arguments, or without the variable, it decides as ever",
    "[decide][managed]") {
  for (const Strings& env :
       {Strings{"LAMBDA_ENTRYPOINT_COMMAND=1:/3:le1:p"}, Strings{cloud, "LAMBDA_ENTRYPOINT_COMMAND=1:/3:le1:p"},
        Strings{"LAMBDA_ENTRYPOINT_COMMAND="}}) {
    INFO(env.back());
    Input input({"/var/runtime/bootstrap"}, env);
    Decision decision = input.decide();
    REQUIRE(decision.action == Action::resume);
    CHECK(std::string(decision.carried) == env.back().substr(env.back().find('=') + 1));
    // Not even argv[0], as the kernel allows.
    Input bare({}, env);
    CHECK(bare.decide().action == Action::resume);
    Input with_argument({"/var/runtime/bootstrap", "prog"}, env);
    Decision decided = with_argument.decide();
    REQUIRE(decided.action == Action::run);
    CHECK(argv_of(decided.plan) == (env.front() == cloud ? Strings{"prog"} : Strings{rie, "prog"}));
  }
  Input none({"/var/runtime/bootstrap"}, {cloud, "LAMBDA_ENTRYPOINT_COMMANDS=1:/3:le1:p"});
  Decision decision = none.decide();
  REQUIRE(decision.action == Action::complain);
  CHECK(std::string(decision.complaint.reason) == "no PROGRAM to run");
}

TEST_CASE("started with no argument at all, the complaint says how a bootstrap is started; with options, the usage",
          "[decide]") {
  for (const Strings& args : std::vector<Strings>{{"le"}, {}, {"/var/runtime/bootstrap"}}) {
    Input input(args, {cloud});
    Decision decision = input.decide();
    REQUIRE(decision.action == Action::complain);
    CHECK(decision.complaint.exit_code == 142);
    CHECK(std::string(decision.complaint.hint) == no_argument_hint);
  }
  for (const Strings& args : std::vector<Strings>{{"le", "--"}, {"le", "--debug"}}) {
    Input input(args, {cloud});
    Decision decision = input.decide();
    REQUIRE(decision.action == Action::complain);
    CHECK(std::string(decision.complaint.hint) == usage_hint);
  }
}

TEST_CASE(
    "the command carried to the Managed Instances bootstrap reads back word for word, and the environment loses the "
    "carrying variable alone",
    "[carry][managed]") {
  std::mt19937_64 random(20261203);
  const std::string alphabet = std::string("=:0123_ab/ \t\n'\"$\\-") + '\x01' + '\xff';
  auto word = [&] {
    std::string w;
    for (size_t n = random() % 14; n > 0; --n) w += alphabet[random() % alphabet.size()];
    return w;
  };
  for (int round = 0; round < 1000; ++round) {
    Strings words(1 + random() % 12);
    for (std::string& w : words) w = word();
    Strings env = {"A=1", "LAMBDA_ENTRYPOINT_COMMANDS=kept", "LAMBDA_ENTRYPOINT_DEBUG=1", "Z=" + word()};
    // A stale carrying entry, from an outer run, is replaced.
    if (random() % 2)
      env.insert(env.begin() + static_cast<long>(random() % env.size()), "LAMBDA_ENTRYPOINT_COMMAND=1:x");
    Input input(words, env);
    std::vector<char*> carried(env.size() + 2, reinterpret_cast<char*>(1));
    std::string entry(carried_size(input.argv.data(), words.size()), '\x7f');
    fill_carried(input.envp.data(), input.argv.data(), words.size(), entry.data(), carried.data());
    // One null ends it, right after the carrying entry.
    auto null = std::find(carried.begin(), carried.end(), nullptr);
    REQUIRE(null != carried.end());
    REQUIRE(null != carried.begin());
    const std::string carrying = *(null - 1);
    REQUIRE(carrying.rfind("LAMBDA_ENTRYPOINT_COMMAND=", 0) == 0);
    Strings left;
    for (char** e = carried.data(); *e != nullptr; ++e)
      if (std::string(*e).rfind("LAMBDA_ENTRYPOINT_COMMAND=", 0) != 0) left.emplace_back(*e);
    Strings expected_left;
    for (const std::string& e : env)
      if (e.rfind("LAMBDA_ENTRYPOINT_COMMAND=", 0) != 0) expected_left.push_back(e);
    CHECK(left == expected_left);

    const char* value = *(null - 1) + std::string("LAMBDA_ENTRYPOINT_COMMAND=").size();
    std::string buffer(std::strlen(value) + 1, '\x7f');
    std::vector<char*> read(std::strlen(value) / 2 + 1, reinterpret_cast<char*>(1));
    REQUIRE(read_carried(value, buffer.data(), read.data()) == words.size());
    CHECK(Strings(read.begin(), read.begin() + static_cast<long>(words.size())) == words);
    CHECK(read[words.size()] == nullptr);
    std::vector<char*> without(carried.size(), reinterpret_cast<char*>(1));
    char** end = without_carried(carried.data(), without.data());
    CHECK(Strings(without.data(), end) == expected_left);
    CHECK(*end == nullptr);
  }
}

TEST_CASE(
    "the carried entry's length, which the kernel's limit on one string is checked against, is that of the entry "
    "written, for words of every number of decimal digits, at each power of ten and one below it",
    "[carry][managed]") {
  for (size_t length : {0, 1, 8, 9, 10, 11, 99, 100, 999, 1000, 9999, 10000, 99999, 100000, 131071}) {
    INFO(length);
    for (size_t count : {1, 2, 3}) {
      Strings words(count, std::string(length, 'w'));
      Input input(words, {"A=1"});
      std::vector<char*> carried(3);
      std::string entry(carried_size(input.argv.data(), count), '\x7f');
      fill_carried(input.envp.data(), input.argv.data(), count, entry.data(), carried.data());
      CHECK(carried_length(input.argv.data(), count) == std::strlen(entry.c_str()));
      CHECK(carried_word_length(words[0].c_str()) == std::to_string(length).size() + 1 + length);
    }
  }
}

TEST_CASE("a value the bootstrap did not carry reads as no words", "[carry][managed]") {
  for (const char* value : {"1", "1:", "2:a", ":a", "x:a", "1:a2", "1:a2:", "-1:a", "99999999999999999999999:a",
                            "18446744073709551617:a", "1:a:"}) {
    INFO(value);
    std::string buffer(std::strlen(value) + 1, '\x7f');
    std::vector<char*> words(std::strlen(value) / 2 + 1);
    CHECK(read_carried(value, buffer.data(), words.data()) == 0);
  }
  std::string buffer(8, '\x7f');
  std::vector<char*> words(4);
  REQUIRE(read_carried("0:1:a2:bc", buffer.data(), words.data()) == 3);
  CHECK(Strings(words.begin(), words.begin() + 3) == Strings{"", "a", "bc"});
}

TEST_CASE("a count is decimal digits alone, from 1 to the most allowed", "[text]") {
  size_t value = 0;
  CHECK((parse_count("1", 5, value) && value == 1));
  CHECK((parse_count("005", 5, value) && value == 5));
  for (const char* refused : {"", "0", "6", "-1", "+1", " 1", "1 ", "1a", "0x1", "99999999999999999999999999"})
    CHECK_FALSE(parse_count(refused, 5, value));
  // '/' and ':' are the characters either side of the digits; as digits,
  // they would stay within this most.
  for (const char* refused : {"/", ":", "1/", "1:", "/1", ":1"}) CHECK_FALSE(parse_count(refused, 1000, value));
  char digits[21];
  for (size_t n : {size_t{0}, size_t{7}, size_t{10}, size_t{2147483647}, SIZE_MAX})
    CHECK(std::string(digits, decimal(digits, n)) == std::to_string(n));
}

TEST_CASE(
    "join() writes HEAD/TAIL whole when it leaves room for the NUL in PATH_MAX (4,095 bytes), refuses 4,096 and "
    "more, and takes parts that lie in its output",
    "[text]") {
  char out[PATH_MAX];
  // Lengths of the joined path around the limit, split at the start, the
  // middle and the end: an empty head or tail, one byte, and the rest.
  for (size_t length : {size_t{1}, size_t{2}, size_t{3}, size_t{PATH_MAX - 2}, size_t{PATH_MAX - 1}, size_t{PATH_MAX},
                        size_t{PATH_MAX + 1}}) {
    for (size_t head_size : {size_t{0}, size_t{1}, (length - 1) / 2, length - 1}) {
      if (head_size > length - 1) continue;
      const std::string head(head_size, 'h'), tail(length - 1 - head_size, 't');
      INFO("head " << head.size() << " bytes, tail " << tail.size());
      std::memset(out, 'x', sizeof out);
      if (length < PATH_MAX) {
        REQUIRE(join(out, head, tail));
        CHECK(std::string(out) == head + "/" + tail);  // its NUL written, and nothing past it read
      } else {
        CHECK_FALSE(join(out, head, tail));
        CHECK(out[0] == 'x');  // nothing written
      }
    }
  }
  std::strcpy(out, "/var/task");
  REQUIRE(join(out, out, "app"));
  CHECK(std::string(out) == "/var/task/app");
  std::strcpy(out, "lib");
  REQUIRE(join(out, "/opt", out));
  CHECK(std::string(out) == "/opt/lib");
}

TEST_CASE("only glibc's and musl's loaders are asked for their libraries, told by the interpreter's name",
          "[listing]") {
  const std::pair<const char*, Loader> cases[] = {
      {"/lib64/ld-linux-x86-64.so.2", Loader::glibc},
      {"/lib/ld-linux-aarch64.so.1", Loader::glibc},
      {"ld-linux-x86-64.so.2", Loader::glibc},
      {"/lib/ld-musl-x86_64.so.1", Loader::musl},
      {"/lib/ld-musl-aarch64.so.1", Loader::musl},
      {"/system/bin/linker64", Loader::unknown},
      {"/lib/ld64.so.1", Loader::unknown},
      {"/opt/ld-linux-x86-64.so.2/bin/sh", Loader::unknown},
      {"/lib64/xld-linux-x86-64.so.2", Loader::unknown},
      {"", Loader::unknown},
  };
  for (const auto& [interpreter, loader] : cases) {
    INFO(interpreter);
    CHECK(loader_of(interpreter) == loader);
  }
}

TEST_CASE("a loader's listing is judged by its first fault: a library or a symbol not loaded is 127, a version 126",
          "[listing]") {
  // The lines as glibc 2.36's and musl 1.2.3's loaders print them.
  const std::string glibc_found =
      "\tlinux-vdso.so.1 (0x00007ffd1c5f3000)\n"
      "\tlibf.so.1 => /usr/lib/libf.so.1 (0x00007f1d2c5e0000)\n"
      "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f1d2c3ff000)\n"
      "\t/lib64/ld-linux-x86-64.so.2 (0x00007f1d2c5f5000)\n";
  const std::string musl_found =
      "\t/lib/ld-musl-x86_64.so.1 (0x7f5b37f52000)\n"
      "\tlibf.so.1 => /usr/lib/libf.so.1 (0x7f5b37f41000)\n"
      "\tlibc.so => /lib/ld-musl-x86_64.so.1 (0x7f5b37f52000)\n";
  const std::string version = "/var/task/app: /usr/lib/libv.so.1: version `V2' not found (required by /var/task/app)";
  const std::string relocating = "Error relocating /var/task/app: f: symbol not found";
  const std::string unsupported = "Error relocating /usr/lib/libf.so.1: unsupported relocation type 257";
  const std::string undefined = "undefined symbol: fixture_extra\t(/var/task/app-extra)";
  const std::string unversioned =
      "/var/task/app: /usr/lib/libv.so.1: no version information available (required by /var/task/app)";
  const std::string missing_musl = "Error loading shared library libf.so.1: No such file or directory (needed by /app)";
  struct Case {
    std::string listing;
    std::string line;
    int code;
  };
  const Case cases[] = {
      {"", "", 0},
      {glibc_found, "", 0},
      {musl_found, "", 0},
      {"\tlibf.so.1 => not found\n" + glibc_found, "libf.so.1 => not found", 127},
      {glibc_found + "\tlibz.so.1 => not found\n", "libz.so.1 => not found", 127},
      {version + "\n" + glibc_found, version, 126},
      // The first fault is the one named, whatever its kind.
      {version + "\n\tlibz.so.1 => not found\n", version, 126},
      {"\tlibz.so.1 => not found\n" + version + "\n", "libz.so.1 => not found", 127},
      {musl_found + missing_musl + "\n" + relocating + "\n", missing_musl, 127},
      {musl_found + relocating + "\n", relocating, 127},
      {musl_found + unsupported + "\n", unsupported, 127},
      {glibc_found + undefined + "\n", undefined, 127},
      {unversioned + "\nInconsistency detected by ld.so: dl-lookup.c: 107: check_match: Assertion\n", unversioned, 127},
      {version + "\n" + undefined + "\n", version, 126},
      {undefined + "\n" + version + "\n", undefined, 127},
      // A last line without its newline is read too.
      {"\tlibz.so.1 => not found", "libz.so.1 => not found", 127},
      {relocating, relocating, 127},
      // The words must begin the line, or stand as the loader writes them.
      {"\tlibq.so => /opt/undefined symbol: x/libq.so (0x1)\n", "", 0},
      {"\tlibq.so => /opt/no version information available/libq.so (0x1)\n", "", 0},
      // Words like these inside a found library's path are no fault.
      {"\tlibq.so => /opt/not found/libq.so (0x1)\n", "", 0},
      {"\tlibq.so => /opt/Error loading shared library/libq.so (0x1)\n", "", 0},
      {"\tlibq.so => /opt/x: version `/libq.so (0x1)\n", "", 0},
      {"\tlibq.so => /opt/lib => not found/libq.so (0x1)\n", "", 0},
  };
  for (const Case& c : cases) {
    INFO(c.listing);
    ListingFault fault = first_fault(c.listing);
    CHECK(std::string(fault.line) == c.line);
    CHECK(fault.code == c.code);
  }
}

TEST_CASE("the library a fault is about is named as each loader names it, and a line of another kind names none",
          "[listing]") {
  struct Case {
    const char* line;
    const char* library;
  };
  const Case cases[] = {
      {"libz.so.1 => not found", "libz.so.1"},
      {"l => not found", "l"},
      {" => not found", ""},
      {"libz.so.1 => not found ", ""},
      {"Error loading shared library libq.so: No such file or directory (needed by /var/task/app)", "libq.so"},
      {"Error loading shared library libq.so: Permission denied (needed by /a: b)", "libq.so"},
      {"Error loading shared library q", "q"},
      {"Error relocating /var/task/app: foo: symbol not found", ""},
      {"undefined symbol: foo (/var/task/app)", ""},
      {"/var/task/app: /lib/libv.so.1: version `V2' not found (required by /var/task/app)", ""},
      {"", ""},
  };
  for (const Case& c : cases) {
    INFO(c.line);
    CHECK(std::string(missing_library(c.line)) == c.library);
  }
}

TEST_CASE(
    "each library a listing loads is visited by its path, between its arrow and its address; a line "
    "without both, in that order, is passed over",
    "[listing]") {
  struct Case {
    const char* listing;
    std::vector<std::string> visited;
  };
  const Case cases[] = {
      {"\tlibf.so.1 => /usr/lib/libf.so.1 (0x00007f3a1c000000)\n", {"/usr/lib/libf.so.1"}},
      {"\tlibf.so.1 => /l (0x1)", {"/l"}},  // the last line without its newline
      {"\tlibf.so.1 => / (0x1)\n", {"/"}},
      // A path that holds " (0x" itself ends at the last one.
      {"\tlibq.so => /opt/a (0x1)/libq.so (0x7f00)\n", {"/opt/a (0x1)/libq.so"}},
      // glibc's and musl's lines for the vDSO and the loader, and a library not found.
      {"\tlinux-vdso.so.1 (0x00007ffc8a5f2000)\n", {}},
      {"\t/lib64/ld-linux-x86-64.so.2 (0x00007f3a1c200000)\n", {}},
      {"\tlibz.so.1 => not found\n", {}},
      {"\tlibf.so.1 => /usr/lib/libf.so.1\n", {}},
      {"\tx (0x1) => /y\n", {}},
      {"", {}},
      {"\tlibc.musl-x86_64.so.1 => /lib/ld-musl-x86_64.so.1 (0x7f1e)\n\tlibz.so.1 => not found\n"
       "\tlibf.so.1 => /var/task/lib/libf.so.1 (0x7f2e)\n",
       {"/lib/ld-musl-x86_64.so.1", "/var/task/lib/libf.so.1"}},
  };
  for (const Case& c : cases) {
    INFO(c.listing);
    std::vector<std::string> visited;
    for_each_loaded(c.listing, [&](string_view path) { visited.emplace_back(path); });
    CHECK(visited == c.visited);
  }
}

TEST_CASE("CPython's interpreter is told by its name: python, python3 and python3.N, nothing else", "[python]") {
  for (const char* name : {"python", "python3", "python3.1", "python3.12", "python3.9"}) {
    INFO(name);
    CHECK(is_python_name(name));
  }
  for (const char* name : {"", "p", "python2", "python3.", "python3.x", "python3.12-dbg", "python3.12a", "pypy3",
                           "python3-config", "ipython3", "Python3", "python.3"}) {
    INFO(name);
    CHECK_FALSE(is_python_name(name));
  }
}

namespace {
struct ClientCase {
  std::vector<const char*> words;
  std::vector<const char*> flags;  // expected; recognised when handler or flags are given
  const char* handler;
  bool recognised;
};

PythonClient client_of(const std::vector<const char*>& words) {
  return python_client(const_cast<char* const*>(words.data()), words.size());
}
}  // namespace

TEST_CASE("the awslambdaric command is told as python [FLAG...] -m awslambdaric [HANDLER], flags of no value alone",
          "[python]") {
  const std::vector<ClientCase> cases = {
      {{"python", "-m", "awslambdaric", "app.handler"}, {}, "app.handler", true},
      {{"/usr/local/bin/python3.12", "-m", "awslambdaric", "app.handler"}, {}, "app.handler", true},
      {{"python3", "-m", "awslambdaric"}, {}, nullptr, true},
      {{"python3", "-m", "awslambdaric", "", "more"}, {}, "", true},
      {{"python3", "-I", "-u", "-m", "awslambdaric", "h.f"}, {"-I", "-u"}, "h.f", true},
      {{"python3", "-IsB", "-m", "awslambdaric", "h.f"}, {"-IsB"}, "h.f", true},
      {{"python3", "-bBdEIOPqsSuv", "-m", "awslambdaric", "h.f"}, {"-bBdEIOPqsSuv"}, "h.f", true},
      // Not the client, or flags whose values this does not read.
      {{"python3", "-m"}, {}, nullptr, false},
      {{"python3", "-m", "awslambdaricx", "h.f"}, {}, nullptr, false},
      {{"python3", "-m", "awslambdari", "h.f"}, {}, nullptr, false},
      {{"python3", "awslambdaric", "h.f"}, {}, nullptr, false},
      {{"python3", "-X", "importtime", "-m", "awslambdaric", "h.f"}, {}, nullptr, false},
      {{"python3", "-c", "-m", "awslambdaric", "h.f"}, {}, nullptr, false},
      {{"python3", "-", "-m", "awslambdaric", "h.f"}, {}, nullptr, false},
      {{"python3", "x", "-m", "awslambdaric", "h.f"}, {}, nullptr, false},
      {{"python3", "-mawslambdaric", "h.f"}, {}, nullptr, false},
      {{"node", "-m", "awslambdaric", "h.f"}, {}, nullptr, false},
      {{"python2", "-m", "awslambdaric", "h.f"}, {}, nullptr, false},
  };
  for (const ClientCase& c : cases) {
    std::string shown;
    for (const char* word : c.words) shown += std::string(word) + " ";
    INFO(shown);
    PythonClient client = client_of(c.words);
    CHECK((client.flags != nullptr) == c.recognised);
    if (!c.recognised) continue;
    CHECK(client.flag_count == c.flags.size());
    for (size_t i = 0; i < c.flags.size() && i < client.flag_count; ++i)
      CHECK(std::string(client.flags[i]) == c.flags[i]);
    CHECK((client.handler == nullptr) == (c.handler == nullptr));
    if (c.handler != nullptr && client.handler != nullptr) CHECK(std::string(client.handler) == c.handler);
  }
}

namespace {
struct NodeCase {
  std::vector<const char*> words;
  const char* script;   // expected; null where the command is not recognised
  const char* handler;  // expected
};
}  // namespace

TEST_CASE("the Node client's command is told as node [--OPTION...] .../aws-lambda-ric... [HANDLER]", "[node]") {
  const std::vector<NodeCase> cases = {
      {{"node", "node_modules/.bin/aws-lambda-ric", "index.handler"},
       "node_modules/.bin/aws-lambda-ric",
       "index.handler"},
      {{"/usr/local/bin/node", "/var/task/node_modules/aws-lambda-ric/bin/index.mjs", "a.b", "more"},
       "/var/task/node_modules/aws-lambda-ric/bin/index.mjs",
       "a.b"},
      {{"nodejs", "aws-lambda-ric"}, "aws-lambda-ric", nullptr},
      {{"node", "aws-lambda-ric/", ""}, "aws-lambda-ric/", ""},
      {{"node", "/aws-lambda-ric/index.mjs"}, "/aws-lambda-ric/index.mjs", nullptr},
      {{"node", "--enable-source-maps", "--max-old-space-size=256", "x/aws-lambda-ric", "h.f"},
       "x/aws-lambda-ric",
       "h.f"},
      {{"node", "--title=ric", "--conditions=lambda", "aws-lambda-ric", "h.f"}, "aws-lambda-ric", "h.f"},
      {{"node", "--a", "aws-lambda-ric", "h.f"}, "aws-lambda-ric", "h.f"},  // the shortest option word
      // Not the client's script, or not run as node's main script.
      {{"node", "aws-lambda-ricx", "h.f"}, nullptr, nullptr},
      {{"node", "xaws-lambda-ric", "h.f"}, nullptr, nullptr},
      {{"node", "aws-lambda-ri", "h.f"}, nullptr, nullptr},
      {{"node", "my-aws-lambda-ric/index.mjs", "h.f"}, nullptr, nullptr},
      {{"node", "aws-lambda-ric.mjs", "h.f"}, nullptr, nullptr},
      {{"node", "index.mjs", "aws-lambda-ric"}, nullptr, nullptr},
      {{}, nullptr, nullptr},
      {{"node"}, nullptr, nullptr},
      {{"node", "--"}, nullptr, nullptr},
      {{"node", "--inspect"}, nullptr, nullptr},
      {{"node", "--enable-source-maps", "--inspect"}, nullptr, nullptr},
      {{"node", "--", "aws-lambda-ric", "h.f"}, nullptr, nullptr},
      {{"node", "-r", "x", "aws-lambda-ric", "h.f"}, nullptr, nullptr},
      {{"node", "--require=x", "aws-lambda-ric", "h.f"}, nullptr, nullptr},
      {{"node", "--require", "aws-lambda-ric", "h.f"}, nullptr, nullptr},
      {{"node", "--import=x", "aws-lambda-ric"}, nullptr, nullptr},
      {{"node", "--loader=x", "aws-lambda-ric"}, nullptr, nullptr},
      {{"node", "--experimental-loader=x", "aws-lambda-ric"}, nullptr, nullptr},
      {{"node", "--eval=1", "aws-lambda-ric"}, nullptr, nullptr},
      {{"node", "--print", "aws-lambda-ric"}, nullptr, nullptr},
      {{"node", "--check", "aws-lambda-ric"}, nullptr, nullptr},
      {{"node", "--test", "aws-lambda-ric"}, nullptr, nullptr},
      {{"node", "--interactive", "aws-lambda-ric"}, nullptr, nullptr},
      {{"node", "--title", "aws-lambda-ric", "x/aws-lambda-ric"}, nullptr, nullptr},
      {{"node", "--input-type", "module", "aws-lambda-ric"}, nullptr, nullptr},
      {{"node", "--env-file", "aws-lambda-ric", "aws-lambda-ric"}, nullptr, nullptr},
      {{"node", "--conditions", "aws-lambda-ric", "aws-lambda-ric"}, nullptr, nullptr},
      {{"node", "--inspect-port", "9", "aws-lambda-ric"}, nullptr, nullptr},
      {{"node", "--disable-warning", "X", "aws-lambda-ric"}, nullptr, nullptr},
      {{"node", "--redirect-warnings", "f", "aws-lambda-ric"}, nullptr, nullptr},
      {{"node", "--stack-trace-limit", "9", "aws-lambda-ric"}, nullptr, nullptr},
      {{"nodes", "aws-lambda-ric", "h.f"}, nullptr, nullptr},
      {{"nod", "aws-lambda-ric", "h.f"}, nullptr, nullptr},
      {{"bun", "aws-lambda-ric", "h.f"}, nullptr, nullptr},
      {{"node/x", "aws-lambda-ric", "h.f"}, nullptr, nullptr},
      {{"npx", "aws-lambda-ric", "h.f"}, nullptr, nullptr},
  };
  for (const NodeCase& c : cases) {
    std::string shown;
    for (const char* word : c.words) shown += std::string(word) + " ";
    INFO(shown);
    // As argv is: ended by a null pointer.
    std::vector<const char*> words = c.words;
    words.push_back(nullptr);
    NodeClient client = node_client(const_cast<char* const*>(words.data()), c.words.size());
    CHECK((client.script == nullptr) == (c.script == nullptr));
    if (c.script != nullptr && client.script != nullptr) CHECK(std::string(client.script) == c.script);
    CHECK((client.handler == nullptr) == (c.handler == nullptr));
    if (c.handler != nullptr && client.handler != nullptr) CHECK(std::string(client.handler) == c.handler);
  }
}

TEST_CASE("an interpreter's answer is its letter and the lines after it; anything else is no answer", "[python]") {
  const string_view python = python_answers.all, node = node_answers.all;
  Answer found = read_answer("o\n/var/task/app.py\n", python);
  CHECK(found.kind == 'o');
  CHECK(found.lines == "/var/task/app.py");
  Answer unended = read_answer("o\n/var/task/app.py", python);
  CHECK(unended.lines == "/var/task/app.py");
  Answer missing = read_answer("n\napp\n/var/task, /usr/lib/python3.11\n", python);
  CHECK(missing.kind == 'n');
  CHECK(missing.lines == "app\n/var/task, /usr/lib/python3.11");
  Answer one_newline_kept = read_answer("s\n/a.py\ninvalid syntax\n\n", python);
  CHECK(one_newline_kept.lines == "/a.py\ninvalid syntax\n");
  Answer none = read_answer("c\n", python);
  CHECK(none.kind == 'c');
  CHECK(none.lines.empty());
  Answer empty_line = read_answer("c\n\n", python);
  CHECK(empty_line.kind == 'c');
  CHECK(empty_line.lines.empty());
  for (char kind : std::string(python)) CHECK(read_answer(std::string(1, kind) + "\nx\n", python).kind == kind);
  for (char kind : std::string(node)) CHECK(read_answer(std::string(1, kind) + "\nx\n", node).kind == kind);
  for (const char* answer : {"", "o", "ox\n", "x\n/a\n", "Traceback (most recent call last):\n", "\n\n", "O\n/a\n"}) {
    INFO(answer);
    CHECK(read_answer(answer, python).kind == '\0');
    CHECK(read_answer(answer, python).lines.empty());
  }
  // A letter alone, where the bytes read end, is no answer, whatever lies
  // past them (here the newline the answer lacks).
  const std::string letter_and_beyond = "o\n";
  CHECK(read_answer(string_view(letter_and_beyond.data(), 1), python).kind == '\0');
  CHECK(read_answer("x\n", python).kind == '\0');
  CHECK(read_answer("x\n", node).kind == 'x');
  CHECK(read_answer("s\n", node).kind == '\0');
  CHECK(read_answer("y\n", bytecode_answers.all).kind == 'y');
  CHECK(read_answer("o\n", bytecode_answers.all).kind == '\0');
}

TEST_CASE("each answer's letter gives the exit code of the fault it names, and no answer none", "[python][node]") {
  struct Case {
    const AnswerLetters& letters;
    char kind;
    int code;
  };
  // The letters the questions write (python_client.hpp, node_client.hpp), by what they say.
  const Case cases[] = {
      {python_answers, 'a', 0},                                                       // ok: no handler to judge
      {python_answers, 'o', 0},                                                       // ok: the module found
      {python_answers, 'c', 127},                                                     // the client not found
      {python_answers, 'n', 127},                                                     // the module not found
      {python_answers, 'm', 142},                                                     // a malformed handler
      {python_answers, 'b', 142},                                                     // a built-in module's name
      {python_answers, 'u', 126},                                                     // unreadable
      {python_answers, 's', 126},                                                     // the module cannot be compiled
      {node_answers, 'a', 0},     {node_answers, 'o', 0},    {node_answers, 'x', 0},  // not the client's script
      {node_answers, 'c', 127},   {node_answers, 'n', 127},  {node_answers, 'm', 142},
      {node_answers, 'b', 142},   {node_answers, 'e', 142},  // 4.x without its variables
      {node_answers, 'u', 126},   {node_answers, 'f', 126},  // node cannot resolve it
      {bytecode_answers, 'y', 0}, {python_answers, '\0', 0}, {node_answers, '\0', 0},
  };
  for (const Case& c : cases) {
    INFO(c.letters.all << " " << c.kind);
    CHECK(exit_code_of(c.kind, c.letters) == c.code);
  }
  // Every letter a question may answer is in the table above.
  for (const AnswerLetters* letters : {&python_answers, &node_answers, &bytecode_answers})
    for (char kind : letters->all) {
      INFO(letters->all << " " << kind);
      CHECK(std::count_if(std::begin(cases), std::end(cases),
                          [&](const Case& c) { return &c.letters == letters && c.kind == kind; }) == 1);
    }
}
