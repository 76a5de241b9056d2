// lambda-entrypoint: start an AWS Lambda runtime the way the place it runs in needs.
//
// In the Lambda cloud AWS_LAMBDA_RUNTIME_API is set and the runtime must run
// directly; on a developer's machine it is not, and the same runtime must run
// under aws-lambda-rie, the Runtime Interface Emulator, to be invoked over HTTP.
// This program makes that choice and replaces itself with the result (execve):
// no shell, no extra process, nothing changed on the way.
//
// The layers, each in src/, in the order they build on each other: the names
// and settings; the decision (pure: arguments and environment in, a plan or
// a complaint out); the command a plan executes and the inspection of a
// file's first bytes (both pure); then output and the system calls: finding a
// program, diagnosing why one cannot start, --check, and running. The program
// is one translation unit: this file includes them all, so that the compiler
// sees every function at once, as it would in one file.

#include <unistd.h>

#include "src/check.hpp"
#include "src/decide.hpp"
#include "src/names.hpp"
#include "src/output.hpp"
#include "src/run.hpp"

#ifndef LAMBDA_ENTRYPOINT_VERSION
#error "LAMBDA_ENTRYPOINT_VERSION must be defined by the build"
#endif

int main(int argc, char* argv[], char* envp[]) {
  for (;;) {
    Decision decision = decide(argc, argv, envp);
    switch (decision.action) {
      case Action::help: print_help(); return 0;
      case Action::version:
        // The CPU too: it answers "which binary is in this image?".
        Output(STDOUT_FILENO) << program_name << " " << LAMBDA_ENTRYPOINT_VERSION << " (" LAMBDA_ENTRYPOINT_CPU ")\n";
        return 0;
      case Action::complain: return complain(decision.complaint);
      case Action::check: return check(decision.plan);
      case Action::run: return run(decision.plan, envp);
      case Action::resume:
        // As the emulator's Managed Instances bootstrap: decide again on the
        // command carried here, as this program would have in the cloud (the
        // carrying variables are gone, so once).
        if (int code = resume(decision.carried, argc, argv, envp)) return code;
        break;
    }
  }
}
