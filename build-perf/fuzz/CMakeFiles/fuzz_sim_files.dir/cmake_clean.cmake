file(REMOVE_RECURSE
  "CMakeFiles/fuzz_sim_files.dir/driver.c.o"
  "CMakeFiles/fuzz_sim_files.dir/driver.c.o.d"
  "CMakeFiles/fuzz_sim_files.dir/fuzz_sim_files.c.o"
  "CMakeFiles/fuzz_sim_files.dir/fuzz_sim_files.c.o.d"
  "fuzz_sim_files"
  "fuzz_sim_files.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_sim_files.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
