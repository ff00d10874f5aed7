file(REMOVE_RECURSE
  "CMakeFiles/sarafw-sim.dir/sim/main.c.o"
  "CMakeFiles/sarafw-sim.dir/sim/main.c.o.d"
  "bin/sarafw-sim"
  "bin/sarafw-sim.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/sarafw-sim.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
