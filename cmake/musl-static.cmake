# Toolchain: fully static executables on musl, compiled by GCC's C++ front end.
#
# The C++ standard library is used header-only (string_view, unique_ptr, ...),
# over musl's C headers; libstdc++ itself is never linked, which is what keeps
# the binary at a few kilobytes (static glibc alone is ~680 KB). That only works
# without exceptions and RTTI, so both are off here.
#
# Choose the target with LAMBDA_ENTRYPOINT_ARCH (x86_64 or aarch64, default: the
# build machine's). Debian packages: g++ and musl-dev (for x86_64), or
# g++-aarch64-linux-gnu and musl-dev:arm64 (for aarch64).

set(LAMBDA_ENTRYPOINT_ARCH "${CMAKE_HOST_SYSTEM_PROCESSOR}" CACHE STRING "Target CPU: x86_64 or aarch64")
# CMake's compiler checks read this file again in a project of their own.
set(CMAKE_TRY_COMPILE_PLATFORM_VARIABLES LAMBDA_ENTRYPOINT_ARCH)
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR "${LAMBDA_ENTRYPOINT_ARCH}")
set(LAMBDA_ENTRYPOINT_STATIC_TOOLCHAIN ON)

set(gnu_triple "${LAMBDA_ENTRYPOINT_ARCH}-linux-gnu")
if(LAMBDA_ENTRYPOINT_ARCH STREQUAL CMAKE_HOST_SYSTEM_PROCESSOR)
  set(CMAKE_CXX_COMPILER g++)
else()
  set(CMAKE_CXX_COMPILER "${gnu_triple}-g++")
  set(CMAKE_CROSSCOMPILING_EMULATOR "qemu-${LAMBDA_ENTRYPOINT_ARCH}-static")
endif()
set(musl_include "/usr/include/${LAMBDA_ENTRYPOINT_ARCH}-linux-musl")
set(musl_lib "/usr/lib/${LAMBDA_ENTRYPOINT_ARCH}-linux-musl")
if(NOT EXISTS "${musl_lib}/libc.a")
  message(FATAL_ERROR "${musl_lib}/libc.a not found: install musl-dev for ${LAMBDA_ENTRYPOINT_ARCH}")
endif()

# Ask the compiler where its C++ headers and its own runtime pieces live, so
# the same file serves the native compiler and Debian's cross compilers.
execute_process(COMMAND "${CMAKE_CXX_COMPILER}" -xc++ -E -Wp,-v /dev/null
                OUTPUT_QUIET ERROR_VARIABLE search_list)
string(REGEX MATCHALL "\n [^\n]*/c\\+\\+/[^\n]*" cxx_include_dirs "${search_list}")
function(gcc_file name out)
  execute_process(COMMAND "${CMAKE_CXX_COMPILER}" "-print-file-name=${name}"
                  OUTPUT_VARIABLE path OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(${out} "${path}" PARENT_SCOPE)
endfunction()
gcc_file(include gcc_include)
gcc_file(libgcc.a libgcc)

# Include order matters: libstdc++'s <cstdlib> does #include_next <stdlib.h>,
# which must land on musl's header, never on glibc's.
set(include_flags "-nostdinc")
foreach(dir IN LISTS cxx_include_dirs)
  string(STRIP "${dir}" dir)
  string(APPEND include_flags " -isystem ${dir}")
endforeach()
string(APPEND include_flags " -isystem ${musl_include} -isystem ${gcc_include}")

# libstdc++'s configuration asks glibc for its version; musl answers like a
# current libc.
set(glibc_version_check "'-D__GLIBC_PREREQ(major,minor)=1'")

# -fno-pie: the executable is not position-independent (see below), so its
# tables of pointers need no relocation and go to .rodata (about 500 bytes
# smaller than Debian's default, -fPIE).
set(CMAKE_CXX_FLAGS_INIT
    "${include_flags} ${glibc_version_check} -fno-exceptions -fno-rtti -fno-unwind-tables -fno-asynchronous-unwind-tables -ffunction-sections -fdata-sections -fstack-clash-protection -fno-pie")
# -mcmodel=tiny on aarch64: the program and its data lie within 1 MB of each
# other (the budget is 64 KiB; the linker refuses the build if they did not),
# so one ADR names an address where the default model needs ADRP and ADD:
# about 1.3 KB less.
if(LAMBDA_ENTRYPOINT_ARCH STREQUAL "aarch64")
  string(APPEND CMAKE_CXX_FLAGS_INIT " -mcmodel=tiny")
endif()
# Set as the cache entry itself: CMake appends GCC's default (-O3) to a
# *_FLAGS_RELEASE_INIT value, and the last -O on the command line wins.
# -Oz (GCC 12 on), not -Os: smaller by some 350 bytes on x86_64 (the same on
# aarch64), for 8 instructions more before execve in the cloud (measured).
set(CMAKE_CXX_FLAGS_RELEASE "-Oz -DNDEBUG" CACHE STRING "Flags of the static Release build")

# Link musl's start files and libc.a by hand, in the order musl-gcc.specs uses,
# without GCC's crtbeginT.o and crtend.o: they register exception frames (on
# aarch64 pulling in libgcc's unwinder, 4.4 KB) for a program that has none,
# and musl's start-up runs .init_array itself (docs/building.md).
# Layout for size: code and read-only data share one segment
# (noseparate-code), pages are 4 KiB even on aarch64 (whose default, 64 KiB,
# pads the file), there is no RELRO, which musl's static start-up never
# applies and which would only add a page of padding, and no build-id note,
# which nothing reads from a release whose files carry their checksums.
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "-static -nostdlib -Wl,--gc-sections -Wl,-z,noexecstack -Wl,-z,norelro -Wl,-z,max-page-size=4096 -Wl,-z,noseparate-code -Wl,--build-id=none ${musl_lib}/crt1.o ${musl_lib}/crti.o")
# On aarch64, the linker's fix for Cortex-A53 erratum 843419 (on by default
# in Debian's GCC) may move an ADRP that lands at the end of a 4 KiB page into
# a stub, and pads the stubs to a page of their own: 4 KiB more, appearing and
# vanishing as unrelated code moves (observed: 62,600 to 66,904 bytes for some
# 800 bytes of code). In a program this small every ADRP target is within an
# ADR's reach (1 MB), so the "adr" form of the fix rewrites them in place:
# the erratum stays fixed, and nothing is added.
if(LAMBDA_ENTRYPOINT_ARCH STREQUAL "aarch64")
  string(APPEND CMAKE_EXE_LINKER_FLAGS_INIT " -Wl,--fix-cortex-a53-843419=adr")
endif()
set(CMAKE_EXE_LINKER_FLAGS_RELEASE_INIT "-s")
set(CMAKE_CXX_STANDARD_LIBRARIES
    "-Wl,--start-group ${musl_lib}/libc.a ${libgcc} -Wl,--end-group ${musl_lib}/crtn.o")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
