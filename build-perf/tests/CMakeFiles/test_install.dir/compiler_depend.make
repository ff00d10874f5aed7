# Empty compiler generated dependencies file for test_install.
# This may be replaced when dependencies are built.
