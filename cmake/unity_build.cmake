# Unity builds: a target's sources compiled in batches of ORCHESTRATE_UNITY_BATCH files, each
# batch one translation unit, so the headers' inline code (libpqxx, fmt, nlohmann-json, Asio) is
# instantiated and optimised once per batch rather than once per file. Each source must then
# keep its file-local names (anonymous namespaces, statics) distinct from every other source's:
# a test file keeps all of its own in a namespace named after the file (test_fleet.cpp:
# `namespace test_fleet`), and ends every doctest suite it begins, since the next file of its
# batch would otherwise join that suite.
# A clean build takes a fraction of the time; an edit recompiles its whole batch, so
# -DORCHESTRATE_UNITY_BUILD=OFF (one object per source) suits a long editing session.
option(ORCHESTRATE_UNITY_BUILD "Compile sources in batches (unity build)" ON)
set(ORCHESTRATE_UNITY_BATCH 20 CACHE STRING "Sources per unity batch (0: all in one)")

function(orchestrate_unity_build target)
  if(ORCHESTRATE_UNITY_BUILD)
    set_target_properties(${target} PROPERTIES
      UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${ORCHESTRATE_UNITY_BATCH})
  endif()
endfunction()

# The backfill engine's coroutines keep their frames' types in an anonymous namespace, which
# g++ 12 refuses (-Wsubobject-linkage) once the file is included into another: it compiles
# alone.
get_filename_component(_orchestrate_engine "${CMAKE_CURRENT_LIST_DIR}/../src/backfill/engine.cpp"
  ABSOLUTE)
set_source_files_properties("${_orchestrate_engine}" PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
