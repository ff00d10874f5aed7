file(REMOVE_RECURSE
  "../bin/test_at"
  "../bin/test_at.pdb"
  "CMakeFiles/test_at.dir/unit/test_at.c.o"
  "CMakeFiles/test_at.dir/unit/test_at.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_at.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
