// The real loaders as the oracle of --check's word on libraries: seeded
// random images, each a root with glibc's or musl's loader, a program that
// needs a library (tests/loader_fixture.c, built for each CPU), and that
// library somewhere or nowhere: in a directory the loader searches or not,
// named by LD_LIBRARY_PATH, the program's DT_RUNPATH or DT_RPATH
// ($ORIGIN/lib) or musl's /etc/ld-musl-ARCH.path, built for the other CPU,
// unreadable by Lambda's user, in a directory that user cannot search,
// lacking the symbol version the program needs or any symbol versions, or
// lacking a symbol it binds (lazily or at once), or with relocations for the
// other CPU; and the program a script's '#!/usr/bin/env NAME' line names,
// in PATH or not, or the program's loader alone; and the loader itself
// executable by that user or not. --check runs as root, as in
// a RUN line; then the program itself is started as Lambda's user (uid 993,
// gid 990, read-only root): both must fail, with the same exit class, or
// both succeed. ORACLE_SEED=<seed> replays a run, ORACLE_LOADER_CASES=<n>
// sets how many cases.
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <cstdio>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "harness.hpp"

using harness::Outcome;
using harness::Strings;

namespace {

std::string other_cpu(const std::string& cpu) { return cpu == "x86_64" ? "aarch64" : "x86_64"; }

// Where a CPU's glibc loader and C library are on this machine (Debian's
// own, or its cross packages), and where they go in the image.
struct Glibc {
  std::string loader_from, loader_to, libc_from, libc_to;
};

Glibc glibc_for(const std::string& cpu) {
  const bool native = cpu == harness::host_arch();
  const std::string cross = "/usr/" + cpu + "-linux-gnu/lib/";
  if (cpu == "x86_64")
    return {native ? "/lib64/ld-linux-x86-64.so.2" : cross + "ld-linux-x86-64.so.2", "/lib64/ld-linux-x86-64.so.2",
            native ? "/lib/x86_64-linux-gnu/libc.so.6" : cross + "libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6"};
  return {native ? "/lib/ld-linux-aarch64.so.1" : cross + "ld-linux-aarch64.so.1", "/lib/ld-linux-aarch64.so.1",
          native ? "/lib/aarch64-linux-gnu/libc.so.6" : cross + "libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6"};
}

struct Case {
  bool musl = false;
  std::string program;         // a fixture: app, app-runpath, app-rpath, app-musl, app-versioned, app-extra, ...
  mode_t program_mode = 0755;  // 0711: others may run it but not read it, so its loader cannot list it as them
  std::string place;           // the library's directory; empty: nowhere
  bool other_cpu = false;      // the library is built for the other CPU
  mode_t mode = 0644;          // the library's
  mode_t place_mode = 0755;    // its directory's
  std::string library_path;    // LD_LIBRARY_PATH; empty: unset
  // The library's build: for libf.so.1 "" (fixture_value alone), "extra/"
  // (fixture_extra too) or "reloc/" (with a relocation); for libv.so.1,
  // "v2/" (what app-versioned needs), "v1/" (V1 alone) or "noversion/".
  std::string build;
  std::string musl_path;        // /etc/ld-musl-ARCH.path; "-": none
  mode_t loader_mode = 0755;    // the ELF interpreter's
  bool libc_closed = false;     // libc.so.6's directory 0700, which only root may search
  bool proc = true;             // /proc mounted where --check runs (false: a bare chroot)
  bool no_environment = false;  // --check and the start get no variable at all
  // A script /var/task/script started instead, whose line is '#!/usr/bin/env
  // ENV_LINE', with coreutils' env or busybox's there and PATH=/var/task
  // (where the program is); empty: the program is started itself.
  std::string env_line;
  bool busybox_env = false;
  // A script /var/task/script started instead, whose '#!' line names the
  // program's loader, then LOADER_LINE (empty: the loader alone).
  bool loader_script = false;
  std::string loader_line;

  std::string describe() const {
    return std::string(musl ? "musl" : "glibc") + " " + program + " mode " + harness::octal(program_mode) +
           ", library in " + (place.empty() ? "nowhere" : place) + (other_cpu ? " (other CPU)" : "") + " build '" +
           build + "' mode " + harness::octal(mode) + ", directory " + harness::octal(place_mode) +
           ", LD_LIBRARY_PATH=" + library_path + (musl ? ", ld-musl path " + musl_path : "") + ", loader " +
           harness::octal(loader_mode) + (libc_closed ? ", libc's directory 0700" : "") +
           (proc ? "" : ", --check without /proc") + (no_environment ? ", no environment" : "") +
           (env_line.empty()
                ? ""
                : ", started by '#!/usr/bin/env " + env_line + "' (" + (busybox_env ? "busybox" : "coreutils") + ")") +
           (loader_script ? ", started by a '#!' line naming its loader, then '" + loader_line + "'" : "");
  }
};

Case generate(harness::Random& random, const std::string& cpu) {
  Case c;
  c.musl = random.one_in(3);
  const std::string multiarch = "/lib/" + cpu + "-linux-gnu";
  if (c.musl) {
    c.program = random.pick<std::string>({"app-musl", "app-musl", "app-musl-extra"});
    c.place = random.pick<std::string>(
        {"", "/lib", "/usr/lib", "/usr/local/lib", "/opt/lib", "/var/task/lib", multiarch, "/lib64"});
    c.musl_path = random.pick<std::string>({"-", "-", "/opt/lib\n", "/var/task/lib:/opt/lib", ""});
  } else {
    c.program = random.pick<std::string>(
        {"app", "app-runpath", "app-rpath", "app-versioned", "app-versioned", "app-extra", "app-extra-now"});
    c.place = random.pick<std::string>({"", multiarch, "/usr" + multiarch, "/lib", "/usr/lib", "/usr/local/lib",
                                        "/opt/lib", "/var/task/lib", "/lib64"});
  }
  c.build = c.program == "app-versioned" ? random.pick<std::string>({"v2/", "v1/", "noversion/"})
                                         : random.pick<std::string>({"", "extra/", "reloc/"});
  // musl maps a library for another CPU and jumps into it: a real machine
  // crashes, qemu-user (the kernel's way to start this CPU's programs here,
  // when it is not this machine's) may hang. Only a real machine is asked.
  c.other_cpu = random.one_in(6) && (!c.musl || cpu == harness::host_arch());
  c.mode = random.one_in(6) ? 0600 : 0644;
  c.place_mode = random.one_in(4) ? 0700 : 0755;
  c.loader_mode = random.one_in(8) ? 0700 : 0755;
  // qemu-user (another CPU's start here) reads the program as the user it
  // runs as: only a real machine starts one that user cannot read.
  c.program_mode = cpu == harness::host_arch() && random.one_in(8) ? 0711 : 0755;
  c.library_path = random.pick<std::string>({"", "", "/opt/lib", "/nowhere:/opt/lib", "/var/task/lib"});
  c.proc = !random.one_in(5);
  // env, this machine's, for a glibc program (coreutils' needs glibc).
  if (!c.musl && cpu == harness::host_arch() && random.one_in(4)) {
    c.env_line = random.pick<std::string>(
        {c.program, c.program, "nosuch", "-S " + c.program, "-S A=1 " + c.program + " -x", c.program + " -u"});
    c.busybox_env = random.one_in(2);
  } else if (random.one_in(8)) {
    c.loader_script = true;
    c.loader_line = random.pick<std::string>({"", " "});
  }
  return c;
}

// Cases every run holds before its random ones, one for each way a library
// fails and its sound twin, so that no rule rests on the draw.
std::vector<Case> pinned(const std::string& cpu) {
  const bool native = cpu == harness::host_arch();
  std::vector<Case> cases;
  auto add = [&](Case c) { cases.push_back(c); };
  Case glibc;
  glibc.program = "app";
  glibc.place = "/usr/lib";
  Case musl = glibc;
  musl.musl = true;
  musl.program = "app-musl";
  musl.musl_path = "-";
  for (const Case& base : {glibc, musl}) {
    add(base);  // sound
    Case c = base;
    c.place = "";  // missing
    add(c);
    c = base;
    c.mode = 0600;  // unreadable by Lambda's user
    add(c);
    c = base;
    c.place = "/opt/lib";  // found through LD_LIBRARY_PATH only
    add(c);
    c.library_path = "/opt/lib";
    add(c);
    c = base;
    c.loader_mode = 0700;  // a loader Lambda's user cannot execute
    add(c);
    // A program others may run but not read starts for Lambda's user (on a
    // real machine: see generate()); its loader lists it for root.
    c = base;
    c.program_mode = 0711;
    if (native) {
      add(c);
      c.place = "";
      add(c);
      c.place = base.place;
      c.mode = 0600;  // which root's loader reads
      add(c);
      c.mode = base.mode;
      c.place_mode = 0700;
      add(c);
      // For the other CPU as well: that user's loader cannot open it, which
      // comes first (127).
      c.other_cpu = true;
      add(c);
      // A library that is nowhere is the fault, not the C library root's
      // loader lists beside it, which Lambda's user cannot open either.
      if (!base.musl) {
        c = base;
        c.program_mode = 0711;
        c.place = "";
        c.libc_closed = true;
        add(c);
      }
    }
    c = base;
    c.other_cpu = true;  // for the other CPU (see generate() for musl)
    if (!base.musl || native) add(c);
    // Without /proc (a bare chroot) the libraries are judged all the same.
    c = base;
    c.proc = false;
    add(c);
    c.place = "";
    add(c);
    c = base;
    c.place = "/opt/lib";
    c.library_path = "/opt/lib";
    c.proc = false;
    add(c);
    // With no variable at all, the loader is still asked to list (its own
    // variables are the whole environment it gets), not to run the program.
    for (const char* place : {"", "/usr/lib"}) {
      c = base;
      c.place = place;
      c.no_environment = true;
      add(c);
    }
  }
  Case versioned = glibc;
  versioned.program = "app-versioned";
  for (const char* build : {"v2/", "v1/", "noversion/"}) {
    versioned.build = build;
    add(versioned);
  }
  // A symbol the library lacks, bound lazily or at once, and its sound twin;
  // musl's word for it.
  for (const char* program : {"app-extra", "app-extra-now", "app-musl-extra"}) {
    Case extra = std::string(program) == "app-musl-extra" ? musl : glibc;
    extra.program = program;
    extra.build = "extra/";
    add(extra);
    extra.build = "";
    add(extra);
  }
  // A library with a relocation: for this CPU it loads; musl's loader fails
  // on one for the other CPU (see generate() for where it is asked).
  for (const Case& base : {glibc, musl}) {
    Case relocated = base;
    relocated.build = "reloc/";
    add(relocated);
    relocated.other_cpu = true;
    if (!base.musl || native) add(relocated);
  }
  // A sound library where Debian's glibc does not look (/lib64): not found,
  // and nothing wrong with it to name.
  Case unsearched = glibc;
  unsearched.place = "/lib64";
  add(unsearched);
  Case runpath = glibc;
  runpath.program = "app-runpath";
  runpath.place = "/var/task/lib";
  add(runpath);
  // '#!/usr/bin/env NAME': env looks NAME up in PATH, after the kernel has
  // started env without complaint (this machine's env: its CPU only).
  if (native) {
    for (bool busybox : {false, true}) {
      // Not a line of assignments alone: env then runs the script itself again, for ever.
      for (const char* line : {"app", "nosuch", "-S app", "-S A=1 app -x", "app -u"}) {
        Case script = glibc;
        script.env_line = line;
        script.busybox_env = busybox;
        add(script);
      }
    }
    // The program env runs lacks its library: named, as the program env runs.
    Case script = glibc;
    script.env_line = "app";
    script.place = "";
    add(script);
  }
  // '#!' naming the program's loader: alone, it takes the script as the
  // program to load and refuses it (glibc's 127, musl's 1); with a sound
  // program after it, it loads that program (which --check does not judge:
  // see docs/check.md), and the start succeeds.
  for (const Case& base : {glibc, musl}) {
    for (const std::string& line : std::vector<std::string>{"", " ", "/var/task/" + base.program}) {
      Case script = base;
      script.loader_script = true;
      script.loader_line = line;
      add(script);
    }
  }
  Case libc_hidden = glibc;
  libc_hidden.place = "/lib/" + cpu + "-linux-gnu";  // libc.so.6's directory, closed: glibc's listing crashes
  libc_hidden.place_mode = 0700;
  add(libc_hidden);
  return cases;
}

// The image a case describes.
void build(const Case& c, const std::string& cpu, const std::string& root) {
  const std::string fixtures = std::string(LOADER_FIXTURES) + "/" + cpu;
  for (const char* dir : {"/var/task", "/out", "/etc", "/lib", "/opt"}) harness::make_dirs(root + dir);
  harness::copy_file(harness::entrypoint(), root + "/lambda-entrypoint", 0755);
  if (std::string qemu = harness::cpu_emulator(harness::entrypoint()); !qemu.empty()) {
    harness::make_dirs(root + qemu.substr(0, qemu.rfind('/')));
    harness::copy_file(qemu, root + qemu, 0755);
  }
  if (c.musl) {
    harness::copy_file("/usr/lib/" + cpu + "-linux-musl/libc.so", root + "/lib/ld-musl-" + cpu + ".so.1",
                       c.loader_mode);
    if (c.musl_path != "-") harness::write_file(root + "/etc/ld-musl-" + cpu + ".path", c.musl_path, 0644);
  } else {
    Glibc glibc = glibc_for(cpu);
    harness::make_dirs(root + glibc.loader_to.substr(0, glibc.loader_to.rfind('/')));
    harness::make_dirs(root + glibc.libc_to.substr(0, glibc.libc_to.rfind('/')));
    harness::copy_file(glibc.loader_from, root + glibc.loader_to, c.loader_mode);
    harness::copy_file(glibc.libc_from, root + glibc.libc_to, 0644);
    if (c.libc_closed) REQUIRE(chmod((root + glibc.libc_to.substr(0, glibc.libc_to.rfind('/'))).c_str(), 0700) == 0);
  }
  harness::copy_file(fixtures + "/" + c.program, root + "/var/task/" + c.program, c.program_mode);
  if (!c.env_line.empty()) {
    harness::make_dirs(root + "/usr/bin");
    // busybox's commands are links to it, as its images make them.
    if (c.busybox_env) {
      harness::make_dirs(root + "/bin");
      harness::copy_file("/bin/busybox", root + "/bin/busybox", 0755);
      REQUIRE(symlink("/bin/busybox", (root + "/usr/bin/env").c_str()) == 0);
    } else {
      harness::copy_file("/usr/bin/env", root + "/usr/bin/env", 0755);
    }
    harness::write_file(root + "/var/task/script", "#!/usr/bin/env " + c.env_line + "\n", 0755);
  }
  if (c.loader_script)
    harness::write_file(
        root + "/var/task/script",
        "#!" + (c.musl ? "/lib/ld-musl-" + cpu + ".so.1" : glibc_for(cpu).loader_to) + " " + c.loader_line + "\n",
        0755);
  if (c.place.empty()) return;
  const bool versioned = c.program == "app-versioned";
  const std::string library = versioned ? "libv.so.1" : "libf.so.1";
  const std::string built =
      (c.other_cpu ? std::string(LOADER_FIXTURES) + "/" + other_cpu(cpu) : fixtures) + "/" + c.build + library;
  harness::make_dirs(root + c.place);
  harness::copy_file(built, root + c.place + "/" + library, c.mode);
  REQUIRE(chmod((root + c.place).c_str(), c.place_mode) == 0);
}

Outcome run(const std::string& root, const harness::TempDir& records, bool as_lambda_user, Strings argv, Strings env,
            bool proc = true) {
  harness::Sandbox sandbox{root, records.path(), as_lambda_user, as_lambda_user ? 993u : 0u, as_lambda_user ? 990u : 0u,
                           proc};
  harness::Launch launch;
  launch.program = argv.front();
  launch.argv = std::move(argv);
  launch.env = std::move(env);
  launch.cwd = "/var/task";
  launch.sandbox = &sandbox;
  return harness::launch(launch);
}

// Whether a line of err about a file other than the library names the
// library (a lack the file has), as against the walk's lines about the
// library itself ("lambda-entrypoint: /opt/lib/libf.so.1: ...").
bool names_library_of_another(const std::string& err, const std::string& library) {
  std::istringstream lines(err);
  for (std::string line; std::getline(lines, line);) {
    const std::string subject = line.substr(0, line.find(": ", std::string("lambda-entrypoint: ").size()));
    const bool about_library = subject.size() >= library.size() &&
                               subject.compare(subject.size() - library.size(), library.size(), library) == 0;
    if (!about_library && line.find(library) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE(
    "a program's own loader, run as Lambda's user, has the word on its libraries under --check, over generated images",
    "[scratch][loader]") {
  const std::string cpu = harness::entrypoint_arch();
  if (!harness::kernel_runs(cpu))
    SKIP("the kernel here does not start " + cpu + " programs (no binfmt_misc entry for qemu)");
  std::uint64_t seed = harness::number_setting("ORACLE_SEED", std::random_device{}());
  std::uint64_t cases = harness::number_setting("ORACLE_LOADER_CASES", 150);
  const std::vector<Case> fixed = pinned(cpu);
  std::printf("oracle: loaders: seed %llu, %zu pinned and %llu random cases (ORACLE_SEED=%llu replays this run)\n",
              static_cast<unsigned long long>(seed), fixed.size(), static_cast<unsigned long long>(cases),
              static_cast<unsigned long long>(seed));
  harness::Random random(seed);
  int passed = 0, not_found = 0, cannot_run = 0;
  for (std::uint64_t i = 0; i < fixed.size() + cases; ++i) {
    Case c = i < fixed.size() ? fixed[i] : generate(random, cpu);
    harness::TempDir root;
    harness::TempDir records;
    REQUIRE(chmod(records.path().c_str(), 0777) == 0);
    build(c, cpu, root.path());
    Strings env;
    if (!c.no_environment) env.push_back("AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001");
    if (!c.library_path.empty()) env.push_back("LD_LIBRARY_PATH=" + c.library_path);
    if (!c.env_line.empty()) env.push_back("PATH=/var/task");
    const bool script = !c.env_line.empty() || c.loader_script;
    const std::string program = "/var/task/" + (script ? "script" : c.program);
    Outcome checked = run(root.path(), records, false, {"/lambda-entrypoint", "--check", program}, env, c.proc);
    // musl's execvp (the binary's own libc) exits 127 or 126 where execve fails.
    const std::string built = harness::entrypoint();
    harness::copy_file(built.substr(0, built.rfind('/')) + "/execvp-probe", root / "execvp-probe", 0755);
    Outcome started = run(root.path(), records, true, {"/execvp-probe", program}, env);
    INFO("case " << i << ": " << c.describe() << "\n--check: " << checked.status << "\n"
                 << checked.out << checked.err << "started as uid 993: " << started.status << "\n"
                 << started.out << started.err);
    // The kernel's and loaders' own exit codes: 126 or 127 where execve
    // fails, 127 for a library the loader cannot load or a symbol it
    // cannot bind (an abort, where glibc binds to a library without
    // versions, is a signal), 1 (glibc) for a version it lacks, a signal
    // where musl maps a library for another CPU and the program crashes;
    // --check gives 126 where the start exits neither 0 nor 127.
    const int expected = started.status == 0 || started.status == 127 ? started.status : 126;
    REQUIRE((started.status <= 1 || started.status == 126 || started.status == 127 || started.status > 128));
    CHECK(checked.status == expected);
    const std::string env_runs = "a script's '#!' line runs env, which looks it up in PATH";
    if (expected != 0) {
      // The line names the program (or the one env looks up) and what it
      // lacks: its interpreter, the library, the version, or the symbol; a
      // symbol with the fix for it.
      // A script's line names env, its own fault or that of the lookup it makes.
      CHECK_THAT(checked.err, Catch::Matchers::ContainsSubstring(
                                  "lambda-entrypoint: " + (c.env_line.empty() ? program + ": " : std::string())));
      const std::string library = c.program == "app-versioned" ? "libv.so.1" : "libf.so.1";
      const bool named = checked.err.find(library) != std::string::npos ||
                         checked.err.find("its ELF interpreter") != std::string::npos ||
                         checked.err.find("fixture_extra") != std::string::npos ||
                         (!c.env_line.empty() && checked.err.find("env") != std::string::npos) ||
                         (c.loader_script && (checked.err.find(", a program's loader, alone: ") != std::string::npos ||
                                              checked.err.find("its '#!' interpreter") != std::string::npos));
      // Where env itself ran and found nothing, the line says env looked.
      if (started.err.find(": No such file or directory") != std::string::npos &&
          started.err.find("env: '") != std::string::npos)
        CHECK_THAT(checked.err, Catch::Matchers::ContainsSubstring(env_runs));
      // A library fault of the program env runs says that env runs it: a
      // line about another file that names the library (the walk's lines
      // about the library itself are not that).
      if (!c.env_line.empty() && names_library_of_another(checked.err, library))
        CHECK_THAT(checked.err, Catch::Matchers::ContainsSubstring("; " + env_runs));
      CHECK(named);
      // A library glibc's loader searches for and says it did not find,
      // which lies there all the same (unreadable by Lambda's user, behind a
      // directory others cannot search, or for the other CPU), is named
      // where it is, with why: its CPU first, then its mode, then its
      // directory's. Where root's loader listed the program (others cannot
      // read it), it found the library of this CPU that Lambda's user cannot
      // open, which is named as the library it loads.
      const std::string multiarch = "/lib/" + cpu + "-linux-gnu";
      const bool searched = c.place == multiarch || c.place == "/usr" + multiarch || c.place == "/lib" ||
                            c.place == "/usr/lib" ||
                            (":" + c.library_path + ":").find(":" + c.place + ":") != std::string::npos;
      const bool unusable = c.mode == 0600 || c.place_mode == 0700 || c.other_cpu;
      if (!c.musl && c.env_line.empty() && !c.place.empty() && searched && unusable && started.status == 127 &&
          started.err.find(library) != std::string::npos)
        CHECK_THAT(checked.err,
                   Catch::Matchers::ContainsSubstring(
                       (c.program_mode == 0711 && !c.other_cpu
                            ? "its library " + c.place + "/" + library + ", as its loader finds it, cannot serve: "
                            : ": it is there, as " + c.place + "/" + library + ", but ") +
                       (c.other_cpu      ? "it is built for another CPU: copy in its " + cpu + " build"
                        : c.mode == 0600 ? std::string("Lambda's user cannot read it")
                                         : std::string("Lambda's user cannot search its directory"))));
      // A library with nothing wrong with it is not said to be wrong.
      if (!unusable) {
        CHECK_THAT(checked.err, !Catch::Matchers::ContainsSubstring(": it is there, as "));
        CHECK_THAT(checked.err, !Catch::Matchers::ContainsSubstring("cannot serve"));
      }
      if (checked.err.find("fixture_extra") != std::string::npos)
        CHECK_THAT(checked.err, Catch::Matchers::ContainsSubstring("lacks what it binds"));
    } else if (c.loader_script) {
      CHECK_THAT(checked.out, Catch::Matchers::ContainsSubstring(program + ": ok, the program, a script for /lib"));
    } else if (c.env_line.empty()) {
      CHECK_THAT(checked.out, Catch::Matchers::ContainsSubstring(
                                  program + ": ok, the program, a dynamically linked " + cpu +
                                  " program (its ELF interpreter and the libraries it lists are there)"));
    } else {
      CHECK_THAT(checked.out,
                 Catch::Matchers::ContainsSubstring(program + ": ok, the program, a script for /usr/bin/env"));
      CHECK_THAT(checked.out, Catch::Matchers::ContainsSubstring(
                                  "/var/task/" + c.program +
                                  ": ok, the program a '#!' line's env runs, a dynamically "
                                  "linked " +
                                  cpu + " program (its ELF interpreter and the libraries it lists are there)"));
    }
    (expected == 0 ? passed : expected == 127 ? not_found : cannot_run) += 1;
  }
  std::printf("oracle: loaders: %d started, %d failing with 127, %d with 126\n", passed, not_found, cannot_run);
  // A run that met only one verdict proved little.
  CHECK(passed > 0);
  CHECK(not_found > 0);
  CHECK(cannot_run > 0);
}
