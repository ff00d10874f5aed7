file(REMOVE_RECURSE
  "../bin/test_delta"
  "../bin/test_delta.pdb"
  "CMakeFiles/test_delta.dir/unit/test_delta.c.o"
  "CMakeFiles/test_delta.dir/unit/test_delta.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_delta.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
