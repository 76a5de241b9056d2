// Whether Lambda's user can read one entry of the function's code: its type
// and mode in, what that user lacks out. The function runs as a user who is
// neither the files' owner nor in their group, so only the bits for others
// count. Pure: no system call, no allocation.
#pragma once

#include <sys/stat.h>

namespace {

// What others lack for one entry, or nullptr when they lack nothing or the
// entry is not code (sockets, FIFOs, devices). through_link: the entry is a
// symbolic link and mode is its target's; a link to a directory is not
// followed, so only a link to a file is judged. program: the file's bytes
// are an ELF program, which the kernel starts for a user who may execute it
// but not read it (a script's interpreter, a library's loader must read).
const char* unreadable_because(mode_t mode, bool through_link, bool program = false) {
  bool read = (mode & S_IROTH) != 0, search = (mode & S_IXOTH) != 0;
  if (S_ISREG(mode) && !read && !(program && search))
    return through_link ? "a link to a file other users cannot read" : "other users cannot read it";
  if (!S_ISDIR(mode) || through_link || (read && search)) return nullptr;
  if (read) return "a directory other users cannot search";
  // Python's importer lists every directory on its path: one that others
  // can search but not list hides the modules in it.
  return search ? "a directory other users cannot list" : "a directory other users can neither list nor search";
}

}  // namespace
