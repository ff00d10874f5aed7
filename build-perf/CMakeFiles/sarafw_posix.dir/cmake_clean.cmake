file(REMOVE_RECURSE
  "CMakeFiles/sarafw_posix.dir/port/posix/serial.c.o"
  "CMakeFiles/sarafw_posix.dir/port/posix/serial.c.o.d"
  "libsarafw_posix.a"
  "libsarafw_posix.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/sarafw_posix.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
