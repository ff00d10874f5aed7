file(REMOVE_RECURSE
  "CMakeFiles/fuzz_server_pgsql.dir/driver.c.o"
  "CMakeFiles/fuzz_server_pgsql.dir/driver.c.o.d"
  "CMakeFiles/fuzz_server_pgsql.dir/fuzz_server_pgsql.c.o"
  "CMakeFiles/fuzz_server_pgsql.dir/fuzz_server_pgsql.c.o.d"
  "fuzz_server_pgsql"
  "fuzz_server_pgsql.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_server_pgsql.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
