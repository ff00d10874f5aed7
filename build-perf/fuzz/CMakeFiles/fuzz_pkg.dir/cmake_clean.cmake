file(REMOVE_RECURSE
  "CMakeFiles/fuzz_pkg.dir/driver.c.o"
  "CMakeFiles/fuzz_pkg.dir/driver.c.o.d"
  "CMakeFiles/fuzz_pkg.dir/fuzz_pkg.c.o"
  "CMakeFiles/fuzz_pkg.dir/fuzz_pkg.c.o.d"
  "fuzz_pkg"
  "fuzz_pkg.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_pkg.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
