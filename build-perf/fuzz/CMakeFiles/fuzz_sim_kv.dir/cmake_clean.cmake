file(REMOVE_RECURSE
  "CMakeFiles/fuzz_sim_kv.dir/driver.c.o"
  "CMakeFiles/fuzz_sim_kv.dir/driver.c.o.d"
  "CMakeFiles/fuzz_sim_kv.dir/fuzz_sim_kv.c.o"
  "CMakeFiles/fuzz_sim_kv.dir/fuzz_sim_kv.c.o.d"
  "fuzz_sim_kv"
  "fuzz_sim_kv.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_sim_kv.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
