file(REMOVE_RECURSE
  "../bin/test_server_cluster"
  "../bin/test_server_cluster.pdb"
  "CMakeFiles/test_server_cluster.dir/unit/test_server_cluster.c.o"
  "CMakeFiles/test_server_cluster.dir/unit/test_server_cluster.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_server_cluster.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
