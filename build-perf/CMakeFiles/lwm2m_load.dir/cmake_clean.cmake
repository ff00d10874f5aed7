file(REMOVE_RECURSE
  "CMakeFiles/lwm2m_load.dir/bench/lwm2m_load.c.o"
  "CMakeFiles/lwm2m_load.dir/bench/lwm2m_load.c.o.d"
  "bin/lwm2m_load"
  "bin/lwm2m_load.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/lwm2m_load.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
