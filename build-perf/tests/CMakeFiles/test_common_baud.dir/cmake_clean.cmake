file(REMOVE_RECURSE
  "../bin/test_common_baud"
  "../bin/test_common_baud.pdb"
  "CMakeFiles/test_common_baud.dir/unit/test_common_baud.c.o"
  "CMakeFiles/test_common_baud.dir/unit/test_common_baud.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_common_baud.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
