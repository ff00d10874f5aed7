# Empty compiler generated dependencies file for fuzz_sim_atcmd.
# This may be replaced when dependencies are built.
