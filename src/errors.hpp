// What the kernel's errors mean here: the exit code each gets, and its words.
// The words are musl's own, for the errors the system calls this program
// makes can give (stat, access, open, read, readlink, opendir, execve):
// strerror() would bring musl's table of every error, some 2 KB of a binary
// that must stay under 32 KiB. Pure: no system call, no allocation.
#pragma once

#include <cerrno>

#include "names.hpp"

namespace {

int exit_code_for(int error) {
  return error == ENOENT || error == ENOTDIR || error == ENAMETOOLONG ? exit_not_found : exit_cannot_run;
}

struct ErrorText {
  int error;
  const char* text;
};

constexpr ErrorText error_texts[] = {
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

// musl's words for an error, as strerror() gives them; for any other,
// musl's words for one it does not know.
const char* error_text(int error) {
  for (const ErrorText& known : error_texts)
    if (known.error == error) return known.text;
  return "No error information";
}

}  // namespace
