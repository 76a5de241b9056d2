# Release artifacts, from one command run in the source tree:
#
#   cmake -P cmake/release-artifacts.cmake
#
# builds the static binary for both Lambda architectures with the release
# presets and writes, under build/dist/, lambda-entrypoint-x86_64,
# lambda-entrypoint-arm64 and SHA256SUMS (for `sha256sum -c SHA256SUMS`).

cmake_minimum_required(VERSION 3.25)
get_filename_component(source_dir "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(dist "${source_dir}/build/dist")
file(REMOVE_RECURSE "${dist}")
file(MAKE_DIRECTORY "${dist}")

set(presets release release-arm64)
set(names lambda-entrypoint-x86_64 lambda-entrypoint-arm64)
set(sums "")
foreach(preset name IN ZIP_LISTS presets names)
  execute_process(COMMAND "${CMAKE_COMMAND}" --workflow --preset "${preset}" --fresh
                  WORKING_DIRECTORY "${source_dir}" RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "the ${preset} build failed")
  endif()
  file(COPY_FILE "${source_dir}/build/${preset}/lambda-entrypoint" "${dist}/${name}")
  file(SHA256 "${dist}/${name}" hash)
  string(APPEND sums "${hash}  ${name}\n")
endforeach()
file(WRITE "${dist}/SHA256SUMS" "${sums}")
message(STATUS "Release artifacts in ${dist}:\n${sums}")
