# Empty dependencies file for test_bundle.
# This may be replaced when dependencies are built.
