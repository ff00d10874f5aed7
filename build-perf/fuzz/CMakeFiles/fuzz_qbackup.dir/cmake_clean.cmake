file(REMOVE_RECURSE
  "CMakeFiles/fuzz_qbackup.dir/__/cli/qbackup.c.o"
  "CMakeFiles/fuzz_qbackup.dir/__/cli/qbackup.c.o.d"
  "CMakeFiles/fuzz_qbackup.dir/driver.c.o"
  "CMakeFiles/fuzz_qbackup.dir/driver.c.o.d"
  "CMakeFiles/fuzz_qbackup.dir/fuzz_qbackup.c.o"
  "CMakeFiles/fuzz_qbackup.dir/fuzz_qbackup.c.o.d"
  "fuzz_qbackup"
  "fuzz_qbackup.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_qbackup.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
