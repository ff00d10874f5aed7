file(REMOVE_RECURSE
  "CMakeFiles/fuzz_sim_ufwinstall.dir/driver.c.o"
  "CMakeFiles/fuzz_sim_ufwinstall.dir/driver.c.o.d"
  "CMakeFiles/fuzz_sim_ufwinstall.dir/fuzz_sim_ufwinstall.c.o"
  "CMakeFiles/fuzz_sim_ufwinstall.dir/fuzz_sim_ufwinstall.c.o.d"
  "fuzz_sim_ufwinstall"
  "fuzz_sim_ufwinstall.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_sim_ufwinstall.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
