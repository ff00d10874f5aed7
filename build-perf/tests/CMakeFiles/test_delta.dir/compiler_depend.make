# Empty compiler generated dependencies file for test_delta.
# This may be replaced when dependencies are built.
