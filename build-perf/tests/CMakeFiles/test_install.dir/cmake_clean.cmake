file(REMOVE_RECURSE
  "../bin/test_install"
  "../bin/test_install.pdb"
  "CMakeFiles/test_install.dir/unit/test_install.c.o"
  "CMakeFiles/test_install.dir/unit/test_install.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_install.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
