file(REMOVE_RECURSE
  "../bin/test_dev"
  "../bin/test_dev.pdb"
  "CMakeFiles/test_dev.dir/unit/test_dev.c.o"
  "CMakeFiles/test_dev.dir/unit/test_dev.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_dev.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
