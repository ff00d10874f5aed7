file(REMOVE_RECURSE
  "../bin/test_files"
  "../bin/test_files.pdb"
  "CMakeFiles/test_files.dir/unit/test_files.c.o"
  "CMakeFiles/test_files.dir/unit/test_files.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_files.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
