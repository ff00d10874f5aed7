file(REMOVE_RECURSE
  "CMakeFiles/fuzz_server_reg.dir/driver.c.o"
  "CMakeFiles/fuzz_server_reg.dir/driver.c.o.d"
  "CMakeFiles/fuzz_server_reg.dir/fuzz_server_reg.c.o"
  "CMakeFiles/fuzz_server_reg.dir/fuzz_server_reg.c.o.d"
  "fuzz_server_reg"
  "fuzz_server_reg.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_server_reg.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
