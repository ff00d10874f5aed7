file(REMOVE_RECURSE
  "../tools/xmodem_send"
  "../tools/xmodem_send.pdb"
  "CMakeFiles/xmodem_send.dir/tools/xmodem_send.c.o"
  "CMakeFiles/xmodem_send.dir/tools/xmodem_send.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/xmodem_send.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
