# Every change kind registers itself in its own file (changes/kind.hpp) with a function
# `ChangeKind change_kind_<name>()`; orchestrate_kind_list(ROOT OUT) generates the list of them
# from ROOT/src/changes/ into the build tree and sets OUT to the generated source, so a new kind's
# file is all it takes, and no kind can be left out by a linker that drops objects nothing
# references. Any edit there re-runs the configure step (the list is rewritten only when it
# changes).
function(orchestrate_kind_list root out)
  file(GLOB sources CONFIGURE_DEPENDS "${root}/src/changes/*.cpp")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${sources})
  set(kinds "")
  foreach(source IN LISTS sources)
    file(STRINGS "${source}" found REGEX "^ChangeKind change_kind_[a-z_]+\\(\\)")
    foreach(line IN LISTS found)
      string(REGEX REPLACE "^ChangeKind change_kind_([a-z_]+)\\(\\).*" "\\1" kind "${line}")
      list(APPEND kinds "${kind}")
    endforeach()
  endforeach()
  list(SORT kinds)
  set(ORCHESTRATE_KIND_DECLARATIONS "")
  set(ORCHESTRATE_KIND_CALLS "")
  foreach(kind IN LISTS kinds)
    string(APPEND ORCHESTRATE_KIND_DECLARATIONS "ChangeKind change_kind_${kind}();\n")
    string(APPEND ORCHESTRATE_KIND_CALLS "      change_kind_${kind}(),\n")
  endforeach()
  configure_file("${root}/src/changes/kind_list.cpp.in"
                 "${CMAKE_BINARY_DIR}/generated/kind_list.cpp" @ONLY)
  set(${out} "${CMAKE_BINARY_DIR}/generated/kind_list.cpp" PARENT_SCOPE)
endfunction()
