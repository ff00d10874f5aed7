# Empty compiler generated dependencies file for fuzz_sim_files.
# This may be replaced when dependencies are built.
