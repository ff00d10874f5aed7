file(REMOVE_RECURSE
  "CMakeFiles/fuzz_sim_netparam.dir/driver.c.o"
  "CMakeFiles/fuzz_sim_netparam.dir/driver.c.o.d"
  "CMakeFiles/fuzz_sim_netparam.dir/fuzz_sim_netparam.c.o"
  "CMakeFiles/fuzz_sim_netparam.dir/fuzz_sim_netparam.c.o.d"
  "fuzz_sim_netparam"
  "fuzz_sim_netparam.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_sim_netparam.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
