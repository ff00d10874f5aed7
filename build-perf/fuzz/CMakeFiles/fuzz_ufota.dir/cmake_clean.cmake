file(REMOVE_RECURSE
  "CMakeFiles/fuzz_ufota.dir/driver.c.o"
  "CMakeFiles/fuzz_ufota.dir/driver.c.o.d"
  "CMakeFiles/fuzz_ufota.dir/fuzz_ufota.c.o"
  "CMakeFiles/fuzz_ufota.dir/fuzz_ufota.c.o.d"
  "fuzz_ufota"
  "fuzz_ufota.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_ufota.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
