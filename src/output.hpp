// Output: messages written whole to a file descriptor, words quoted for a
// shell, the complaint line, --help (printed from the settings table) and
// --debug's description. Its one system call is write(); no stdio.
#pragma once

#include <unistd.h>
#include <cerrno>
#include <cstddef>
#include <string_view>

#include "names.hpp"
#include "plan.hpp"
#include "text.hpp"

namespace {

// What a shell reads, in a command's first word, as other than the command:
// an assignment (a name, then '='), or one of POSIX's reserved words.
bool is_shell_keyword_or_assignment(string_view word) {
  size_t equals = word.find('=');
  if (equals != string_view::npos && equals > 0 && !(word[0] >= '0' && word[0] <= '9') &&
      word.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") >= equals)
    return true;
  constexpr string_view keywords[] = {"case", "do", "done", "elif", "else",  "esac", "fi",
                                      "for",  "if", "in",   "then", "until", "while"};
  for (string_view keyword : keywords)
    if (word == keyword) return true;
  return false;
}

// Collects output and writes it in whole lines, so a message from this
// program is not interleaved with another process's output. No stdio: it
// would cost more than the rest of the program. Its members stay out of line:
// inlined into every message, they would cost kilobytes of the binary.
class Output {
 public:
  explicit Output(int fd) : fd_(fd) {}
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
  ~Output() { flush(); }

  [[gnu::noinline]] Output& operator<<(string_view text) {
    for (char c : text) put(c);
    return *this;
  }

  // C strings (every literal) are written up to their NUL: measuring each
  // where it is written would cost a call at every one of them.
  [[gnu::noinline]] Output& operator<<(const char* text) {
    while (*text != '\0') put(*text++);
    return *this;
  }

  // How every line about a file or an argument begins: "lambda-entrypoint:
  // [KIND]SUBJECT: ", the subject quoted.
  [[gnu::noinline]] Output& about(string_view subject, string_view kind = {}) {
    *this << program_name << ": " << kind;
    return quoted(subject) << ": ";
  }

  // Quoted for a POSIX shell (bash's $'...' where a control byte needs it),
  // so the line can be pasted into a shell and means the same bytes. A
  // command's name is quoted also where a shell would read it, bare, as an
  // assignment (x=y) or a reserved word (if).
  [[gnu::noinline]] Output& quoted(string_view word, bool command_name = false) {
    constexpr string_view plain = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-";
    bool bare = !word.empty() && word.find_first_not_of(plain) == string_view::npos;
    if (bare && (!command_name || !is_shell_keyword_or_assignment(word))) return *this << word;
    bool has_control = false;
    for (unsigned char c : word) has_control |= c < 0x20 || c == 0x7f;
    if (!has_control) {
      put('\'');
      for (char c : word) {
        if (c == '\'') *this << "'\\''";
        else put(c);
      }
      put('\'');
      return *this;
    }
    *this << "$'";
    for (unsigned char c : word) {
      if (c == '\n') *this << "\\n";
      else if (c == '\t') *this << "\\t";
      else if (c == '\\' || c == '\'') put('\\'), put(static_cast<char>(c));
      else if (c < 0x20 || c >= 0x7f)
        put('\\'), put('x'), put("0123456789abcdef"[c >> 4]), put("0123456789abcdef"[c & 15]);
      else put(static_cast<char>(c));
    }
    put('\'');
    return *this;
  }

  [[gnu::noinline]] Output& number(size_t value) {
    char digits[20];
    return *this << string_view(digits, static_cast<size_t>(decimal(digits, value) - digits));
  }

  [[gnu::noinline]] void flush() {
    for (size_t done = 0; done < used_;) {
      ssize_t written = write(fd_, buffer_ + done, used_ - done);
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) break;  // nowhere left to report to
      done += static_cast<size_t>(written);
    }
    used_ = 0;
  }

 private:
  [[gnu::noinline]] void put(char c) {
    if (used_ == sizeof buffer_) flush();
    buffer_[used_++] = c;
  }

  int fd_;
  size_t used_ = 0;
  char buffer_[4096];
};

const Complaint out_of_memory = {exit_cannot_run, {}, "out of memory"};

int complain(const Complaint& complaint) {
  Output err(STDERR_FILENO);
  if (complaint.verbatim) {
    err << complaint.reason << "\n";
    return complaint.exit_code;
  }
  string_view subject = complaint.short_option[0] != '\0' ? complaint.short_option : complaint.subject;
  err << program_name << ": ";
  if (subject.data() != nullptr) err.quoted(subject) << ": ";
  err << complaint.reason;
  if (complaint.hint != nullptr) err << "; " << complaint.hint;
  err << "\n";
  return complaint.exit_code;
}

// Where --check cannot judge what it set out to for want of memory: it says
// so and exits 126, as a run does, rather than pass what it did not judge.
[[noreturn, gnu::noinline]] void exit_out_of_memory() { _exit(complain(out_of_memory)); }

void print_help() {
  Output out(STDOUT_FILENO);
  out << "Usage: lambda-entrypoint [OPTION...] [--] PROGRAM [ARG...]\n"
         "       lambda-entrypoint --aws-form [OPTION...] HANDLER\n"
         "       lambda-entrypoint --check [OPTION...] PROGRAM [ARG...]   (or HANDLER)\n\n"
         "Runs PROGRAM ARG... (in the AWS form: the bootstrap, with _HANDLER=HANDLER) directly when\n"
         "AWS_LAMBDA_RUNTIME_API is set, as in the Lambda cloud, and under the Runtime Interface Emulator\n"
         "when it is unset or empty, as on a local machine. In the command form, AWS_LAMBDA_EXEC_WRAPPER,\n"
         "when set, runs around PROGRAM.\n\n"
         "Locally with AWS_LAMBDA_MAX_CONCURRENCY set, the emulator runs in its Managed Instances mode,\n"
         "which starts /var/runtime/bootstrap instead of the command: give the image this program there,\n"
         "  COPY --from=lambda-entrypoint /lambda-entrypoint /var/runtime/bootstrap\n"
         "and it runs the command, carried to it in LAMBDA_ENTRYPOINT_COMMAND.\n\n"
         "Settings, each an option and an environment variable (an option wins; an empty value counts as unset):\n";
  for (const SettingInfo& setting : settings) {
    out << "  --" << setting.option;
    if (setting.value_name != nullptr) out << "=" << setting.value_name;
    out << ", " << setting.variable << "=" << (setting.value_name != nullptr ? setting.value_name : "1") << "\n      "
        << setting.help;
    if (setting.default_value != nullptr) out << "\n      (default: " << setting.default_value << ")";
    out << "\n";
  }
  out << "Options alone:\n"
         "  --check\n      start nothing of the function: check every file a run would execute, in\n"
         "      either mode, with the libraries its loader lists, and the extensions in\n"
         "      /opt/extensions, and walk the function's code (the task root, /opt, the\n"
         "      working directory), as Lambda's non-root user would meet them, and for\n"
         "      python -m awslambdaric and node .../aws-lambda-ric, the client and the\n"
         "      handler's module; exit 0 when a cold start would work\n"
         "  -h, --help\n      print this help\n"
         "  --version\n      print the version and the CPU; only as the sole argument\n\n"
         "Exit status: the program's own once it runs; 142 for a wrong call; 127 when what must run\n"
         "is not found; 126 when it is found but cannot run.\n";
}

// carried: the value of LAMBDA_ENTRYPOINT_COMMAND where the command is
// carried to the Managed Instances bootstrap, else nullptr.
void describe(const Plan& plan, const char* target, char* const argv[], const char* carried) {
  Output err(STDERR_FILENO);
  err << program_name << ": " << runtime_api_variable
      << (plan.cloud ? " is set: running directly" : " is unset or empty: running under the emulator");
  if (plan.managed_instances) err << ", in its Managed Instances mode (" << max_concurrency_variable << " is set)";
  err << (plan.aws_form ? " (AWS form)\n" : " (command form)\n");
  err << program_name << ": executing ";
  err.quoted(target) << " as:";
  for (size_t a = 0; a < plan.assignment_count; ++a)
    err << " " << plan.assignments[a].name << "=", err.quoted(plan.assignments[a].value);
  if (carried != nullptr) err << " " << carried_variable << "=", err.quoted(carried);
  for (char* const* argument = argv; *argument != nullptr; ++argument)
    err << " ", err.quoted(*argument, argument == argv);
  err << "\n";
}

// The lines of a question's answer (python_client.hpp, node_client.hpp),
// each KIND<TAB>SUBJECT<TAB>TEXT, written to fd as this program's own:
// "lambda-entrypoint: KINDSUBJECT: TEXT", the subject quoted.
void tell_answer(string_view lines, int fd) {
  Output out(fd);
  for (string_view line; !(line = take_line(lines)).empty();) {
    string_view kind = take_until(line, '\t');
    out.about(take_until(line, '\t'), kind) << line << "\n";
  }
}

// A program asked a question that gave no answer of its form (not the
// interpreter it was taken for, or one too old for the question): a note on
// stdout with the first of what it said; what it was asked is not judged.
void tell_no_answer(const char* program, const char* asked, string_view said) {
  Output out(STDOUT_FILENO);
  out.about(program) << "note: it gave no answer on " << asked << ", not judged: ";
  out.quoted(first(said, 200)) << "\n";
}

}  // namespace
