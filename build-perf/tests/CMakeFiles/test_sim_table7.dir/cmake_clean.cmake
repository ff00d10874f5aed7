file(REMOVE_RECURSE
  "../bin/test_sim_table7"
  "../bin/test_sim_table7.pdb"
  "CMakeFiles/test_sim_table7.dir/unit/test_sim_table7.c.o"
  "CMakeFiles/test_sim_table7.dir/unit/test_sim_table7.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_sim_table7.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
