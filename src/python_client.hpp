// The Python runtime client, awslambdaric, as --check meets it: a command
// told as `python [FLAG...] -m awslambdaric [HANDLER]`, and the questions
// put to the image's own interpreter: one that finds the client and the
// handler's module with Python's own finders, compiling what an import
// would and running none of it; one that judges the bytecode of the
// function's Python code. Pure: words in, questions out; no system call.
#pragma once

#include <cstddef>
#include <string_view>

#include "answer.hpp"
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

// The question, run by the image's interpreter as Lambda's user with the
// command's flags, in the working directory a run has, as python FLAG... -c
// QUESTION PYTHON [HANDLER]: -c puts the working directory first in
// sys.path, as -m does. It asks the import system's own finders (the
// modules already loaded, then sys.meta_path: built-in, frozen, the path
// finder over sys.path and every package's __path__), and has each module on
// the way compiled by its own loader (from valid bytecode where there is
// some, as an import does), writing nothing and running none of it. The
// client is found before the handler is read, as python -m does; then the
// handler is split as awslambdaric splits it: the module is what stands
// before the last '.', its '/'s read as '.'s; without a '.' it is malformed
// (Runtime.MalformedHandlerName), and so is a module that is empty or
// begins with '.' or '/' (a relative import). Its answer is a letter, then
// its line for this program to print (output.hpp's tell_answer()):
//   a  the client is there; no handler to judge    o  the handler's module
//   c  no awslambdaric (or its __main__, which -m runs), naming one for
//      another Python where there is one
//   m  a malformed handler                          b  a built-in module's name
//   n  no such module, with the places looked in    u  a file this user cannot read
//   s  a file on the way Python cannot compile or load
constexpr const char* python_question =
    "import sys,os,importlib.machinery as M\n"
    "sys.dont_write_bytecode=1\n"
    "py=sys.argv[1];h=sys.argv[2]if sys.argv[2:]else None\n"
    "def say(k,kind,s,t):print(k,kind+'\\t'+s+'\\t'+t.replace('\\n',' '),sep='\\n');sys.exit()\n"
    "q=lambda s:s if s and all(c.isalnum()or c in'@%+=:,./-_'for c in s)else\"'\"+s.replace(\"'\",\"'\\\\''\")+\"'\"\n"
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
    " except OSError:say('u','',where(s),\"Lambda's user cannot read it, and importing the handler \"+(h or'')+\n"
    "  ' reads it: RUN chmod o+r on it (o+x on a directory), or COPY it with --chmod')\n"
    " except(SyntaxError,ImportError,ValueError)as e:say('s','',where(s),'importing the handler '+(h or'')+', '+py+\n"
    "  ' cannot load it: '+str(e))\n"
    "c=find('awslambdaric',None);r=None\n"
    "if c:load(c);l=c.submodule_search_locations;r=c if l is None else find('awslambdaric.__main__',l)\n"
    "if not r:\n"
    " import glob\n"
    " x=sorted(glob.glob('/*/*/lib/python3*/*-packages/awslambdaric')+glob.glob('/*/lib/python3*/*-packages/"
    "awslambdaric'))\n"
    " say('c','',py,\"Lambda's user's \"+py+' finds no module named awslambdaric, so -m awslambdaric fails at once'+(\n"
    "  ': it is installed for another Python, in '+q(x[0])+': install it with this one ('+py+' -m pip install '\n"
    "  'awslambdaric)'if x else': install it for this Python ('+py+' -m pip install awslambdaric), into its '\n"
    "  'site-packages or a directory PYTHONPATH names'))\n"
    "load(r)\n"
    "if h is None:say('a','',where(c),\"ok, the runtime client awslambdaric, as Lambda's user's \"+py+' finds it (the "
    "'\n"
    " 'command gives no handler to judge)')\n"
    "m=h.rpartition('.')[0]\n"
    "if'.'not in h or not m or h[0]in'./':say('m','handler ',h,(\"awslambdaric needs MODULE.FUNCTION, with a '.' \"\n"
    " 'between them'if'.'not in h else'its module is empty or relative, which awslambdaric cannot import')+\n"
    " ' (Runtime.MalformedHandlerName): name it as app.handler for the function handler in app.py')\n"
    "if m.split('.')[0]in sys.builtin_module_names:say('b','handler ',h,'its module, '+m.split('.')[0]+', is one '\n"
    " 'built into '+py+\" (Runtime.BuiltInModuleConflict): rename the handler's file\")\n"
    "def none(k,places):say('n','handler ',h,\"Lambda's user's \"+py+' finds no module '+k+' "
    "(Runtime.ImportModuleError)'\n"
    " ', looking in '+places+\": COPY the handler's file into the working directory (WORKDIR) or the directory \"\n"
    " 'PYTHONPATH names, or name it as it lies there (dir/app.handler for dir/app.py)')\n"
    "p=None;k=''\n"
    "for x in m.replace('/','.').split('.'):\n"
    " if k and p is None:none(k+'.'+x,where(s)+' (a module, not a package)')\n"
    " k+=('.'if k else'')+x;s=find(k,p)\n"
    " if not s:none(k,', '.join(d or os.getcwd()for d in(sys.path if p is None else p)))\n"
    " load(s);p=s.submodule_search_locations\n"
    " if p is not None:t=type(sys)(k);t.__path__=p=list(p);sys.modules.setdefault(k,t)\n"
    "say('o','handler ',h,'ok, its module is '+q(where(s))+\", as Lambda's user's \"+py+' finds it (the function in it "
    "'\n"
    " 'is not looked for: that would run the module)')\n";

// The question on the bytecode of the function's Python code, asked of any
// CPython that runs it, as Lambda's user, with the runtime's flags (an -O
// changes the file looked for) and environment (PYTHONPYCACHEPREFIX too), as
// python FLAG... -c QUESTION PYTHON, writing nothing. It walks the places
// the runtime imports from (sys.path but the standard library and '/',
// LAMBDA_TASK_ROOT or /var/task, /opt/python and its site-packages), each
// file once, and judges each NAME.py it can read (one it cannot is the
// walk's: walk.hpp) by its bytecode, with the import system's own
// functions: the file importlib.util.cache_from_source() names, its 16-byte
// header classified and validated (timestamp and size, or the source's hash
// where the interpreter checks it) as SourceLoader.get_code() does before it
// falls back to compiling. Its answer is 'y', then its lines for this
// program to print (output.hpp's tell_answer()): none where there is no
// Python file; an ok line with their count where each has bytecode it can
// use; else a note with how many have none and their bytes, why (one cause
// for all, or "for more than one cause"), the first 20 of them, and the
// exec-form RUN line that compiles them.
constexpr const char* bytecode_question =
    "import sys,os,glob,json,sysconfig,importlib.util as U,importlib._bootstrap_external as B,_imp\n"
    "g=sysconfig.get_paths();skip={os.path.realpath(g[k])for k in('stdlib','platstdlib')}|{'/'}\n"
    "t=sys.implementation.cache_tag;seen=set();n=0;hit=[];roots=[]\n"
    "def usable(p,st):\n"
    " try:\n"
    "  with open(U.cache_from_source(p),'rb')as f:h=f.read(16)\n"
    "  e={'name':p,'path':p};fl=B._classify_pyc(h,p,e)\n"
    "  if fl&1==0:B._validate_timestamp_pyc(h,int(st.st_mtime),st.st_size,p,e)\n"
    "  elif _imp.check_hash_based_pycs=='always'or fl&2 and _imp.check_hash_based_pycs!='never':\n"
    "   with open(p,'rb')as f:B._validate_hash_pyc(h,_imp.source_hash(B._RAW_MAGIC_NUMBER,f.read()),p,e)\n"
    "  return 1\n"
    " except(OSError,ImportError,EOFError):return 0\n"
    "def walk(d,r):\n"
    " global n\n"
    " try:es=list(os.scandir(d))\n"
    " except OSError:return\n"
    " for e in es:\n"
    "  if e.is_dir(follow_symlinks=False):\n"
    "   if e.name!='__pycache__':walk(e.path,r)\n"
    "  elif e.name[-3:]=='.py'and e.is_file():\n"
    "   st=e.stat();k=st.st_dev,st.st_ino\n"
    "   if k in seen:continue\n"
    "   seen.add(k);n+=1\n"
    "   if not usable(e.path,st)and os.access(e.path,os.R_OK):\n"
    "    hit.append((e.path,st.st_size))\n"
    "    if r not in roots:roots.append(r)\n"
    "for r in sys.path+[os.environ.get('LAMBDA_TASK_ROOT')or'/var/task','/opt/python',"
    "'/opt/python/lib/python%d.%d/site-packages'%sys.version_info[:2]]:\n"
    " r=os.path.realpath(r or'.')\n"
    " if r not in skip|seen:seen.add(r);walk(r,r)\n"
    "def why(p):\n"
    " c=U.cache_from_source(p);d=os.path.dirname(c)\n"
    " if os.path.exists(c):return\"Lambda's user cannot read their bytecode\"if not os.access(c,os.R_OK)else"
    "'their bytecode no longer matches the sources (copied or changed after it was compiled)'\n"
    " if not os.path.isdir(d):return'they have no __pycache__ (never compiled, or their bytecode deleted)'\n"
    " s=os.path.basename(p)[:-3];x=glob.glob(glob.escape(d+'/'+s)+'.*.pyc')\n"
    " return'their bytecode is for another Python ('+x[0][len(d)+len(s)+2:].split('.')[0]+'), which this one ('+t+') "
    "ignores'if x "
    "else'__pycache__ holds none of theirs for this Python ('+t+')'\n"
    "w={why(p)for p,s in hit};e='\\t'+sys.argv[1]+'\\t'\n"
    "print('y')\n"
    "if hit:\n"
    " print(e+'note: %d of %d Python files (%d bytes of source) have no bytecode it can use, so each is compiled "
    "again at every cold start that imports it (the file system is read-only in Lambda): '%(len(hit),n,sum(s for p,s "
    "in hit))+(w.pop()if len(w)==1 else'for more than one cause'))\n"
    " for p,s in hit[:20]:print('\\t'+p+'\\tcompiled at every cold start')\n"
    " if hit[20:]:print(e+'and %d more'%(len(hit)-20))\n"
    " print(e+'compile them in the image, after the last line that changes them: RUN '+json.dumps([sys.argv[1],'-m',"
    "'compileall','-q','--invalidation-mode','unchecked-hash']+(['-o',str(sys.flags.optimize)]if sys.flags.optimize "
    "else[])+roots)+' (unchecked-hash: used whatever the times of the sources, never checked against them at a "
    "start)')\n"
    "elif n:print(e+'ok, the Python code it imports: %d files, each with bytecode it uses'%n)\n";

// The letters of the questions' answers, and the faults they name.
constexpr AnswerLetters python_answers = {"acmbnuso", "mb", "cn", "us"};
constexpr AnswerLetters bytecode_answers = {"y", "", "", ""};

}  // namespace
