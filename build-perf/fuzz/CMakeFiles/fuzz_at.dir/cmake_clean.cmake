file(REMOVE_RECURSE
  "CMakeFiles/fuzz_at.dir/driver.c.o"
  "CMakeFiles/fuzz_at.dir/driver.c.o.d"
  "CMakeFiles/fuzz_at.dir/fuzz_at.c.o"
  "CMakeFiles/fuzz_at.dir/fuzz_at.c.o.d"
  "fuzz_at"
  "fuzz_at.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_at.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
