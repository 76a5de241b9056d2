// What a dynamic program's own loader says when asked to list the libraries
// it would load (glibc's LD_TRACE_LOADED_OBJECTS with LD_WARN, musl's ldd
// mode): which loaders can be asked, and the first line that reports a
// fault, with the exit code --check gives for it. Pure: text in, facts out.
// Asking the loader is libraries.hpp's business.
#pragma once

#include <string_view>

#include "names.hpp"
#include "text.hpp"

namespace {

enum class Loader { unknown, glibc, musl };

// Told by the interpreter's name: only these two are asked, for any other
// might run the program instead of listing it.
Loader loader_of(string_view interpreter) {
  string_view name = base_name(interpreter);
  if (starts_with(name, "ld-linux-")) return Loader::glibc;
  if (starts_with(name, "ld-musl-")) return Loader::musl;
  return Loader::unknown;
}

// The next line of text (the last may lack its newline), taken off it; false at its end.
bool next_line(string_view& text, string_view& line) {
  if (text.empty()) return false;
  size_t end = text.find('\n');
  line = first(text, end);
  text.remove_prefix(end == string_view::npos ? text.size() : end + 1);
  return true;
}

struct ListingFault {
  string_view line;  // the loader's own words, without leading blanks; empty when it reports none
  int code = 0;
};

// The first fault in a loader's listing. A library it cannot load (glibc's
// "libz.so.1 => not found", musl's "Error loading shared library ...") is
// 127, what a run exits with; one that is loaded but lacks what the program
// needs (glibc's "version `GLIBC_2.99' not found", musl's "Error relocating
// ...: symbol not found") is 126: it is there, but cannot serve.
ListingFault first_fault(string_view listing) {
  for (string_view line; next_line(listing, line);) {
    while (!line.empty() && is_blank(line.front())) line.remove_prefix(1);
    if (ends_with(line, " => not found") || starts_with(line, "Error loading shared library "))
      return {line, exit_not_found};
    if (line.find("' not found (required by ") != string_view::npos || starts_with(line, "Error relocating "))
      return {line, exit_cannot_run};
  }
  return {};
}

// Each library a listing says its loader loads, by its path ("\tNAME =>
// PATH (0xADDRESS)", as both print it).
template <class Visit>
void for_each_loaded(string_view listing, Visit&& visit) {
  for (string_view line; next_line(listing, line);) {
    size_t arrow = line.find(" => /"), address = line.rfind(" (0x");
    if (arrow != string_view::npos && address != string_view::npos && address > arrow)
      visit(string_view(line.data() + arrow + 4, address - arrow - 4));
  }
}

}  // namespace
