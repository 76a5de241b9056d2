// The variables aws-lambda-rie gives the runtime besides AWS_LAMBDA_RUNTIME_API,
// each where the container leaves it unset or empty (a value it has is kept):
// the function's, with the emulator's defaults, which runtime clients require,
// and the credentials, empty. Held to the real emulator by rie_test.cpp: the
// emulator stand-in sets them, and the tests expect them. No libraries: the
// stand-in is a static program.
#pragma once

namespace emulator_env {

constexpr const char* function_variables[][2] = {
    {"AWS_LAMBDA_FUNCTION_NAME", "test_function"},
    {"AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"},
    {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "3008"},
    {"AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/Functions"},
    {"AWS_LAMBDA_LOG_STREAM_NAME", "$LATEST"},
    {"AWS_ACCESS_KEY_ID", ""},
    {"AWS_SECRET_ACCESS_KEY", ""},
    {"AWS_SESSION_TOKEN", ""},
};

}  // namespace emulator_env
