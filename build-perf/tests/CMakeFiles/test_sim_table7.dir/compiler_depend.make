# Empty compiler generated dependencies file for test_sim_table7.
# This may be replaced when dependencies are built.
