file(REMOVE_RECURSE
  "../bin/test_cmdbuf"
  "../bin/test_cmdbuf.pdb"
  "CMakeFiles/test_cmdbuf.dir/unit/test_cmdbuf.c.o"
  "CMakeFiles/test_cmdbuf.dir/unit/test_cmdbuf.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_cmdbuf.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
