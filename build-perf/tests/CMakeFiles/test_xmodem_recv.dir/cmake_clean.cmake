file(REMOVE_RECURSE
  "../bin/test_xmodem_recv"
  "../bin/test_xmodem_recv.pdb"
  "CMakeFiles/test_xmodem_recv.dir/unit/test_xmodem_recv.c.o"
  "CMakeFiles/test_xmodem_recv.dir/unit/test_xmodem_recv.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_xmodem_recv.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
