file(REMOVE_RECURSE
  "../bin/test_sim_install"
  "../bin/test_sim_install.pdb"
  "CMakeFiles/test_sim_install.dir/unit/test_sim_install.c.o"
  "CMakeFiles/test_sim_install.dir/unit/test_sim_install.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_sim_install.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
