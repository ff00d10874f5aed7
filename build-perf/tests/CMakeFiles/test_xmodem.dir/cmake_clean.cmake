file(REMOVE_RECURSE
  "../bin/test_xmodem"
  "../bin/test_xmodem.pdb"
  "CMakeFiles/test_xmodem.dir/unit/test_xmodem.c.o"
  "CMakeFiles/test_xmodem.dir/unit/test_xmodem.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_xmodem.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
