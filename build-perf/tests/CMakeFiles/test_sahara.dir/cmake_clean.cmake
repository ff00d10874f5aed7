file(REMOVE_RECURSE
  "../bin/test_sahara"
  "../bin/test_sahara.pdb"
  "CMakeFiles/test_sahara.dir/unit/test_sahara.c.o"
  "CMakeFiles/test_sahara.dir/unit/test_sahara.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_sahara.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
