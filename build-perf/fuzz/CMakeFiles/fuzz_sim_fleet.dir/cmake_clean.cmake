file(REMOVE_RECURSE
  "CMakeFiles/fuzz_sim_fleet.dir/driver.c.o"
  "CMakeFiles/fuzz_sim_fleet.dir/driver.c.o.d"
  "CMakeFiles/fuzz_sim_fleet.dir/fuzz_sim_fleet.c.o"
  "CMakeFiles/fuzz_sim_fleet.dir/fuzz_sim_fleet.c.o.d"
  "fuzz_sim_fleet"
  "fuzz_sim_fleet.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_sim_fleet.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
