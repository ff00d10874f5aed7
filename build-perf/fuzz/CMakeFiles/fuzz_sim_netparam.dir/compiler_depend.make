# Empty compiler generated dependencies file for fuzz_sim_netparam.
# This may be replaced when dependencies are built.
