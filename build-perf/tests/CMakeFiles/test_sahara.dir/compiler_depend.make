# Empty compiler generated dependencies file for test_sahara.
# This may be replaced when dependencies are built.
