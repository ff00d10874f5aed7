file(REMOVE_RECURSE
  "CMakeFiles/fuzz_persist.dir/driver.c.o"
  "CMakeFiles/fuzz_persist.dir/driver.c.o.d"
  "CMakeFiles/fuzz_persist.dir/fuzz_persist.c.o"
  "CMakeFiles/fuzz_persist.dir/fuzz_persist.c.o.d"
  "fuzz_persist"
  "fuzz_persist.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_persist.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
