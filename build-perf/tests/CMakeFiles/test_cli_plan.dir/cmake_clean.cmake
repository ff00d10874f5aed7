file(REMOVE_RECURSE
  "../bin/test_cli_plan"
  "../bin/test_cli_plan.pdb"
  "CMakeFiles/test_cli_plan.dir/__/cli/plan.c.o"
  "CMakeFiles/test_cli_plan.dir/__/cli/plan.c.o.d"
  "CMakeFiles/test_cli_plan.dir/__/cli/port_kind.c.o"
  "CMakeFiles/test_cli_plan.dir/__/cli/port_kind.c.o.d"
  "CMakeFiles/test_cli_plan.dir/unit/test_cli_plan.c.o"
  "CMakeFiles/test_cli_plan.dir/unit/test_cli_plan.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_cli_plan.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
