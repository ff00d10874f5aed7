file(REMOVE_RECURSE
  "../bin/test_sim_netparam"
  "../bin/test_sim_netparam.pdb"
  "CMakeFiles/test_sim_netparam.dir/unit/test_sim_netparam.c.o"
  "CMakeFiles/test_sim_netparam.dir/unit/test_sim_netparam.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_sim_netparam.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
