file(REMOVE_RECURSE
  "CMakeFiles/fuzz_xmodem_send.dir/driver.c.o"
  "CMakeFiles/fuzz_xmodem_send.dir/driver.c.o.d"
  "CMakeFiles/fuzz_xmodem_send.dir/fuzz_xmodem_send.c.o"
  "CMakeFiles/fuzz_xmodem_send.dir/fuzz_xmodem_send.c.o.d"
  "fuzz_xmodem_send"
  "fuzz_xmodem_send.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_xmodem_send.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
