// The Python runtime client, awslambdaric, as --check meets it: a command
// told as `python [FLAG...] -m awslambdaric [HANDLER]`, the handler's shape
// as the client splits it, the question put to the image's own interpreter
// (a script that finds the client and the handler's module with Python's own
// finders, compiling what an import would and running none of it), and its
// answer read back. Pure: words and bytes in, facts out; no system call.
#pragma once

#include <cstddef>
#include <string_view>

#include "text.hpp"

namespace {

// CPython's own names for its interpreter: python, python3, python3.N.
bool is_python_name(string_view name) {
  if (name == "python" || name == "python3") return true;
  if (!starts_with(name, "python3.") || name.size() == 8) return false;
  return name.find_first_not_of("0123456789", 8) == string_view::npos;
}

// The words of `python [FLAG...] -m awslambdaric [HANDLER]`: the flags are
// those that take no value (-I, -E, -s, -P and -O change what the client
// finds, so the interpreter is asked with them); flags is null where the
// command is another.
struct PythonClient {
  char* const* flags = nullptr;  // after the program, before -m
  size_t flag_count = 0;
  const char* handler = nullptr;  // null where the command gives none
};

PythonClient python_client(char* const* words, size_t count) {
  PythonClient client;
  if (count < 3 || !is_python_name(base_name(words[0]))) return client;
  size_t at = 1;
  for (string_view word; at < count && (word = words[at]) != "-m"; ++at)
    if (word.size() < 2 || word[0] != '-' || word.find_first_not_of("bBdEIOPqsSuv", 1) != string_view::npos)
      return client;
  if (count - at < 2 || string_view(words[at + 1]) != "awslambdaric") return client;
  client.flags = words + 1;
  client.flag_count = at - 1;
  if (count - at > 2) client.handler = words[at + 2];
  return client;
}

// What awslambdaric makes of a handler before it imports anything: the
// module is what stands before the last '.', its '/'s read as '.'s. Without
// a '.' it is malformed (Runtime.MalformedHandlerName); a module that is
// empty or begins with '.' or '/' is a relative import, which the client
// cannot make.
enum class HandlerShape { sound, no_dot, no_module };

HandlerShape handler_shape(string_view handler) {
  size_t dot = handler.rfind('.');
  if (dot == string_view::npos) return HandlerShape::no_dot;
  if (dot == 0 || handler[0] == '.' || handler[0] == '/') return HandlerShape::no_module;
  return HandlerShape::sound;
}

// The question, run by the image's interpreter as Lambda's user with the
// command's flags, in the working directory a run has, with the handler (or
// nothing) as its one argument: -c puts the working directory first in
// sys.path, as -m does. It asks the import system's own finders (the
// modules already loaded, then sys.meta_path: built-in, frozen, the path
// finder over sys.path and every package's __path__), and has each module on
// the way compiled by its own loader (from valid bytecode where there is
// some, as an import does), writing nothing and running none of it. Each
// answer is a letter and lines:
//   a CLIENT                the client is there; no handler to judge
//   c [ELSEWHERE]           no awslambdaric (or its __main__, which -m runs); one
//                           for another Python, if found
//   b NAME                  the module is one built into the interpreter
//   n NAME PLACES           no such module in the places named
//   u PATH                  a file on the way this user cannot read
//   s PATH ERROR            a file on the way Python cannot compile or load
//   o PATH                  the handler's module (a namespace package's first directory)
constexpr const char* python_question =
    "import sys,os,importlib.machinery as M\n"
    "sys.dont_write_bytecode=1\n"
    "def out(*a):print(*a,sep='\\n');sys.exit()\n"
    "def find(k,p):\n"
    " if k in sys.modules:return sys.modules[k].__spec__ or M.ModuleSpec(k,None)\n"
    " for f in sys.meta_path:\n"
    "  s=getattr(f,'find_spec',None);s=s and s(k,p)\n"
    "  if s:return s\n"
    "def where(s):l=s.submodule_search_locations;return s.origin if s.has_location or not l else list(l)[0]\n"
    "def load(s):\n"
    " try:\n"
    "  if isinstance(s.loader,M.ExtensionFileLoader):open(s.origin,'rb').close()\n"
    "  elif hasattr(s.loader,'get_code'):s.loader.get_code(s.name)\n"
    " except OSError:out('u',where(s))\n"
    " except (SyntaxError,ImportError,ValueError) as e:out('s',where(s),e)\n"
    "c=find('awslambdaric',None);r=None\n"
    "if c:load(c);l=c.submodule_search_locations;r=c if l is None else find('awslambdaric.__main__',l)\n"
    "if not r:\n"
    " import glob\n"
    " out('c',*sorted(glob.glob('/*/*/lib/python3*/*-packages/awslambdaric')+glob.glob('/*/lib/python3*/*-packages/"
    "awslambdaric'))[:1])\n"
    "load(r)\n"
    "h=sys.argv[1]\n"
    "if not h:out('a',where(c))\n"
    "m=h.rpartition('.')[0]\n"
    "if m.split('.')[0] in sys.builtin_module_names:out('b',m.split('.')[0])\n"
    "p=None;k=''\n"
    "for x in m.replace('/','.').split('.'):\n"
    " if k and p is None:out('n',k+'.'+x,where(s)+' (a module, not a package)')\n"
    " k+=('.' if k else '')+x;s=find(k,p)\n"
    " if not s:out('n',k,', '.join(d or os.getcwd() for d in(sys.path if p is None else p)))\n"
    " load(s);p=s.submodule_search_locations\n"
    " if p is not None:t=type(sys)(k);t.__path__=p=list(p);sys.modules.setdefault(k,t)\n"
    "out('o',where(s))\n";

// The letters of the question's answers.
constexpr string_view python_answers = "acbnuso";

}  // namespace
