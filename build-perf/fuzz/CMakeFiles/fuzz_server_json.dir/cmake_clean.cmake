file(REMOVE_RECURSE
  "CMakeFiles/fuzz_server_json.dir/driver.c.o"
  "CMakeFiles/fuzz_server_json.dir/driver.c.o.d"
  "CMakeFiles/fuzz_server_json.dir/fuzz_server_json.c.o"
  "CMakeFiles/fuzz_server_json.dir/fuzz_server_json.c.o.d"
  "fuzz_server_json"
  "fuzz_server_json.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_server_json.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
