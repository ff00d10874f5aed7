# Empty dependencies file for test_ufota.
# This may be replaced when dependencies are built.
