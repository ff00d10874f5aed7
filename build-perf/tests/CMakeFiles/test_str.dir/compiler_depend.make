# Empty compiler generated dependencies file for test_str.
# This may be replaced when dependencies are built.
