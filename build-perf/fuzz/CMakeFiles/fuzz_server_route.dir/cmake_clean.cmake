file(REMOVE_RECURSE
  "CMakeFiles/fuzz_server_route.dir/driver.c.o"
  "CMakeFiles/fuzz_server_route.dir/driver.c.o.d"
  "CMakeFiles/fuzz_server_route.dir/fuzz_server_route.c.o"
  "CMakeFiles/fuzz_server_route.dir/fuzz_server_route.c.o.d"
  "fuzz_server_route"
  "fuzz_server_route.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_server_route.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
