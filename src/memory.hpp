// Memory for the argv and environment a run builds: pages from mmap(), never
// given back. Not malloc(): musl's first malloc() sets up its allocator, some
// 1,900 instructions before execve on the cloud path whenever the
// environment is filled in (measured with callgrind, docs/building.md),
// where mmap() is one system call. The process becomes the program or exits
// within microseconds, after a few allocations at most. System call: mmap().
#pragma once

#include <sys/mman.h>
#include <cstddef>

namespace {

void* allocate(size_t size) {
  void* memory = mmap(nullptr, size == 0 ? 1 : size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return memory == MAP_FAILED ? nullptr : memory;
}

}  // namespace
