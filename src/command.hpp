// The argv and environment a plan executes, and where the emulator is
// looked for. Pure: it writes into buffers the caller sized and allocated;
// no system call, no allocation.
#pragma once

#include <limits.h>
#include <cstddef>
#include <cstring>
#include <string_view>

#include "names.hpp"
#include "plan.hpp"
#include "text.hpp"

namespace {

// The argv a plan executes: its size (without the terminating null), and the
// array itself, written into out. The emulator flags are copied into words,
// which must hold plan.emulator_flags.size() + 1 bytes, and split there.
size_t argv_size(const Plan& plan) {
  return (plan.emulator != nullptr ? 1 + plan.emulator_flag_count : 0) + (plan.lead != nullptr ? 1 : 0) +
         plan.tail_size;
}

void fill_argv(const Plan& plan, char* words, char** out) {
  if (plan.emulator != nullptr) {
    *out++ = const_cast<char*>(plan.emulator);
    string_view flags = plan.emulator_flags;
    for (string_view word; next_word(flags, word); words += word.size() + 1) {
      std::memcpy(words, word.data(), word.size());
      words[word.size()] = '\0';
      *out++ = words;
    }
  }
  if (plan.lead != nullptr) *out++ = const_cast<char*>(plan.lead);
  for (size_t i = 0; i < plan.tail_size; ++i) *out++ = plan.tail[i];
  *out = nullptr;
}

// Where in that argv the runtime stands: the program the emulator will run.
size_t runtime_index(const Plan& plan) { return plan.emulator != nullptr ? 1 + plan.emulator_flag_count : 0; }

// Whether the emulator, handed the runtime's word as it is, finds the file
// this program found as found: a name without a slash, found through the
// PATH the container sets at an absolute path, is looked up the same way by
// the emulator (without PATH, or through a relative entry, it would not find
// it: Go's lookup refuses what it finds relative to the working directory).
bool emulator_finds_as_named(const char* word, const char* found, const Plan& plan) {
  return std::strchr(word, '/') == nullptr && !plan.search_path_is_default && found[0] == '/';
}

size_t env_size(char* const envp[]) {
  size_t count = 0;
  while (envp != nullptr && envp[count] != nullptr) ++count;
  return count;
}

// The environment a plan gives the program: envp with the plan's
// assignments made. Their "NAME=value" entries are written into words, which
// must hold assignments_size(plan) bytes; out must hold env_size(envp) +
// plan.assignment_count + 1 pointers.
size_t assignments_size(const Plan& plan) {
  size_t size = 0;
  for (size_t a = 0; a < plan.assignment_count; ++a)
    size += plan.assignments[a].name.size() + 2 + std::strlen(plan.assignments[a].value);
  return size;
}

void fill_env(const Plan& plan, char* const envp[], char* words, char** out) {
  char* entries[max_assignments];
  bool placed[max_assignments] = {};
  for (size_t a = 0; a < plan.assignment_count; ++a) {
    const Assignment& assignment = plan.assignments[a];
    entries[a] = words;
    words = write_entry(words, assignment.name, assignment.value);
  }
  for (size_t i = 0; envp != nullptr && envp[i] != nullptr; ++i) {
    size_t a = 0;
    while (a < plan.assignment_count && value_if_named(envp[i], plan.assignments[a].name) == nullptr) ++a;
    if (a == plan.assignment_count) {
      *out++ = envp[i];
    } else if (!placed[a]) {
      *out++ = entries[a];
      placed[a] = true;
    }
  }
  for (size_t a = 0; a < plan.assignment_count; ++a)
    if (!placed[a]) *out++ = entries[a];
  *out = nullptr;
}

// Where the emulator is looked for, in turn: where it is configured, the same
// name ending in AWS's suffix for this CPU (aws-lambda-rie-arm64), then where
// AWS's documentation mounts it for local runs, under both names. suffixed
// receives the second, and must hold PATH_MAX bytes.
constexpr size_t emulator_candidate_count = 4;
using EmulatorCandidates = const char* [emulator_candidate_count];

void emulator_candidates(const char* configured, char* suffixed, EmulatorCandidates& out) {
  size_t length = std::strlen(configured);
  if (length + emulator_cpu_suffix.size() < PATH_MAX) {
    std::memcpy(suffixed, configured, length);
    std::memcpy(suffixed + length, emulator_cpu_suffix.data(), emulator_cpu_suffix.size());
    suffixed[length + emulator_cpu_suffix.size()] = '\0';
  } else {
    suffixed = const_cast<char*>(configured);  // no room for the suffix: try it once
  }
  const char* candidates[] = {configured, suffixed, mounted_emulator, mounted_emulator_for_cpu};
  std::memcpy(out, candidates, sizeof out);
}

}  // namespace
