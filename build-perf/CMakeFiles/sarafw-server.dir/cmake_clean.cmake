file(REMOVE_RECURSE
  "CMakeFiles/sarafw-server.dir/server/main.c.o"
  "CMakeFiles/sarafw-server.dir/server/main.c.o.d"
  "bin/sarafw-server"
  "bin/sarafw-server.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/sarafw-server.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
