file(REMOVE_RECURSE
  "../bin/test_sim_files"
  "../bin/test_sim_files.pdb"
  "CMakeFiles/test_sim_files.dir/unit/test_sim_files.c.o"
  "CMakeFiles/test_sim_files.dir/unit/test_sim_files.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_sim_files.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
