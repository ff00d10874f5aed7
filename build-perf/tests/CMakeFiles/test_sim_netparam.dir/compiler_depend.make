# Empty compiler generated dependencies file for test_sim_netparam.
# This may be replaced when dependencies are built.
