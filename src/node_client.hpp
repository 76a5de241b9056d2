// The Node runtime client, npm's aws-lambda-ric, as --check meets it: a
// command told as `node [--OPTION...] .../aws-lambda-ric... [HANDLER]`, and
// the question put to the image's own node (a script that finds the client,
// reads its version, and finds the handler's module as that version's loader
// does, with node's own resolvers, loading none of it). Pure: words in, a
// question out; no system call.
#pragma once

#include <cstddef>
#include <string_view>

#include "answer.hpp"
#include "text.hpp"

namespace {

// node's options that stop SCRIPT from being what runs (code of their own,
// a check, a test run, the REPL) or preload code, in any form; and those
// that take the next word as their value unless given as --NAME=VALUE.
constexpr string_view node_options_not_running_script[] = {
    "--require", "--import", "--loader", "--experimental-loader", "--eval",
    "--print",   "--check",  "--test",   "--interactive"};
constexpr string_view node_options_with_value[] = {"--input-type",        "--env-file",         "--title",
                                                   "--conditions",        "--inspect-port",     "--disable-warning",
                                                   "--redirect-warnings", "--stack-trace-limit"};

bool is_node_option_word(string_view word) {
  if (word.size() < 3 || !starts_with(word, "--")) return false;
  string_view name = first(word, word.find('='));
  for (string_view refused : node_options_not_running_script)
    if (name == refused) return false;
  for (string_view valued : node_options_with_value)
    if (word == valued) return false;
  return true;
}

// Whether path has a part named aws-lambda-ric: the client's bin link
// (node_modules/.bin/aws-lambda-ric), its package, or a file in it.
bool names_node_client(string_view path) {
  constexpr string_view client = "aws-lambda-ric";
  for (size_t at = path.find(client); at != string_view::npos; at = path.find(client, at + 1)) {
    size_t end = at + client.size();
    if ((at == 0 || path[at - 1] == '/') && (end == path.size() || path[end] == '/')) return true;
  }
  return false;
}

// The words of `node [--OPTION...] SCRIPT [HANDLER ...]` where SCRIPT names
// aws-lambda-ric: script is null where the command is another. The
// options are not given to the question: resolution is judged with node's
// defaults, and an option that preloads code would run it.
struct NodeClient {
  const char* script = nullptr;
  const char* handler = nullptr;  // the word after SCRIPT, which 3.x takes; null where there is none
};

NodeClient node_client(char* const* words, size_t count) {
  NodeClient client;
  if (count < 2) return client;
  string_view program = base_name(words[0]);
  if (program != "node" && program != "nodejs") return client;
  size_t at = 1;
  while (at < count && is_node_option_word(words[at])) ++at;
  if (at == count || !names_node_client(words[at])) return client;
  client.script = words[at];
  if (at + 1 < count) client.handler = words[at + 1];
  return client;
}

// The question, run by the image's node as Lambda's user, in the working
// directory a run has, with the environment the run gives (NODE_OPTIONS
// left out: it could preload code), as node -e QUESTION -- NODE SCRIPT
// [HANDLER]. It finds SCRIPT as node finds its main script, the
// aws-lambda-ric package it belongs to and its version, then the handler
// and the code's directory where that version takes them (3.x and older:
// the argument after SCRIPT and the working directory; 4.x and newer:
// _HANDLER and LAMBDA_TASK_ROOT), then the handler's module in the
// version's order: the handler split at the first '.' of its last part,
// '..' refused; the files MODULE, .js, .mjs, .cjs under the directory (1.x
// and 2.x: require() of MODULE where it or MODULE.js is there, no .mjs;
// 3.x: require() but for .mjs, and for .js in a package.json "type":
// "module" scope; 4.x: import() for all), then require.resolve(MODULE) from
// the code's directory. It opens the file it finds, and loads nothing. Its
// answer is a letter, then its line for this program to print (output.hpp's
// tell_answer()):
//   x  SCRIPT is not aws-lambda-ric's (no line)
//   a  the client; no handler to judge         o  the handler's module
//   c  no such main script                     n  no such module
//   u  a file this user cannot read            f  node's resolver fails otherwise
//   e  4.x's variable is unset or empty        m  a malformed handler
//   b  a module built into node
constexpr const char* node_question =
    "const fs=require('fs'),P=require('path'),url=require('url')\n"
    "const [node,word,given]=process.argv.slice(1)\n"
    "const say=(k,kind,s,t)=>{process.stdout.write(k+'\\n'+kind+'\\t'+s+'\\t'+t.replace(/\\n/g,' "
    "')+'\\n');process.exit(0)}\n"
    "const q=s=>/^[\\w@%+=:,./-]+$/.test(s)?s:\"'\"+s.replace(/'/g,\"'\\\\''\")+\"'\"\n"
    "const has=f=>fs.existsSync(f)\n"
    "const readable=f=>{try{fs.closeSync(fs.openSync(f,'r'))}catch(e){say('u','',f,\"Lambda's user cannot read it, "
    "\"+\n"
    " 'and '+node+' reads it at start: RUN chmod o+r on it (o+x on its directories), or COPY it with --chmod')}}\n"
    "let main,d,v\n"
    "try{main=fs.realpathSync(require.resolve(P.resolve(word)))}catch(e){say('c','',P.resolve(word),\"Lambda's user's "
    "\"+\n"
    " node+' cannot find it (Cannot find module): npm install aws-lambda-ric where the command names it')}\n"
    "readable(main)\n"
    "for(d=main;v===undefined;d=P.dirname(d)){\n"
    " if(d==='/'){console.log('x');process.exit(0)}\n"
    " try{const p=JSON.parse(fs.readFileSync(P.join(P.dirname(d),'package.json')))\n"
    "  if(p.name==='aws-lambda-ric')v=String(p.version)}catch(e){}\n"
    "}\n"
    "const major=parseInt(v),old=major<4,env=process.env,ric='aws-lambda-ric '+v\n"
    "const under=ric+\" under Lambda's user's \"+node\n"
    "const h=old?given:env._HANDLER,root=old?process.cwd():env.LAMBDA_TASK_ROOT\n"
    "if(given===undefined&&(old||!h||h===word))say('a','',main,'ok, the runtime client '+ric+\", as Lambda's user's "
    "\"+\n"
    " node+' finds it (the command gives no handler to judge)')\n"
    "for(const n of['_HANDLER','LAMBDA_TASK_ROOT'])if(!old&&!env[n])say('e','',n,'unset or empty, and '+ric+\n"
    " ' takes the handler and its directory from _HANDLER and LAMBDA_TASK_ROOT alone: set it (ENV), or drop "
    "--no-parity')\n"
    "if(h.includes('..'))say('m','handler ',h,ric+\" refuses a handler with '..' in it (Runtime.MalformedHandlerName): "
    "\"+\n"
    " \"name the file from the code's directory down\")\n"
    "const base=P.basename(h),dir=h.substring(0,h.indexOf(base)),m=base.match(/^([^.]*)\\.(.*)$/)\n"
    "if(!m)say('m','handler ',h,ric+\" needs FILE.FUNCTION, with a '.' in the last part "
    "(Runtime.MalformedHandlerName): \"+\n"
    " 'name it as index.handler for the function handler in index.mjs')\n"
    "const L=P.resolve(root,dir,m[1])\n"
    "const none=()=>say('n','handler ',h,under+' finds no module (Runtime.ImportModuleError), looking for '+q(L)+\n"
    " (major<3?' (with no extension or .js)':' (with no extension, .js, .mjs or .cjs)')+' and in node_modules from '+\n"
    " q(root)+\": COPY the handler's file into \"+(old?'the working directory (WORKDIR)':\"LAMBDA_TASK_ROOT's "
    "directory\")+\n"
    " ', or name it as it lies there (src/index.handler for src/index.js)'+\n"
    " (major<3?'; aws-lambda-ric before 3.0 loads no .mjs or .cjs: name the file .js, or install a newer one':''))\n"
    "const fail=c=>say('f','handler ',h,ric+' under '+node+' cannot resolve its module: '+c)\n"
    "const found=p=>{readable(p);say('o','handler ',h,'ok, its module is '+q(p)+', as '+under+\n"
    " ' finds it (the function in it is not looked for: that would run the module)')}\n"
    "const cjs=(f,o)=>{let r\n"
    " try{r=require.resolve(f,o)}catch(e){e.code==='MODULE_NOT_FOUND'?none():fail(e.code)}\n"
    " if(require('module').isBuiltin(r))say('b','handler ',h,'its module, '+r+', is one built into '+node+', which '+\n"
    "  ric+\" loads in its place (Runtime.HandlerNotFound): rename the handler's file\")\n"
    " found(r)}\n"
    "const esm=f=>{let p\n"
    " try{p=url.fileURLToPath(new URL(f,'file:///'))}catch(e){fail(e.code)}\n"
    " if(!has(p))none()\n"
    " if(fs.statSync(p).isDirectory())fail('ERR_UNSUPPORTED_DIR_IMPORT: '+p)\n"
    " found(p)}\n"
    "const typeModule=d=>{for(;;d=P.resolve(d,'..')){\n"
    " if(d.endsWith('/node_modules'))return false\n"
    " const j=P.join(d,'/package.json')\n"
    " if(has(j))try{const p=JSON.parse(fs.readFileSync(j));if(p)return p.type==='module'}catch(e){return false}\n"
    " if(d==='/')return false}}\n"
    "if(major<3){if(has(L)||has(L+'.js'))cjs(L);cjs(m[1],{paths:[root,dir]})}\n"
    "if(old){\n"
    " if(has(L))cjs(L)\n"
    " const js=has(L+'.js'),module=js&&typeModule(P.dirname(L+'.js'))\n"
    " if(js)module?esm(L+'.js'):cjs(L+'.js')\n"
    " if(has(L+'.mjs'))esm(L+'.mjs')\n"
    " if(has(L+'.cjs'))cjs(L+'.cjs')\n"
    " cjs(m[1],{paths:[root,dir]})\n"
    "}\n"
    "for(const x of['','.js','.mjs','.cjs'])if(has(L+x))esm(L+x)\n"
    "cjs(m[1],{paths:[root,P.join(root,dir.replace(/\\/$/,''))]})\n";

// The letters of the question's answers, and the faults they name.
constexpr AnswerLetters node_answers = {"acxuembnfo", "mbe", "cn", "uf"};

}  // namespace
