file(REMOVE_RECURSE
  "../bin/test_ufota"
  "../bin/test_ufota.pdb"
  "CMakeFiles/test_ufota.dir/unit/test_ufota.c.o"
  "CMakeFiles/test_ufota.dir/unit/test_ufota.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_ufota.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
