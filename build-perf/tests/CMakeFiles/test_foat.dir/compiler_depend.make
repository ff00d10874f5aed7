# Empty compiler generated dependencies file for test_foat.
# This may be replaced when dependencies are built.
