file(REMOVE_RECURSE
  "../bin/test_variant"
  "../bin/test_variant.pdb"
  "CMakeFiles/test_variant.dir/unit/test_variant.c.o"
  "CMakeFiles/test_variant.dir/unit/test_variant.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_variant.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
