// The walk of the function's code, as Lambda's user meets it: every file and
// directory under a tree, judged by readable.hpp, without following links out
// of it or entering another file system; faults told a line each, up to a
// limit, then their count and the fix. System calls: fstatat(), opendir(),
// readdir(), closedir(), realpath() and getcwd(), and those of
// locate.hpp (the directories a link leads through) and inspect_file() (the
// headers of a file others may execute but not read); memory grows with
// the depth (a directory stream and a descriptor per level), not with the size.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cstddef>
#include <cstring>
#include <string_view>

#include "diagnose.hpp"
#include "errors.hpp"
#include "inspect.hpp"
#include "locate.hpp"
#include "names.hpp"
#include "output.hpp"
#include "readable.hpp"
#include "text.hpp"

namespace {

// One tree's walk. Static, for its path's size: judge_code() resets it.
struct Tree {
  char path[PATH_MAX];  // of the entry being visited
  size_t length;
  dev_t device;  // of the tree's top: another file system is not entered
  unsigned long files, directories, faults;
  unsigned long unwalked;  // of the faults, the directories this process could not open or name
};

// How faults are told: at most limit lines in all (each a warning where
// the run goes on), then how many more there were; a tree without faults is
// told only where ok_lines (under --check: a run's output is the runtime's).
struct Telling {
  unsigned long limit;
  bool warning;
  bool ok_lines;
  bool run_as_lambda_user = false;  // the warning's run is the Managed Instances mode's, as uid 993
  unsigned long told = 0, untold = 0;
};

// A fault of the tree, told as a line while the limit allows, else counted;
// the mode shown is the entry's, or that of the directory named.
void tell(Tree& tree, Telling& telling, const char* fault, mode_t mode, int error = 0,
          const char* directory = nullptr) {
  ++tree.faults;
  if (telling.told == telling.limit) return void(++telling.untold);
  ++telling.told;
  Output err(STDERR_FILENO);
  err.about(tree.path, telling.warning ? "warning: " : "") << fault;
  if (directory != nullptr) err.quoted(directory);
  if (error != 0) err << error_text(error);
  else mode_of(err, mode);
  err << "\n";
}

// Whether a regular file is an ELF program, which others may start without
// reading it: judged as a start judges it, its program headers read where
// they lie. Out of line, as the next: their buffers would otherwise stay on
// the stack of every level of the walk.
[[gnu::noinline]] bool is_program(const char* path) {
  Inspected file;
  return inspect_file(path, file) && file.head.program;
}

// What a link leads to is read through every directory on the way to it
// (those on the way to the link are the tree's, judged where they stand).
[[gnu::noinline]] void judge_link_target(Tree& tree, Telling& telling) {
  char target[PATH_MAX], directory[PATH_MAX];
  struct stat status;
  if (realpath(tree.path, target) != nullptr && unsearchable_directory(target, true, directory, status))
    tell(tree, telling, "a link through a directory other users cannot search: ", status.st_mode, 0, directory);
}

// A directory this process cannot open or name, which the walk cannot vouch
// for: no mode others are given mends that (a limit of descriptors, a name
// too long, a group's bits), so it asks for no chmod of its own.
void cannot_walk(Tree& tree, Telling& telling, int error) {
  ++tree.unwalked;
  tell(tree, telling, "cannot be walked here: ", 0, error);
}

void walk_directory(Tree& tree, Telling& telling, DIR* directory);

// The directory at path, open to be listed; nullptr (errno set) where it
// cannot be opened. Out of memory for its stream, the process ends so.
DIR* open_directory(const char* path) {
  DIR* directory = opendir(path);
  if (directory == nullptr && errno == ENOMEM) exit_out_of_memory();
  return directory;
}

// The entry named by tree.path, which is name in the directory parent; a
// top that is a link is followed, as the runtime follows it.
void visit(Tree& tree, Telling& telling, int parent, const char* name, bool top = false) {
  struct stat status;
  if (fstatat(parent, name, &status, top ? 0 : AT_SYMLINK_NOFOLLOW) != 0) return;  // gone since it was listed
  bool link = S_ISLNK(status.st_mode);
  if (link && fstatat(parent, name, &status, 0) != 0) return;  // a dangling link names nothing to read
  bool program = S_ISREG(status.st_mode) && (status.st_mode & (S_IROTH | S_IXOTH)) == S_IXOTH && is_program(tree.path);
  const char* fault = unreadable_because(status.st_mode, link, program);
  if (fault != nullptr) tell(tree, telling, fault, status.st_mode);
  if (link && fault == nullptr) judge_link_target(tree, telling);
  if (link) return;
  tree.files += S_ISREG(status.st_mode);
  if (!S_ISDIR(status.st_mode) || status.st_dev != tree.device) return;
  ++tree.directories;
  // By its whole path, which join_path() keeps within PATH_MAX (a link
  // there was left above).
  DIR* directory = open_directory(tree.path);
  // One that others cannot open has been told already (so, as another
  // user, it cannot be opened here either).
  if (directory == nullptr) return fault != nullptr ? void() : cannot_walk(tree, telling, errno);
  walk_directory(tree, telling, directory);
}

// Calls visit(name) for each entry of the open directory but . and .., then
// closes it.
template <class Visit>
void list_entries(DIR* directory, Visit&& visit) {
  while (const dirent* entry = readdir(directory)) {
    const char* name = entry->d_name;
    if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
    visit(name);
  }
  closedir(directory);
}

// Appends "/name" to the path of length in path; false when it does not fit.
bool join_path(char (&path)[PATH_MAX], size_t length, const char* name, size_t& joined) {
  size_t size = std::strlen(name);
  if (length + 1 + size >= sizeof path) return false;
  path[length] = '/';
  std::memcpy(path + length + 1, name, size + 1);
  joined = length + 1 + size;
  return true;
}

void walk_directory(Tree& tree, Telling& telling, DIR* directory) {
  size_t length = tree.length;
  int fd = dirfd(directory);
  list_entries(directory, [&](const char* name) {
    tree.path[length] = '\0';
    if (!join_path(tree.path, length, name, tree.length)) return cannot_walk(tree, telling, ENAMETOOLONG);
    visit(tree, telling, fd, name);
  });
  tree.length = length;
  tree.path[length] = '\0';
}

// Walks the tree at path, where it exists; false when it does not.
bool walk(Tree& tree, Telling& telling, string_view path) {
  struct stat status;
  if (path.size() >= sizeof tree.path) return false;
  std::memcpy(tree.path, path.data(), path.size());
  tree.path[path.size()] = '\0';
  tree.length = path.size();
  if (stat(tree.path, &status) != 0) return false;
  tree.device = status.st_dev;
  // The way to the tree: a directory on it that Lambda's user cannot search
  // hides all of it (WORKDIR /root/app).
  char directory[PATH_MAX];
  struct stat on_the_way;
  if (unsearchable_directory(tree.path, true, directory, on_the_way))
    tell(tree, telling, "on a path other users cannot search (chmod o+x that directory, or put the code elsewhere): ",
         on_the_way.st_mode, 0, directory);
  visit(tree, telling, AT_FDCWD, tree.path, true);
  return true;
}

// Every tree of the function's code, walked: the task root, /opt (where
// layers' content goes in an image), and the working directory when it is
// neither of these nor inside them, nor /. Faults are told as telling says,
// then their count, then per tree the fix or, for a sound tree, its counts.
// 126 when there is a fault.
int judge_code(const char* task_root, Telling& telling) {
  static char working_directory[PATH_MAX], real_task_root[PATH_MAX], real_opt[PATH_MAX];
  // A top is named as walked: "/var/task/" is /var/task.
  string_view tops[3] = {without_trailing_slashes(task_root), "/opt"};
  // The kernel names the working directory without links: so are the tops, to tell whether it lies within one.
  string_view real_tops[2] = {realpath(task_root, real_task_root) != nullptr ? real_task_root : tops[0],
                              realpath("/opt", real_opt) != nullptr ? real_opt : tops[1]};
  if (getcwd(working_directory, sizeof working_directory) != nullptr && string_view(working_directory) != "/" &&
      !is_within(working_directory, real_tops[0]) && !is_within(working_directory, real_tops[1]))
    tops[2] = working_directory;
  static Tree tree;  // no initializer: static storage is zeroed, and needs no guard
  struct Walked {
    string_view top;
    unsigned long files, directories, faults, unwalked;
  } walked[3] = {};
  size_t count = 0;
  for (string_view top : tops) {
    tree.files = tree.directories = tree.faults = tree.unwalked = 0;
    if (top.empty() || !walk(tree, telling, top)) continue;
    walked[count++] = {top, tree.files, tree.directories, tree.faults, tree.unwalked};
  }
  const char* prefix = telling.warning ? "warning: " : "";
  if (telling.untold != 0) {
    Output err(STDERR_FILENO);
    err << program_name << ": " << prefix << "and ";
    err.number(telling.untold) << " more";
    err << (telling.warning ? "\n" : " that other users cannot read\n");
  }
  int result = 0;
  for (size_t i = 0; i < count; ++i) {
    const Walked& top = walked[i];
    if (top.faults == 0) {
      if (!telling.ok_lines) continue;
      Output out(STDOUT_FILENO);
      out.about(top.top) << "ok, the function's code, readable by other users (files: ";
      out.number(top.files) << ", directories: ";
      out.number(top.directories) << ")\n";
      continue;
    }
    result = exit_cannot_run;
    Output err(STDERR_FILENO);
    if (top.faults == top.unwalked) {
      err.about(top.top, prefix)
          << "the directories named above could not be walked here: what they hold is not judged\n";
      continue;
    }
    err.about(top.top, prefix) << other_user_hint + 2 << ": RUN chmod -R o+rX ";
    err.quoted(top.top) << " as the last line that writes there, or COPY it with --chmod=755";
    if (!telling.warning) err << "\n";
    else if (telling.run_as_lambda_user)
      err << "; the emulator runs the function as uid 993 here, which fails too once it reads them\n";
    else err << "; it works here only because this runs as root\n";
  }
  return result;
}

}  // namespace
