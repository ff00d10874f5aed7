file(REMOVE_RECURSE
  "../bin/test_cli_imei_list"
  "../bin/test_cli_imei_list.pdb"
  "CMakeFiles/test_cli_imei_list.dir/__/cli/imei_list.c.o"
  "CMakeFiles/test_cli_imei_list.dir/__/cli/imei_list.c.o.d"
  "CMakeFiles/test_cli_imei_list.dir/unit/test_cli_imei_list.c.o"
  "CMakeFiles/test_cli_imei_list.dir/unit/test_cli_imei_list.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_cli_imei_list.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
