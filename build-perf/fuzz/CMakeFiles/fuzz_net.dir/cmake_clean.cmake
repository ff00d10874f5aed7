file(REMOVE_RECURSE
  "CMakeFiles/fuzz_net.dir/driver.c.o"
  "CMakeFiles/fuzz_net.dir/driver.c.o.d"
  "CMakeFiles/fuzz_net.dir/fuzz_net.c.o"
  "CMakeFiles/fuzz_net.dir/fuzz_net.c.o.d"
  "fuzz_net"
  "fuzz_net.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_net.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
