// The libraries a dynamic program needs, judged by its own loader: started
// as Lambda's user (uid 993, gid 990) in the mode where it lists what it
// would load, binds the symbols, and then exits, without running the program
// or any code of its libraries but their IFUNC resolvers. Under --check
// only. What the listing means is listing.hpp's; the loader is started by
// ask.hpp's ask(); the system calls here are stat(), with realpath(),
// memory.hpp's allocate() and diagnose.hpp's read_head().
#pragma once

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string_view>

#include "ask.hpp"
#include "command.hpp"
#include "diagnose.hpp"
#include "inspect.hpp"
#include "listing.hpp"
#include "memory.hpp"
#include "names.hpp"
#include "output.hpp"
#include "text.hpp"

namespace {

// What program's loader lists, stdout and stderr together, into buffer
// (what does not fit is read and dropped); false when it could not be asked.
// It runs as Lambda's user when this process may switch to it and that
// user may read the program (as_lambda_user says which), with this
// environment; the program is given by its real path, as the kernel gives
// it to the loader (its $ORIGIN).
bool list_libraries(const char* program, const char* interpreter, Loader loader, char (&buffer)[4096],
                    string_view& listing, bool& as_lambda_user) {
  static char real[PATH_MAX];
  if (realpath(program, real) == nullptr) return false;
  size_t count = env_size(environ);
  char** env = static_cast<char**>(allocate((count + 4) * sizeof(char*)));
  if (env == nullptr) exit_out_of_memory();
  std::memcpy(env, environ, count * sizeof(char*));
  env[count] = const_cast<char*>("LD_TRACE_LOADED_OBJECTS=1");
  // glibc's switch for its warnings in this mode (ldd -d sets it); 2.36
  // reports a missing version without it too, but older ones may not.
  env[count + 1] = const_cast<char*>("LD_WARN=yes");
  // Every symbol bound now, as ldd -r does, so that one the libraries lack
  // is reported, though the program binds it lazily. This runs the
  // libraries' IFUNC resolvers (glibc's own pick its string functions), as
  // any start of the program does, and no other code of theirs; it costs
  // no time one can measure (docs/check.md).
  env[count + 2] = const_cast<char*>("LD_BIND_NOW=1");
  env[count + 3] = nullptr;
  // musl's loader lists when it is called as ldd.
  const char* argv[] = {loader == Loader::musl ? "ldd" : interpreter, real, nullptr};
  struct stat status;
  // A program others may run but not read cannot be handed to its loader by Lambda's user.
  as_lambda_user = stat(real, &status) == 0 && (status.st_mode & S_IROTH) != 0;
  int wait_status;
  if (!ask(interpreter, argv, loader == Loader::musl ? environ : env, as_lambda_user, true, buffer, listing,
           wait_status))
    return false;
  // glibc's loader, listing, may crash once it has said it lacks libc.so.6: its words count.
  return (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0) || first_fault(listing).code != 0;
}

// Whether a library the loader lists is for another CPU, by its first bytes.
[[gnu::noinline]] bool is_foreign_library(string_view path) {
  char library[PATH_MAX], buffer[head_size];
  string_view bytes;
  return c_path(path, library) && read_head(library, buffer, bytes) && built_for_other_cpu(bytes, this_machine);
}

constexpr const char* foreign_library = "it is built for another CPU: copy in its " LAMBDA_ENTRYPOINT_CPU " build";

// Why Lambda's user cannot open the library at path: its mode, then its
// directory's; nullptr where nothing is seen.
const char* closed_to_lambda(string_view path) {
  struct stat status;
  char library[PATH_MAX], folder[PATH_MAX];
  if (!c_path(path, library) || stat(library, &status) != 0) return nullptr;
  if ((status.st_mode & S_IROTH) == 0)
    return "Lambda's user cannot read it: RUN chmod o+r on it, or COPY it with --chmod=644";
  string_view name = base_name(path);
  if (!join(folder, first(path, path.size() - name.size()), ".") || stat(folder, &status) != 0 ||
      (status.st_mode & S_IXOTH) == 0)
    return "Lambda's user cannot search its directory: RUN chmod o+x on that directory";
  return nullptr;
}

// A library its loader did not find, which lies all the same in a
// directory the loader searches (LD_LIBRARY_PATH's, then the system's,
// where glibc's loader looks without a cache): its path in found, and why
// it does not serve Lambda's user (glibc's loader says "not found" for
// each); nullptr where no such file is there.
const char* unusable_library(string_view name, char (&found)[PATH_MAX]) {
  auto why_not = [&](string_view directory) -> const char* {
    struct stat status;
    if (directory.empty() || !join(found, directory, name) || stat(found, &status) != 0 || !S_ISREG(status.st_mode))
      return nullptr;
    return is_foreign_library(found) ? foreign_library : closed_to_lambda(found);
  };
  const char* library_path = getenv("LD_LIBRARY_PATH");
  for (string_view entries = library_path != nullptr ? library_path : "";;) {
    string_view entry = first(entries, entries.find(':'));
    if (const char* why = why_not(entry)) return why;
    if (entry.size() == entries.size()) break;
    entries.remove_prefix(entry.size() + 1);
  }
  for (string_view directory :
       {"/lib/" LAMBDA_ENTRYPOINT_CPU "-linux-gnu", "/usr/lib/" LAMBDA_ENTRYPOINT_CPU "-linux-gnu", "/lib", "/usr/lib",
        "/lib64", "/usr/lib64"})
    if (const char* why = why_not(directory)) return why;
  return nullptr;
}

// The libraries of a dynamic program whose interpreter is there, as its
// loader finds them: a line on stderr and the exit code for the first
// fault it reports; 0, with listed set when the loader was asked and
// answered.
int check_libraries(const char* program, const char* interpreter, const char* hint, bool& listed) {
  Loader loader = loader_of(interpreter);
  char buffer[4096];
  string_view listing;
  bool as_lambda_user = false;
  listed = loader != Loader::unknown && list_libraries(program, interpreter, loader, buffer, listing, as_lambda_user);
  ListingFault fault = listed ? first_fault(listing) : ListingFault{};
  // musl's loader maps a library for another CPU without a word where it
  // has no relocations to make (and the program then crashes), and fails
  // on its relocations where it has some: each library it lists is judged
  // by its first bytes, and named so. Listed for root (Lambda's user cannot
  // read the program), each is judged first by whether that user may open
  // it, as its loader must before it maps anything.
  string_view library;
  const char* why = nullptr;
  if (fault.kind != FaultKind::library)
    for_each_loaded(listing, [&](string_view path) {
      if (why == nullptr && !as_lambda_user) why = closed_to_lambda(path);
      if (why == nullptr && is_foreign_library(path)) why = foreign_library;
      if (why != nullptr && library.empty()) library = path;
    });
  if (fault.code == 0 && why == nullptr) return 0;
  Output err(STDERR_FILENO);
  err.about(program);
  if (why != nullptr) {
    err << "its library ";
    err.quoted(library) << ", as its loader finds it, cannot serve: " << why;
    if (why != foreign_library) fault.code = exit_not_found;  // its loader passes it over
    if (fault.code == 0) fault.code = exit_cannot_run;
  } else {
    err << "its loader, asked to list its libraries, says ";
    err.quoted(fault.line);
    char there[PATH_MAX];
    why = fault.kind == FaultKind::library ? unusable_library(missing_library(fault.line), there) : nullptr;
    if (why != nullptr) {
      err << ": it is there, as ";
      err.quoted(there) << ", but " << why;
    } else {
      err << (fault.kind == FaultKind::library
                  ? ": copy that library into the image, beside its others or into a directory of LD_LIBRARY_PATH"
              : fault.kind == FaultKind::version
                  ? ": it was built against newer libraries than the image holds; build it against the image's, or "
                    "copy the newer ones in"
                  : ": a library it loads lacks what it binds (another build of it, or one without symbol versions); "
                    "copy in the build it was linked against");
    }
  }
  if (hint != nullptr) err << "; " << hint;
  err << "\n";
  return fault.code;
}

}  // namespace
