# Shared build helpers: one static library per module, one gtest binary per test file group.
add_library(vq_warnings INTERFACE)
target_compile_options(vq_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                       $<$<BOOL:${VQ_WERROR}>:-Werror>)

# vq_library(<name> SRCS ... [DEPS ...] [PRIVATE_DEPS ...]) -> target vq_<name>, alias vq::<name>
function(vq_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(vq_${name} STATIC ${ARG_SRCS})
  add_library(vq::${name} ALIAS vq_${name})
  target_include_directories(vq_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(vq_${name} PUBLIC ${ARG_DEPS} PRIVATE vq_warnings ${ARG_PRIVATE_DEPS})
endfunction()

# vq_test(<name> SRCS ... DEPS ... [LABELS ...]) -> one gtest binary registered with ctest
function(vq_test name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} vq_warnings GTest::gmock GTest::gtest_main)
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  gtest_discover_tests(${name} PROPERTIES LABELS "${ARG_LABELS}"
                       WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} DISCOVERY_TIMEOUT 60)
endfunction()

# vq_fuzzer(<name> SRCS ... DEPS ... CORPUS <dir>)
# Always builds <name>_replay, a plain program that feeds every file of the corpus to the
# fuzz entry point, registered with ctest (label fuzz). With VQ_FUZZ=ON and clang it also
# builds <name>, the libFuzzer binary with ASan/UBSan.
function(vq_fuzzer name)
  cmake_parse_arguments(ARG "" "CORPUS" "SRCS;DEPS" ${ARGN})
  add_executable(${name}_replay ${ARG_SRCS} ${PROJECT_SOURCE_DIR}/fuzz/replay_main.cc)
  target_link_libraries(${name}_replay PRIVATE ${ARG_DEPS} vq_warnings)
  add_test(NAME fuzz_replay.${name} COMMAND ${name}_replay ${ARG_CORPUS})
  set_tests_properties(fuzz_replay.${name} PROPERTIES LABELS fuzz TIMEOUT 300)
  if(VQ_FUZZ)
    add_executable(${name} ${ARG_SRCS})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_libraries(${name} PRIVATE ${ARG_DEPS})
    add_dependencies(fuzzers ${name})
  endif()
endfunction()
