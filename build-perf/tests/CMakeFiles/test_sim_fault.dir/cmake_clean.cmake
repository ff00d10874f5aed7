file(REMOVE_RECURSE
  "../bin/test_sim_fault"
  "../bin/test_sim_fault.pdb"
  "CMakeFiles/test_sim_fault.dir/unit/test_sim_fault.c.o"
  "CMakeFiles/test_sim_fault.dir/unit/test_sim_fault.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_sim_fault.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
