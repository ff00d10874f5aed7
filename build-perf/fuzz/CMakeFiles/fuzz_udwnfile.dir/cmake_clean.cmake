file(REMOVE_RECURSE
  "CMakeFiles/fuzz_udwnfile.dir/driver.c.o"
  "CMakeFiles/fuzz_udwnfile.dir/driver.c.o.d"
  "CMakeFiles/fuzz_udwnfile.dir/fuzz_udwnfile.c.o"
  "CMakeFiles/fuzz_udwnfile.dir/fuzz_udwnfile.c.o.d"
  "fuzz_udwnfile"
  "fuzz_udwnfile.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_udwnfile.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
