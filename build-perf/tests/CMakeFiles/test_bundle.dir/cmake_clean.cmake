file(REMOVE_RECURSE
  "../bin/test_bundle"
  "../bin/test_bundle.pdb"
  "CMakeFiles/test_bundle.dir/unit/test_bundle.c.o"
  "CMakeFiles/test_bundle.dir/unit/test_bundle.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_bundle.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
