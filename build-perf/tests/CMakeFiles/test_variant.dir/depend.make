# Empty dependencies file for test_variant.
# This may be replaced when dependencies are built.
