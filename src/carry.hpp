// The command carried through the emulator's Managed Instances mode, which
// starts a fixed bootstrap with no arguments: this program's working
// directory and own argv written into one variable on the way in, each as
// LENGTH:BYTES (any byte but NUL may be in a word), and read back out of it,
// the variable removed, when this program starts as that bootstrap. Pure: it
// writes into buffers the caller sized and allocated; no system call, no
// allocation.
#pragma once

#include <cstddef>
#include <cstring>
#include <string_view>

#include "names.hpp"
#include "text.hpp"

namespace {

// The bytes of the "LAMBDA_ENTRYPOINT_COMMAND=..." entry for these words.
size_t carried_size(char* const words[], size_t count) {
  size_t size = carried_variable.size() + 2;
  for (size_t i = 0; i < count; ++i) size += 21 + std::strlen(words[i]);
  return size;
}

// The length of one word as carried, LENGTH:BYTES.
size_t carried_word_length(const char* word) {
  size_t length = std::strlen(word), digits = 1;
  for (size_t rest = length; rest >= 10; rest /= 10) ++digits;
  return digits + 1 + length;
}

// The exact length of the "LAMBDA_ENTRYPOINT_COMMAND=..." entry for these
// words, but for its NUL.
size_t carried_length(char* const words[], size_t count) {
  size_t length = carried_variable.size() + 1;
  for (size_t i = 0; i < count; ++i) length += carried_word_length(words[i]);
  return length;
}

// envp without the carrying variable, written to out, which must hold
// env_size(envp) + 1 pointers; returns where its null is.
char** without_carried(char* const envp[], char** out) {
  for (; envp != nullptr && *envp != nullptr; ++envp)
    if (value_if_named(*envp, carried_variable) == nullptr) *out++ = *envp;
  *out = nullptr;
  return out;
}

// envp without the carrying variable, then the entry that carries the words
// (the first, the working directory); entry must hold carried_size() bytes,
// out env_size(envp) + 2 pointers.
void fill_carried(char* const envp[], char* const words[], size_t count, char* entry, char** out) {
  out = without_carried(envp, out);
  *out++ = entry;
  *out = nullptr;
  std::memcpy(entry, carried_variable.data(), carried_variable.size());
  entry += carried_variable.size();
  *entry++ = '=';
  for (size_t i = 0; i < count; ++i) {
    size_t length = std::strlen(words[i]);
    entry = decimal(entry, length);
    *entry++ = ':';
    std::memcpy(entry, words[i], length);
    entry += length;
  }
  *entry = '\0';
}

// The words of a carried value, each copied, with its NUL, into buffer
// (strlen(value) + 1 bytes) and pointed at from words (strlen(value) / 2 + 1
// pointers, null-ended); their count, or 0 when the value is not one this
// program wrote.
size_t read_carried(const char* value, char* buffer, char** words) {
  size_t count = 0;
  for (size_t left = std::strlen(value); left != 0; ++count) {
    size_t length = 0;
    const char* digit = value;
    for (; *digit >= '0' && *digit <= '9' && length <= left; ++digit)
      length = length * 10 + static_cast<size_t>(*digit - '0');
    size_t used = static_cast<size_t>(digit - value) + 1;
    if (digit == value || *digit != ':' || length > left - used) return 0;
    words[count] = buffer;
    std::memcpy(buffer, digit + 1, length);
    buffer[length] = '\0';
    buffer += length + 1;
    value = digit + 1 + length;
    left -= used + length;
  }
  words[count] = nullptr;
  return count;
}

}  // namespace
