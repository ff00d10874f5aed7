file(REMOVE_RECURSE
  "../bin/test_server_db"
  "../bin/test_server_db.pdb"
  "CMakeFiles/test_server_db.dir/unit/test_server_db.c.o"
  "CMakeFiles/test_server_db.dir/unit/test_server_db.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_server_db.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
