// A stand-in for glibc's loader in its list mode that ends its output first
// and exits a moment later, with a failure: what a loader whose listing is
// read to its end but whose exit is not yet there looks like. Installed as
// ld-linux-*.so.*, so that --check asks it for a program's libraries.
#include <unistd.h>

int main() {
  close(STDOUT_FILENO);
  close(STDERR_FILENO);
  usleep(300 * 1000);
  return 1;
}
