# Empty compiler generated dependencies file for test_sim_flash.
# This may be replaced when dependencies are built.
