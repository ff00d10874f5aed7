# Empty dependencies file for test_sim_modem.
# This may be replaced when dependencies are built.
