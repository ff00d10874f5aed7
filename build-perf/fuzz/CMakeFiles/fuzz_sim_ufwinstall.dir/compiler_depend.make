# Empty compiler generated dependencies file for fuzz_sim_ufwinstall.
# This may be replaced when dependencies are built.
