file(REMOVE_RECURSE
  "../bin/test_net"
  "../bin/test_net.pdb"
  "CMakeFiles/test_net.dir/unit/test_net.c.o"
  "CMakeFiles/test_net.dir/unit/test_net.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_net.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
