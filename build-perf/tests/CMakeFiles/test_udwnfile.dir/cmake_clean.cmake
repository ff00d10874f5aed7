file(REMOVE_RECURSE
  "../bin/test_udwnfile"
  "../bin/test_udwnfile.pdb"
  "CMakeFiles/test_udwnfile.dir/unit/test_udwnfile.c.o"
  "CMakeFiles/test_udwnfile.dir/unit/test_udwnfile.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_udwnfile.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
