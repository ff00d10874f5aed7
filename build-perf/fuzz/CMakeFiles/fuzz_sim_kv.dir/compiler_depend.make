# Empty compiler generated dependencies file for fuzz_sim_kv.
# This may be replaced when dependencies are built.
