// AWS's release files of the real aws-lambda-rie, for the tests that ask
// it: found in LAMBDA_ENTRYPOINT_RIE_DIR, and a test without it is skipped
// with the reason (Catch2's exit code 4, which ctest reports as skipped).
#pragma once

#include <unistd.h>
#include <catch2/catch_test_macros.hpp>
#include <cstdlib>
#include <string>

inline std::string rie_cpu(const std::string& platform) { return platform == "amd64" ? "x86_64" : "arm64"; }

// The folder that holds the real emulator's release files; the test is
// skipped, saying why, where none is given.
inline std::string real_emulator_dir() {
  const char* dir = std::getenv("LAMBDA_ENTRYPOINT_RIE_DIR");
  if (dir == nullptr || *dir == '\0')
    SKIP(
        "LAMBDA_ENTRYPOINT_RIE_DIR is unset: point it at a folder holding AWS's aws-lambda-rie-x86_64 and "
        "aws-lambda-rie-arm64 to run the tests that ask the real emulator");
  return dir;
}

// AWS's release file of the real emulator for a platform; it must run.
inline std::string real_emulator(const std::string& platform) {
  std::string path = real_emulator_dir() + "/aws-lambda-rie-" + rie_cpu(platform);
  INFO("the real emulator: " << path);
  REQUIRE(access(path.c_str(), X_OK) == 0);
  return path;
}
