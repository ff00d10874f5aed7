file(REMOVE_RECURSE
  "../bin/test_persist"
  "../bin/test_persist.pdb"
  "CMakeFiles/test_persist.dir/unit/test_persist.c.o"
  "CMakeFiles/test_persist.dir/unit/test_persist.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_persist.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
