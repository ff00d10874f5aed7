file(REMOVE_RECURSE
  "CMakeFiles/fuzz_identify.dir/driver.c.o"
  "CMakeFiles/fuzz_identify.dir/driver.c.o.d"
  "CMakeFiles/fuzz_identify.dir/fuzz_identify.c.o"
  "CMakeFiles/fuzz_identify.dir/fuzz_identify.c.o.d"
  "fuzz_identify"
  "fuzz_identify.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_identify.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
