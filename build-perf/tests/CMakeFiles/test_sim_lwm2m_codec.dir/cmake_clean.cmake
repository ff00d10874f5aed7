file(REMOVE_RECURSE
  "../bin/test_sim_lwm2m_codec"
  "../bin/test_sim_lwm2m_codec.pdb"
  "CMakeFiles/test_sim_lwm2m_codec.dir/unit/test_sim_lwm2m_codec.c.o"
  "CMakeFiles/test_sim_lwm2m_codec.dir/unit/test_sim_lwm2m_codec.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_sim_lwm2m_codec.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
