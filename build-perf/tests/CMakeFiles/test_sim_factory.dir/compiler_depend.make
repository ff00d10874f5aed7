# Empty compiler generated dependencies file for test_sim_factory.
# This may be replaced when dependencies are built.
