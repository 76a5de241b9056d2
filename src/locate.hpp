// Finding what is to run, as execvp would, without running it: a program in
// PATH, and the emulator among its candidate places. System calls: stat()
// and access() only.
#pragma once

#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string_view>

#include "command.hpp"
#include "errors.hpp"
#include "names.hpp"
#include "plan.hpp"

namespace {

bool is_directory(const char* path) {
  struct stat status;
  return stat(path, &status) == 0 && S_ISDIR(status.st_mode);
}

// Why a path cannot be executed, or 0. A directory is refused here because
// access() lets it through.
int check_runnable(const char* path) {
  if (access(path, X_OK) != 0) return errno;
  return is_directory(path) ? EISDIR : 0;
}

struct Location {
  int error = 0;                  // 0 when path can be executed
  const char* path = nullptr;     // what will run, or what could not
  bool searched_in_vain = false;  // looked up in PATH and found nowhere
};

// Finds a program as execvp would, without executing it: a name with a slash
// is used as it is (checked only if asked: execve checks what it executes);
// any other is looked up in each PATH entry in turn (an empty entry means the
// current directory, as POSIX says). The first executable file wins; failing
// that, the first one found that cannot run is reported, so that "Permission
// denied" is not hidden behind "not found".
Location locate(const char* name, const char* search_path, char (&found)[PATH_MAX], bool check_path) {
  if (*name == '\0') return {ENOENT, name, false};
  if (std::strchr(name, '/') != nullptr) return {check_path ? check_runnable(name) : 0, name, false};
  size_t name_length = std::strlen(name);
  if (name_length > NAME_MAX) return {ENAMETOOLONG, name, false};

  Location location{ENOENT, name, true};
  char candidate[PATH_MAX];
  for (const char* entry = search_path;; ++entry) {
    const char* end = std::strchr(entry, ':');
    if (end == nullptr) end = entry + std::strlen(entry);
    string_view directory(entry, static_cast<size_t>(end - entry));
    if (directory.empty()) directory = ".";
    if (directory.size() + 1 + name_length < sizeof candidate) {
      std::memcpy(candidate, directory.data(), directory.size());
      candidate[directory.size()] = '/';
      std::memcpy(candidate + directory.size() + 1, name, name_length + 1);
      int error = check_runnable(candidate);
      bool first_found = error != ENOENT && error != ENOTDIR && location.searched_in_vain;
      if (error == 0 || first_found) {
        std::memcpy(found, candidate, sizeof candidate);
        location = {error, found, false};
        if (error == 0) return location;
      }
    }
    if (*end == '\0') return location;
    entry = end;
  }
}

// The first emulator candidate that can run; failing that, the first found
// that cannot, so that "Permission denied" is not hidden behind "not found".
// candidates receives where it was looked for; name, the candidate as it was
// written, for the emulator's argv[0].
Location locate_emulator(const Plan& plan, EmulatorCandidates& candidates, const char*& name) {
  static char suffixed[PATH_MAX];
  static char found[emulator_candidate_count][PATH_MAX];
  emulator_candidates(plan.emulator, suffixed, candidates);
  Location first_found{ENOENT, nullptr, false};
  for (size_t i = 0; i < emulator_candidate_count; ++i) {
    Location at = locate(candidates[i], plan.search_path, found[i], true);
    if (at.error == 0) {
      name = candidates[i];
      return at;
    }
    if (first_found.path == nullptr && !at.searched_in_vain && exit_code_for(at.error) != exit_not_found)
      first_found = at;
  }
  return first_found;
}

}  // namespace
