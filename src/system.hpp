// The few C library functions this program does itself, each a system call
// or two, because musl's own would not fit the 40 KiB budget (measured, see
// docs/building.md): realpath() walks the path in 1.4 KB; getcwd() and
// malloc() bring musl's allocator (about 1 KB with its lock), which nothing
// else here needs. System calls: open(), readlink(), close(), getcwd and
// mmap().
#pragma once

#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cstddef>

#include "text.hpp"

namespace {

// realpath(), asked of the kernel: the path opened without being read
// (O_PATH), and the link /proc/self/fd/N read back. nullptr where the path
// cannot be opened, or where /proc is not mounted (docker build and docker
// run mount it).
const char* real_path(const char* path, char (&out)[PATH_MAX]) {
  int fd = open(path, O_PATH | O_CLOEXEC);
  if (fd < 0) return nullptr;
  char link[32] = "/proc/self/fd/";
  *decimal(link + 14, static_cast<size_t>(fd)) = '\0';
  ssize_t length = readlink(link, out, sizeof out - 1);
  close(fd);
  if (length <= 0 || out[0] != '/') return nullptr;
  out[length] = '\0';
  return out;
}

// getcwd(): nullptr, as musl's, where the kernel answers with no path of
// this root ("(unreachable)/...") or none at all.
const char* current_directory(char (&out)[PATH_MAX]) {
  return syscall(SYS_getcwd, out, sizeof out) > 0 && out[0] == '/' ? out : nullptr;
}

// Memory that is never given back, in pages of its own: the process becomes
// the program or exits within microseconds, after a few allocations at most.
void* allocate(size_t size) {
  void* memory = mmap(nullptr, size == 0 ? 1 : size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return memory == MAP_FAILED ? nullptr : memory;
}

}  // namespace
