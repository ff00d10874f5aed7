file(REMOVE_RECURSE
  "CMakeFiles/fuzz_sim_lwm2m.dir/driver.c.o"
  "CMakeFiles/fuzz_sim_lwm2m.dir/driver.c.o.d"
  "CMakeFiles/fuzz_sim_lwm2m.dir/fuzz_sim_lwm2m.c.o"
  "CMakeFiles/fuzz_sim_lwm2m.dir/fuzz_sim_lwm2m.c.o.d"
  "fuzz_sim_lwm2m"
  "fuzz_sim_lwm2m.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_sim_lwm2m.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
