file(REMOVE_RECURSE
  "CMakeFiles/fuzz_guard.dir/driver.c.o"
  "CMakeFiles/fuzz_guard.dir/driver.c.o.d"
  "CMakeFiles/fuzz_guard.dir/fuzz_guard.c.o"
  "CMakeFiles/fuzz_guard.dir/fuzz_guard.c.o.d"
  "fuzz_guard"
  "fuzz_guard.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_guard.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
