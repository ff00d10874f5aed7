file(REMOVE_RECURSE
  "../bin/test_server_campaign"
  "../bin/test_server_campaign.pdb"
  "CMakeFiles/test_server_campaign.dir/unit/test_server_campaign.c.o"
  "CMakeFiles/test_server_campaign.dir/unit/test_server_campaign.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_server_campaign.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
