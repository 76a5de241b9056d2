// What a dynamic program's own loader says when asked to list the libraries
// it would load and bind (glibc's LD_TRACE_LOADED_OBJECTS with LD_WARN and
// LD_BIND_NOW, as ldd -r; musl's ldd mode): which loaders can be asked, and
// the first line that reports a fault, with its kind and the exit code
// --check gives for it. Pure: text in, facts out.
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

// What a listing's fault is about: a library not loaded, a symbol version
// a loaded one lacks, or a symbol it cannot bind.
enum class FaultKind { none, library, version, symbol };

struct ListingFault {
  string_view line;  // the loader's own words, without leading blanks; empty when it reports none
  int code = 0;
  FaultKind kind = FaultKind::none;
};

// The first fault in a loader's listing, with the exit code a start meets
// (held to the real loaders by the loader oracle):
// - a library it cannot load (glibc's "libz.so.1 => not found", musl's
//   "Error loading shared library ..."): 127;
// - a symbol no library has (glibc's "undefined symbol: foo", musl's "Error
//   relocating ...: foo: symbol not found"), a relocation musl cannot make
//   (a library for another CPU: "unsupported relocation type"), and a
//   library without symbol versions where the program needs one (glibc's
//   "no version information available", whose first binding aborts): 127;
// - a symbol version a library lacks (glibc's "version `GLIBC_2.99' not
//   found", where glibc's loader exits 1): 126, it is there but cannot serve.
ListingFault first_fault(string_view listing) {
  for (string_view line; next_line(listing, line);) {
    while (!line.empty() && is_blank(line.front())) line.remove_prefix(1);
    if (ends_with(line, " => not found") || starts_with(line, "Error loading shared library "))
      return {line, exit_not_found, FaultKind::library};
    if (starts_with(line, "undefined symbol: ") || starts_with(line, "Error relocating ") ||
        line.find(": no version information available (required by ") != string_view::npos)
      return {line, exit_not_found, FaultKind::symbol};
    if (line.find("' not found (required by ") != string_view::npos) return {line, exit_cannot_run, FaultKind::version};
  }
  return {};
}

// The name of the library a fault of the kind library is about (glibc's
// "NAME => not found", musl's "Error loading shared library NAME: ..."), or
// "" for another line.
string_view missing_library(string_view line) {
  constexpr string_view not_found = " => not found", musl_words = "Error loading shared library ";
  if (ends_with(line, not_found)) return first(line, line.size() - not_found.size());
  if (!starts_with(line, musl_words)) return {};
  line.remove_prefix(musl_words.size());
  return first(line, line.find(": "));
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
