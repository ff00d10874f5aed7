file(REMOVE_RECURSE
  "../bin/test_engines"
  "../bin/test_engines.pdb"
  "CMakeFiles/test_engines.dir/unit/test_engines.c.o"
  "CMakeFiles/test_engines.dir/unit/test_engines.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_engines.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
