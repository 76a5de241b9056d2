// The function's runtime, reduced to nothing: it exits at once. Every
// entrypoint in the benchmark starts this, so what is measured is the
// entrypoint's own cost.
int main() { return 0; }
