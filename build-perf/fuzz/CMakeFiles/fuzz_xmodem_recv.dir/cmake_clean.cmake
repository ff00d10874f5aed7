file(REMOVE_RECURSE
  "CMakeFiles/fuzz_xmodem_recv.dir/driver.c.o"
  "CMakeFiles/fuzz_xmodem_recv.dir/driver.c.o.d"
  "CMakeFiles/fuzz_xmodem_recv.dir/fuzz_xmodem_recv.c.o"
  "CMakeFiles/fuzz_xmodem_recv.dir/fuzz_xmodem_recv.c.o.d"
  "fuzz_xmodem_recv"
  "fuzz_xmodem_recv.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_xmodem_recv.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
