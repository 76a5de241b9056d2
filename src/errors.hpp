// What the kernel's errors mean here: the exit code each gets, and its words.
// The words are musl's own, for the errors the system calls this program
// makes can give (stat, access, open, read, readlink, opendir, execve):
// strerror() would bring musl's table of every error, 2.4 KB on both CPUs
// (measured, docs/building.md). Pure: no system call, no allocation.
#pragma once

#include <cerrno>
#include <cstring>

#include "names.hpp"

namespace {

int exit_code_for(int error) {
  return error == ENOENT || error == ENOTDIR || error == ENAMETOOLONG ? exit_not_found : exit_cannot_run;
}

// Each entry: the error's number as one byte (every one here is below 128),
// then its words and a NUL. One string, not a table of pointers: 16 bytes
// less an entry, which the binary's budget needs.
constexpr char error_words[] =
    "\001Operation not permitted\0"           // EPERM
    "\002No such file or directory\0"         // ENOENT
    "\005I/O error\0"                         // EIO
    "\007Argument list too long\0"            // E2BIG
    "\010Exec format error\0"                 // ENOEXEC
    "\011Bad file descriptor\0"               // EBADF
    "\013Resource temporarily unavailable\0"  // EAGAIN
    "\014Out of memory\0"                     // ENOMEM
    "\015Permission denied\0"                 // EACCES
    "\016Bad address\0"                       // EFAULT
    "\024Not a directory\0"                   // ENOTDIR
    "\025Is a directory\0"                    // EISDIR
    "\026Invalid argument\0"                  // EINVAL
    "\027Too many open files in system\0"     // ENFILE
    "\030No file descriptors available\0"     // EMFILE
    "\032Text file busy\0"                    // ETXTBSY
    "\044Filename too long\0"                 // ENAMETOOLONG
    "\050Symbolic link loop\0"                // ELOOP
    "\113Value too large for data type\0"     // EOVERFLOW
    "\164Stale file handle\0";                // ESTALE

// The numbers above are Linux's, the same on x86_64 and aarch64.
static_assert(EPERM == 1 && ENOENT == 2 && EIO == 5 && E2BIG == 7 && ENOEXEC == 8 && EBADF == 9 && EAGAIN == 11 &&
              ENOMEM == 12 && EACCES == 13 && EFAULT == 14 && ENOTDIR == 20 && EISDIR == 21 && EINVAL == 22 &&
              ENFILE == 23 && EMFILE == 24 && ETXTBSY == 26 && ENAMETOOLONG == 36 && ELOOP == 40 && EOVERFLOW == 75 &&
              ESTALE == 116);

// musl's words for an error, as strerror() gives them; for any other,
// musl's words for one it does not know.
const char* error_text(int error) {
  for (const char* entry = error_words; *entry != '\0'; entry += std::strlen(entry) + 1)
    if (*entry == error) return entry + 1;
  return "No error information";
}

}  // namespace
