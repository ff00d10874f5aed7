file(REMOVE_RECURSE
  "CMakeFiles/fuzz_sahara.dir/driver.c.o"
  "CMakeFiles/fuzz_sahara.dir/driver.c.o.d"
  "CMakeFiles/fuzz_sahara.dir/fuzz_sahara.c.o"
  "CMakeFiles/fuzz_sahara.dir/fuzz_sahara.c.o.d"
  "fuzz_sahara"
  "fuzz_sahara.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_sahara.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
