// Linked into the sanitized build of lambda-entrypoint only. Leak checking is
// off because run() never frees what it allocates, by design: the process
// becomes the program, or exits, at once (see src/run.hpp).
extern "C" const char* __asan_default_options() { return "detect_leaks=0"; }
