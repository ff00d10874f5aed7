file(REMOVE_RECURSE
  "CMakeFiles/fuzz_bundle.dir/driver.c.o"
  "CMakeFiles/fuzz_bundle.dir/driver.c.o.d"
  "CMakeFiles/fuzz_bundle.dir/fuzz_bundle.c.o"
  "CMakeFiles/fuzz_bundle.dir/fuzz_bundle.c.o.d"
  "fuzz_bundle"
  "fuzz_bundle.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_bundle.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
