file(REMOVE_RECURSE
  "../bin/test_guard"
  "../bin/test_guard.pdb"
  "CMakeFiles/test_guard.dir/unit/test_guard.c.o"
  "CMakeFiles/test_guard.dir/unit/test_guard.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_guard.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
