file(REMOVE_RECURSE
  "../bin/test_sim_flashmode"
  "../bin/test_sim_flashmode.pdb"
  "CMakeFiles/test_sim_flashmode.dir/unit/test_sim_flashmode.c.o"
  "CMakeFiles/test_sim_flashmode.dir/unit/test_sim_flashmode.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_sim_flashmode.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
