file(REMOVE_RECURSE
  "../bin/test_server_parse"
  "../bin/test_server_parse.pdb"
  "CMakeFiles/test_server_parse.dir/unit/test_server_parse.c.o"
  "CMakeFiles/test_server_parse.dir/unit/test_server_parse.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_server_parse.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
