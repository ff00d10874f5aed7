file(REMOVE_RECURSE
  "CMakeFiles/fuzz_files.dir/driver.c.o"
  "CMakeFiles/fuzz_files.dir/driver.c.o.d"
  "CMakeFiles/fuzz_files.dir/fuzz_files.c.o"
  "CMakeFiles/fuzz_files.dir/fuzz_files.c.o.d"
  "fuzz_files"
  "fuzz_files.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_files.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
