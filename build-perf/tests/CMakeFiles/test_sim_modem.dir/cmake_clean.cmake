file(REMOVE_RECURSE
  "../bin/test_sim_modem"
  "../bin/test_sim_modem.pdb"
  "CMakeFiles/test_sim_modem.dir/unit/test_sim_modem.c.o"
  "CMakeFiles/test_sim_modem.dir/unit/test_sim_modem.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_sim_modem.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
