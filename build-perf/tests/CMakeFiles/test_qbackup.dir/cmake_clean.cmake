file(REMOVE_RECURSE
  "../bin/test_qbackup"
  "../bin/test_qbackup.pdb"
  "CMakeFiles/test_qbackup.dir/__/cli/qbackup.c.o"
  "CMakeFiles/test_qbackup.dir/__/cli/qbackup.c.o.d"
  "CMakeFiles/test_qbackup.dir/unit/test_qbackup.c.o"
  "CMakeFiles/test_qbackup.dir/unit/test_qbackup.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_qbackup.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
