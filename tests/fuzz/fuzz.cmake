# tests/fuzz/fuzz.cmake - fuzz targets for the parsers of untrusted text (list: GS_FUZZ_NAMES and
# tests/fuzz/README.md), for example:
#   drug_json   gs_drug_parse() (drug files) + accessors + gs_drug_individual_model()
#   titration   gs_regimen_parse_titration() + gs_regimen_validate()/gs_regimen_expand()
#   quantity    gs_units_parse_quantity() for every dimension + gs_units_parse_count()
#   datafile    gs_datafile_parse_json() + every typed field reader (gabasim/datafile.h)
#
# Include it from tests/CMakeLists.txt:   include(${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz.cmake)
#
# Always built (any compiler):
#   fuzz_<name>_replay       fuzz_<name>.c + replay_main.c, linked to gabasim_lib
#   test fuzz_replay_<name>  replays tests/fuzz/corpus/<name>/ (seeds and crash-* reproducers);
#                            under GS_SANITIZE it runs with ASan/UBSan/LSan.
# With -DGS_FUZZ=ON and clang, also:
#   fuzz_<name>              the libFuzzer binary (-fsanitize=fuzzer,address,undefined)
#   test fuzz_<name>         LABELS fuzz: GS_FUZZ_SECONDS of fuzzing (-max_total_time, default
#                            30; `make fuzz` passes FUZZ_SECONDS, 300 by default, CI 10) from the
#                            fixed -seed=GS_FUZZ_SEED (1) on a fresh copy of the corpus in
#                            <build>/tests/fuzz/runs/<name>; a crash or violated invariant fails
#                            the test and leaves its reproducer in <build>/tests/fuzz/artifacts/
#                            <name>/. Run with `ctest -L fuzz`; target `fuzzers` builds them all.
#
# GS_FUZZ needs the whole library compiled with libFuzzer's coverage instrumentation and the
# sanitizers. Add these lines to the top-level CMakeLists.txt, after the GS_SANITIZE block and
# before add_library(gabasim_lib ...) (directory compile options apply to targets created later):
#
#   option(GS_FUZZ "Build the libFuzzer targets (clang only); instruments the whole build" OFF)
#   if(GS_FUZZ)
#     if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
#       message(FATAL_ERROR "GS_FUZZ=ON needs clang: configure with CC=clang")
#     endif()
#     add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
#                         -fno-sanitize-recover=all -fno-omit-frame-pointer)
#     add_link_options(-fsanitize=address,undefined)
#   endif()
#
# (The fuzz_<name> targets add -fsanitize=fuzzer themselves; every other executable, the replay
# ones included, links only the sanitizer runtimes.)

set(GS_FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR})
set(GS_FUZZ_NAMES drug_json titration quantity dataset interactions covdist pain adverse model
                  evidence studies trial_spec datafile nca)

set(GS_FUZZ_SECONDS 30 CACHE STRING "Seconds of fuzzing per target in the fuzz_<name> tests")
set(GS_FUZZ_SEED 1 CACHE STRING "libFuzzer -seed of the fuzz_<name> tests (fixed: reproducible)")
math(EXPR GS_FUZZ_TEST_TIMEOUT "${GS_FUZZ_SECONDS} + 150")

set(GS_FUZZ_BUILD_LIBFUZZER OFF)
if(GS_FUZZ)
  if(CMAKE_C_COMPILER_ID MATCHES "Clang")
    set(GS_FUZZ_BUILD_LIBFUZZER ON)
  else()
    message(WARNING "GS_FUZZ=ON but the C compiler is ${CMAKE_C_COMPILER_ID}: libFuzzer needs "
                    "clang; only the corpus replay tests are built")
  endif()
endif()

foreach(name IN LISTS GS_FUZZ_NAMES)
  set(src ${GS_FUZZ_DIR}/fuzz_${name}.c)
  set(corpus ${GS_FUZZ_DIR}/corpus/${name})

  add_executable(fuzz_${name}_replay ${src} ${GS_FUZZ_DIR}/replay_main.c ${GS_FUZZ_EXTRA_${name}})
  target_link_libraries(fuzz_${name}_replay PRIVATE gabasim_lib)
  target_include_directories(fuzz_${name}_replay PRIVATE ${PROJECT_SOURCE_DIR}/src/cli)
  add_test(NAME fuzz_replay_${name} COMMAND fuzz_${name}_replay ${corpus})
  # GS_FUZZ_IGNORE empty: every invariant is checked, whatever the caller's environment says.
  set_tests_properties(fuzz_replay_${name} PROPERTIES
    TIMEOUT 300
    ENVIRONMENT "GS_FUZZ_IGNORE=;UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")

  if(GS_FUZZ_BUILD_LIBFUZZER)
    set(work ${CMAKE_CURRENT_BINARY_DIR}/fuzz/runs/${name})
    set(artifacts ${CMAKE_CURRENT_BINARY_DIR}/fuzz/artifacts/${name})

    add_executable(fuzz_${name} ${src} ${GS_FUZZ_EXTRA_${name}})
    target_link_libraries(fuzz_${name} PRIVATE gabasim_lib)
    target_include_directories(fuzz_${name} PRIVATE ${PROJECT_SOURCE_DIR}/src/cli)
    target_compile_options(fuzz_${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer,address,undefined)

    add_test(NAME fuzz_${name}_corpus_copy
             COMMAND ${CMAKE_COMMAND} -DSRC=${corpus} -DDST=${work} -DART=${artifacts}
                     -P ${GS_FUZZ_DIR}/copy_corpus.cmake)
    set_tests_properties(fuzz_${name}_corpus_copy PROPERTIES
      FIXTURES_SETUP fuzz_${name}_corpus
      LABELS fuzz)

    add_test(NAME fuzz_${name}
             COMMAND fuzz_${name} -max_total_time=${GS_FUZZ_SECONDS} -seed=${GS_FUZZ_SEED}
                     -timeout=10 -rss_limit_mb=2048
                     -print_final_stats=1 -dict=${GS_FUZZ_DIR}/${name}.dict
                     -artifact_prefix=${artifacts}/ ${work})
    set_tests_properties(fuzz_${name} PROPERTIES
      FIXTURES_REQUIRED fuzz_${name}_corpus
      LABELS fuzz
      TIMEOUT ${GS_FUZZ_TEST_TIMEOUT}
      ENVIRONMENT "GS_FUZZ_IGNORE=;UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
    list(APPEND GS_FUZZ_BINARIES fuzz_${name})
  endif()
endforeach()
if(GS_FUZZ_BUILD_LIBFUZZER)
  add_custom_target(fuzzers DEPENDS ${GS_FUZZ_BINARIES})
endif()
