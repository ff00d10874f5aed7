file(REMOVE_RECURSE
  "../tools/xmodem_recv"
  "../tools/xmodem_recv.pdb"
  "CMakeFiles/xmodem_recv.dir/tools/xmodem_recv.c.o"
  "CMakeFiles/xmodem_recv.dir/tools/xmodem_recv.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/xmodem_recv.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
