file(REMOVE_RECURSE
  "../bin/test_sim_flash"
  "../bin/test_sim_flash.pdb"
  "CMakeFiles/test_sim_flash.dir/unit/test_sim_flash.c.o"
  "CMakeFiles/test_sim_flash.dir/unit/test_sim_flash.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_sim_flash.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
