# Run after integration_tests is built (cmake -P): writes CTEST_FILE, the ctest tests of the
# integration suite. The cases of one source file run in one process, one after another, and so
# share one cluster (a cluster costs about 0.3 s of CPU to copy, start and stop, on a 2-core
# virtual machine, and a process start more); the files named in SPLIT_FILES hold long cases or
# share cluster-wide state between cases (roles), so each of their cases is a test of its own and
# `ctest -j` spreads them. COST makes ctest start the longest first when it has no timings yet.
#
# -D TEST_EXECUTABLE=... -D CTEST_FILE=... -D SOURCE_FILES=a.cpp|b.cpp -D SPLIT_FILES=c.cpp|...

cmake_minimum_required(VERSION 3.16)

string(REPLACE "|" ";" SOURCE_FILES "${SOURCE_FILES}")
string(REPLACE "|" ";" SPLIT_FILES "${SPLIT_FILES}")
set(script "")
# What doctest prints when its filters matched no case: such a test fails rather than pass empty.
set(ran_nothing "test cases: +0 [|]")

function(cases_of source out)
  execute_process(
    COMMAND "${TEST_EXECUTABLE}" "--source-file=*/${source}" --list-test-cases
    OUTPUT_VARIABLE listing
    RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${TEST_EXECUTABLE} --list-test-cases failed (${result}):\n${listing}")
  endif()
  string(REPLACE "\n" ";" lines "${listing}")
  set(cases "")
  foreach(line IN LISTS lines)
    if(line STREQUAL "" OR line MATCHES "^\\[doctest\\] " OR line MATCHES "^=+$")
      continue()
    endif()
    list(APPEND cases "${line}")
  endforeach()
  set(${out} "${cases}" PARENT_SCOPE)
endfunction()

# A bracket argument, so that no character of a test name means anything to CMake.
function(add_line)
  set(line "")
  foreach(word IN LISTS ARGN)
    string(APPEND line " [==[${word}]==]")
  endforeach()
  set(script "${script}${line}\n" PARENT_SCOPE)
endfunction()

foreach(source IN LISTS SOURCE_FILES)
  cases_of("${source}" cases)
  list(LENGTH cases count)
  if(count EQUAL 0)
    continue()
  endif()
  if(source IN_LIST SPLIT_FILES)
    foreach(case IN LISTS cases)
      # doctest splits a filter on commas; an escaped one is part of the name.
      string(REPLACE "," "\\," filter "${case}")
      string(APPEND script "add_test(")
      add_line("integration:${case}" "${TEST_EXECUTABLE}" "--source-file=*/${source}"
               "--test-case=${filter}")
      string(APPEND script ")\nset_tests_properties(")
      add_line("integration:${case}" PROPERTIES TIMEOUT 900 COST 15
               FAIL_REGULAR_EXPRESSION "${ran_nothing}")
      string(APPEND script ")\n")
    endforeach()
  else()
    math(EXPR cost "3 * ${count}")
    string(APPEND script "add_test(")
    add_line("integration:${source}" "${TEST_EXECUTABLE}" "--source-file=*/${source}")
    string(APPEND script ")\nset_tests_properties(")
    add_line("integration:${source}" PROPERTIES TIMEOUT 900 COST ${cost}
             FAIL_REGULAR_EXPRESSION "${ran_nothing}")
    string(APPEND script ")\n")
  endif()
endforeach()

file(WRITE "${CTEST_FILE}" "${script}")
