// require_host_cpu(): a test that needs the binary under test to be built
// for this machine's CPU (it has that binary judge or start a program of this
// machine, or it limits memory that qemu-user would need too) is skipped for
// the other CPU, with its reason. Uses Catch2 and the harness.
#pragma once

#include <catch2/catch_test_macros.hpp>
#include <string>

#include "harness.hpp"

inline void require_host_cpu(const std::string& why) {
  if (harness::entrypoint_arch() != harness::host_arch())
    SKIP(why + "; the binary under test is for " + harness::entrypoint_arch() + ", this machine is " +
         harness::host_arch());
}
