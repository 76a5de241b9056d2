// Small pieces of text handling over string_view and C strings, shared by
// the decision and by what carries it out. Pure: no system call, no
// allocation, nothing from the C++ library that could throw.
#pragma once

#include <limits.h>
#include <cstddef>
#include <cstring>
#include <string_view>

#include "names.hpp"

namespace {

// The first n bytes of text (all of it when shorter). Not substr(): out of
// line, its unused throwing branch would need the C++ library.
string_view first(string_view text, size_t n) { return string_view(text.data(), n < text.size() ? n : text.size()); }

bool starts_with(string_view text, string_view prefix) { return first(text, prefix.size()) == prefix; }

bool ends_with(string_view text, string_view suffix) {
  return text.size() >= suffix.size() &&
         string_view(text.data() + text.size() - suffix.size(), suffix.size()) == suffix;
}

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

// Joins head, a slash and tail into out; false when that is too long.
bool join(char (&out)[PATH_MAX], string_view head, string_view tail) {
  if (head.size() + 1 + tail.size() >= sizeof out) return false;
  char joined[PATH_MAX];  // head or tail may lie in out
  std::memcpy(joined, head.data(), head.size());
  joined[head.size()] = '/';
  std::memcpy(joined + head.size() + 1, tail.data(), tail.size());
  joined[head.size() + 1 + tail.size()] = '\0';
  std::memcpy(out, joined, head.size() + tail.size() + 2);
  return true;
}

// "NAME=value" at out; returns the byte past its NUL.
char* write_entry(char* out, string_view name, const char* value) {
  std::memcpy(out, name.data(), name.size());
  out[name.size()] = '=';
  return stpcpy(out + name.size() + 1, value) + 1;
}

// n in decimal at out, which must hold 20 bytes; returns the end.
char* decimal(char* out, size_t n) {
  char digits[20];
  size_t used = 0;
  do digits[used++] = static_cast<char>('0' + n % 10);
  while ((n /= 10) != 0);
  while (used > 0) *out++ = digits[--used];
  return out;
}

// A whole number written in decimal digits alone, from 1 to most; false for
// anything else (a sign, a blank, nothing).
bool parse_count(const char* text, size_t most, size_t& value) {
  value = 0;
  if (*text == '\0') return false;
  for (; *text != '\0'; ++text) {
    if (*text < '0' || *text > '9') return false;
    value = value * 10 + static_cast<size_t>(*text - '0');
    if (value > most) return false;
  }
  return value != 0;
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

// What stands before the first end in text, taken off its front with the
// end (all of text where there is none).
string_view take_until(string_view& text, char end) {
  size_t at = text.find(end);
  string_view taken = first(text, at);
  text.remove_prefix(at == string_view::npos ? text.size() : at + 1);
  return taken;
}

string_view take_line(string_view& text) { return take_until(text, '\n'); }

}  // namespace
