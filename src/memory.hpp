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

// musl's opendir() takes its DIR from calloc() and closedir() gives it
// back with free(): the program's only allocations but allocate()'s, each
// the same size, a few alive at once (one per level of the walk). These
// serve them from allocate(), a freed block kept for the next, in place of
// musl's general allocator (6 to 8 KB of the binary: docs/building.md).
#if !defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
namespace {
struct FreeBlock {
  FreeBlock* next;
  size_t size;  // what the block holds after its header
};
FreeBlock* free_blocks = nullptr;
}  // namespace

extern "C" void* calloc(size_t count, size_t size) {
  size_t wanted = count * size;
  if (size != 0 && wanted / size != count) return nullptr;
  for (FreeBlock** at = &free_blocks; *at != nullptr; at = &(*at)->next) {
    FreeBlock* block = *at;
    if (block->size < wanted) continue;
    *at = block->next;
    return __builtin_memset(block + 1, 0, block->size);
  }
  auto* block = static_cast<FreeBlock*>(allocate(sizeof(FreeBlock) + wanted));
  if (block == nullptr) return nullptr;
  block->size = wanted;
  return block + 1;  // mmap's pages come zeroed
}

// musl's realpath() keeps a strdup() for a caller that passes no buffer,
// which this program never is; its malloc() is this one rather than musl's
// simple allocator (some 700 bytes).
extern "C" void* malloc(size_t size) { return calloc(1, size); }

extern "C" void free(void* memory) {
  if (memory == nullptr) return;
  FreeBlock* block = static_cast<FreeBlock*>(memory) - 1;
  block->next = free_blocks;
  free_blocks = block;
}
#endif
