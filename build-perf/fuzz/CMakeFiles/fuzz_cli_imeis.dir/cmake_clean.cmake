file(REMOVE_RECURSE
  "CMakeFiles/fuzz_cli_imeis.dir/__/cli/imei_list.c.o"
  "CMakeFiles/fuzz_cli_imeis.dir/__/cli/imei_list.c.o.d"
  "CMakeFiles/fuzz_cli_imeis.dir/driver.c.o"
  "CMakeFiles/fuzz_cli_imeis.dir/driver.c.o.d"
  "CMakeFiles/fuzz_cli_imeis.dir/fuzz_cli_imeis.c.o"
  "CMakeFiles/fuzz_cli_imeis.dir/fuzz_cli_imeis.c.o.d"
  "fuzz_cli_imeis"
  "fuzz_cli_imeis.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_cli_imeis.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
