file(REMOVE_RECURSE
  "../tools/udwnfile_send"
  "../tools/udwnfile_send.pdb"
  "CMakeFiles/udwnfile_send.dir/tools/udwnfile_send.c.o"
  "CMakeFiles/udwnfile_send.dir/tools/udwnfile_send.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/udwnfile_send.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
