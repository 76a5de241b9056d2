/* The programs and libraries the loader tests give to real loaders, from one
   source: built with FIXTURE_LIBRARY, the library (no C library of its own,
   so that glibc's and musl's loaders alike load it); without, a program that
   exits 0 once its loader has loaded that library and bound its symbols.
   FIXTURE_EXTRA adds a second symbol to both, which a library built without
   it lacks; FIXTURE_RELOCATION gives the library a relocation to process. */
#ifdef FIXTURE_LIBRARY
int fixture_value(void) { return 0; }
#ifdef FIXTURE_EXTRA
int fixture_extra(void) { return 0; }
#endif
#ifdef FIXTURE_RELOCATION
int (*fixture_pointer)(void) = fixture_value;
#endif
#else
int fixture_value(void);
#ifdef FIXTURE_EXTRA
int fixture_extra(void);
int main(void) { return fixture_value() + fixture_extra(); }
#else
int main(void) { return fixture_value(); }
#endif
#endif
