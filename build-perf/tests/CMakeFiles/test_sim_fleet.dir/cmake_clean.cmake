file(REMOVE_RECURSE
  "../bin/test_sim_fleet"
  "../bin/test_sim_fleet.pdb"
  "CMakeFiles/test_sim_fleet.dir/unit/test_sim_fleet.c.o"
  "CMakeFiles/test_sim_fleet.dir/unit/test_sim_fleet.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_sim_fleet.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
