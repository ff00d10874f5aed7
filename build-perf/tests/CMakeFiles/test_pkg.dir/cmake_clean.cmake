file(REMOVE_RECURSE
  "../bin/test_pkg"
  "../bin/test_pkg.pdb"
  "CMakeFiles/test_pkg.dir/unit/test_pkg.c.o"
  "CMakeFiles/test_pkg.dir/unit/test_pkg.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_pkg.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
