file(REMOVE_RECURSE
  "CMakeFiles/fuzz_foat.dir/driver.c.o"
  "CMakeFiles/fuzz_foat.dir/driver.c.o.d"
  "CMakeFiles/fuzz_foat.dir/fuzz_foat.c.o"
  "CMakeFiles/fuzz_foat.dir/fuzz_foat.c.o.d"
  "fuzz_foat"
  "fuzz_foat.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_foat.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
