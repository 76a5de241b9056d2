// The tests' probe of musl's own execvp, built with the binary's toolchain
// (so on its libc, for its CPU): execvp-probe NAME [ARG...] runs
// execvp(NAME, [NAME, ARG...]); on failure it exits as a shell would, 127
// for ENOENT or ENOTDIR and 126 for any other errno. Uses: execvp only.
#include <unistd.h>
#include <cerrno>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  execvp(argv[1], argv + 1);
  return errno == ENOENT || errno == ENOTDIR ? 127 : 126;
}
