file(REMOVE_RECURSE
  "../bin/test_sim_factory"
  "../bin/test_sim_factory.pdb"
  "CMakeFiles/test_sim_factory.dir/unit/test_sim_factory.c.o"
  "CMakeFiles/test_sim_factory.dir/unit/test_sim_factory.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_sim_factory.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
