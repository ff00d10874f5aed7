file(REMOVE_RECURSE
  "CMakeFiles/fuzz_file_read.dir/driver.c.o"
  "CMakeFiles/fuzz_file_read.dir/driver.c.o.d"
  "CMakeFiles/fuzz_file_read.dir/fuzz_file_read.c.o"
  "CMakeFiles/fuzz_file_read.dir/fuzz_file_read.c.o.d"
  "fuzz_file_read"
  "fuzz_file_read.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_file_read.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
