file(REMOVE_RECURSE
  "CMakeFiles/fuzz_install.dir/driver.c.o"
  "CMakeFiles/fuzz_install.dir/driver.c.o.d"
  "CMakeFiles/fuzz_install.dir/fuzz_install.c.o"
  "CMakeFiles/fuzz_install.dir/fuzz_install.c.o.d"
  "fuzz_install"
  "fuzz_install.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_install.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
