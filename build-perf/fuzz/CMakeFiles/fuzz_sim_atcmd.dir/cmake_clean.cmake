file(REMOVE_RECURSE
  "CMakeFiles/fuzz_sim_atcmd.dir/driver.c.o"
  "CMakeFiles/fuzz_sim_atcmd.dir/driver.c.o.d"
  "CMakeFiles/fuzz_sim_atcmd.dir/fuzz_sim_atcmd.c.o"
  "CMakeFiles/fuzz_sim_atcmd.dir/fuzz_sim_atcmd.c.o.d"
  "fuzz_sim_atcmd"
  "fuzz_sim_atcmd.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_sim_atcmd.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
