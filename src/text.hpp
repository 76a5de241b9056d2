// Small pieces of text handling over string_view and C strings, shared by
// the decision and by what carries it out. Pure: no system call, no
// allocation, nothing from the C++ library that could throw.
#pragma once

#include <cstddef>
#include <string_view>

#include "names.hpp"

namespace {

// The first n bytes of text (all of it when shorter). Not substr(): out of
// line, its unused throwing branch would need the C++ library.
string_view first(string_view text, size_t n) { return string_view(text.data(), n < text.size() ? n : text.size()); }

bool starts_with(string_view text, string_view prefix) { return first(text, prefix.size()) == prefix; }

bool non_empty(const char* text) { return text != nullptr && *text != '\0'; }

// What follows prefix in text, or nullptr. text is never measured: its NUL
// ends the comparison at the latest, and most texts differ at the first byte.
const char* after(const char* text, string_view prefix) {
  for (char c : prefix)
    if (*text++ != c) return nullptr;
  return text;
}

// The value in an environment entry "NAME=value" for this name, or nullptr.
[[gnu::noinline]] const char* value_if_named(const char* entry, string_view name) {
  const char* rest = after(entry, name);
  return rest != nullptr && *rest == '=' ? rest + 1 : nullptr;
}

string_view base_name(string_view path) {
  if (size_t slash = path.rfind('/'); slash != string_view::npos) path.remove_prefix(slash + 1);
  return path;
}

// A path without its trailing slashes ("/var/task/" is /var/task), but /.
string_view without_trailing_slashes(string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

// Whether path is top or a path inside it ("/var/task/x" is, "/var/taskx" is
// not); a trailing '/' on either does not count.
bool is_within(string_view path, string_view top) {
  path = without_trailing_slashes(path);
  top = without_trailing_slashes(top);
  if (!starts_with(path, top)) return false;
  return path.size() == top.size() || path[top.size()] == '/' || top == "/";
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

// Takes the next blank-separated word off the front of text; false when none is left.
bool next_word(string_view& text, string_view& word) {
  size_t start = 0;
  while (start < text.size() && is_blank(text[start])) ++start;
  size_t end = start;
  while (end < text.size() && !is_blank(text[end])) ++end;
  word = string_view(text.data() + start, end - start);
  text.remove_prefix(end);
  return !word.empty();
}

}  // namespace
