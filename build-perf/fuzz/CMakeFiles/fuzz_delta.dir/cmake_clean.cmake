file(REMOVE_RECURSE
  "CMakeFiles/fuzz_delta.dir/driver.c.o"
  "CMakeFiles/fuzz_delta.dir/driver.c.o.d"
  "CMakeFiles/fuzz_delta.dir/fuzz_delta.c.o"
  "CMakeFiles/fuzz_delta.dir/fuzz_delta.c.o.d"
  "fuzz_delta"
  "fuzz_delta.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_delta.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
