# Empty dependencies file for test_common_baud.
# This may be replaced when dependencies are built.
