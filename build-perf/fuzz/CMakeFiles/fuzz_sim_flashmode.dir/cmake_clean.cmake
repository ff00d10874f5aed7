file(REMOVE_RECURSE
  "CMakeFiles/fuzz_sim_flashmode.dir/driver.c.o"
  "CMakeFiles/fuzz_sim_flashmode.dir/driver.c.o.d"
  "CMakeFiles/fuzz_sim_flashmode.dir/fuzz_sim_flashmode.c.o"
  "CMakeFiles/fuzz_sim_flashmode.dir/fuzz_sim_flashmode.c.o.d"
  "fuzz_sim_flashmode"
  "fuzz_sim_flashmode.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_sim_flashmode.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
