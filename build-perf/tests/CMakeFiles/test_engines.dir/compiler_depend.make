# Empty compiler generated dependencies file for test_engines.
# This may be replaced when dependencies are built.
