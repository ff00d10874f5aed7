file(REMOVE_RECURSE
  "../bin/test_str"
  "../bin/test_str.pdb"
  "CMakeFiles/test_str.dir/unit/test_str.c.o"
  "CMakeFiles/test_str.dir/unit/test_str.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_str.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
