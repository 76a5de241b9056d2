// The floor for "one extra exec": an empty static program that executes its
// arguments and nothing else.
#include <unistd.h>

int main(int, char* argv[], char* envp[]) {
  execve(argv[1], argv + 1, envp);
  return 127;
}
