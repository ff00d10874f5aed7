file(REMOVE_RECURSE
  "../bin/test_foat"
  "../bin/test_foat.pdb"
  "CMakeFiles/test_foat.dir/unit/test_foat.c.o"
  "CMakeFiles/test_foat.dir/unit/test_foat.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_foat.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
