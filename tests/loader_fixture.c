/* The programs and libraries the loader tests give to real loaders, from one
   source: built with FIXTURE_LIBRARY, the library (no C library of its own,
   so that glibc's and musl's loaders alike load it); without, a program that
   exits 0 once its loader has loaded that library and bound its symbol. */
#ifdef FIXTURE_LIBRARY
int fixture_value(void) { return 0; }
#else
int fixture_value(void);
int main(void) { return fixture_value(); }
#endif
