file(REMOVE_RECURSE
  "CMakeFiles/peers"
)

# Per-language clean rules from dependency scanning.
foreach(lang )
  include(CMakeFiles/peers.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
