// Finding what is to run, as execvp would, without running it: a program in
// PATH, and the emulator among its candidate places; as this process, or as
// Lambda's user would. System calls: stat(), lstat(), access() and
// readlink() only.
#pragma once

#include <limits.h>
#include <stdlib.h>
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

// The first directory on the way to path that this process cannot search:
// copied into directory; false when there is none.
bool unsearchable_directory_of(const char* path, char (&directory)[PATH_MAX]) {
  size_t length = std::strlen(path);
  if (length >= sizeof directory) return false;
  std::strcpy(directory, path);
  for (char* slash = std::strchr(directory + 1, '/'); slash != nullptr; slash = std::strchr(slash + 1, '/')) {
    *slash = '\0';
    if (access(directory, X_OK) != 0 && errno == EACCES) return true;
    *slash = '/';
  }
  return false;
}

// The first directory that a user who is neither its owner nor in its group
// cannot search on the way to path, met as the kernel meets it: name by
// name, following each link where it stands, in the middle of the path too
// (Linux follows 40). So a loop or a dangling link behind such a directory
// is that directory for this user, as for the kernel. Copied into
// directory, with its status; false when there is none, or when the walk
// ends for another reason (a missing name, a loop, a name too long), which
// stat() then gives.
bool unsearchable_by_others(const char* path, char (&directory)[PATH_MAX], struct stat& status) {
  char at[PATH_MAX], rest[PATH_MAX], target[PATH_MAX], entry[PATH_MAX];
  std::strcpy(at, *path == '/' ? "" : ".");  // "" stands for the root
  if (std::strlen(path) >= sizeof rest) return false;
  std::strcpy(rest, path);
  const char* next = rest;
  for (int links = 0;;) {
    while (*next == '/') ++next;
    if (*next == '\0') return false;
    const char* end = std::strchr(next, '/');
    if (end == nullptr) end = next + std::strlen(next);
    const char* searched = *at == '\0' ? "/" : at;
    if (stat(searched, &status) != 0 || !S_ISDIR(status.st_mode)) return false;
    if ((status.st_mode & S_IXOTH) == 0) return std::strcpy(directory, searched), true;
    // A name the walk cannot join ends it: the kernel, which needs no whole
    // path, goes on where this cannot.
    if (!join(entry, at, string_view(next, static_cast<size_t>(end - next)))) return false;
    // One that is not there is entered as a directory would be: the stat()
    // of it at the next name ends the walk, or there is no next name.
    struct stat kind;
    if (lstat(entry, &kind) != 0 || !S_ISLNK(kind.st_mode)) {
      std::strcpy(at, entry);
      next = end;
      continue;
    }
    ssize_t length = readlink(entry, target, sizeof target);
    if (++links > 40 || length <= 0 || static_cast<size_t>(length) >= sizeof target) return false;
    if (!join(rest, string_view(target, static_cast<size_t>(length)), end)) return false;
    if (*target == '/') *at = '\0';
    next = rest;
  }
}

// The first directory on the way to path that this process, or as_other_user
// Lambda's user, cannot search: copied into directory, with its status (as
// Lambda's user); false when there is none.
bool unsearchable_directory(const char* path, bool as_other_user, char (&directory)[PATH_MAX], struct stat& status) {
  return as_other_user ? unsearchable_by_others(path, directory, status) : unsearchable_directory_of(path, directory);
}

// Why a path cannot be executed, or 0: by this process, or as_other_user by
// Lambda's user, who may neither own the file nor be in its group. What
// access() lets through and execve() refuses is refused here too: a
// directory, and any other file that is not a regular one.
int check_runnable(const char* path, bool as_other_user) {
  struct stat status;
  if (as_other_user) {
    char directory[PATH_MAX];
    if (unsearchable_directory(path, true, directory, status)) return EACCES;
  } else if (access(path, X_OK) != 0) {
    return errno;
  }
  if (stat(path, &status) != 0) return errno;
  // A directory too: execve() says EACCES, not EISDIR.
  if (!S_ISREG(status.st_mode)) return EACCES;
  return as_other_user && (status.st_mode & S_IXOTH) == 0 ? EACCES : 0;
}

struct Location {
  int error = 0;                  // 0 when path can be executed
  const char* path = nullptr;     // what will run, or what could not
  bool searched_in_vain = false;  // looked up in PATH and found nowhere
};

// Finds a program as execvp would, without executing it: a name with a slash
// is used as it is (checked only if asked: execve checks what it executes);
// any other is looked up in each PATH entry in turn (an empty entry means the
// current directory, as POSIX says). As musl's execvp: a candidate that is
// missing or refused (EACCES) is passed over, the first executable file wins,
// and any other error ends the search there (a loop of links, a name too
// long). Failing all, the first candidate refused is reported, so that
// "Permission denied" is not hidden behind "not found". as_other_user: each
// candidate is judged as Lambda's user would meet it, who passes over one in
// a directory it cannot search.
Location locate(const char* name, const char* search_path, char (&found)[PATH_MAX], bool check_path,
                bool as_other_user = false) {
  if (*name == '\0') return {ENOENT, name, false};
  if (std::strchr(name, '/') != nullptr) return {check_path ? check_runnable(name, as_other_user) : 0, name, false};
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
      int error = check_runnable(candidate, as_other_user);
      bool missing = error == ENOENT || error == ENOTDIR, refused = error == EACCES;
      if (!missing && (!refused || location.searched_in_vain)) {
        std::memcpy(found, candidate, sizeof candidate);
        location = {error, found, false};
        if (!refused) return location;
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
