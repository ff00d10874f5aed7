file(REMOVE_RECURSE
  "../bin/test_download"
  "../bin/test_download.pdb"
  "CMakeFiles/test_download.dir/unit/test_download.c.o"
  "CMakeFiles/test_download.dir/unit/test_download.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_download.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
